/**
 * Semantic Versioning 2.0.0 precedence (semver.org, item 11), read tolerantly: an optional `v`,
 * missing minor/patch as 0, leading zeros read numerically. Rules in readme.md.
 */
import { type VersionScheme } from '../types.js';
import { Invalid, compareDigits, compareStrings, isDigitCode, isDigits, memoParser, parseOrThrow } from '../util.js';

export interface SemverVersion {
  /** major, minor, patch as digit strings. */
  readonly core: readonly [string, string, string];
  /** Pre-release identifiers; empty for a release. */
  readonly prerelease: readonly string[];
  /** Build metadata identifiers: kept, never compared. */
  readonly build: readonly string[];
}

function isIdentifierChar(c: number): boolean {
  return isDigitCode(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45;
}

/** Dot-separated, non-empty identifiers of [0-9A-Za-z-]. */
export function splitIdentifiers(text: string): string[] | undefined {
  const parts = text.split('.');
  for (const part of parts) {
    if (part.length === 0) return undefined;
    for (let i = 0; i < part.length; i++) if (!isIdentifierChar(part.charCodeAt(i))) return undefined;
  }
  return parts;
}

export function parseSemver(input: string): SemverVersion | Invalid {
  let text = input;
  if (text.startsWith('v') || text.startsWith('V')) text = text.slice(1);
  let build: string[] = [];
  const plus = text.indexOf('+');
  if (plus >= 0) {
    const parts = splitIdentifiers(text.slice(plus + 1));
    if (!parts) return new Invalid('bad build metadata');
    build = parts;
    text = text.slice(0, plus);
  }
  let prerelease: string[] = [];
  const hyphen = text.indexOf('-');
  if (hyphen >= 0) {
    const parts = splitIdentifiers(text.slice(hyphen + 1));
    if (!parts) return new Invalid('bad pre-release');
    prerelease = parts;
    text = text.slice(0, hyphen);
  }
  const numbers = text.split('.');
  if (numbers.length > 3 || !numbers.every(isDigits)) return new Invalid('expected MAJOR[.MINOR[.PATCH]] numbers');
  return { core: [numbers[0]!, numbers[1] ?? '0', numbers[2] ?? '0'], prerelease, build };
}

/** SemVer's precedence of two pre-release identifier lists (item 11.4). */
export function comparePrerelease(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return a.length === b.length ? 0 : a.length === 0 ? 1 : -1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    const xn = isDigits(x);
    const yn = isDigits(y);
    let r: number;
    if (xn && yn) r = compareDigits(x, y);
    else if (xn !== yn) r = xn ? -1 : 1; // numeric identifiers sort below alphanumeric ones
    else r = compareStrings(x, y);
    if (r !== 0) return r;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

export function compareSemver(a: SemverVersion, b: SemverVersion): number {
  return compareDigits(a.core[0], b.core[0]) || compareDigits(a.core[1], b.core[1]) || compareDigits(a.core[2], b.core[2]) || comparePrerelease(a.prerelease, b.prerelease);
}

/** The strict SemVer 2.0.0 grammar: three numbers, no leading zeros, no `v`. */
export function isStrictSemver(version: string): boolean {
  const parsed = parseSemver(version);
  if (parsed instanceof Invalid || version.startsWith('v') || version.startsWith('V')) return false;
  const numbers = version.split(/[-+]/, 1)[0]!.split('.');
  if (numbers.length !== 3) return false;
  const noLeadingZero = (s: string) => !isDigits(s) || s === '0' || s[0] !== '0';
  return numbers.every(noLeadingZero) && parsed.prerelease.every(noLeadingZero);
}

const parse = memoParser(parseSemver);

export const semver: VersionScheme = {
  name: 'semver',
  isValid: (version) => !(parse(version) instanceof Invalid),
  compare: (a, b) => compareSemver(parseOrThrow('semver', parse, a), parseOrThrow('semver', parse, b)),
};
