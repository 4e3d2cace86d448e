/**
 * Cheap structural checks rules use as `validate` hooks, and the entropy measure of generic rules.
 * None of them ever returns or logs the value.
 */

/** Shannon entropy in bits per character. */
export function shannonEntropy(value: string): number {
  if (value.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const char of value) counts.set(char, (counts.get(char) ?? 0) + 1);
  let entropy = 0;
  for (const count of counts.values()) {
    const p = count / value.length;
    entropy -= p * Math.log2(p);
  }
  return entropy;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;

/** Standard base64 (whitespace already removed) decoded, or undefined when it is not base64. */
export function decodeBase64(value: string): Buffer | undefined {
  if (value.length < 4 || !BASE64.test(value)) return undefined;
  return Buffer.from(value, 'base64');
}

function decodeBase64Url(value: string): Buffer | undefined {
  if (value.length === 0 || !BASE64URL.test(value)) return undefined;
  return Buffer.from(value, 'base64url');
}

/** The base64 body of a PEM block without headers (`Proc-Type: ...`) or blank lines. */
function pemData(body: string): string {
  return body
    .replace(/^[A-Za-z-]+:.*$/gm, '')
    .replace(/^=[A-Za-z0-9+/]{4}\s*$/gm, '')
    .replace(/\\n|\\r|["',\s]/g, '');
}

/** A DER structure (PKCS#1, SEC1, PKCS#8): the decoded body starts with a SEQUENCE and is not tiny. */
export function isDerSequence(body: string): boolean {
  const bytes = decodeBase64(pemData(body));
  return bytes !== undefined && bytes.length >= 48 && bytes[0] === 0x30;
}

/** Enough base64 data to be a key rather than a placeholder (`...`, `<your key>`). */
export function isPemPayload(body: string, minBytes = 48): boolean {
  const data = pemData(body);
  const bytes = decodeBase64(data);
  return bytes !== undefined && bytes.length >= minBytes;
}

/**
 * The cipher of an `openssh-key-v1` private key ("none" when it is not encrypted), read from the
 * header: magic, then a uint32-length string. Undefined when the body is not such a key.
 */
export function opensshCipher(body: string): string | undefined {
  const bytes = decodeBase64(pemData(body));
  const magic = 'openssh-key-v1\0';
  if (!bytes || bytes.length < magic.length + 4 || bytes.toString('latin1', 0, magic.length) !== magic) return undefined;
  const length = bytes.readUInt32BE(magic.length);
  if (length === 0 || length > 64 || bytes.length < magic.length + 4 + length) return undefined;
  return bytes.toString('latin1', magic.length + 4, magic.length + 4 + length);
}

/** A JWT: the first part decodes to a JSON object with `alg`, the second to a JSON object. */
export function isJwt(token: string): boolean {
  const [header, payload] = token.split('.');
  const parse = (part: string | undefined): Record<string, unknown> | undefined => {
    const bytes = part === undefined ? undefined : decodeBase64Url(part);
    if (!bytes) return undefined;
    try {
      const value: unknown = JSON.parse(bytes.toString('utf8'));
      return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  };
  const head = parse(header);
  return head !== undefined && typeof head.alg === 'string' && parse(payload) !== undefined;
}

/** `user:password` once base64-decoded (docker config `auth`, npm `_auth`), with a non-empty password. */
export function isBase64UserPassword(value: string): boolean {
  const bytes = decodeBase64(value);
  if (!bytes) return false;
  const text = bytes.toString('utf8');
  const colon = text.indexOf(':');
  return colon >= 0 && colon < text.length - 1 && !/[\x00-\x08\x0e-\x1f]/.test(text);
}

/** A crypt(3) hash as shadow(5) stores it: `$id$...`, bsdi `_...` or 13-character DES. */
export function isCryptHash(field: string): boolean {
  if (/^\$[0-9a-z]+\$[^:\s]{2,}/.test(field)) return true;
  if (/^_[./0-9A-Za-z]{19}$/.test(field)) return true;
  return /^[./0-9A-Za-z]{13}$/.test(field);
}
