/**
 * The severity of a record and of each of its affected entries. Rules (src/vulndb/readme.md):
 *
 * 1. CVSS first: of all valid v3.0 / v3.1 / v4.0 vectors, the highest score wins (on a tie the
 *    newer version); v2.0 vectors count only when there is no v3/v4 vector. Score 0.0 is LOW.
 * 2. Else the ecosystem's or distribution's own rating, the highest if there are several:
 *    GHSA `database_specific.severity`, Debian `ecosystem_specific.urgency`, Ubuntu priority
 *    (severity type "Ubuntu"), Red Hat / Rocky / AlmaLinux (`database_specific.severity` or the
 *    "Important: ..." summary prefix), any other `database_specific.severity`.
 * 3. Else UNKNOWN, source "none".
 *
 * When CVSS decides and a vendor rating exists too, the vendor rating is kept in `vendor`.
 */
import { severityRank, type Severity } from '../core/finding.js';
import { tryCvssScore, type CvssScore, type CvssVersion } from './cvss.js';
import type { OsvAffected, OsvRecord, OsvSeverityEntry } from './osv-schema.js';
import type { SeverityInfo, SeveritySource, VendorSeverity } from './types.js';

const CVSS_TYPES = new Set(['CVSS_V2', 'CVSS_V3', 'CVSS_V4']);
const VERSION_ORDER: Record<CvssVersion, number> = { '2.0': 0, '3.0': 1, '3.1': 2, '4.0': 3 };

function cvssCandidates(entries: ReadonlyArray<OsvSeverityEntry> | null | undefined): CvssScore[] {
  const scores: CvssScore[] = [];
  for (const entry of entries ?? []) {
    if (!CVSS_TYPES.has(entry.type)) continue;
    const score = tryCvssScore(entry.score);
    if (score) scores.push(score);
  }
  return scores;
}

/** The highest v3/v4 score (ties: newer version), else the highest v2 score. */
function bestCvss(scores: CvssScore[]): CvssScore | undefined {
  const modern = scores.filter((score) => score.version !== '2.0');
  const pool = modern.length > 0 ? modern : scores;
  let best: CvssScore | undefined;
  for (const score of pool) {
    if (!best || score.score > best.score || (score.score === best.score && VERSION_ORDER[score.version] > VERSION_ORDER[best.version])) best = score;
  }
  return best;
}

const LABELS: Record<string, Severity> = {
  // GHSA, Red Hat and generic database ratings
  low: 'LOW',
  moderate: 'MEDIUM',
  medium: 'MEDIUM',
  high: 'HIGH',
  important: 'HIGH',
  critical: 'CRITICAL',
  // Debian urgency; Ubuntu priority
  unimportant: 'LOW',
  negligible: 'LOW',
};

function vendorFromLabel(label: unknown, source: SeveritySource): VendorSeverity | undefined {
  if (typeof label !== 'string') return undefined;
  // Debian marks uncertain urgencies with trailing asterisks ("medium**").
  const key = label.trim().replace(/\*+$/, '').toLowerCase();
  const severity = LABELS[key];
  return severity ? { severity, source, label: label.trim() } : undefined;
}

function highestVendor(candidates: Array<VendorSeverity | undefined>): VendorSeverity | undefined {
  let best: VendorSeverity | undefined;
  for (const candidate of candidates) {
    if (candidate && (!best || severityRank(candidate.severity) > severityRank(best.severity))) best = candidate;
  }
  return best;
}

function recordVendorSource(id: string): SeveritySource {
  if (id.startsWith('GHSA-')) return 'ghsa';
  if (/^RH[SBE]A-/.test(id)) return 'redhat';
  if (/^RL[SBE]A-/.test(id)) return 'rocky';
  if (/^AL[SBE]A-/.test(id)) return 'almalinux';
  return 'database';
}

/** Ratings written at the record level. */
function recordVendor(record: OsvRecord): VendorSeverity | undefined {
  const source = recordVendorSource(record.id);
  const candidates: Array<VendorSeverity | undefined> = [vendorFromLabel(record.database_specific?.severity, source)];
  if (source === 'redhat' || source === 'rocky' || source === 'almalinux') {
    const prefix = /^(Critical|Important|Moderate|Low):/.exec(record.summary ?? '');
    if (prefix) candidates.push(vendorFromLabel(prefix[1], source));
  }
  for (const entry of record.severity ?? []) {
    if (entry.type === 'Ubuntu') candidates.push(vendorFromLabel(entry.score, 'ubuntu-priority'));
  }
  return highestVendor(candidates);
}

/** Ratings written in one affected entry. */
function affectedVendor(affected: OsvAffected, recordSource: SeveritySource): VendorSeverity | undefined {
  const candidates: Array<VendorSeverity | undefined> = [vendorFromLabel(affected.ecosystem_specific?.urgency, 'debian-urgency')];
  for (const entry of affected.severity ?? []) {
    if (entry.type === 'Ubuntu') candidates.push(vendorFromLabel(entry.score, 'ubuntu-priority'));
  }
  candidates.push(vendorFromLabel(affected.database_specific?.severity, recordSource));
  return highestVendor(candidates);
}

function decide(cvss: CvssScore | undefined, vendor: VendorSeverity | undefined): SeverityInfo {
  if (cvss) {
    const info: SeverityInfo = {
      severity: cvss.rating === 'NONE' ? 'LOW' : cvss.rating,
      source: `cvss-v${cvss.version}`,
      score: cvss.score,
      vector: cvss.vector,
      version: cvss.version,
    };
    if (cvss.rating === 'NONE') info.label = 'NONE';
    if (vendor) info.vendor = vendor;
    return info;
  }
  if (vendor) return { severity: vendor.severity, source: vendor.source, label: vendor.label };
  return { severity: 'UNKNOWN', source: 'none' };
}

/** The severity of a whole record, from its own and all its affected entries' ratings. */
export function recordSeverity(record: OsvRecord): SeverityInfo {
  const affected = record.affected ?? [];
  const cvss = bestCvss([...cvssCandidates(record.severity), ...affected.flatMap((entry) => cvssCandidates(entry.severity))]);
  const source = recordVendorSource(record.id);
  const vendor = highestVendor([recordVendor(record), ...affected.map((entry) => affectedVendor(entry, source))]);
  return decide(cvss, vendor);
}

/**
 * The severity for one affected entry: its own CVSS vectors, else the record-level ones; its own
 * vendor rating, else the record-level one. Undefined when the entry carries no rating of its own
 * (the record's severity applies unchanged).
 */
export function affectedSeverity(affected: OsvAffected, record: OsvRecord): SeverityInfo | undefined {
  const ownCvss = bestCvss(cvssCandidates(affected.severity));
  const ownVendor = affectedVendor(affected, recordVendorSource(record.id));
  if (!ownCvss && !ownVendor) return undefined;
  return decide(ownCvss ?? bestCvss(cvssCandidates(record.severity)), ownVendor ?? recordVendor(record));
}

/** What a matcher should report for a match on `entry` of `vulnerability`. */
export function effectiveSeverity(entry: { severity?: SeverityInfo | undefined }, vulnerability: { severity: SeverityInfo }): SeverityInfo {
  return entry.severity ?? vulnerability.severity;
}
