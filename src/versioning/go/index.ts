/**
 * Go module versions, ordered as golang.org/x/mod/semver does: `vMAJOR[.MINOR[.PATCH[-PRE][+BUILD]]]`,
 * pseudo-versions as the pre-releases they are, `+incompatible` as ignored build metadata.
 * The `v` is optional here, because OSV's Go records drop it. Rules in readme.md.
 */
import { comparePrerelease, splitIdentifiers } from '../semver/index.js';
import { type VersionScheme } from '../types.js';
import { Invalid, compareDigits, isDigitCode, isDigits, memoParser, parseOrThrow } from '../util.js';

export interface GoVersion {
  readonly major: string;
  readonly minor: string;
  readonly patch: string;
  readonly prerelease: readonly string[];
  readonly build: string;
}

/** x/mod/semver's parseInt: digits, no leading zero unless the number is 0. */
function readNumber(text: string, pos: number): number {
  let end = pos;
  while (end < text.length && isDigitCode(text.charCodeAt(end))) end++;
  if (end === pos || (text[pos] === '0' && end !== pos + 1)) return -1;
  return end;
}

export function parseGoVersion(input: string): GoVersion | Invalid {
  const text = input.startsWith('v') ? input.slice(1) : input;
  const bad = new Invalid('expected vMAJOR[.MINOR[.PATCH[-PRERELEASE][+BUILD]]]');
  let end = readNumber(text, 0);
  if (end < 0) return bad;
  const major = text.slice(0, end);
  if (end === text.length) return { major, minor: '0', patch: '0', prerelease: [], build: '' }; // v1 = v1.0.0
  if (text[end] !== '.') return bad;
  let start = end + 1;
  end = readNumber(text, start);
  if (end < 0) return bad;
  const minor = text.slice(start, end);
  if (end === text.length) return { major, minor, patch: '0', prerelease: [], build: '' }; // v1.2 = v1.2.0
  if (text[end] !== '.') return bad;
  start = end + 1;
  end = readNumber(text, start);
  if (end < 0) return bad;
  const patch = text.slice(start, end);
  let rest = text.slice(end);
  let build = '';
  const plus = rest.indexOf('+');
  if (plus >= 0) {
    if (!splitIdentifiers(rest.slice(plus + 1))) return new Invalid('bad build metadata');
    build = rest.slice(plus);
    rest = rest.slice(0, plus);
  }
  let prerelease: string[] = [];
  if (rest.length > 0) {
    if (rest[0] !== '-') return bad;
    const parts = splitIdentifiers(rest.slice(1));
    // Numeric pre-release identifiers may not have leading zeros.
    if (!parts || parts.some((p) => isDigits(p) && p.length > 1 && p[0] === '0')) return new Invalid('bad pre-release');
    prerelease = parts;
  }
  return { major, minor, patch, prerelease, build };
}

export function compareGoVersions(a: GoVersion, b: GoVersion): number {
  return compareDigits(a.major, b.major) || compareDigits(a.minor, b.minor) || compareDigits(a.patch, b.patch) || comparePrerelease(a.prerelease, b.prerelease);
}

const parse = memoParser(parseGoVersion);

export const go: VersionScheme = {
  name: 'go',
  isValid: (version) => !(parse(version) instanceof Invalid),
  compare: (a, b) => compareGoVersions(parseOrThrow('go', parse, a), parseOrThrow('go', parse, b)),
};
