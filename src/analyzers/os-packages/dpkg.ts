import type { PackageRecord } from '../../core/package.js';
import { clip, decodeText, MiB, packageDatabaseAnalyzer } from './analyzer.js';

/** One paragraph (stanza) of a Debian control file. */
export interface ControlParagraph {
  /** 1-based line where the paragraph starts, for error messages. */
  line: number;
  /**
   * Field values by lower-cased name (field names are case-insensitive), first line only, trimmed:
   * every field read here is single-line, and keeping multi-line ones (Description, Conffiles)
   * would only cost memory.
   */
  fields: Map<string, string>;
}

// Policy 5.1: a field name is printable ASCII without colon or space, and cannot start with '#' or '-'.
const FIELD_LINE = /^([!-"$-,.-9;-~][!-9;-~]*):(.*)$/;

/**
 * Split a control file (deb822: dpkg's status, a distroless status.d entry) into paragraphs.
 * Blank or whitespace-only lines separate paragraphs; lines starting with a space or tab continue
 * the previous field. Anything else that is not `Name: value` makes dpkg itself refuse the file,
 * so it is an error here too.
 */
export function parseControlParagraphs(text: string): ControlParagraph[] {
  const paragraphs: ControlParagraph[] = [];
  let current: ControlParagraph | undefined;
  let inField = false;
  let lineNumber = 0;
  for (const rawLine of text.split('\n')) {
    lineNumber++;
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line.trim() === '') {
      current = undefined;
      inField = false;
      continue;
    }
    if (line[0] === ' ' || line[0] === '\t') {
      if (!inField) throw new Error(`line ${lineNumber}: continuation line without a field before it`);
      continue;
    }
    const match = FIELD_LINE.exec(line);
    if (!match) throw new Error(`line ${lineNumber}: not a "Field: value" line: ${JSON.stringify(clip(line))}`);
    if (!current) {
      current = { line: lineNumber, fields: new Map() };
      paragraphs.push(current);
    }
    const name = match[1]!.toLowerCase();
    if (current.fields.has(name)) throw new Error(`line ${lineNumber}: duplicate field ${clip(match[1]!)} in the paragraph starting at line ${current.line}`);
    current.fields.set(name, match[2]!.trim());
    inField = true;
  }
  return paragraphs;
}

const KNOWN_STATES = new Set(['not-installed', 'config-files', 'half-installed', 'unpacked', 'half-configured', 'triggers-awaited', 'triggers-pending', 'installed']);
/**
 * States in which the package's files are on disk and configured. Packages waiting only for
 * triggers satisfy dependencies in dpkg and are as present as installed ones.
 */
const PRESENT_STATES = new Set(['installed', 'triggers-awaited', 'triggers-pending']);

export interface DpkgParagraphOptions {
  /** Distroless status.d entries carry no Status field: their presence means installed. */
  missingStatusMeansInstalled: boolean;
}

/**
 * The installed packages among dpkg paragraphs. The wanted action (install, hold, deinstall,
 * purge) is ignored: a package selected for removal is still on disk until it is removed.
 */
export function dpkgPackagesFromParagraphs(paragraphs: readonly ControlParagraph[], options: DpkgParagraphOptions): PackageRecord[] {
  const packages: PackageRecord[] = [];
  for (const paragraph of paragraphs) {
    const field = (name: string): string | undefined => paragraph.fields.get(name) || undefined;
    const name = field('package');
    if (!name) throw new Error(`the paragraph at line ${paragraph.line} has no Package field`);
    const status = field('status');
    if (status === undefined) {
      if (!options.missingStatusMeansInstalled) throw new Error(`package ${clip(name)} (line ${paragraph.line}) has no Status field`);
    } else if (!isPresent(status, name)) {
      continue;
    }
    const version = field('version');
    if (!version) throw new Error(`package ${clip(name)} (line ${paragraph.line}) has no Version field`);
    if (/\s/.test(version)) throw new Error(`package ${clip(name)} (line ${paragraph.line}) has a malformed Version: ${JSON.stringify(clip(version))}`);
    const source = parseSource(field('source'), name, version, paragraph.line);
    const record: PackageRecord = { ecosystem: 'deb', name, version, sourceName: source.name, sourceVersion: source.version };
    const arch = field('architecture');
    if (arch) record.arch = arch;
    packages.push(record);
  }
  return packages;
}

function isPresent(status: string, name: string): boolean {
  const words = status.split(/\s+/);
  const state = words[2];
  if (words.length !== 3 || state === undefined || !KNOWN_STATES.has(state)) throw new Error(`package ${clip(name)} has a malformed Status: ${JSON.stringify(clip(status))}`);
  return PRESENT_STATES.has(state);
}

/** `Source: name` or `Source: name (version)`; the latter only when the binary was rebuilt (binNMU) or versioned apart from its source. */
function parseSource(value: string | undefined, name: string, version: string, line: number): { name: string; version: string } {
  if (value === undefined) return { name, version };
  const match = /^(\S+)(?:\s+\((\S+)\))?$/.exec(value);
  if (!match) throw new Error(`package ${clip(name)} (line ${line}) has a malformed Source: ${JSON.stringify(clip(value))}`);
  return { name: match[1]!, version: match[2] ?? version };
}

/** var/lib/dpkg/status: every package dpkg knows, with its state; only installed ones are returned. */
export function parseDpkgStatus(text: string, _path: string): PackageRecord[] {
  return dpkgPackagesFromParagraphs(parseControlParagraphs(text), { missingStatusMeansInstalled: false });
}

export const dpkgStatusAnalyzer = packageDatabaseAnalyzer({
  name: 'os-packages/dpkg',
  version: 1,
  ecosystem: 'deb',
  // A desktop system's status file is a few MiB; the cap only keeps a hostile one out of memory.
  maxBytes: 64 * MiB,
  required: (path) => path === 'var/lib/dpkg/status',
  parse: (bytes, path) => parseDpkgStatus(decodeText(bytes), path),
});
