/**
 * Fake values for the catalog's samples, generated when the module loads: the source holds only
 * prefixes and lengths, never a token-shaped literal (secret scanners, push protection and this
 * very scanner would flag one), and every value is deterministic so test failures reproduce.
 */

export const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const LOWER = 'abcdefghijklmnopqrstuvwxyz';
export const DIGITS = '0123456789';
export const ALNUM = UPPER + LOWER + DIGITS;
export const HEX = '0123456789abcdef';
export const UPPER_HEX = '0123456789ABCDEF';
export const UPPER_ALNUM = UPPER + DIGITS;
export const LOWER_ALNUM = LOWER + DIGITS;
export const BASE64 = ALNUM + '+/';
export const URLSAFE = ALNUM + '-_';

function seedOf(label: string): number {
  let hash = 2166136261;
  for (let i = 0; i < label.length; i++) hash = Math.imul(hash ^ label.charCodeAt(i), 16777619);
  return hash >>> 0 || 1;
}

/** Deterministic pseudo-random bytes for a label (xorshift32). */
export function fakeBytes(length: number, label: string): Buffer {
  let state = seedOf(label);
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    bytes[i] = state & 0xff;
  }
  return bytes;
}

/** `length` characters from `charset`, deterministic for the label; high entropy, no long runs. */
export function fake(length: number, charset: string = ALNUM, label = `${length}:${charset}`): string {
  const bytes = fakeBytes(length * 2, label);
  let out = '';
  for (let i = 0; i < length; i++) out += charset[bytes.readUInt16BE(i * 2) % charset.length];
  return out;
}

function wrap(base64: string, width = 64): string {
  return base64.match(new RegExp(`.{1,${width}}`, 'g'))!.join('\n');
}

/** A PEM block whose body is DER-shaped (a SEQUENCE of pseudo-random bytes): passes structural checks, is no key. */
export function fakePem(label: string, options: { bytes?: number; headers?: string[]; der?: boolean } = {}): string {
  const size = options.bytes ?? 600;
  const body = fakeBytes(size, label);
  if (options.der !== false) {
    body[0] = 0x30;
    body[1] = 0x82;
    body.writeUInt16BE(size - 4, 2);
  }
  const headers = options.headers ? `${options.headers.join('\n')}\n\n` : '';
  return `-----BEGIN ${label}-----\n${headers}${wrap(body.toString('base64'))}\n-----END ${label}-----\n`;
}

/** An `openssh-key-v1` private key with the given cipher and pseudo-random contents. */
export function fakeOpenSshKey(cipher: string): string {
  const string = (value: string | Buffer): Buffer => {
    const bytes = typeof value === 'string' ? Buffer.from(value, 'latin1') : value;
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    return Buffer.concat([length, bytes]);
  };
  const kdf = cipher === 'none' ? 'none' : 'bcrypt';
  const data = Buffer.concat([
    Buffer.from('openssh-key-v1\0', 'latin1'),
    string(cipher),
    string(kdf),
    string(kdf === 'none' ? Buffer.alloc(0) : fakeBytes(24, `kdf:${cipher}`)),
    Buffer.from([0, 0, 0, 1]),
    string(fakeBytes(51, `pub:${cipher}`)),
    string(fakeBytes(144, `priv:${cipher}`)),
  ]);
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${wrap(data.toString('base64'), 70)}\n-----END OPENSSH PRIVATE KEY-----\n`;
}

/** A JWT with the given header and claims and a fake signature. */
export function fakeJwt(header: object = { alg: 'HS256', typ: 'JWT' }, claims: object = { sub: 'customs-test', iat: 1700000000 }): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part(header)}.${part(claims)}.${fake(43, URLSAFE, 'jwt-signature')}`;
}

/** base64 of `user:password`, as docker's `auth` and npm's `_auth` store it. */
export function basicAuth(user: string, password: string): string {
  return Buffer.from(`${user}:${password}`).toString('base64');
}
