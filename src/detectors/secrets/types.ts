/**
 * What the secret analyzer stores per file. Results go into the layer cache as JSON, so a match
 * holds only the masked value and a fingerprint, never the secret itself.
 */
export interface SecretMatch {
  ruleId: string;
  /** 1-based line where the match starts; 0 when the rule matches the whole file by its path (a .p12). */
  line: number;
  /** Masked: a few leading characters (none for free-form passwords) and the length (core/mask.ts). */
  masked: string;
  /** sha256 of the secret value, hex: the same secret in two files or layers is one secret. */
  fingerprint: string;
  /**
   * Context that is not secret, from the rule's `note` template: the user of a shadow entry, the
   * host of a credential URL, the masked ID of an access key pair.
   */
  note?: string | undefined;
}

export interface SecretsResult {
  kind: 'secrets';
  matches: SecretMatch[];
}
