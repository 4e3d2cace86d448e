/**
 * Stored secret matches (masked) to risk findings. A secret ships in the image as soon as one layer
 * has it, so files deleted or overwritten in a later layer are reported too, and say so.
 */
import { severityRank, type RiskFinding } from '../../core/finding.js';
import type { FinalFilesystem, ShippedResult } from '../../layer/filesystem.js';
import type { SecretRule } from './rule.js';
import { BUILTIN_RULES } from './rules/index.js';
import type { SecretsResult } from './types.js';

/** One file's secret results in one layer. */
export type LocatedSecrets = ShippedResult<SecretsResult>;

/** Appended to the title of a secret whose file no longer shows in the final filesystem (deleted or overwritten later): it still ships in its layer. */
export const DELETED_SUFFIX = '(file deleted in a later layer)';

/** The finding category of a secret rule's findings: `secret/<rule category>`, e.g. `secret/cloud`. */
export function secretCategory(ruleCategory: string): string {
  return `secret/${ruleCategory}`;
}

export function isSecretFinding(finding: RiskFinding): boolean {
  return finding.category.startsWith('secret/');
}

/**
 * Findings from stored matches, titles, severities and remediation from `rules` (the analyzer's
 * effective rules; the built-in catalog by default). The same value in the same file is reported
 * once, at the lowest layer that has it; sorted by severity (highest first), file and line.
 */
export function secretFindings(results: readonly LocatedSecrets[], rules: readonly SecretRule[] = BUILTIN_RULES): RiskFinding[] {
  const byId = new Map(rules.map((rule) => [rule.id, rule]));
  interface Occurrence {
    layerIndex: number;
    layerDiffId: string;
    line: number;
    masked: string;
    note: string | undefined;
    visible: boolean;
  }
  const groups = new Map<string, { path: string; ruleId: string; occurrences: Occurrence[] }>();
  for (const located of results) {
    for (const match of located.result.matches) {
      const key = `${located.path}\0${match.ruleId}\0${match.fingerprint}`;
      let group = groups.get(key);
      if (!group) {
        group = { path: located.path, ruleId: match.ruleId, occurrences: [] };
        groups.set(key, group);
      }
      group.occurrences.push({ layerIndex: located.layerIndex, layerDiffId: located.layerDiffId, line: match.line, masked: match.masked, note: match.note, visible: located.visible });
    }
  }

  const findings: RiskFinding[] = [];
  for (const group of groups.values()) {
    const lowest = Math.min(...group.occurrences.map((occurrence) => occurrence.layerIndex));
    const stillThere = group.occurrences.some((occurrence) => occurrence.visible);
    const rule = byId.get(group.ruleId);
    const seenLines = new Set<number>();
    for (const occurrence of group.occurrences) {
      if (occurrence.layerIndex !== lowest || seenLines.has(occurrence.line)) continue;
      seenLines.add(occurrence.line);
      const title = rule?.title ?? `Secret (rule ${group.ruleId})`;
      findings.push({
        id: group.ruleId,
        category: secretCategory(rule?.category ?? 'unknown'),
        severity: rule?.severity ?? 'MEDIUM',
        title: stillThere ? title : `${title} ${DELETED_SUFFIX}`,
        remediation: rule?.remediation ?? 'Revoke and rotate this secret, and rebuild the image without it.',
        location: {
          file: group.path,
          line: occurrence.line > 0 ? occurrence.line : undefined,
          layerIndex: occurrence.layerIndex,
          layerDiffId: occurrence.layerDiffId,
        },
        evidence: occurrence.note ? `${occurrence.masked} [${occurrence.note}]` : occurrence.masked,
      });
    }
  }
  return findings.sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      compare(a.location.file ?? '', b.location.file ?? '') ||
      (a.location.line ?? 0) - (b.location.line ?? 0) ||
      compare(a.id, b.id) ||
      (a.location.layerIndex ?? 0) - (b.location.layerIndex ?? 0),
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The secret results of every layer, deleted files included: the input of secretFindings after a scan. */
export function collectSecretResults(filesystem: FinalFilesystem, diffIds: readonly string[]): LocatedSecrets[] {
  return filesystem.shippedResults('secrets', diffIds);
}
