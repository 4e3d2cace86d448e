import { statSync } from 'node:fs';
import type { VulnerabilityFinding } from '../core/vulnerability.js';
import { matchVulnerabilities } from '../matchers/match.js';
import { dbPath } from '../vulndb/store.js';
import { VulnDb } from '../vulndb/store.js';
import type { ImageScan } from './scan.js';

export interface VulnerabilityOptions {
  dbDir?: string | undefined;
  /** Warn when the database was built longer ago than this. */
  maxAgeDays: number;
}

export interface VulnerabilityScan {
  findings: VulnerabilityFinding[];
  warnings: string[];
  database: { path: string; builtAt: string };
}

/** Open the database (failing clearly when there is none), warn when it is stale, match the inventory. */
export function scanVulnerabilities(scan: ImageScan, options: VulnerabilityOptions, now = new Date()): VulnerabilityScan {
  const path = dbPath(options.dbDir);
  const db = VulnDb.open(path);
  try {
    const info = db.info();
    const warnings: string[] = [];
    const ageDays = (now.getTime() - new Date(info.builtAt).getTime()) / 86_400_000;
    if (ageDays > options.maxAgeDays) {
      warnings.push(`the vulnerability database ${path} was built ${Math.floor(ageDays)} days ago (limit ${options.maxAgeDays}); run customs db update`);
    }
    const result = matchVulnerabilities(scan.packages, scan.os, db);
    for (const skipped of result.skipped) warnings.push(`${skipped.file}: ${skipped.purl}: not matched: ${skipped.reason}`);
    return { findings: result.findings, warnings, database: { path, builtAt: info.builtAt } };
  } finally {
    db.close();
  }
}

/** Whether a database file exists, for commands that only warn without one. */
export function hasDatabase(dbDir?: string): boolean {
  try {
    return statSync(dbPath(dbDir)).isFile();
  } catch {
    return false;
  }
}
