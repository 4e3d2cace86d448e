import type { Severity } from '../../core/finding.js';

/** The built-in categories, one data file each under rules/; user rules may name their own. */
export const SECRET_CATEGORIES = ['cloud', 'vcs-ci', 'saas', 'private-key', 'credentials-file', 'database', 'generic'] as const;
export type BuiltinSecretCategory = (typeof SECRET_CATEGORIES)[number];

/** A glob (`**` any depth, `*` one segment, `{a,b}`; no `/` means the base name) or a regex over the path without a leading slash. */
export type PathPattern = string | RegExp;

/**
 * A sample for the catalog's table test: text scanned at `path` (default `app/config.txt`).
 * `secret`, when given, is the value a positive sample must report (its masked form and fingerprint are checked).
 */
export type Sample = string | { path?: string | undefined; text: string; secret?: string | undefined };

export interface RuleSamples {
  positive: readonly Sample[];
  negative: readonly Sample[];
}

/**
 * One detection rule. Rules are data: the catalog lives in rules/*.ts, user rules come from YAML
 * with the same fields (patterns as strings). The scanner runs a rule's `pattern` only over files
 * that contain one of its `keywords` (ASCII case-insensitive), so every match must contain one.
 */
export interface SecretRule {
  /** Stable kebab-case id, reported as the finding id. */
  readonly id: string;
  readonly category: string;
  readonly severity: Severity;
  readonly title: string;
  readonly remediation: string;
  /** Lowercase literals, the prefilter: the pattern runs only where one occurs. May be empty only for rules limited by `paths`. */
  readonly keywords: readonly string[];
  /**
   * The value pattern, with a named group `secret` (or `secret2`, `secret3`, ... in alternatives:
   * the first one that took part is the value). Other named groups feed `note`. Absent: the rule
   * matches by path alone (a .p12 file), with the file's bytes as the value.
   */
  readonly pattern?: RegExp | undefined;
  /** Only files matching one of these. */
  readonly paths?: readonly PathPattern[] | undefined;
  /** Never files matching one of these. */
  readonly excludePaths?: readonly PathPattern[] | undefined;
  /** Minimum Shannon entropy (bits per character) of the value, for generic rules. */
  readonly entropy?: number | undefined;
  /** Values that are not secrets: strings are compared whole, case-insensitively; regexes are tested. */
  readonly allow?: readonly (string | RegExp)[] | undefined;
  /** Apply the global placeholder list (PLACEHOLDERS in scanner.ts) as well; default true. */
  readonly placeholders?: boolean | undefined;
  /** A cheap check of the value (a checksum, a decodable header); false drops the match. */
  readonly validate?: ((secret: string, groups: Readonly<Record<string, string | undefined>>) => boolean) | undefined;
  /** Another pattern that must occur in the same file (the other half of a key pair, a file type marker). Its match is `{required}` in `note`. */
  readonly requires?: RegExp | undefined;
  /** Drop this rule's matches in a file where one of these rules matched (an access key ID when the pair was found). */
  readonly supersededBy?: readonly string[] | undefined;
  /**
   * Whether scanTextForSecrets (text that is not a file: a build command, an ENV value) runs
   * this rule. Default: rules without `paths` and without `requires` do.
   */
  readonly inText?: boolean | undefined;
  /** How the value is normalised before masking and fingerprinting: `pem-body` drops whitespace, quotes and `\n` escapes. */
  readonly normalize?: 'pem-body' | undefined;
  /** At most this many matches per file (default MAX_MATCHES_PER_RULE): 1 for a file-level finding such as a certificate bundle. */
  readonly maxMatches?: number | undefined;
  /** Leading characters the masked value shows: default 4; 0 for free-form passwords, 3 for crypt hashes (`$6$`). */
  readonly maskVisible?: number | undefined;
  /**
   * Non-secret context for the evidence: `{group}` is a named group's value, `{group:masked}`
   * its masked form, `{required}` the `requires` match. Only ever name groups that are not secret.
   */
  readonly note?: string | undefined;
  readonly samples?: RuleSamples | undefined;
}

/** Identity for rule definitions: keeps literal checking without widening the catalog's element type. */
export function defineRules(rules: readonly SecretRule[]): readonly SecretRule[] {
  return rules;
}
