import type { RiskFinding } from '../../core/finding.js';
import type { HistoryStep } from '../../analyzers/image/metadata.js';
import { findCatalogSecrets } from './catalog.js';
import { evidenceWindow, maskSpans } from './masking.js';
import { normalizeCreatedBy } from './normalize.js';
import { historyRules } from './rules.js';
import type { HistoryRule, RuleHit, RuleStep } from './types.js';

export { historyRules } from './rules.js';
export { normalizeCreatedBy, parseAssignments, exposedPorts, type Instruction, type NormalizedStep } from './normalize.js';
export { findUrlCredentials, isPlaceholderValue, isSecretName } from './sensitive.js';
export { findCatalogSecrets, type CatalogMatch, type CatalogSecret } from './catalog.js';
export { maskSpans, evidenceWindow } from './masking.js';
export type { HistoryRule, RuleContext, RuleHit, RuleStep } from './types.js';

export const HISTORY_CATEGORY = 'build-history';

/** The rule that reports what the secret catalog finds in a command. */
const CATALOG_RULE = 'CUSTOMS-HIS-005';

/** One history step with every rule's hits and its command masked. */
export interface AnalysedStep {
  step: RuleStep;
  results: Array<{ rule: HistoryRule; hits: RuleHit[] }>;
  /** `createdBy` with every secret any rule or the catalog recognised masked, and an offset map into it. */
  masked: { text: string; map: (offset: number) => number };
  /** A secret was reported whose value could not be located: nothing of this command may be shown. */
  withheld: boolean;
}

/** Pair each history entry with its normalised instruction. */
export function ruleSteps(history: readonly HistoryStep[]): RuleStep[] {
  return history.map((entry) => ({ ...normalizeCreatedBy(entry.createdBy), index: entry.index, layerIndex: entry.layerIndex, diffId: entry.diffId }));
}

/**
 * Run every rule (enabled or not) and the secret catalog over every step, so that each secret
 * any of them recognises is masked wherever the command is shown, by whichever detector.
 */
export function analyseHistory(history: readonly HistoryStep[]): AnalysedStep[] {
  const steps = ruleSteps(history);
  return steps.map((step, position) => {
    const catalog = findCatalogSecrets(step.createdBy);
    const context = { steps, position, catalog };
    const results = historyRules.map((rule) => ({ rule, hits: rule.instructions.includes(step.instruction) ? rule.match(step, context) : [] }));
    const hits = results.flatMap((result) => result.hits);
    return {
      step,
      results,
      masked: maskSpans(step.createdBy, hits.flatMap((hit) => hit.secrets ?? [])),
      withheld: hits.some((hit) => hit.unlocatedSecret),
    };
  });
}

/** The masked command as evidence, windowed around [start, end) of `createdBy` when it is long. */
export function stepEvidence(analysed: AnalysedStep, start = 0, end = analysed.step.createdBy.length): string {
  if (analysed.withheld) return `${analysed.step.instruction} [command withheld: it contains a secret that could not be masked]`;
  return evidenceWindow(analysed.masked.text, analysed.masked.map(start), analysed.masked.map(end));
}

/**
 * Run the build-command rules over the image history. `enabled` lists the rule ids to run
 * (default: every rule that is on by default); ids of other detectors in it are ignored.
 * Evidence is the step's command with every recognised secret masked (see analyseHistory).
 */
export function historyFindings(history: HistoryStep[], enabled?: Set<string>): RiskFinding[] {
  const isOn = (rule: HistoryRule): boolean => (enabled ? enabled.has(rule.id) : rule.defaultEnabled);
  const findings: RiskFinding[] = [];
  for (const analysed of analyseHistory(history)) {
    const { step } = analysed;
    // A secret an enabled context rule reports (ENV name, build arg, URL, command line...) is not reported again by the catalog rule.
    const reported = analysed.results.filter(({ rule }) => isOn(rule) && rule.id !== CATALOG_RULE).flatMap(({ hits }) => hits.flatMap((hit) => hit.secrets ?? []));
    for (const { rule, hits: allHits } of analysed.results) {
      const hits = rule.id === CATALOG_RULE ? allHits.filter((hit) => !reported.some((span) => hit.start < span.end && span.start < hit.end)) : allHits;
      if (!isOn(rule) || hits.length === 0) continue;
      for (const hit of firstPerKind(hits)) {
        findings.push({
          id: rule.id,
          category: HISTORY_CATEGORY,
          severity: hit.severity ?? rule.severity,
          title: hit.title ?? rule.title,
          remediation: rule.remediation,
          location: { historyIndex: step.index, layerIndex: step.layerIndex, layerDiffId: step.diffId },
          evidence: stepEvidence(analysed, hit.start, hit.end),
        });
      }
    }
  }
  return findings;
}

/** One finding per rule, step and distinct title/severity: the first hit stands for the rest. */
function firstPerKind(hits: readonly RuleHit[]): RuleHit[] {
  const seen = new Map<string, RuleHit>();
  for (const hit of hits) {
    const key = `${hit.title ?? ''}\u0000${hit.severity ?? ''}`;
    if (!seen.has(key)) seen.set(key, hit);
  }
  return [...seen.values()];
}
