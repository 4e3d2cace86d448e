/**
 * The vulnerability database: one SQLite file, built by build.ts, opened read-only here. Every
 * lookup runs a prepared statement created once; a scan's ~2,000 package lookups take a few ms.
 * The schema is documented in src/vulndb/readme.md.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { defaultCacheDir } from '../cache/layer-cache.js';
import { CustomsError } from '../core/errors.js';
import type { AffectedEntry, DbInfo, DbTotals, OsvRange, Reference, SeverityInfo, SourceStats, Vulnerability } from './types.js';

/** Bumped whenever the tables change shape or meaning; a database of another version must be rebuilt. */
export const SCHEMA_VERSION = 1;

export const DB_FILE_NAME = 'customs.db';

/** `<cache dir>/db`: $XDG_CACHE_HOME/customs/db or ~/.cache/customs/db. */
export function defaultDbDir(): string {
  return join(defaultCacheDir(), 'db');
}

export function dbPath(dbDir: string = defaultDbDir()): string {
  return join(dbDir, DB_FILE_NAME);
}

/**
 * The tables. \`affected\` is filled at the end of a build, from a staging table, in
 * (ecosystem_base, name, ecosystem) order: the entries of one package then sit on neighbouring
 * pages, which roughly halves the cost of a lookup. \`original_name\` is NULL when it equals \`name\`.
 */
export const SCHEMA_SQL = `
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE sources (
  position   INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  kind       TEXT NOT NULL,
  records    INTEGER NOT NULL,
  imported   INTEGER NOT NULL,
  withdrawn  INTEGER NOT NULL,
  malformed  INTEGER NOT NULL,
  duplicates INTEGER NOT NULL,
  filtered   INTEGER NOT NULL,
  url        TEXT,
  md5        TEXT,
  fetched_at TEXT
);

CREATE TABLE vulnerabilities (
  id                TEXT PRIMARY KEY,
  summary           TEXT,
  details           TEXT,
  details_truncated INTEGER NOT NULL,
  aliases           TEXT NOT NULL,
  upstream          TEXT NOT NULL,
  related           TEXT NOT NULL,
  published         TEXT,
  modified          TEXT NOT NULL,
  severity          TEXT NOT NULL,
  refs              TEXT NOT NULL,
  source            INTEGER NOT NULL
);

CREATE TABLE affected (
  vuln_id            TEXT NOT NULL,
  ecosystem          TEXT NOT NULL,
  ecosystem_base     TEXT NOT NULL,
  name               TEXT NOT NULL,
  original_name      TEXT,
  purl               TEXT,
  ranges             TEXT NOT NULL,
  versions           TEXT,
  severity           TEXT,
  ecosystem_specific TEXT,
  database_specific  TEXT
);

CREATE TABLE aliases (
  alias   TEXT NOT NULL,
  vuln_id TEXT NOT NULL,
  kind    TEXT NOT NULL,
  PRIMARY KEY (alias, vuln_id)
) WITHOUT ROWID;
`;

/** The columns of \`affected\`, in table order. */
export const AFFECTED_COLUMNS = 'vuln_id, ecosystem, ecosystem_base, name, original_name, purl, ranges, versions, severity, ecosystem_specific, database_specific';

export const INDEX_SQL = `CREATE INDEX affected_by_package ON affected (ecosystem_base, name, ecosystem);`;

/** What a lookup reads: the base and name are the lookup's own. */
interface AffectedRow {
  vuln_id: string;
  ecosystem: string;
  original_name: string | null;
  purl: string | null;
  ranges: string;
  versions: string | null;
  severity: string | null;
  ecosystem_specific: string | null;
  database_specific: string | null;
}

interface VulnerabilityRow {
  id: string;
  summary: string | null;
  details: string | null;
  details_truncated: number;
  aliases: string;
  upstream: string;
  related: string;
  published: string | null;
  modified: string;
  severity: string;
  refs: string;
  source: number;
}

interface SourceRow {
  position: number;
  name: string;
  kind: SourceStats['kind'];
  records: number;
  imported: number;
  withdrawn: number;
  malformed: number;
  duplicates: number;
  filtered: number;
  url: string | null;
  md5: string | null;
  fetched_at: string | null;
}

/** Ids per query in vulnerabilities(). */
const VULNERABILITY_BATCH = 1000;

const REBUILD_HINT = 'run `customs db update` (download from osv.dev) or `customs db import <dir|zip>...`';

export class VulnDb {
  readonly path: string;
  private readonly db: Database.Database;
  private readonly affectedStatement: Database.Statement<[string, string], AffectedRow>;
  private readonly affectedInStatement: Database.Statement<[string, string, string], AffectedRow>;
  private readonly vulnerabilityStatement: Database.Statement<[string], VulnerabilityRow>;
  private readonly aliasStatement: Database.Statement<[string], { vuln_id: string }>;
  private readonly sourceNames: Map<number, string>;

  private constructor(path: string, db: Database.Database) {
    this.path = path;
    this.db = db;
    const columns = 'vuln_id, ecosystem, original_name, purl, ranges, versions, severity, ecosystem_specific, database_specific';
    // The index is (ecosystem_base, name, ecosystem) plus the rowid: these orders need no sorting.
    this.affectedStatement = db.prepare<[string, string], AffectedRow>(`SELECT ${columns} FROM affected WHERE ecosystem_base = ? AND name = ? ORDER BY ecosystem, rowid`);
    this.affectedInStatement = db.prepare<[string, string, string], AffectedRow>(
      `SELECT ${columns} FROM affected WHERE ecosystem_base = ? AND name = ? AND ecosystem IN (SELECT value FROM json_each(?)) ORDER BY ecosystem, rowid`,
    );
    // One statement for a whole batch of ids: far cheaper than one execution per id.
    this.vulnerabilityStatement = db.prepare<[string], VulnerabilityRow>(
      'SELECT id, summary, details, details_truncated, aliases, upstream, related, published, modified, severity, refs, source FROM vulnerabilities WHERE id IN (SELECT value FROM json_each(?))',
    );
    this.aliasStatement = db.prepare<[string], { vuln_id: string }>('SELECT vuln_id FROM aliases WHERE alias = ? ORDER BY vuln_id');
    this.sourceNames = new Map(db.prepare<[], { position: number; name: string }>('SELECT position, name FROM sources').all().map((row) => [row.position, row.name]));
  }

  /**
   * Open a database read-only. A missing file is NOT_FOUND (the message says how to build one); a
   * file of another schema version, or not a customs database, is UNSUPPORTED / INVALID_INPUT.
   */
  static open(path: string = dbPath()): VulnDb {
    if (!existsSync(path)) {
      throw new CustomsError('NOT_FOUND', `no vulnerability database at ${path}: ${REBUILD_HINT}`);
    }
    let db: Database.Database;
    try {
      db = new Database(path, { readonly: true, fileMustExist: true });
    } catch (error) {
      throw new CustomsError('INVALID_INPUT', `cannot open the vulnerability database ${path}: ${(error as Error).message}`, {}, { cause: error });
    }
    try {
      let version: number;
      let hasMeta: boolean;
      try {
        version = db.pragma('user_version', { simple: true }) as number;
        hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get() !== undefined;
      } catch (error) {
        throw new CustomsError('INVALID_INPUT', `${path} is not a vulnerability database (${(error as Error).message}): delete it and ${REBUILD_HINT}`, {}, { cause: error });
      }
      if (!hasMeta) throw new CustomsError('INVALID_INPUT', `${path} is not a customs vulnerability database: delete it and ${REBUILD_HINT}`);
      if (version !== SCHEMA_VERSION) {
        throw new CustomsError(
          'UNSUPPORTED',
          `the vulnerability database ${path} has schema version ${version}, this customs needs version ${SCHEMA_VERSION}: rebuild it (${REBUILD_HINT})`,
        );
      }
      return new VulnDb(path, db);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  info(): DbInfo {
    const meta = new Map(this.db.prepare<[], { key: string; value: string }>('SELECT key, value FROM meta').all().map((row) => [row.key, row.value]));
    const sources = this.db
      .prepare<[], SourceRow>('SELECT * FROM sources ORDER BY position')
      .all()
      .map((row): SourceStats => {
        const source: SourceStats = {
          name: row.name,
          kind: row.kind,
          records: row.records,
          imported: row.imported,
          withdrawn: row.withdrawn,
          malformed: row.malformed,
          duplicates: row.duplicates,
          filtered: row.filtered,
        };
        if (row.url !== null) source.url = row.url;
        if (row.md5 !== null) source.md5 = row.md5;
        if (row.fetched_at !== null) source.fetchedAt = row.fetched_at;
        return source;
      });
    return {
      path: this.path,
      schemaVersion: Number(meta.get('schema_version')),
      builtAt: meta.get('built_at') ?? '',
      toolVersion: meta.get('tool_version') ?? '',
      totals: JSON.parse(meta.get('totals') ?? '{}') as DbTotals,
      ecosystems: JSON.parse(meta.get('ecosystems') ?? '{}') as Record<string, number>,
      sources,
    };
  }

  /** Every distinct full ecosystem string ("Debian:11", "Debian:12", "npm", ...), sorted. */
  ecosystems(): string[] {
    return this.db
      .prepare<[], { ecosystem: string }>('SELECT DISTINCT ecosystem FROM affected ORDER BY ecosystem')
      .all()
      .map((row) => row.ecosystem);
  }

  /**
   * Every affected entry for a package: `ecosystemBase` as ecosystemBase() returns it, `name` as
   * normalizePackageName() returns it. Ordered by full ecosystem string, then in import order.
   *
   * `ecosystems` keeps only entries of those full ecosystem strings ("Debian:12"), filtered in the
   * index: distro data lists every package once per release, and a scan needs one release.
   */
  affectedFor(ecosystemBase: string, normalisedName: string, ecosystems?: readonly string[]): AffectedEntry[] {
    const rows = ecosystems ? this.affectedInStatement.all(ecosystemBase, normalisedName, JSON.stringify(ecosystems)) : this.affectedStatement.all(ecosystemBase, normalisedName);
    return rows.map((row) => toAffectedEntry(row, ecosystemBase, normalisedName));
  }

  /** The records with these ids, in the order asked; unknown ids are absent from the map. */
  vulnerabilities(ids: Iterable<string>): Map<string, Vulnerability> {
    const wanted = [...new Set(ids)];
    const rows = new Map<string, VulnerabilityRow>();
    for (let start = 0; start < wanted.length; start += VULNERABILITY_BATCH) {
      for (const row of this.vulnerabilityStatement.all(JSON.stringify(wanted.slice(start, start + VULNERABILITY_BATCH)))) rows.set(row.id, row);
    }
    const found = new Map<string, Vulnerability>();
    for (const id of wanted) {
      const row = rows.get(id);
      if (row) found.set(id, this.toVulnerability(row));
    }
    return found;
  }

  /** The ids of the records that name `alias` among their aliases or upstream ids. */
  idsForAlias(alias: string): string[] {
    return this.aliasStatement.all(alias).map((row) => row.vuln_id);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private toVulnerability(row: VulnerabilityRow): Vulnerability {
    const vulnerability: Vulnerability = {
      id: row.id,
      detailsTruncated: row.details_truncated === 1,
      aliases: JSON.parse(row.aliases) as string[],
      upstream: JSON.parse(row.upstream) as string[],
      related: JSON.parse(row.related) as string[],
      modified: row.modified,
      severity: JSON.parse(row.severity) as SeverityInfo,
      references: JSON.parse(row.refs) as Reference[],
      source: this.sourceNames.get(row.source) ?? '',
    };
    if (row.summary !== null) vulnerability.summary = row.summary;
    if (row.details !== null) vulnerability.details = row.details;
    if (row.published !== null) vulnerability.published = row.published;
    return vulnerability;
  }
}

function toAffectedEntry(row: AffectedRow, ecosystemBase: string, name: string): AffectedEntry {
  const entry: AffectedEntry = {
    vulnId: row.vuln_id,
    ecosystem: row.ecosystem,
    ecosystemBase,
    name,
    originalName: row.original_name ?? name,
    ranges: JSON.parse(row.ranges) as OsvRange[],
    versions: row.versions === null ? [] : (JSON.parse(row.versions) as string[]),
  };
  if (row.purl !== null) entry.purl = row.purl;
  if (row.severity !== null) entry.severity = JSON.parse(row.severity) as SeverityInfo;
  if (row.ecosystem_specific !== null) entry.ecosystemSpecific = JSON.parse(row.ecosystem_specific) as Record<string, unknown>;
  if (row.database_specific !== null) entry.databaseSpecific = JSON.parse(row.database_specific) as Record<string, unknown>;
  return entry;
}
