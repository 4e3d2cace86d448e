/**
 * The built-in rule catalog, one data file per category. Order matters where two rules report the
 * same value on the same line: the rule listed first wins, so provider-specific rules come before
 * the credential-file rules, and the generic ones come last.
 */
import type { SecretRule } from '../rule.js';
import { cloudRules } from './cloud.js';
import { credentialsFileRules } from './credentials-files.js';
import { databaseRules } from './database.js';
import { genericRules } from './generic.js';
import { privateKeyRules } from './private-keys.js';
import { saasRules } from './saas.js';
import { vcsCiRules } from './vcs-ci.js';

export const RULE_FILES: ReadonlyArray<{ category: string; rules: readonly SecretRule[] }> = [
  { category: 'cloud', rules: cloudRules },
  { category: 'vcs-ci', rules: vcsCiRules },
  { category: 'saas', rules: saasRules },
  { category: 'private-key', rules: privateKeyRules },
  { category: 'credentials-file', rules: credentialsFileRules },
  { category: 'database', rules: databaseRules },
  { category: 'generic', rules: genericRules },
];

export const BUILTIN_RULES: readonly SecretRule[] = RULE_FILES.flatMap((file) => file.rules);
