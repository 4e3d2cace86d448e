/**
 * What every lockfile and manifest analyzer shares: the thin FileAnalyzer adapter around a pure
 * parser, guarded decoding of JSON, YAML and TOML, and a package list that merges duplicates.
 */
import { createRequire } from 'node:module';
import type * as Toml from 'smol-toml';
import type * as Yaml from 'yaml';
import type { z } from 'zod';
import { packageFileAnalyzer as analyzerOverBytes, type PackageFileSpec as BytesSpec } from '../package-file.js';
import type { FileAnalyzer } from '../../core/analyzer.js';
import type { Ecosystem, PackageRecord } from '../../core/package.js';

export const MiB = 1024 * 1024;

// The YAML and TOML libraries are loaded on first use, synchronously so the parsers stay plain
// functions: most images hold no lockfile in either format, and loading both costs some 30 ms.
const require = createRequire(import.meta.url);
let yamlLibrary: typeof Yaml | undefined;
let tomlLibrary: typeof Toml | undefined;
type YamlOptions = Yaml.ParseOptions & Yaml.DocumentOptions & Yaml.SchemaOptions & Yaml.ToJSOptions;
const parseYamlText = (text: string, options: YamlOptions): unknown => (yamlLibrary ??= require('yaml') as typeof Yaml).parse(text, options);
const parseTomlText = (text: string): unknown => (tomlLibrary ??= require('smol-toml') as typeof Toml).parse(text);

export interface PackageFileSpec extends Omit<BytesSpec, 'parse'> {
  parse(text: string, path: string): PackageRecord[];
}

/** Manifests and lockfiles are text: the shared analyzer, with the bytes decoded first. */
export function packageFileAnalyzer(spec: PackageFileSpec): FileAnalyzer {
  return analyzerOverBytes({ ...spec, parse: (bytes, path) => spec.parse(decodeText(bytes), path) });
}

/** UTF-8 without the byte order mark that Windows tools (dotnet, Notepad) put in front. */
export function decodeText(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** True when one of the path's folders is `folder` ("a/node_modules/b" is inside node_modules). */
export function isInsideFolder(path: string, folder: string): boolean {
  return path.startsWith(`${folder}/`) || path.includes(`/${folder}/`);
}

/** The zod issues in one line, each with the path of the offending field. */
export function describeIssues(error: z.ZodError): string {
  const shown = error.issues.slice(0, 3).map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(top level)'}: ${issue.message}`);
  const more = error.issues.length > 3 ? ` (and ${error.issues.length - 3} more)` : '';
  return shown.join('; ') + more;
}

export function validate<Schema extends z.ZodTypeAny>(value: unknown, schema: Schema, format: string): z.output<Schema> {
  const result = schema.safeParse(value);
  if (!result.success) throw new Error(`${format} has an unexpected shape: ${describeIssues(result.error)}`);
  return result.data as z.output<Schema>;
}

export function parseJson<Schema extends z.ZodTypeAny>(text: string, schema: Schema, format: string): z.output<Schema> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${format} is not valid JSON: ${(error as Error).message}`);
  }
  return validate(value, schema, format);
}

/**
 * Lockfiles nest a few levels at most. The YAML and TOML parsers recurse per level, so hostile
 * nesting is refused before they see it rather than left to exhaust the stack.
 */
const MAX_NESTING = 64;
const MAX_INDENT = 1000;

function checkNesting(text: string, format: string): void {
  let depth = 0;
  let indent = 0;
  let atLineStart = true;
  // The quote that opened the string being skipped: brackets in descriptions and markers are text.
  let quote = 0;
  let previous = 0x0a;
  for (let i = 0; i < text.length; previous = text.charCodeAt(i), i++) {
    const code = text.charCodeAt(i);
    if (code === 0x0a) {
      atLineStart = true;
      indent = 0;
      // Counting resumes on the next line even inside a multi-line string: that only over-counts.
      quote = 0;
      continue;
    }
    if (atLineStart) {
      if (code === 0x20 || code === 0x09) {
        if (++indent > MAX_INDENT) throw new Error(`${format} is indented more than ${MAX_INDENT} columns (line ${lineNumber(text, i)}), which no real lockfile is`);
        continue;
      }
      atLineStart = false;
    }
    if (quote !== 0) {
      if (code === 0x5c && quote === 0x22) i++;
      else if (code === quote) quote = 0;
      continue;
    }
    // A quote opens a string only where a value can start, so "a'b, [[[" in flow YAML is still counted.
    if ((code === 0x22 || code === 0x27) && STRING_STARTS_AFTER.has(previous)) {
      quote = code;
    } else if (code === 0x5b || code === 0x7b) {
      if (++depth > MAX_NESTING) throw new Error(`${format} nests more than ${MAX_NESTING} levels deep (line ${lineNumber(text, i)}), which no real lockfile does`);
    } else if ((code === 0x5d || code === 0x7d) && depth > 0) {
      depth--;
    }
  }
}

/** Line start, whitespace, and the YAML and TOML punctuation a value or key follows: [ { , : = ? - */
const STRING_STARTS_AFTER: ReadonlySet<number> = new Set([0x0a, 0x20, 0x09, 0x5b, 0x7b, 0x2c, 0x3a, 0x3d, 0x3f, 0x2d]);

function lineNumber(text: string, offset: number): number {
  return countNewlines(text, offset) + 1;
}

/**
 * Lockfile YAML (pnpm-lock.yaml, Yarn 2+ yarn.lock), one plain object per YAML document. Lockfile
 * writers put every entry on its own top-level key, or under a few large sections ("packages",
 * "snapshots", "importers") one indentation step in. Entries are parsed in batches of about
 * BATCH_BYTES, which keeps memory near the size of the result (a whole-document parse holds an
 * AST of some 60 times the file) and is faster too. Within an entry it is the library's YAML.
 */
export function parseLockfileYaml(text: string, format: string, sections: ReadonlySet<string> = new Set()): Array<Record<string, unknown>> {
  checkNesting(text, format);
  const lines = text.split(/\r?\n/);
  const documents: Array<Record<string, unknown>> = [];
  for (const { blocks } of splitDocuments(lines, format)) {
    if (blocks.length === 0) continue;
    const document: Record<string, unknown> = {};
    const batch = new EntryBatch(lines, format, document);
    for (const block of blocks) {
      const section = /^([A-Za-z][\w-]*):\s*(?:#.*)?$/.exec(lines[block.start]!)?.[1];
      const entries = section !== undefined && sections.has(section) ? splitEntries(lines, block.start + 1, block.end, format, section) : undefined;
      if (!entries) {
        batch.add(block.start, block.end);
        continue;
      }
      batch.flush();
      const sectionEntries: Record<string, unknown> = {};
      const sectionBatch = new EntryBatch(lines, format, sectionEntries);
      for (const entry of entries) sectionBatch.add(entry.start, entry.end);
      sectionBatch.flush();
      document[section!] = sectionEntries;
    }
    batch.flush();
    documents.push(document);
  }
  return documents;
}

const BATCH_BYTES = 16 * 1024;

interface LineRange {
  start: number;
  end: number;
}

/** Documents (split at "---" and "...") made of top-level blocks: a line at column 0 and the indented lines after it. */
function splitDocuments(lines: readonly string[], format: string): Array<{ blocks: LineRange[] }> {
  const documents: Array<{ blocks: LineRange[] }> = [{ blocks: [] }];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const blocks = documents[documents.length - 1]!.blocks;
    if (/^(---|\.\.\.)(\s|$)/.test(line)) {
      documents.push({ blocks: [] });
    } else if (startsEntry(line, 0)) {
      blocks.push({ start: index, end: index + 1 });
    } else if (blocks.length > 0) {
      blocks[blocks.length - 1]!.end = index + 1;
    } else if (!isBlankOrComment(line)) {
      throw new Error(`${format} line ${index + 1}: indented content before any key`);
    }
  }
  return documents;
}

/** The entries of a section, one indentation step in; undefined when the section is not a mapping of entries. */
function splitEntries(lines: readonly string[], start: number, end: number, format: string, section: string): LineRange[] | undefined {
  let indent = 0;
  for (let index = start; index < end; index++) {
    const line = lines[index]!;
    if (isBlankOrComment(line)) continue;
    // A sequence, or anything else unusual, is parsed whole.
    if (line.trimStart().startsWith('-')) return undefined;
    indent = line.length - line.trimStart().length;
    break;
  }
  if (indent === 0) return undefined;
  const entries: LineRange[] = [];
  for (let index = start; index < end; index++) {
    const line = lines[index]!;
    if (startsEntry(line, indent)) entries.push({ start: index, end: index + 1 });
    else if (entries.length > 0) entries[entries.length - 1]!.end = index + 1;
    else if (!isBlankOrComment(line)) throw new Error(`${format} line ${index + 1}: unexpected indentation under "${section}"`);
  }
  return entries;
}

/** Consecutive line ranges parsed together once they add up to BATCH_BYTES, their keys merged into `into`. */
class EntryBatch {
  private start = -1;
  private end = -1;
  private bytes = 0;

  constructor(
    private readonly lines: readonly string[],
    private readonly format: string,
    private readonly into: Record<string, unknown>,
  ) {}

  add(start: number, end: number): void {
    if (this.start < 0) this.start = start;
    this.end = end;
    for (let index = start; index < end; index++) this.bytes += this.lines[index]!.length + 1;
    if (this.bytes >= BATCH_BYTES) this.flush();
  }

  flush(): void {
    if (this.start < 0) return;
    Object.assign(this.into, parseYamlMapping(this.lines, this.start, this.end, this.format));
    this.start = -1;
    this.bytes = 0;
  }
}

function isBlankOrComment(line: string): boolean {
  const trimmed = line.trim();
  return trimmed === '' || trimmed.startsWith('#');
}

/** A line that opens an entry at exactly this indentation (not a comment, not a continuation). */
function startsEntry(line: string, indent: number): boolean {
  for (let i = 0; i < indent; i++) if (line.charCodeAt(i) !== 0x20) return false;
  const first = line[indent];
  return first !== undefined && first !== ' ' && first !== '\t' && first !== '#';
}

function parseYamlMapping(lines: readonly string[], start: number, end: number, format: string): Record<string, unknown> {
  const text = lines.slice(start, end).join('\n');
  let value: unknown;
  try {
    // The library's alias budget stops billion-laughs expansion.
    value = parseYamlText(text, { maxAliasCount: 100, prettyErrors: false, uniqueKeys: false });
  } catch (error) {
    const offset = (error as { pos?: [number, number] }).pos?.[0] ?? 0;
    const line = start + 1 + countNewlines(text, Math.min(offset, text.length));
    throw new Error(`${format} is not valid YAML (line ${line}): ${firstLine((error as Error).message)}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${format} line ${start + 1}: expected "key: value" entries`);
  return value as Record<string, unknown>;
}

function countNewlines(text: string, end: number): number {
  let count = 0;
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === 0x0a) count++;
  return count;
}

export function parseToml(text: string, format: string): unknown {
  checkNesting(text, format);
  try {
    return parseTomlText(text);
  } catch (error) {
    throw new Error(`${format} is not valid TOML: ${firstLine((error as Error).message)}`);
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

/**
 * Packages in the order first seen, one per name and version: lockfiles list the same package
 * under several paths, specifiers or peer variants. A duplicate is development-only only when
 * every occurrence is.
 */
export class PackageList {
  private readonly byKey = new Map<string, PackageRecord>();

  constructor(private readonly ecosystem: Ecosystem) {}

  add(entry: { name: string; version: string; licenses?: readonly string[] | undefined; dev?: boolean | undefined }): void {
    const key = `${entry.name}@${entry.version}`;
    const existing = this.byKey.get(key);
    if (existing) {
      if (existing.dev && !entry.dev) delete existing.dev;
      if (!existing.licenses && entry.licenses && entry.licenses.length > 0) existing.licenses = [...entry.licenses];
      return;
    }
    const record: PackageRecord = { ecosystem: this.ecosystem, name: entry.name, version: entry.version };
    if (entry.licenses && entry.licenses.length > 0) record.licenses = [...entry.licenses];
    if (entry.dev) record.dev = true;
    this.byKey.set(key, record);
  }

  get size(): number {
    return this.byKey.size;
  }

  records(): PackageRecord[] {
    return [...this.byKey.values()];
  }
}
