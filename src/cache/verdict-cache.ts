/**
 * Malware verdicts by file content: a file whose SHA-256 the same engines (same signatures, same
 * rules) have judged before is not sent to them again, whichever image or layer it turns up in.
 * Clean verdicts are kept too; they are most of them. A verdict the engines could not reach
 * (size limit, engine warning) is never stored, so the file is tried again next time.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { MalwareDetection } from '../detectors/malware/types.js';

export interface VerdictStore {
  get(sha256: string, engines: string): MalwareDetection[] | undefined;
  put(sha256: string, engines: string, detections: readonly MalwareDetection[]): void;
  close(): void;
}

/** For --no-cache and tests: remembers within one process. */
export class MemoryVerdictStore implements VerdictStore {
  private readonly verdicts = new Map<string, MalwareDetection[]>();
  get(sha256: string, engines: string): MalwareDetection[] | undefined {
    return this.verdicts.get(`${engines}:${sha256}`);
  }
  put(sha256: string, engines: string, detections: readonly MalwareDetection[]): void {
    this.verdicts.set(`${engines}:${sha256}`, [...detections]);
  }
  close(): void {}
}

/** <cacheDir>/verdicts.sqlite, shared by concurrent scans (WAL, with a busy timeout). */
export class SqliteVerdictStore implements VerdictStore {
  private readonly db: Database.Database;
  private readonly select: Database.Statement<[string, string], { detections: string }>;
  private readonly insert: Database.Statement<[string, string, string, string]>;

  constructor(cacheDir: string) {
    mkdirSync(cacheDir, { recursive: true });
    this.db = new Database(join(cacheDir, 'verdicts.sqlite'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(
      `CREATE TABLE IF NOT EXISTS verdicts (
         engines TEXT NOT NULL,
         sha256 TEXT NOT NULL,
         detections TEXT NOT NULL,
         scanned_at TEXT NOT NULL,
         PRIMARY KEY (engines, sha256)
       ) WITHOUT ROWID`,
    );
    this.select = this.db.prepare('SELECT detections FROM verdicts WHERE engines = ? AND sha256 = ?');
    this.insert = this.db.prepare('INSERT OR REPLACE INTO verdicts (engines, sha256, detections, scanned_at) VALUES (?, ?, ?, ?)');
  }

  get(sha256: string, engines: string): MalwareDetection[] | undefined {
    const row = this.select.get(engines, sha256);
    if (!row) return undefined;
    try {
      return JSON.parse(row.detections) as MalwareDetection[];
    } catch {
      return undefined;
    }
  }

  put(sha256: string, engines: string, detections: readonly MalwareDetection[]): void {
    this.insert.run(engines, sha256, JSON.stringify(detections), new Date().toISOString());
  }

  close(): void {
    this.db.close();
  }
}
