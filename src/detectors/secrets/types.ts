/** One secret found in one file by one rule. The value is stored only masked, with a fingerprint to recognise it. */
export interface SecretMatch {
  ruleId: string;
  line: number;
  /** Masked: a few leading characters and the length (core/mask.ts). */
  masked: string;
  /** sha256 of the secret value, hex: the same secret in two files or layers is one secret. */
  fingerprint: string;
}

export interface SecretsResult {
  kind: 'secrets';
  matches: SecretMatch[];
}
