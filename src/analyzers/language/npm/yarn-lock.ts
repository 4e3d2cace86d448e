import { z } from 'zod';
import type { PackageRecord } from '../../../core/package.js';
import { MiB, PackageList, baseName, isInsideFolder, packageFileAnalyzer, parseLockfileYaml, validate } from '../common.js';

export function isYarnLock(path: string): boolean {
  return baseName(path) === 'yarn.lock' && !isInsideFolder(path, 'node_modules');
}

/**
 * Sources that are not a published package version: the project's own workspaces, patched
 * copies (the unpatched original has its own entry), local folders and git checkouts, whose
 * package.json version says nothing about the code. The same list Trivy skips.
 */
const NON_REGISTRY_PROTOCOLS = new Set(['workspace', 'patch', 'file', 'link', 'portal', 'exec', 'github', 'git', 'git+ssh', 'git+http', 'git+https', 'git+file']);

/** yarn.lock of Yarn 1 (its own text format) or Yarn 2+ "berry" (YAML with a __metadata entry). */
export function parseYarnLock(text: string): PackageRecord[] {
  return /^__metadata:/m.test(text) ? parseBerryLock(text) : parseClassicLock(text);
}

interface Descriptor {
  /** The package's real name, through "npm:" aliases. */
  name: string;
  protocol: string | undefined;
}

/** "@scope/a@^1.0.0", "alias@npm:real@^2", "a@file:../a" -> name and protocol. */
function parseDescriptor(descriptor: string): Descriptor | undefined {
  const at = descriptor.indexOf('@', 1);
  if (at < 0) return undefined;
  const name = descriptor.slice(0, at);
  const range = descriptor.slice(at + 1);
  const protocol = /^([a-z][a-z+]*):/.exec(range)?.[1];
  if (protocol === 'npm') {
    const target = range.slice('npm:'.length);
    const targetAt = target.indexOf('@', 1);
    // "npm:^1.0.0" is the same package; "npm:real@^1.0.0" an alias of another.
    if (targetAt > 0 && !/^[\d^~<>=*]/.test(target)) return { name: target.slice(0, targetAt), protocol };
  }
  return { name, protocol };
}

// Yarn 1 -------------------------------------------------------------------------------------

interface ClassicEntry {
  line: number;
  descriptors: string[];
  version?: string;
}

function parseClassicLock(text: string): PackageRecord[] {
  const entries: ClassicEntry[] = [];
  let current: ClassicEntry | undefined;
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const lineNumber = index + 1;
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const indent = line.length - line.trimStart().length;
    if (indent === 0) {
      if (!line.endsWith(':')) throw new Error(`yarn.lock line ${lineNumber}: expected a "package@range:" header, found ${JSON.stringify(truncate(line))}`);
      current = { line: lineNumber, descriptors: splitDescriptors(line.slice(0, -1), lineNumber) };
      entries.push(current);
      continue;
    }
    if (!current) throw new Error(`yarn.lock line ${lineNumber}: indented line before any package header`);
    // Deeper lines list the entry's own dependencies, which have their own entries.
    if (indent !== 2) continue;
    const field = /^\s+("?)([^\s"]+)\1\s+(.*)$/.exec(line);
    if (field?.[2] === 'version') current.version = unquote(field[3]!.trim());
  }

  const list = new PackageList('npm');
  for (const entry of entries) {
    if (entry.version === undefined) throw new Error(`yarn.lock line ${entry.line}: entry ${entry.descriptors.join(', ')} has no version`);
    const descriptors = entry.descriptors.map((descriptor) => parseDescriptor(descriptor));
    const first = descriptors[0];
    if (!first || descriptors.some((descriptor) => descriptor === undefined)) {
      throw new Error(`yarn.lock line ${entry.line}: cannot read a package name from ${entry.descriptors.join(', ')}`);
    }
    if (first.protocol !== undefined && NON_REGISTRY_PROTOCOLS.has(first.protocol)) continue;
    list.add({ name: first.name, version: entry.version });
  }
  return list.records();
}

/** `"a@^1", a@^1.2, "a@npm:b@^2"` -> the descriptors, unquoted. */
function splitDescriptors(header: string, lineNumber: number): string[] {
  const descriptors: string[] = [];
  for (const part of header.split(',')) {
    const descriptor = unquote(part.trim());
    if (descriptor === '') throw new Error(`yarn.lock line ${lineNumber}: empty package descriptor in header`);
    descriptors.push(descriptor);
  }
  return descriptors;
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value;
}

function truncate(line: string): string {
  return line.length > 80 ? `${line.slice(0, 80)}…` : line;
}

// Yarn 2+ ------------------------------------------------------------------------------------

const BerryEntry = z.object({
  version: z.union([z.string(), z.number()]).transform(String).optional(),
  resolution: z.string(),
});

function parseBerryLock(text: string): PackageRecord[] {
  const list = new PackageList('npm');
  for (const [key, value] of parseLockfileYaml(text, 'yarn.lock').flatMap((document) => Object.entries(document))) {
    if (key === '__metadata') continue;
    const entry = validate(value, BerryEntry, `yarn.lock entry "${key}"`);
    const at = entry.resolution.indexOf('@', 1);
    if (at < 0) throw new Error(`yarn.lock entry "${key}": resolution ${JSON.stringify(entry.resolution)} names no package`);
    const name = entry.resolution.slice(0, at);
    const reference = entry.resolution.slice(at + 1);
    const protocol = /^([a-z][a-z+]*):/.exec(reference)?.[1];
    if (protocol === 'npm') {
      list.add({ name, version: reference.slice('npm:'.length) });
      continue;
    }
    if ((protocol !== undefined && NON_REGISTRY_PROTOCOLS.has(protocol)) || reference.includes('#commit=')) continue;
    if (entry.version !== undefined) list.add({ name, version: entry.version });
  }
  return list.records();
}

export const yarnLockAnalyzer = packageFileAnalyzer({
  name: 'language/yarn-lock',
  version: 1,
  ecosystem: 'npm',
  maxBytes: 32 * MiB,
  required: isYarnLock,
  parse: parseYarnLock,
});
