/**
 * Recognising secrets by context rather than by value: variable names that say "secret",
 * placeholder values that are not one, and credentials written into URLs. Shared by the history
 * rules and the baseline checks on ENV and labels.
 */

const SECRET_WORDS = new Set(['PASSWORD', 'PASSWD', 'PASSPHRASE', 'SECRET', 'SECRETS', 'TOKEN', 'TOKENS', 'CREDENTIAL', 'CREDENTIALS', 'APIKEY', 'PRIVATEKEY', 'ACCESSKEY', 'SECRETKEY', 'AUTHKEY']);
/** Short forms that name a password only as the last word of a longer name: DB_PASS, MYSQL_PWD. */
const SHORT_PASSWORD_WORDS = new Set(['PASS', 'PWD', 'PW']);
/** KEY counts only after one of these (API_KEY, ACCESS_KEY, ...): SSH_KEY_PATH, GPG_KEY, KEY_ID are not secrets. */
const KEY_QUALIFIERS = new Set(['API', 'ACCESS', 'PRIVATE', 'SECRET', 'ENCRYPTION', 'SIGNING', 'MASTER', 'AUTH', 'CLIENT', 'ACCOUNT', 'SERVICE', 'LICENSE', 'APP', 'SESSION', 'JWT', 'CRYPTO', 'STORAGE', 'SHARED', 'SSH', 'HMAC', 'AES']);
/** A last word that makes the variable a reference to a secret rather than the secret itself. */
const REFERENCE_SUFFIXES = new Set(['FILE', 'PATH', 'DIR', 'URL', 'URI', 'ENDPOINT', 'NAME', 'LENGTH', 'LEN', 'SIZE', 'TYPE', 'HEADER', 'ENABLED', 'REQUIRED', 'POLICY', 'EXPIRY', 'EXPIRES', 'TTL', 'VERSION', 'ID', 'REF', 'ARN', 'FIELD', 'PARAM', 'MODE', 'ALGORITHM', 'FORMAT', 'LOCATION', 'HOST', 'PORT', 'USER', 'USERNAME', 'LIFETIME', 'TIMEOUT', 'EXPIRATION', 'DURATION', 'COUNT', 'LIMIT', 'PREFIX', 'SUFFIX', 'SCOPE', 'SCOPES', 'AUDIENCE', 'ISSUER']);
const PUBLIC_WORDS = new Set(['GPG', 'PGP', 'PUBLIC', 'PUB', 'SHA', 'SHA1', 'SHA256', 'SHA512', 'CHECKSUM', 'MD5', 'FINGERPRINT', 'KEYSERVER', 'KEYRING']);

/** Words of a variable or label name: `db.adminPassword-v2` -> DB, ADMIN, PASSWORD, V2. */
function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter(Boolean);
}

/**
 * Whether a variable or label name says it holds a secret: PASSWORD, SECRET, TOKEN, API_KEY,
 * ACCESS_KEY, CREDENTIALS... but not names of files, URLs, ids or lengths of secrets
 * (`PASSWORD_FILE`, `TOKEN_URL`, `AWS_ACCESS_KEY_ID`), not public-key material (`GPG_KEY`), and
 * not the shell's `PWD`/`OLDPWD`.
 */
export function isSecretName(name: string): boolean {
  if (/^(?:OLD)?PWD$/i.test(name)) return false;
  const parts = nameWords(name);
  if (parts.length === 0) return false;
  if (parts.some((part) => PUBLIC_WORDS.has(part))) return false;
  if (REFERENCE_SUFFIXES.has(parts[parts.length - 1]!)) return false;
  return parts.some((part, index) => {
    if (SECRET_WORDS.has(part)) return true;
    if (SHORT_PASSWORD_WORDS.has(part)) return index > 0 && index === parts.length - 1;
    if (part === 'KEY' || part === 'KEYS') return index > 0 && KEY_QUALIFIERS.has(parts[index - 1]!);
    return false;
  });
}

/**
 * Values that do not hold a secret even under a secret's name: empty, a variable reference,
 * a template, an obvious placeholder, a boolean, or a file path (`/run/secrets/db`).
 */
export function isPlaceholderValue(value: string): boolean {
  const trimmed = value.trim().replace(/^["']|["']$/g, '');
  if (trimmed === '') return true;
  if (/^\$\{?[A-Za-z_][A-Za-z0-9_]*(?:[:?-][^}]*)?\}?$/.test(trimmed)) return true;
  if (/^\{\{.*\}\}$|^<[^>]*>$|^%[A-Za-z_]+%$|^\$\(.*\)$/.test(trimmed)) return true;
  if (/^(?:x+|\*+|-+|\.+|#+|null|nil|none|undefined|empty|unset|false|true|yes|no|on|off|0|1|dummy|placeholder|example|redacted|masked|hidden|secret|password|token|changeit_here|todo|tbd|your[-_a-z]*|my[-_]?(?:password|secret|token)|\?+)$/i.test(trimmed)) return true;
  if (/^(?:\/[\w.@+-]+)+\/?$/.test(trimmed)) return true;
  return false;
}

export interface UrlCredential {
  scheme: string;
  user: string;
  /** The password, or the token when the user part alone is one (`https://ghp_...@github.com`). */
  secret: string;
  /** Offset of `secret` in the text searched. */
  offset: number;
  /** The secret is a `$VAR`/`${VAR}` reference, not a value. */
  reference: boolean;
}

/**
 * Credentials written into URLs: `scheme://user:password@host` and a bare token as the user
 * (`https://<token>@github.com`, 20 characters or more). `ssh://git@host` has no secret.
 */
export function findUrlCredentials(text: string): UrlCredential[] {
  const found: UrlCredential[] = [];
  const pattern = /\b([a-z][a-z0-9+.-]*):\/\/([^\s/?#@:'"]*)(?::([^\s/?#@'"]*))?@(?=[^\s/?#@'"]+)/gi;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    const [whole, scheme = '', user = '', password] = match;
    if (password !== undefined && password !== '') {
      const offset = match.index + whole.length - 1 - password.length;
      found.push({ scheme, user, secret: password, offset, reference: isVariableReference(password) });
    } else if (password === undefined && (user.length >= 20 || /^\$\{?[A-Za-z_]/.test(user)) && /^https?$/i.test(scheme)) {
      const offset = match.index + scheme.length + 3;
      found.push({ scheme, user: '', secret: user, offset, reference: isVariableReference(user) });
    }
  }
  return found;
}

function isVariableReference(value: string): boolean {
  return /^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/.test(value) || /^%[A-Za-z_]+%$/.test(value);
}
