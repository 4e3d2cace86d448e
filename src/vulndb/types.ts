/** The shapes the vulnerability database hands to matchers and the CLI. */
import type { Severity } from '../core/finding.js';
import type { OsvEvent, OsvRange as EvaluatedRange } from '../versioning/osv-range.js';
import type { CvssVersion } from './cvss.js';

export type { Severity };

export type { OsvEvent };

/** An OSV range as stored: what the version evaluation reads, plus the record's own annotations. */
export interface OsvRange extends EvaluatedRange {
  events: OsvEvent[];
  database_specific?: Record<string, unknown>;
}

/** Where a severity came from. */
export type SeveritySource =
  | 'cvss-v4.0'
  | 'cvss-v3.1'
  | 'cvss-v3.0'
  | 'cvss-v2.0'
  | 'ghsa'
  | 'debian-urgency'
  | 'ubuntu-priority'
  | 'redhat'
  | 'rocky'
  | 'almalinux'
  | 'database'
  | 'none';

/** A rating published by the ecosystem or distribution itself, as it wrote it and normalised. */
export interface VendorSeverity {
  severity: Severity;
  source: SeveritySource;
  /** As published: "unimportant", "MODERATE", "Important", "negligible", ... */
  label: string;
}

export interface SeverityInfo {
  severity: Severity;
  source: SeveritySource;
  /** Set when the severity came from a CVSS vector. */
  score?: number;
  vector?: string;
  version?: CvssVersion;
  /** The rating as published (vendor label, or the CVSS rating such as "NONE"). */
  label?: string;
  /** The vendor's own rating when a CVSS score decided but the vendor also rated it. */
  vendor?: VendorSeverity;
}

/** One `affected[]` entry of a record, for one package in one ecosystem. */
export interface AffectedEntry {
  vulnId: string;
  /** The full OSV ecosystem string: "Debian:12", "Ubuntu:22.04:LTS", "npm". */
  ecosystem: string;
  /** "Debian", "Ubuntu", "npm" (see ecosystemBase). */
  ecosystemBase: string;
  /** The lookup name (see normalizePackageName). */
  name: string;
  /** The name as the record wrote it. */
  originalName: string;
  purl?: string;
  ranges: OsvRange[];
  versions: string[];
  /**
   * The severity for this package when the entry has its own (an affected-level CVSS vector,
   * a Debian urgency, an Ubuntu priority) and it differs from the record's; otherwise undefined
   * and the record's `Vulnerability.severity` applies (see effectiveSeverity).
   */
  severity?: SeverityInfo;
  ecosystemSpecific?: Record<string, unknown>;
  databaseSpecific?: Record<string, unknown>;
}

export interface Reference {
  type: string;
  url: string;
}

export interface Vulnerability {
  id: string;
  summary?: string;
  /** Markdown; cut at MAX_DETAILS_CHARS (then `detailsTruncated` is true). */
  details?: string;
  detailsTruncated: boolean;
  /** Other ids of the same vulnerability (CVE, GHSA, DSA, PYSEC, GO, RUSTSEC, ...). */
  aliases: string[];
  /** Upstream ids this record derives from (OSV 1.7 `upstream`, e.g. the CVEs of an RHSA). */
  upstream: string[];
  related: string[];
  published?: string;
  modified: string;
  severity: SeverityInfo;
  references: Reference[];
  /** The input the record was imported from ("Debian.zip", "osv/PyPI"). */
  source: string;
}

/** One input of a build, with what it contributed. */
export interface SourceStats {
  /** A display name: the zip's file name, or the directory / file path as given. */
  name: string;
  kind: 'zip' | 'directory' | 'file';
  /** Records read and valid (withdrawn, duplicates and filtered included). */
  records: number;
  imported: number;
  withdrawn: number;
  malformed: number;
  duplicates: number;
  filtered: number;
  /** Set by `customs db update` for downloaded exports. */
  url?: string;
  md5?: string;
  fetchedAt?: string;
}

export interface DbTotals {
  /** Records in the database. */
  records: number;
  /** affected rows (one per package entry). */
  affected: number;
  aliases: number;
  withdrawn: number;
  malformed: number;
  /** Records seen again under the same id (the one with the latest `modified` was kept). */
  duplicates: number;
  /** Records dropped because none of their packages was in the requested ecosystems. */
  filtered: number;
}

export interface DbInfo {
  path: string;
  schemaVersion: number;
  /** ISO 8601. */
  builtAt: string;
  toolVersion: string;
  totals: DbTotals;
  /** affected entries per ecosystem base ("Debian": 123456). */
  ecosystems: Record<string, number>;
  sources: SourceStats[];
}
