/**
 * Turn a history entry's `created_by` into the Dockerfile instruction it records, whatever wrote
 * it: Docker's classic builder (`/bin/sh -c #(nop)  ENV A=b`, `/bin/sh -c apt-get ...`,
 * `|2 A=b C=d /bin/sh -c ...`), BuildKit (`RUN |2 A=b /bin/sh -c ...`, `COPY x /y # buildkit`,
 * `EXPOSE map[22/tcp:{}]`), or other builders that write the instruction as typed.
 */
export type Instruction =
  | 'RUN'
  | 'ENV'
  | 'ARG'
  | 'LABEL'
  | 'EXPOSE'
  | 'USER'
  | 'ADD'
  | 'COPY'
  | 'VOLUME'
  | 'CMD'
  | 'ENTRYPOINT'
  | 'WORKDIR'
  | 'HEALTHCHECK'
  | 'SHELL'
  | 'ONBUILD'
  | 'STOPSIGNAL'
  | 'MAINTAINER'
  | 'FROM'
  | 'OTHER';

const INSTRUCTIONS = new Set<string>([
  'RUN', 'ENV', 'ARG', 'LABEL', 'EXPOSE', 'USER', 'ADD', 'COPY', 'VOLUME', 'CMD', 'ENTRYPOINT', 'WORKDIR', 'HEALTHCHECK',
  'SHELL', 'ONBUILD', 'STOPSIGNAL', 'MAINTAINER', 'FROM',
]);

export interface BuildArg {
  name: string;
  value: string;
  /** Offset of the value in `createdBy`. */
  offset: number;
}

export interface NormalizedStep {
  instruction: Instruction;
  /** The instruction's arguments; for RUN, the command the shell ran (without `/bin/sh -c`). */
  text: string;
  /** Offset of `text` in the original `createdBy`, so matches can be mapped back. */
  offset: number;
  /** Build arguments recorded in front of a RUN command (`|2 A=b C=d`). */
  buildArgs: BuildArg[];
  createdBy: string;
}

/** A shell invocation in front of a command: `/bin/sh -c`, `/bin/bash -o pipefail -c`, `/bin/sh -eux -c`, `cmd /S /C`. */
const SHELL_PREFIX = /^(?:(?:\/usr)?\/bin\/(?:ba|da|z|k|a|mk)?sh(?:\s+-[a-zA-Z]+(?:\s+(?:pipefail|errexit|nounset|xtrace))?)*?\s+-[a-zA-Z]*c(?:\s+|$)|cmd\s+\/S\s+\/C\s+|powershell(?:\.exe)?\s+(?:-\S+\s+)*?-Command\s+)/i;

export function normalizeCreatedBy(createdBy: string): NormalizedStep {
  const step: NormalizedStep = { instruction: 'OTHER', text: createdBy, offset: 0, buildArgs: [], createdBy };
  let position = skipSpaces(createdBy, 0);

  const shell = SHELL_PREFIX.exec(createdBy.slice(position));
  if (shell) {
    const afterShell = skipSpaces(createdBy, position + shell[0].length);
    const nop = /^#\(nop\)\s*/.exec(createdBy.slice(afterShell));
    if (nop) return instructionStep(step, afterShell + nop[0].length);
    return setText(step, 'RUN', afterShell);
  }
  const nop = /^#\(nop\)\s*/.exec(createdBy.slice(position));
  if (nop) return instructionStep(step, position + nop[0].length);
  if (/^\|\d+\s/.test(createdBy.slice(position))) return runStep(step, position);
  const word = /^([A-Za-z]+)(?:\s+|$)/.exec(createdBy.slice(position));
  if (word && INSTRUCTIONS.has(word[1]!.toUpperCase())) return instructionStep(step, position);
  position = skipSpaces(createdBy, position);
  return setText(step, 'OTHER', position);
}

function instructionStep(step: NormalizedStep, position: number): NormalizedStep {
  const source = step.createdBy;
  const word = /^([A-Za-z]+)(?:\s+|$)/.exec(source.slice(position));
  if (!word || !INSTRUCTIONS.has(word[1]!.toUpperCase())) return setText(step, 'OTHER', position);
  const instruction = word[1]!.toUpperCase() as Instruction;
  const start = position + word[0].length;
  if (instruction === 'RUN') return runStep(step, start);
  return setText(step, instruction, start);
}

/** A RUN body: optional `|N K=V ...` build arguments, optional flags, optional shell prefix, then the command. */
function runStep(step: NormalizedStep, position: number): NormalizedStep {
  const source = step.createdBy;
  let cursor = skipSpaces(source, position);
  const count = /^\|(\d+)\s*/.exec(source.slice(cursor));
  if (count) {
    cursor += count[0].length;
    cursor = readBuildArgs(step, cursor, Number(count[1]));
  }
  // BuildKit flags that some tools record (`--mount=...`, `--network=...`).
  for (let flag = /^--[a-z-]+=\S+\s+/.exec(source.slice(cursor)); flag; flag = /^--[a-z-]+=\S+\s+/.exec(source.slice(cursor))) cursor += flag[0].length;
  const shell = SHELL_PREFIX.exec(source.slice(cursor));
  if (shell) cursor = skipSpaces(source, cursor + shell[0].length);
  return setText(step, 'RUN', cursor);
}

/**
 * Read `count` NAME=value pairs. Values are written unquoted, so one containing spaces runs to
 * the next `NAME=` (or, for the last, to the shell prefix when there is one).
 */
function readBuildArgs(step: NormalizedStep, position: number, count: number): number {
  const source = step.createdBy;
  let cursor = position;
  for (let index = 0; index < count; index++) {
    const name = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(source.slice(cursor));
    if (!name) break;
    const valueStart = cursor + name[0].length;
    const rest = source.slice(valueStart);
    let valueLength: number;
    if (index < count - 1) {
      const next = /\s[A-Za-z_][A-Za-z0-9_]*=/.exec(rest);
      valueLength = next ? next.index : rest.length;
    } else {
      const shell = /\s(?:(?:\/usr)?\/bin\/(?:ba|da|z|k|a|mk)?sh\s|cmd\s+\/S\s+\/C\s)/.exec(rest);
      const space = /\s/.exec(rest);
      valueLength = shell ? shell.index : space ? space.index : rest.length;
    }
    step.buildArgs.push({ name: name[1]!, value: rest.slice(0, valueLength), offset: valueStart });
    cursor = skipSpaces(source, valueStart + valueLength);
  }
  return cursor;
}

function setText(step: NormalizedStep, instruction: Instruction, position: number): NormalizedStep {
  let text = step.createdBy.slice(position);
  // BuildKit marks COPY and ADD it wrote itself.
  text = text.replace(/\s+# buildkit\s*$/, '').replace(/\s+$/, '');
  return { ...step, instruction, text, offset: position };
}

function skipSpaces(text: string, position: number): number {
  while (position < text.length && /\s/.test(text[position]!)) position++;
  return position;
}

/**
 * The NAME=value pairs of an ENV, LABEL or ARG instruction. Values may be quoted; the classic
 * builder writes them unquoted, so words without `=` belong to the value before them. The legacy
 * `ENV NAME value with spaces` form gives one pair.
 */
export function parseAssignments(text: string, offset = 0): Array<{ name: string; value: string; offset: number }> {
  const pairs: Array<{ name: string; value: string; offset: number }> = [];
  const legacy = /^([^\s=]+)\s+(?![^\s=]+=)(.*)$/s.exec(text);
  if (legacy && !text.slice(0, legacy[1]!.length).includes('=')) {
    return [{ name: legacy[1]!, value: legacy[2]!, offset: offset + legacy[0].length - legacy[2]!.length }];
  }
  const pattern = /([^\s=]+)=("(?:[^"\\]|\\.)*"|'[^']*'|(?:[^\s\\]|\\.)*)|(\S+)/g;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    if (match[3] !== undefined) {
      // A bare word: part of the previous unquoted value.
      const previous = pairs[pairs.length - 1];
      if (previous) previous.value = text.slice(previous.offset - offset, match.index + match[0].length);
      continue;
    }
    const raw = match[2]!;
    const valueOffset = offset + match.index + match[1]!.length + 1;
    const quoted = (raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2) || (raw.startsWith("'") && raw.endsWith("'") && raw.length >= 2);
    pairs.push({
      name: match[1]!.replace(/^["']|["']$/g, ''),
      value: quoted ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw.replace(/\\(.)/g, '$1'),
      offset: quoted ? valueOffset + 1 : valueOffset,
    });
  }
  return pairs;
}

/** Ports named by an EXPOSE instruction, in any of its recorded forms (`22/tcp`, `map[22/tcp:{}]`, `22`). */
export function exposedPorts(text: string): Array<{ port: number; protocol: string }> {
  const ports: Array<{ port: number; protocol: string }> = [];
  for (const match of text.matchAll(/(?<![\w.])(\d{1,5})(?:-\d{1,5})?(?:\/(tcp|udp|sctp))?(?![\w.])/gi)) {
    ports.push({ port: Number(match[1]), protocol: (match[2] ?? 'tcp').toLowerCase() });
  }
  return ports;
}
