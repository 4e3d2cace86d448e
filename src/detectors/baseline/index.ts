import type { FileAnalyzer } from '../../core/analyzer.js';
import type { RiskFinding } from '../../core/finding.js';
import type { FinalFilesystem } from '../../layer/filesystem.js';
import { analyseHistory } from '../history/index.js';
import { baselineChecks } from './checks/index.js';
import type { BaselineCheck, BaselineInput, CheckContext, LocatedConfigFile, TypedConfigFile } from './checks/types.js';
import { groupAnalyzer } from './files/group.js';
import { loginDefsAnalyzer } from './files/login-defs.js';
import { passwdAnalyzer } from './files/passwd.js';
import { shadowAnalyzer } from './files/shadow.js';
import { sshdConfigAnalyzer } from './files/sshd-config.js';
import { sudoersAnalyzer } from './files/sudoers.js';
import type { ConfigFileFormat } from './types.js';

export { baselineChecks, UNCHECKABLE_CIS_ITEMS } from './checks/index.js';
export type { BaselineCheck, BaselineInput, CheckContext, CheckHit, LocatedConfigFile, TypedConfigFile } from './checks/types.js';
export type * from './types.js';
export { parsePasswd } from './files/passwd.js';
export { parseShadow } from './files/shadow.js';
export { parseGroup } from './files/group.js';
export { parseSudoers } from './files/sudoers.js';
export { parseSshdConfig } from './files/sshd-config.js';
export { parseLoginDefs } from './files/login-defs.js';
export { classifyPassword } from './files/password.js';

export const BASELINE_CATEGORY = 'baseline';

/**
 * The config-file analyzers baseline checks need, one per format. They are a family of their
 * own (not listed under src/analyzers): the engine adds them to the file analyzers it runs.
 */
export const baselineFileAnalyzers: readonly FileAnalyzer[] = [passwdAnalyzer, shadowAnalyzer, groupAnalyzer, sudoersAnalyzer, sshdConfigAnalyzer, loginDefsAnalyzer];

/** The config-file results of files still visible in the final filesystem, as baseline checks take them. */
export function collectConfigFiles(filesystem: FinalFilesystem): LocatedConfigFile[] {
  return filesystem
    .visibleResults()
    .flatMap((located) => (located.result.kind === 'config-file' ? [{ path: located.path, layerIndex: located.layerIndex, result: located.result }] : []));
}

/** Whether a check runs: the ids in `enabled` when given, otherwise the checks that are on by default. */
export function isCheckEnabled(check: BaselineCheck, enabled: Set<string> | undefined): boolean {
  return enabled ? enabled.has(check.id) : check.defaultEnabled;
}

/**
 * Run the baseline checks over an image: its configuration, final filesystem, config-file facts
 * and the secret detector's findings. Findings are ordered by check id, then as each check lists them.
 */
export function baselineFindings(input: BaselineInput): RiskFinding[] {
  const context = buildContext(input);
  const diffIds = layerDiffIds(input);
  const findings: RiskFinding[] = [];
  for (const check of baselineChecks) {
    if (!isCheckEnabled(check, input.enabled)) continue;
    for (const hit of check.run(context)) {
      findings.push({
        id: check.id,
        category: BASELINE_CATEGORY,
        severity: hit.severity ?? check.severity,
        title: hit.title ?? check.title,
        remediation: check.remediation,
        location: {
          file: hit.file,
          line: hit.line,
          layerIndex: hit.layerIndex,
          layerDiffId: hit.layerIndex === undefined ? undefined : diffIds.get(hit.layerIndex),
          historyIndex: hit.historyIndex,
        },
        evidence: hit.evidence,
      });
    }
  }
  return findings;
}

function buildContext(input: BaselineInput): CheckContext {
  const byFormat = new Map<ConfigFileFormat, Array<TypedConfigFile<ConfigFileFormat>>>();
  for (const { path, layerIndex, result } of input.configFiles) {
    const list = byFormat.get(result.format) ?? [];
    list.push({ path, layerIndex, facts: result.facts } as TypedConfigFile<ConfigFileFormat>);
    byFormat.set(result.format, list);
  }
  for (const list of byFormat.values()) list.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    input,
    files: input.filesystem.list(),
    configs: <F extends ConfigFileFormat>(format: F) => (byFormat.get(format) ?? []) as unknown as Array<TypedConfigFile<F>>,
    history: analyseHistory(input.metadata.history),
  };
}

function layerDiffIds(input: BaselineInput): Map<number, string> {
  const map = new Map<number, string>();
  for (const step of input.metadata.history) if (step.layerIndex !== undefined && step.diffId) map.set(step.layerIndex, step.diffId);
  input.diffIds?.forEach((diffId, index) => {
    if (diffId) map.set(index, diffId);
  });
  return map;
}

