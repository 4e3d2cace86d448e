import type { VulnerabilityFinding } from '../core/vulnerability.js';
import { matchVulnerabilities } from '../matchers/match.js';
import type { VulnDb } from '../vulndb/store.js';
import type { ImageScan } from './scan.js';

export interface VulnerabilityOptions {
  /** Warn when the database was built longer ago than this. */
  maxAgeDays: number;
}

export interface VulnerabilityScan {
  findings: VulnerabilityFinding[];
  warnings: string[];
  database: { path: string; builtAt: string };
}

/** Match the inventory against an open database, warning when the database is stale. */
export function scanVulnerabilities(scan: ImageScan, db: VulnDb, options: VulnerabilityOptions, now = new Date()): VulnerabilityScan {
  const info = db.info();
  const warnings: string[] = [];
  const ageDays = (now.getTime() - new Date(info.builtAt).getTime()) / 86_400_000;
  if (ageDays > options.maxAgeDays) {
    warnings.push(`the vulnerability database ${info.path} was built ${Math.floor(ageDays)} days ago (limit ${options.maxAgeDays}); run customs db update`);
  }
  const result = matchVulnerabilities(scan.packages, scan.os, db);
  for (const skipped of result.skipped) warnings.push(`${skipped.file}: ${skipped.purl}: not matched: ${skipped.reason}`);
  return { findings: result.findings, warnings, database: { path: info.path, builtAt: info.builtAt } };
}
