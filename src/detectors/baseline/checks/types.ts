import type { ImageMetadata } from '../../../analyzers/image/metadata.js';
import type { RiskFinding, Severity } from '../../../core/finding.js';
import type { FinalFile, FinalFilesystem } from '../../../layer/filesystem.js';
import type { AnalysedStep } from '../../history/index.js';
import type { ConfigFileFormat, ConfigFileOf, ConfigFileResult } from '../types.js';

/** A config-file result whose file is visible in the final filesystem. */
export interface LocatedConfigFile {
  /** Path without a leading slash: "etc/shadow". */
  path: string;
  layerIndex: number;
  result: ConfigFileResult;
}

export interface BaselineInput {
  /** The image name as given, with its tag (or digest). */
  reference: string;
  metadata: ImageMetadata;
  filesystem: FinalFilesystem;
  configFiles: LocatedConfigFile[];
  /** What the secret detector found in files: cloud keys and private keys feed checks here. */
  secretFindings: RiskFinding[];
  /** The checks to run (by id); default: every check that is on by default. Ids of other detectors are ignored. */
  enabled?: Set<string> | undefined;
  /** Diff IDs by layer index, for `layerDiffId`; by default read from the history where it pairs steps with layers. */
  diffIds?: readonly string[] | undefined;
}

/** One config file of a format, with its facts typed. */
export interface TypedConfigFile<F extends ConfigFileFormat> {
  path: string;
  layerIndex: number;
  facts: ConfigFileOf<F>['facts'];
}

/** What every check reads, computed once per scan. */
export interface CheckContext {
  input: BaselineInput;
  /** Every visible file, sorted by path. */
  files: readonly FinalFile[];
  configs<F extends ConfigFileFormat>(format: F): Array<TypedConfigFile<F>>;
  /** The history with each command normalised and its secrets masked. */
  history: readonly AnalysedStep[];
}

/** One thing a check found. The runner turns it into a RiskFinding with the check's id, title and remediation. */
export interface CheckHit {
  file?: string | undefined;
  line?: number | undefined;
  layerIndex?: number | undefined;
  historyIndex?: number | undefined;
  /** Never a secret in clear: mask values (core/mask.ts) before putting them here. */
  evidence?: string | undefined;
  severity?: Severity | undefined;
  title?: string | undefined;
}

export interface BaselineCheck {
  /** Stable id: the CIS Docker Benchmark / Dockle id where one exists, `CUSTOMS-BL-xxx` otherwise. */
  id: string;
  title: string;
  severity: Severity;
  remediation: string;
  /** What is examined, and what is deliberately left out. */
  description: string;
  defaultEnabled: boolean;
  run(context: CheckContext): CheckHit[];
}
