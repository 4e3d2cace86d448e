/** Building blocks the rule files share: value shapes, the keyword-anchored assignment pattern, remediation text. */

export const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

/** Not followed by another character of a token: the value ends where the token does. */
export const END = '(?![A-Za-z0-9_+/=-])';

/**
 * A keyword-anchored assignment, case-insensitive: `key` (a regex alternative, e.g.
 * `aws[_.-]?secret[_.-]?access[_.-]?key`), up to 20 more name characters, an optional closing quote,
 * an operator (`=`, `:`, `:=`, `=>`, `?=`, XML's `>`), an optional opening quote, then the value as
 * group `secret`. Fits .env, YAML, JSON, INI, properties, shell, code and XML.
 */
export function assigned(key: string, secret: string, end = END): RegExp {
  return new RegExp(`(?:${key})[\\w.-]{0,20}?["'\`]?[ \\t]{0,3}(?:=|:=|::|:|=>|\\?=|>)[ \\t]{0,5}["'\`]?(?<secret>${secret})${end}`, 'i');
}

/** The standard remediation: revoke, reissue, inject at run time, rebuild without it. */
export function revoke(what: string, where: string): string {
  return `Revoke the ${what} (${where}) and issue a new one; supply it at run time (an orchestrator secret, a mounted file, a secrets manager), never in the image. Rebuild without it: deleting it in a later layer leaves it in the image.`;
}

/** Remediation for a credential file that should not be in an image at all. */
export function removeFile(what: string, rotate: string): string {
  return `Do not ship ${what} in the image: rotate ${rotate}, rebuild without the file (deleting it in a later layer leaves it in the image) and mount it at run time if the container needs it.`;
}

/** `KEY=value` lines for samples. */
export function env(entries: Record<string, string>): string {
  return Object.entries(entries)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n');
}

const SECRET_WORD = /^(?:password|passwd|passphrase|pass|pwd|secret|token|apikey|credential|credentials|accesskey|secretkey|privatekey)$/i;
const KEY_QUALIFIER = /^(?:api|access|secret|private|app|master|encryption|enc|signing|license|client|auth|session|crypto|hmac|jwt|service|admin|account|storage|shared)$/i;

/**
 * Whether a setting's name says its value is a secret, judged by its last word, so that
 * `DB_PASSWORD`, `spring.datasource.password`, `clientSecret` and `STRIPE_API_KEY` are secrets and
 * `TOKEN_URL`, `PASSWORD_MIN_LENGTH`, `GITHUB_TOKEN_FILE` and `CACHE_KEY` are not. The shell's own
 * `PWD` is not a password.
 */
export function isSecretName(key: string | undefined): boolean {
  if (!key || /^(?:old)?pwd$/i.test(key)) return false;
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .split(/[_.\-\[\]]+/)
    .filter((word) => word !== '');
  const last = words.at(-1) ?? '';
  const previous = words.at(-2) ?? '';
  if (SECRET_WORD.test(last)) return true;
  if (/^key$/i.test(last) && KEY_QUALIFIER.test(previous)) return true;
  // Rails' secret_key_base.
  return /^base$/i.test(last) && /^key$/i.test(previous) && /^secret$/i.test(words.at(-3) ?? '');
}

/** A value that is a number small enough to be a setting (a port, a timeout, a length), not a password. */
export function isSmallNumber(value: string): boolean {
  return /^\d{1,5}$/.test(value);
}

/** Shell history files of the usual shells and database clients. */
export const HISTORY_FILES = [
  '.bash_history',
  '.zsh_history',
  '.ash_history',
  '.sh_history',
  '.ksh_history',
  '.history',
  'fish_history',
  '.mysql_history',
  '.psql_history',
  '.python_history',
  '.sqlite_history',
  '.rediscli_history',
  '.node_repl_history',
  '.irb_history',
  '.dbshell',
  '.mongosh_history',
];
