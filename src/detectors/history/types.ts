import type { Severity } from '../../core/finding.js';
import type { CatalogSecret } from './catalog.js';
import type { Instruction, NormalizedStep } from './normalize.js';
import type { Span } from './masking.js';

/** A step of the image history as the rules see it: the normalised instruction and where it sits. */
export interface RuleStep extends NormalizedStep {
  /** Index in the config's history list. */
  index: number;
  layerIndex?: number | undefined;
  diffId?: string | undefined;
}

export interface RuleContext {
  /** Every step of the history, for rules that depend on what came before or after. */
  steps: readonly RuleStep[];
  /** Position of the current step in `steps`. */
  position: number;
  /** What the secret catalog found in this step's `createdBy`. */
  catalog: readonly CatalogSecret[];
}

/** One match of a rule in one step. Offsets are into the step's `createdBy`. */
export interface RuleHit extends Span {
  /** Secret values inside the match (or elsewhere in the step) to mask before showing anything. */
  secrets?: Span[] | undefined;
  severity?: Severity | undefined;
  title?: string | undefined;
  /** Set when a secret was found but its value could not be located: the command must be withheld. */
  unlocatedSecret?: boolean | undefined;
}

export interface HistoryRule {
  /** Stable id, `CUSTOMS-HIS-xxx`. */
  id: string;
  title: string;
  severity: Severity;
  remediation: string;
  /** The instructions this rule looks at. */
  instructions: readonly Instruction[];
  defaultEnabled: boolean;
  match(step: RuleStep, context: RuleContext): RuleHit[];
}
