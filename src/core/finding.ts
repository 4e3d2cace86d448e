/** One severity scale for every kind of finding, so filters and exit codes work across them. */
export type Severity = 'UNKNOWN' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

export const SEVERITIES: readonly Severity[] = ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** Where a finding is: a file (and line) in a layer, or a step of the image history. */
export interface FindingLocation {
  file?: string | undefined;
  line?: number | undefined;
  layerIndex?: number | undefined;
  layerDiffId?: string | undefined;
  /** Index into the config history, for build-command findings. */
  historyIndex?: number | undefined;
}

/** What every risk finding (secret, baseline, history, malware) has; vulnerabilities have their own shape. */
export interface RiskFinding {
  /** Stable rule or check id, e.g. "aws-access-key-id", "CIS-DI-0001". */
  id: string;
  category: string;
  severity: Severity;
  title: string;
  remediation: string;
  location: FindingLocation;
  /** Masked evidence: never a secret in clear. */
  evidence?: string | undefined;
}
