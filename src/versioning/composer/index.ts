/**
 * Composer (Packagist) versions: normalised as composer/semver's VersionParser::normalize() does,
 * then ordered by PHP's version_compare() (ext/standard/versioning.c), as Comparator does.
 * Branch names (`dev-main`) have no place in that order and are refused. Rules in readme.md.
 */
import { type VersionScheme } from '../types.js';
import { Invalid, compareDigits, isDigitCode, memoParser, parseOrThrow } from '../util.js';

const MODIFIER = '[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\\d+)*)?)?([.-]?dev)?';
const CLASSICAL = new RegExp(`^v?(\\d{1,5})(\\.\\d+)?(\\.\\d+)?(\\.\\d+)?${MODIFIER}$`, 'i');
const DATE = new RegExp(`^v?(\\d{4}(?:[.:-]?\\d{2}){1,6}(?:[.:-]?\\d{1,3}){0,2})${MODIFIER}$`, 'i');
const ALIAS = /^([^,\s]+) +as +([^,\s]+)$/;
const STABILITY_FLAG = /@(?:stable|RC|beta|alpha|dev)$/i;
const BUILD_METADATA = /^([^,\s+]+)\+[^\s]+$/;
const DEV_SUFFIX = /^(.*?)[.-]?dev$/i;
const BRANCH = /^v?(\d+)(\.(?:\d+|[xX*]))?(\.(?:\d+|[xX*]))?(\.(?:\d+|[xX*]))?$/i;

/** PHP's trim(): space, tab, newline, carriage return, NUL, vertical tab. */
function phpTrim(s: string): string {
  return s.replace(/^[ \t\n\r\0\x0B]+|[ \t\n\r\0\x0B]+$/g, '');
}

function expandStability(stability: string): string {
  const s = stability.toLowerCase();
  if (s === 'a') return 'alpha';
  if (s === 'b') return 'beta';
  if (s === 'p' || s === 'pl') return 'patch';
  if (s === 'rc') return 'RC';
  return s;
}

/** VersionParser::normalizeBranch(): `1.x` and `2.0.*` become `1.9999999.9999999.9999999-dev`, names `dev-name`. */
function normalizeBranch(branch: string): string {
  const name = phpTrim(branch);
  const m = BRANCH.exec(name);
  if (!m) return `dev-${name}`;
  let version = '';
  for (let i = 1; i < 5; i++) version += m[i] !== undefined ? m[i]!.replace(/[*X]/g, 'x') : '.x';
  return `${version.replaceAll('x', '9999999')}-dev`;
}

/** A Composer branch version (`dev-main`, `dev-feature/x`) as normalize() returns it. */
export class ComposerBranch {
  constructor(readonly name: string) {}
}

/** VersionParser::normalize(): `1.0` → `1.0.0.0`, `1.0.0-rc1` → `1.0.0.0-RC1`, `2.x-dev` → `2.9999999.9999999.9999999-dev`. */
export function normalizeComposerVersion(input: string): string | ComposerBranch | Invalid {
  let version = phpTrim(input);
  const alias = ALIAS.exec(version);
  if (alias) version = alias[1]!;
  const flag = STABILITY_FLAG.exec(version);
  if (flag) version = version.slice(0, version.length - flag[0].length);
  if (version === 'master' || version === 'trunk' || version === 'default') version = `dev-${version}`;
  if (version.slice(0, 4).toLowerCase() === 'dev-') return new ComposerBranch(`dev-${version.slice(4)}`);
  const build = BUILD_METADATA.exec(version);
  if (build) version = build[1]!;

  let m = CLASSICAL.exec(version);
  let index = 5;
  let normalized: string | undefined;
  if (m) {
    normalized = m[1]! + (m[2] || '.0') + (m[3] || '.0') + (m[4] || '.0');
  } else if ((m = DATE.exec(version))) {
    normalized = m[1]!.replace(/\D/g, '.');
    index = 2;
  }
  if (m && normalized !== undefined) {
    const stability = m[index];
    if (stability) {
      if (stability === 'stable') return normalized;
      const number = m[index + 1];
      normalized += `-${expandStability(stability)}${number ? number.replace(/^[.-]+/, '') : ''}`;
    }
    if (m[index + 2]) normalized += '-dev';
    return normalized;
  }
  const dev = DEV_SUFFIX.exec(version);
  if (dev) {
    const branch = normalizeBranch(dev[1]!);
    // A branch ending in -dev is only a version when it is numeric (2.1.x-dev).
    if (!branch.includes('dev-')) return branch;
  }
  return new Invalid('not a Composer version');
}

/** PHP's php_canonicalize_version(): `-`, `_`, `+` become `.`, and a `.` goes between digits and the rest. */
function phpCanonicalize(version: string): string {
  if (version.length === 0) return version;
  let out = version[0]!;
  let last = version.charCodeAt(0);
  const isDig = (c: number) => isDigitCode(c);
  const isNDig = (c: number) => !isDigitCode(c) && c !== 46;
  for (let i = 1; i < version.length; i++) {
    const c = version.charCodeAt(i);
    const lq = out.charCodeAt(out.length - 1);
    if (c === 45 || c === 95 || c === 43) {
      if (lq !== 46) out += '.';
    } else if ((isNDig(last) && isDig(c)) || (isDig(last) && isNDig(c))) {
      if (lq !== 46) out += '.';
      out += version[i];
    } else if (!isAsciiAlnum(c)) {
      if (lq !== 46) out += '.';
    } else {
      out += version[i];
    }
    last = c;
  }
  return out;
}

function isAsciiAlnum(c: number): boolean {
  return isDigitCode(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

const SPECIAL_FORMS: [string, number][] = [
  ['dev', 0],
  ['alpha', 1],
  ['a', 1],
  ['beta', 2],
  ['b', 2],
  ['RC', 3],
  ['rc', 3],
  ['#', 4],
  ['pl', 5],
  ['p', 5],
];

/** compare_special_version_forms(): the first form the part starts with; unknown parts sort lowest. */
function specialForm(part: string): number {
  for (const [name, order] of SPECIAL_FORMS) if (part.startsWith(name)) return order;
  return -1;
}

/** PHP's version_compare() (php_version_compare). Numbers are compared exactly, where PHP's strtol saturates. */
export function phpVersionCompare(a: string, b: string): number {
  if (a.length === 0 || b.length === 0) return a.length === b.length ? 0 : a.length > 0 ? 1 : -1;
  const s1 = a[0] === '#' ? a : phpCanonicalize(a);
  const s2 = b[0] === '#' ? b : phpCanonicalize(b);
  // p: where the current part starts; more: whether a '.' followed the last part read (C's n1/n2 != NULL).
  let p1 = 0;
  let p2 = 0;
  let more1 = true;
  let more2 = true;
  let compare = 0;
  while (p1 < s1.length && p2 < s2.length && more1 && more2) {
    const d1 = s1.indexOf('.', p1);
    const d2 = s2.indexOf('.', p2);
    more1 = d1 >= 0;
    more2 = d2 >= 0;
    const x = s1.slice(p1, more1 ? d1 : s1.length);
    const y = s2.slice(p2, more2 ? d2 : s2.length);
    const xd = isDigitCode(x.charCodeAt(0));
    const yd = isDigitCode(y.charCodeAt(0));
    if (xd && yd) compare = compareDigits(x, y);
    else if (!xd && !yd) compare = Math.sign(specialForm(x) - specialForm(y));
    else compare = xd ? Math.sign(specialForm('#N#') - specialForm(y)) : Math.sign(specialForm(x) - specialForm('#N#'));
    if (compare !== 0) return compare;
    if (more1) p1 = d1 + 1;
    if (more2) p2 = d2 + 1;
  }
  // One side goes on: a number there makes it newer, anything else compares with "#N#" (a number).
  if (more1) return isDigitCode(s1.charCodeAt(p1)) ? 1 : phpVersionCompare(s1.slice(p1), '#N#');
  if (more2) return isDigitCode(s2.charCodeAt(p2)) ? -1 : phpVersionCompare('#N#', s2.slice(p2));
  return 0;
}

function read(version: string): string | Invalid {
  const normalized = normalizeComposerVersion(version);
  if (normalized instanceof ComposerBranch) {
    return new Invalid(`${normalized.name} is a branch: it has no place in the version order, and Composer never matches branches against version ranges`);
  }
  return normalized;
}

const parse = memoParser(read);

/** True for branch versions (`dev-main`), which the scheme refuses. */
export function isComposerBranch(version: string): boolean {
  return normalizeComposerVersion(version) instanceof ComposerBranch;
}

export const composer: VersionScheme = {
  name: 'composer',
  isValid: (version) => !(parse(version) instanceof Invalid),
  compare: (a, b) => phpVersionCompare(parseOrThrow('composer', parse, a), parseOrThrow('composer', parse, b)),
};
