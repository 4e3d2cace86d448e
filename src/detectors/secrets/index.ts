/**
 * Secret detection: the rule catalog, the scanning engine, the file analyzer and the findings.
 *
 *   createSecretAnalyzer(options)          FileAnalyzer 'secrets/scanner' for the layer walk
 *   secretFindings(results, rules)          stored matches -> RiskFinding[]
 *   collectSecretResults(filesystem, ids)   the input of secretFindings after a scan
 *   scanTextForSecrets(text)                the catalog over text that is not a file (build commands, ENV values)
 */
import type { Severity } from '../../core/finding.js';
import { BUILTIN_RULES } from './rules/index.js';
import { compileRules, scanTextWithRules, type TextSecretMatch } from './scanner.js';
import type { SecretMatch } from './types.js';

export { createSecretAnalyzer, ruleSetDigest, selectRules, SECRET_ANALYZER_NAME, SECRET_ANALYZER_VERSION } from './analyzer.js';
export type { SecretAnalyzer, SecretAnalyzerOptions } from './analyzer.js';
export { collectSecretResults, DELETED_SUFFIX, isSecretFinding, secretCategory, secretFindings } from './findings.js';
export type { LocatedSecrets } from './findings.js';
export { DEFAULT_EXCLUDED_PATHS, BINARY_EXTENSIONS } from './paths.js';
export { SECRET_CATEGORIES } from './rule.js';
export type { PathPattern, RuleSamples, Sample, SecretRule } from './rule.js';
export { BUILTIN_RULES, RULE_FILES } from './rules/index.js';
export { CompiledRules, compileRules, DEFAULT_MAX_FILE_SIZE, looksBinary, PLACEHOLDERS, scanBuffer, scanText, scanTextWithRules } from './scanner.js';
export type { TextSecretMatch } from './scanner.js';
export { parseUserRules } from './user-rules.js';
export type { SecretMatch, SecretsResult } from './types.js';

/**
 * The built-in catalog over text that is not a file: an image history command, an ENV value.
 * Runs the value rules (token formats, keys, connection URLs, JWTs) and the command-line rules
 * (`--password=`, `mysql -p...`, `curl -u user:pass`, `KEY=value` assignments of secret names);
 * not the rules that need a file's path or context. Values are masked as everywhere else.
 */
export function scanTextForSecrets(text: string): Array<SecretMatch & { title: string; severity: Severity; category: string }> {
  return scanTextWithRules(text, compileRules(BUILTIN_RULES));
}

