/**
 * What file analyzers report, as a tagged union: each analyzer family adds its own member
 * rather than writing into one shared result object. Results are stored in the layer cache as
 * JSON, so members must be plain data.
 */
import type { ConfigFileResult } from '../detectors/baseline/types.js';
import type { MalwareResult } from '../detectors/malware/types.js';
import type { SecretsResult } from '../detectors/secrets/types.js';
import type { Ecosystem, PackageRecord } from './package.js';

export type { ConfigFileResult, MalwareResult, SecretsResult };

export type AnalysisResult = OsReleaseResult | PackagesResult | PackageLicensesResult | SecretsResult | ConfigFileResult | MalwareResult;

/** Facts read from one OS identification file; they are combined across files after the walk. */
export interface OsReleaseResult {
  kind: 'os-release';
  /** Which kind of file this was: os-release, alpine-release, debian_version, redhat-release, ... */
  source: string;
  fields: Record<string, string>;
}

/** Packages read from one file: an OS package database, a lockfile, a manifest, a binary, an archive. */
export interface PackagesResult {
  kind: 'packages';
  ecosystem: Ecosystem;
  packages: PackageRecord[];
}

/**
 * Licenses a package declares in a file of its own (Debian's /usr/share/doc/<package>/copyright),
 * merged into that package's inventory record by name.
 */
export interface PackageLicensesResult {
  kind: 'package-licenses';
  ecosystem: Ecosystem;
  name: string;
  licenses: string[];
}
