import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { z } from 'zod';
import type { PackageRecord } from '../../../core/package.js';
import { rpmDatabaseAnalyzer, rpmPackagesFromBlobs, type RpmHeaderBlob } from './package.js';

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
/** Header bytes 18 and 19: file format write and read versions, 2 meaning WAL. */
const FORMAT_VERSION_OFFSETS = [18, 19] as const;
const LEGACY_FORMAT = 1;

// The native SQLite binding is loaded with the first rpmdb.sqlite, not by every scan.
const require = createRequire(import.meta.url);
let Database: typeof BetterSqlite3 | undefined;

const packageRow = z.object({ hnum: z.number().int(), blob: z.instanceof(Buffer) });

/**
 * rpmdb.sqlite (rpm 4.16+: Fedora 33+, RHEL 9, CBL-Mariner, Azure Linux): table Packages with the
 * record number `hnum` and the header `blob`. The bytes are opened in memory, never written to disk.
 */
export function readRpmSqliteBlobs(bytes: Buffer): RpmHeaderBlob[] {
  if (bytes.length < 100 || !bytes.subarray(0, SQLITE_MAGIC.length).equals(SQLITE_MAGIC)) throw new Error('not an SQLite database (no "SQLite format 3" header)');
  // rpm keeps the database in WAL mode, which SQLite refuses to open from memory. The header's
  // version bytes are the only thing WAL mode changes in the file, so a copy marked legacy opens
  // the same pages. (A -wal file beside it in the image is not seen: rpm checkpoints on close.)
  const copy = Buffer.from(bytes);
  for (const offset of FORMAT_VERSION_OFFSETS) copy[offset] = LEGACY_FORMAT;
  Database ??= require('better-sqlite3') as typeof BetterSqlite3;
  const database = new Database(copy, { readonly: true });
  try {
    const table = database.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'Packages'").get();
    if (!table) throw new Error('SQLite database has no Packages table: not an rpmdb');
    const blobs: RpmHeaderBlob[] = [];
    for (const row of database.prepare('SELECT hnum, blob FROM Packages ORDER BY hnum').iterate()) {
      const parsed = packageRow.safeParse(row);
      if (!parsed.success) throw new Error(`Packages row is not (integer hnum, blob): ${parsed.error.issues[0]?.message ?? ''}`);
      blobs.push({ id: parsed.data.hnum, blob: parsed.data.blob });
    }
    return blobs;
  } finally {
    database.close();
  }
}

export function parseRpmSqlite(bytes: Buffer, _path: string): PackageRecord[] {
  return rpmPackagesFromBlobs(readRpmSqliteBlobs(bytes));
}

export const rpmSqliteAnalyzer = rpmDatabaseAnalyzer({ name: 'os-packages/rpm-sqlite', version: 1, fileName: 'rpmdb.sqlite', parse: parseRpmSqlite });
