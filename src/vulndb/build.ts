/**
 * Build the vulnerability database from OSV records: directories of `*.json` files (searched
 * recursively), osv.dev's per-ecosystem `all.zip` exports, or single JSON files. The database is
 * written to a temporary file next to the target and renamed over it at the very end, so a build
 * that fails (or is killed) never leaves a broken database behind and never disturbs the old one.
 *
 * Records: withdrawn ones are dropped (counted); a record seen twice under the same id keeps the
 * one with the latest `modified`; a malformed record (not JSON, not an OSV record) is skipped with a
 * warning naming the file and zip entry, and counted. Only source-level failures (a missing input,
 * a zip whose directory cannot be read) abort the build.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import Database from 'better-sqlite3';
import { TOOL_VERSION } from '../cli/version.js';
import { CustomsError } from '../core/errors.js';
import { ecosystemBase, normalizePackageName } from './names.js';
import { parseOsvRecord, type OsvRecord } from './osv-schema.js';
import { affectedSeverity, recordSeverity } from './severity.js';
import { AFFECTED_COLUMNS, INDEX_SQL, SCHEMA_SQL, SCHEMA_VERSION } from './store.js';
import { openZipEntries, ZipError, type ZipEntries } from './zip.js';
import type { DbTotals, SourceStats } from './types.js';

/** Record `details` longer than this are cut (Vulnerability.detailsTruncated says so). */
export const MAX_DETAILS_CHARS = 16_384;
/** A JSON file or zip entry larger than this is skipped with a warning (the largest real records are well under 2 MiB). */
export const DEFAULT_MAX_ENTRY_BYTES = 32 * 1024 * 1024;
/** Records per transaction. */
const BATCH_SIZE = 2_000;
/** Warnings kept in the result (all are counted and passed to onWarning). */
const MAX_KEPT_WARNINGS = 1_000;

export interface ImportInput {
  path: string;
  /** Display name in `db info` (default: the zip's file name, or the path). */
  name?: string;
  /** Provenance recorded with the source (set by `customs db update`). */
  url?: string;
  md5?: string;
  fetchedAt?: string;
}

export interface ImportProgress {
  /** Index into the inputs. */
  index: number;
  source: string;
  /** Files or zip entries read so far from this input, out of total. */
  done: number;
  total: number;
  /** Valid records read so far, all inputs together. */
  records: number;
}

export interface ImportWarning {
  source: string;
  /** The file: the JSON file, or the zip. */
  file: string;
  /** The zip entry, with "[n]" when the entry holds an array of records. */
  entry?: string;
  message: string;
}

export interface ImportOptions {
  /** Keep only affected entries of these ecosystems (bases, case-insensitive: "Debian", "npm"); records left with none are dropped (filtered). */
  ecosystems?: readonly string[];
  onProgress?: (progress: ImportProgress) => void;
  onWarning?: (warning: ImportWarning) => void;
  maxEntryBytes?: number;
  /** The build time written to the database (default: now). */
  now?: Date;
}

export interface ImportResult {
  path: string;
  totals: DbTotals;
  ecosystems: Record<string, number>;
  sources: SourceStats[];
  /** The first MAX_KEPT_WARNINGS warnings. */
  warnings: ImportWarning[];
  warningCount: number;
  seconds: number;
  bytes: number;
}

export function formatImportWarning(warning: ImportWarning): string {
  return `${warning.file}${warning.entry !== undefined ? `: ${warning.entry}` : ''}: ${warning.message}`;
}

type InputKind = SourceStats['kind'];

interface ResolvedInput extends ImportInput {
  kind: InputKind;
  name: string;
}

/** Build a database at outputPath from the inputs; the previous database there is replaced only on success. */
export async function importOsv(inputs: ReadonlyArray<string | ImportInput>, outputPath: string, options: ImportOptions = {}): Promise<ImportResult> {
  const started = performance.now();
  if (inputs.length === 0) throw new CustomsError('INVALID_INPUT', 'nothing to import: give at least one directory, zip or JSON file of OSV records');
  const resolved = await Promise.all(inputs.map(resolveInput));
  await mkdir(dirname(outputPath), { recursive: true });
  const tempBase = join(dirname(outputPath), `.${basename(outputPath)}.${process.pid}.${randomBytes(4).toString('hex')}`);
  const tempPath = `${tempBase}.tmp`;
  // The affected rows are staged in a second scratch file and copied, sorted, into the database at the end.
  const scratchPath = `${tempBase}.scratch.tmp`;
  let builder: Builder | undefined;
  let ok = false;
  try {
    builder = new Builder(tempPath, scratchPath, options);
    for (const [index, input] of resolved.entries()) {
      builder.beginSource(index, input);
      if (input.kind === 'zip') await readZip(input, builder, options.maxEntryBytes ?? DEFAULT_MAX_ENTRY_BYTES);
      else if (input.kind === 'directory') await readDirectory(input, builder, options.maxEntryBytes ?? DEFAULT_MAX_ENTRY_BYTES);
      else await readJsonFile(input.path, input.path, builder, options.maxEntryBytes ?? DEFAULT_MAX_ENTRY_BYTES);
      builder.endSource();
    }
    const summary = builder.finish(options.now ?? new Date());
    builder.close();
    syncFile(tempPath);
    await rename(tempPath, outputPath);
    ok = true;
    const { size } = await stat(outputPath);
    return { path: outputPath, ...summary, warnings: builder.warnings, warningCount: builder.warningCount, seconds: (performance.now() - started) / 1000, bytes: size };
  } finally {
    if (!ok) builder?.close();
    await rm(scratchPath, { force: true });
    if (!ok) await rm(tempPath, { force: true });
  }
}

async function resolveInput(input: string | ImportInput): Promise<ResolvedInput> {
  const given: ImportInput = typeof input === 'string' ? { path: input } : input;
  let info;
  try {
    info = await stat(given.path);
  } catch {
    throw new CustomsError('NOT_FOUND', `${given.path}: no such file or directory`);
  }
  if (info.isDirectory()) return { ...given, kind: 'directory', name: given.name ?? given.path };
  if (info.isFile() && /\.zip$/i.test(given.path)) return { ...given, kind: 'zip', name: given.name ?? basename(given.path) };
  if (info.isFile() && /\.json$/i.test(given.path)) return { ...given, kind: 'file', name: given.name ?? given.path };
  throw new CustomsError('INVALID_INPUT', `${given.path}: not a directory, a .zip or a .json file of OSV records`);
}

function syncFile(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Decode one file's or entry's bytes and hand its record(s) to the builder. */
function handleBytes(bytes: Buffer, file: string, entry: string | undefined, builder: Builder): void {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    builder.malformed(file, entry, `not valid JSON: ${(error as Error).message}`);
    return;
  }
  // Some exports (e.g. a vendor's all.json) are one array of records.
  if (Array.isArray(value)) {
    value.forEach((item, index) => handleValue(item, file, `${entry ?? ''}[${index}]`, builder));
  } else {
    handleValue(value, file, entry, builder);
  }
}

function handleValue(value: unknown, file: string, entry: string | undefined, builder: Builder): void {
  const parsed = parseOsvRecord(value);
  if (!parsed.ok) {
    const id = typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string' ? `${(value as { id: string }).id}: ` : '';
    builder.malformed(file, entry, `not a valid OSV record: ${id}${parsed.error}`);
    return;
  }
  builder.add(parsed.record);
}

/** A file's bytes, or why they were not read (too large, unreadable). */
async function readLimited(path: string, maxBytes: number): Promise<Buffer | string> {
  try {
    const { size } = await stat(path);
    if (size > maxBytes) return `${size} bytes, larger than the ${maxBytes}-byte limit for one record file`;
    return await readFile(path);
  } catch (error) {
    return `cannot read: ${(error as Error).message}`;
  }
}

async function readJsonFile(path: string, display: string, builder: Builder, maxBytes: number): Promise<void> {
  const bytes = await readLimited(path, maxBytes);
  if (typeof bytes === 'string') builder.malformed(display, undefined, bytes);
  else handleBytes(bytes, display, undefined, builder);
}

/** Files read ahead of the one being parsed: small record files are dominated by I/O latency. */
const READ_AHEAD = 32;

async function readDirectory(input: ResolvedInput, builder: Builder, maxBytes: number): Promise<void> {
  const files: string[] = [];
  for (const entry of await readdir(input.path, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && /\.json$/i.test(entry.name)) files.push(join(entry.parentPath ?? entry.path, entry.name));
  }
  // A stable order, so that equal duplicates always resolve the same way.
  files.sort((a, b) => (relative(input.path, a) < relative(input.path, b) ? -1 : 1));
  builder.setTotal(files.length);
  const reads = new Map<number, Promise<Buffer | string>>();
  const start = (index: number): void => {
    if (index < files.length) reads.set(index, readLimited(files[index]!, maxBytes));
  };
  for (let index = 0; index < READ_AHEAD; index++) start(index);
  for (let index = 0; index < files.length; index++) {
    const bytes = await reads.get(index)!;
    reads.delete(index);
    start(index + READ_AHEAD);
    if (typeof bytes === 'string') builder.malformed(files[index]!, undefined, bytes);
    else handleBytes(bytes, files[index]!, undefined, builder);
    builder.step();
  }
}

/** Read a zip's entries (see zip.ts). */
async function readZip(input: ResolvedInput, builder: Builder, maxBytes: number): Promise<void> {
  let zip: ZipEntries;
  try {
    zip = await openZipEntries(input.path, { include: (name) => /\.json$/i.test(name), maxEntryBytes: maxBytes });
  } catch (error) {
    throw new CustomsError('INVALID_INPUT', `${input.path}: not a readable zip file: ${(error as Error).message}`, {}, { cause: error });
  }
  builder.setTotal(zip.entryCount);
  try {
    for await (const content of zip.entries()) {
      if ('data' in content) handleBytes(content.data, input.path, content.name, builder);
      // One damaged entry is one malformed record; the others are independent.
      else if ('error' in content) builder.malformed(input.path, content.name, `cannot read the entry: ${content.error}`);
      else if (content.skipped === 'too-large') builder.malformed(input.path, content.name, `${content.size} bytes, larger than the ${maxBytes}-byte limit for one record`);
      builder.step();
    }
  } catch (error) {
    if (error instanceof ZipError) throw new CustomsError('INVALID_INPUT', `${input.path}: ${error.message}`, {}, { cause: error });
    throw error;
  } finally {
    zip.close();
  }
}

interface Seen {
  modified: number;
  inserted: boolean;
}

interface PendingRecord {
  record: OsvRecord;
  source: number;
}

/** Owns the temporary database: batches records into transactions, resolves duplicates, counts. */
class Builder {
  readonly warnings: ImportWarning[] = [];
  warningCount = 0;
  private readonly db: Database.Database;
  private readonly options: ImportOptions;
  private readonly ecosystemFilter: Set<string> | undefined;
  private readonly seen = new Map<string, Seen>();
  private readonly sources: Array<SourceStats & { url?: string }> = [];
  private pending: PendingRecord[] = [];
  private current: { index: number; input: ResolvedInput; stats: SourceStats; done: number; total: number } | undefined;
  private recordsRead = 0;
  private lastProgress = 0;
  private readonly insertVulnerability: Database.Statement;
  private readonly insertAffected: Database.Statement;
  private readonly insertAlias: Database.Statement;
  private readonly selectAliases: Database.Statement<[string], { aliases: string; upstream: string }>;
  private readonly deleteVulnerability: Database.Statement;
  private readonly deleteAffected: Database.Statement;
  private readonly deleteAlias: Database.Statement;
  private readonly flushBatch: (batch: PendingRecord[]) => void;

  constructor(path: string, scratchPath: string, options: ImportOptions) {
    this.options = options;
    this.ecosystemFilter = options.ecosystems && options.ecosystems.length > 0 ? new Set(options.ecosystems.map((name) => name.toLowerCase())) : undefined;
    this.db = new Database(path);
    this.db.prepare('ATTACH DATABASE ? AS scratch').run(scratchPath);
    // Throw-away files until the rename: no journal, no syncs (the database is fsynced once at the end).
    for (const schema of ['main', 'scratch']) {
      this.db.pragma(`${schema}.journal_mode = OFF`);
      this.db.pragma(`${schema}.synchronous = OFF`);
      this.db.pragma(`${schema}.cache_size = -32768`);
    }
    this.db.pragma('locking_mode = EXCLUSIVE');
    // The final sort of the affected rows may not fit in memory: let it spill to temporary files.
    this.db.pragma('temp_store = FILE');
    this.db.exec(SCHEMA_SQL);
    this.db.exec(`CREATE TABLE scratch.staging AS SELECT ${AFFECTED_COLUMNS} FROM main.affected WHERE 0; CREATE INDEX scratch.staging_by_vuln ON staging (vuln_id);`);
    this.insertVulnerability = this.db.prepare(
      'INSERT INTO vulnerabilities (id, summary, details, details_truncated, aliases, upstream, related, published, modified, severity, refs, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.insertAffected = this.db.prepare(`INSERT INTO scratch.staging (${AFFECTED_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.insertAlias = this.db.prepare('INSERT OR IGNORE INTO aliases (alias, vuln_id, kind) VALUES (?, ?, ?)');
    this.selectAliases = this.db.prepare<[string], { aliases: string; upstream: string }>('SELECT aliases, upstream FROM vulnerabilities WHERE id = ?');
    this.deleteVulnerability = this.db.prepare('DELETE FROM vulnerabilities WHERE id = ?');
    this.deleteAffected = this.db.prepare('DELETE FROM scratch.staging WHERE vuln_id = ?');
    this.deleteAlias = this.db.prepare('DELETE FROM aliases WHERE alias = ? AND vuln_id = ?');
    this.flushBatch = this.db.transaction((batch: PendingRecord[]) => {
      for (const item of batch) this.store(item);
    });
  }

  beginSource(index: number, input: ResolvedInput): void {
    const stats: SourceStats = { name: input.name, kind: input.kind, records: 0, imported: 0, withdrawn: 0, malformed: 0, duplicates: 0, filtered: 0 };
    if (input.url !== undefined) stats.url = input.url;
    if (input.md5 !== undefined) stats.md5 = input.md5;
    if (input.fetchedAt !== undefined) stats.fetchedAt = input.fetchedAt;
    this.sources.push(stats);
    this.current = { index, input, stats, done: 0, total: 1 };
  }

  setTotal(total: number): void {
    if (this.current) this.current.total = total;
    this.progress(true);
  }

  step(): void {
    if (this.current) this.current.done++;
    this.progress(false);
  }

  endSource(): void {
    this.flush();
    if (this.current && this.current.input.kind === 'file') this.current.done = this.current.total;
    this.progress(true);
    this.current = undefined;
  }

  add(record: OsvRecord): void {
    const current = this.current!;
    current.stats.records++;
    this.recordsRead++;
    if (this.ecosystemFilter) {
      const kept = (record.affected ?? []).filter((entry) => entry.package && this.ecosystemFilter!.has(ecosystemBase(entry.package.ecosystem).toLowerCase()));
      if (kept.length === 0) {
        current.stats.filtered++;
        return;
      }
      record = { ...record, affected: kept };
    }
    this.pending.push({ record, source: current.index });
    if (this.pending.length >= BATCH_SIZE) this.flush();
  }

  malformed(file: string, entry: string | undefined, message: string): void {
    const current = this.current!;
    current.stats.malformed++;
    const warning: ImportWarning = { source: current.input.name, file, message };
    if (entry !== undefined) warning.entry = entry;
    this.warningCount++;
    if (this.warnings.length < MAX_KEPT_WARNINGS) this.warnings.push(warning);
    this.options.onWarning?.(warning);
  }

  finish(now: Date): Omit<ImportResult, 'path' | 'warnings' | 'warningCount' | 'seconds' | 'bytes'> {
    this.flush();
    // Each package's entries on neighbouring pages; within a package, import order (staging rowid).
    this.db.exec(`INSERT INTO main.affected (${AFFECTED_COLUMNS}) SELECT ${AFFECTED_COLUMNS} FROM scratch.staging ORDER BY ecosystem_base, name, ecosystem, rowid`);
    this.db.exec('DETACH DATABASE scratch');
    this.db.exec(INDEX_SQL);
    const count = (sql: string): number => (this.db.prepare<[], { n: number }>(sql).get()?.n ?? 0);
    const sum = (key: 'withdrawn' | 'malformed' | 'duplicates' | 'filtered'): number => this.sources.reduce((total, source) => total + source[key], 0);
    const totals: DbTotals = {
      records: count('SELECT COUNT(*) AS n FROM vulnerabilities'),
      affected: count('SELECT COUNT(*) AS n FROM affected'),
      aliases: count('SELECT COUNT(*) AS n FROM aliases'),
      withdrawn: sum('withdrawn'),
      malformed: sum('malformed'),
      duplicates: sum('duplicates'),
      filtered: sum('filtered'),
    };
    const ecosystems = Object.fromEntries(
      this.db
        .prepare<[], { base: string; n: number }>('SELECT ecosystem_base AS base, COUNT(*) AS n FROM affected GROUP BY ecosystem_base ORDER BY ecosystem_base')
        .all()
        .map((row) => [row.base, row.n]),
    );
    const insertSource = this.db.prepare(
      'INSERT INTO sources (position, name, kind, records, imported, withdrawn, malformed, duplicates, filtered, url, md5, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const insertMeta = this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
    this.db.transaction(() => {
      this.sources.forEach((source, position) =>
        insertSource.run(position, source.name, source.kind, source.records, source.imported, source.withdrawn, source.malformed, source.duplicates, source.filtered, source.url ?? null, source.md5 ?? null, source.fetchedAt ?? null),
      );
      insertMeta.run('schema_version', String(SCHEMA_VERSION));
      insertMeta.run('built_at', now.toISOString());
      insertMeta.run('tool_version', TOOL_VERSION);
      insertMeta.run('totals', JSON.stringify(totals));
      insertMeta.run('ecosystems', JSON.stringify(ecosystems));
    })();
    this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
    return { totals, ecosystems, sources: this.sources.map((source) => ({ ...source })) };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.flushBatch(batch);
  }

  private progress(force: boolean): void {
    const current = this.current;
    if (!current || !this.options.onProgress) return;
    const now = performance.now();
    if (!force && now - this.lastProgress < 50) return;
    this.lastProgress = now;
    this.options.onProgress({ index: current.index, source: current.input.name, done: current.done, total: current.total, records: this.recordsRead });
  }

  /** One record, inside the batch transaction. */
  private store({ record, source }: PendingRecord): void {
    const stats = this.sources[source]!;
    const modified = Date.parse(record.modified);
    const previous = this.seen.get(record.id);
    if (previous) {
      stats.duplicates++;
      if (modified <= previous.modified) return;
      if (previous.inserted) this.remove(record.id);
    }
    if (record.withdrawn) {
      stats.withdrawn++;
      this.seen.set(record.id, { modified, inserted: false });
      return;
    }
    this.insert(record, source);
    stats.imported++;
    this.seen.set(record.id, { modified, inserted: true });
  }

  private remove(id: string): void {
    const old = this.selectAliases.get(id);
    if (old) {
      for (const alias of [...(JSON.parse(old.aliases) as string[]), ...(JSON.parse(old.upstream) as string[])]) this.deleteAlias.run(alias, id);
    }
    this.deleteAffected.run(id);
    this.deleteVulnerability.run(id);
  }

  private insert(record: OsvRecord, source: number): void {
    const aliases = uniqueIds(record.aliases, record.id);
    const upstream = uniqueIds(record.upstream, record.id);
    const related = uniqueIds(record.related, record.id);
    const severity = recordSeverity(record);
    const severityJson = JSON.stringify(severity);
    const details = record.details ?? null;
    const truncated = details !== null && details.length > MAX_DETAILS_CHARS;
    this.insertVulnerability.run(
      record.id,
      emptyToNull(record.summary),
      truncated ? details.slice(0, MAX_DETAILS_CHARS) : emptyToNull(details),
      truncated ? 1 : 0,
      JSON.stringify(aliases),
      JSON.stringify(upstream),
      JSON.stringify(related),
      emptyToNull(record.published),
      record.modified,
      severityJson,
      JSON.stringify((record.references ?? []).map(({ type, url }) => ({ type, url }))),
      source,
    );
    for (const alias of aliases) this.insertAlias.run(alias, record.id, 'alias');
    for (const id of upstream) this.insertAlias.run(id, record.id, 'upstream');
    for (const entry of record.affected ?? []) {
      if (!entry.package) continue; // GIT-only entries name a repository, not a package
      const base = ecosystemBase(entry.package.ecosystem);
      const name = normalizePackageName(base, entry.package.name);
      const own = affectedSeverity(entry, record);
      const ownJson = own ? JSON.stringify(own) : undefined;
      this.insertAffected.run(
        record.id,
        entry.package.ecosystem,
        base,
        name,
        name === entry.package.name ? null : entry.package.name,
        emptyToNull(entry.package.purl),
        JSON.stringify(entry.ranges ?? []),
        entry.versions && entry.versions.length > 0 ? JSON.stringify(entry.versions) : null,
        ownJson !== undefined && ownJson !== severityJson ? ownJson : null,
        entry.ecosystem_specific ? JSON.stringify(entry.ecosystem_specific) : null,
        entry.database_specific ? JSON.stringify(entry.database_specific) : null,
      );
    }
  }
}

function emptyToNull(value: string | null | undefined): string | null {
  return value === undefined || value === null || value === '' ? null : value;
}

/** Distinct non-empty ids in order, without the record's own id. */
function uniqueIds(ids: ReadonlyArray<string> | null | undefined, self: string): string[] {
  const seen = new Set<string>();
  for (const id of ids ?? []) {
    const trimmed = id.trim();
    if (trimmed !== '' && trimmed !== self) seen.add(trimmed);
  }
  return [...seen];
}
