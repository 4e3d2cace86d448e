/** Helpers shared by the schemes: exact numeric comparison of digit runs and a bounded parse cache. */
import { InvalidVersionError, type SchemeName } from './types.js';

/** A version a scheme could not read, with the reason (kept in the cache like a good parse). */
export class Invalid {
  constructor(readonly reason: string) {}
}

/**
 * Compares two runs of ASCII digits as non-negative integers of any length (leading zeros
 * ignored), so no scheme loses precision on 20-digit snapshot timestamps.
 */
export function compareDigits(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length - 1 && a.charCodeAt(i) === 48) i++;
  while (j < b.length - 1 && b.charCodeAt(j) === 48) j++;
  const la = a.length - i;
  const lb = b.length - j;
  if (la !== lb) return la < lb ? -1 : 1;
  for (; i < a.length; i++, j++) {
    const d = a.charCodeAt(i) - b.charCodeAt(j);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** Plain code-unit ordering, as C's strcmp/memcmp does for ASCII: -1, 0 or 1. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function isAsciiLetterCode(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** True when the string is one or more ASCII digits. */
export function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isDigitCode(s.charCodeAt(i))) return false;
  return true;
}

/**
 * A parser memoised in two bounded generations: lookups hit the current Map, then the previous
 * one (promoting the entry); when the current Map is full it becomes the previous one. Constant
 * time per call and at most 2 × limit entries, so matching thousands of packages against many
 * ranges parses each distinct version string about once.
 */
export function memoParser<T>(parse: (version: string) => T | Invalid, limit = 8192): (version: string) => T | Invalid {
  let current = new Map<string, T | Invalid>();
  let previous = new Map<string, T | Invalid>();
  return (version: string) => {
    let parsed = current.get(version);
    if (parsed !== undefined) return parsed;
    parsed = previous.get(version) ?? parse(version);
    if (current.size >= limit) {
      previous = current;
      current = new Map();
    }
    current.set(version, parsed);
    return parsed;
  };
}

/** Parse or throw InvalidVersionError naming the scheme and the version. */
export function parseOrThrow<T>(scheme: SchemeName, parse: (version: string) => T | Invalid, version: string): T {
  const parsed = parse(version);
  if (parsed instanceof Invalid) throw new InvalidVersionError(scheme, version, parsed.reason);
  return parsed;
}
