import type { HashType, PasswordState } from '../types.js';

const HASH_PREFIXES: ReadonlyArray<[RegExp, HashType]> = [
  [/^\$1\$/, 'md5'],
  [/^\$2[abxy]?\$/, 'bcrypt'],
  [/^\$3\$/, 'nthash'],
  [/^\$5\$/, 'sha256'],
  [/^\$6\$/, 'sha512'],
  [/^\$7\$/, 'scrypt'],
  [/^\$y\$/, 'yescrypt'],
  [/^\$gy\$/, 'gost-yescrypt'],
  [/^\$md5[$,]/, 'sun-md5'],
];

const CRYPT_ALPHABET = /^[./0-9A-Za-z]+$/;

/**
 * Reduce a password field of /etc/shadow (or an old-style /etc/passwd) to its state: the hash
 * itself is never returned. A field starting with `!` or `*` is locked whatever follows; a field
 * that no crypt(3) scheme can produce (`NP`, `LK`, `x` in shadow) can never match a password, so
 * it is locked too. In passwd, `x` means the password is in /etc/shadow.
 */
export function classifyPassword(field: string, file: 'passwd' | 'shadow'): PasswordState {
  if (field === '') return { state: 'empty' };
  if (file === 'passwd' && field === 'x') return { state: 'shadowed' };
  if (field.startsWith('!') || field.startsWith('*')) return { state: 'locked' };
  return hashTypeOf(field) ?? { state: 'locked' };
}

function hashTypeOf(field: string): PasswordState | undefined {
  for (const [prefix, hashType] of HASH_PREFIXES) if (prefix.test(field)) return { state: 'hash', hashType };
  if (field.startsWith('$')) return { state: 'hash', hashType: 'unknown' };
  if (field.length === 20 && field.startsWith('_') && CRYPT_ALPHABET.test(field.slice(1))) return { state: 'hash', hashType: 'bsdi-des' };
  if (field.length === 13 && CRYPT_ALPHABET.test(field)) return { state: 'hash', hashType: 'des' };
  return undefined;
}

/** Schemes that are cracked quickly on commodity hardware. */
export const WEAK_HASH_TYPES: ReadonlySet<HashType> = new Set<HashType>(['des', 'bsdi-des', 'md5', 'sun-md5', 'nthash']);
