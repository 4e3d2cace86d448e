/**
 * RPM versions, `[epoch:]version[-release]`, ordered as rpm 4.18's rpmverCmp() (rpmio/rpmver.c)
 * over rpmvercmp() (rpmio/rpmvercmp.c). Rules in readme.md.
 */
import { type VersionScheme } from '../types.js';
import { Invalid, compareStrings, isAsciiLetterCode, isDigitCode, memoParser, parseOrThrow } from '../util.js';

export interface RpmEvr {
  /** Undefined when the string has no `digits:` prefix (compared as "0"). */
  readonly epoch: string | undefined;
  readonly version: string;
  /** Undefined when there is no `-`: a missing release sorts below any release, as in rpmverCmp. */
  readonly release: string | undefined;
}

function isAlnum(c: number): boolean {
  return isDigitCode(c) || isAsciiLetterCode(c);
}

/** rpm's rpmvercmp(): alternating alphabetic and numeric segments, with `~` and `^` as in rpm >= 4.15. */
export function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    // Skip separators: everything but letters, digits, ~ and ^.
    while (i < a.length && !isAlnum(a.charCodeAt(i)) && a[i] !== '~' && a[i] !== '^') i++;
    while (j < b.length && !isAlnum(b.charCodeAt(j)) && b[j] !== '~' && b[j] !== '^') j++;

    // A tilde sorts before everything, even the end of the version.
    if (a[i] === '~' || b[j] === '~') {
      if (a[i] !== '~') return 1;
      if (b[j] !== '~') return -1;
      i++;
      j++;
      continue;
    }
    // A caret sorts after the end of the version but before anything else.
    if (a[i] === '^' || b[j] === '^') {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (a[i] !== '^') return 1;
      if (b[j] !== '^') return -1;
      i++;
      j++;
      continue;
    }
    if (i >= a.length || j >= b.length) break;

    // The next segment: all digits or all letters, taking its kind from a.
    const numeric = isDigitCode(a.charCodeAt(i));
    let ie = i;
    let je = j;
    if (numeric) {
      while (ie < a.length && isDigitCode(a.charCodeAt(ie))) ie++;
      while (je < b.length && isDigitCode(b.charCodeAt(je))) je++;
    } else {
      while (ie < a.length && isAsciiLetterCode(a.charCodeAt(ie))) ie++;
      while (je < b.length && isAsciiLetterCode(b.charCodeAt(je))) je++;
    }
    // Segments of different kinds: the numeric one is newer.
    if (je === j) return numeric ? 1 : -1;

    let sa = a.slice(i, ie);
    let sb = b.slice(j, je);
    if (numeric) {
      let za = 0;
      let zb = 0;
      while (za < sa.length && sa.charCodeAt(za) === 48) za++;
      while (zb < sb.length && sb.charCodeAt(zb) === 48) zb++;
      sa = sa.slice(za);
      sb = sb.slice(zb);
      if (sa.length !== sb.length) return sa.length > sb.length ? 1 : -1;
    }
    const r = compareStrings(sa, sb);
    if (r !== 0) return r;
    i = ie;
    j = je;
  }
  // Equal segments: the version with characters left over is newer (separators alone count too).
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

/** rpm's parseEVR(): the epoch is a leading run of digits before `:`, the release follows the last `-`. */
export function parseRpmEvr(evr: string): RpmEvr {
  let s = 0;
  while (s < evr.length && isDigitCode(evr.charCodeAt(s))) s++;
  const hyphen = evr.lastIndexOf('-');
  let epoch: string | undefined;
  let versionStart = 0;
  if (evr[s] === ':') {
    epoch = s === 0 ? '0' : evr.slice(0, s);
    versionStart = s + 1;
  }
  if (hyphen >= versionStart) return { epoch, version: evr.slice(versionStart, hyphen), release: evr.slice(hyphen + 1) };
  return { epoch, version: evr.slice(versionStart), release: undefined };
}

function compareValues(a: string | undefined, b: string | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
  return rpmvercmp(a, b);
}

/** rpm's rpmverCmp(): epoch (missing = 0), version, then release (missing sorts lowest). */
export function compareRpmEvr(a: RpmEvr, b: RpmEvr): number {
  return compareValues(a.epoch ?? '0', b.epoch ?? '0') || compareValues(a.version, b.version) || compareValues(a.release, b.release);
}

function read(version: string): RpmEvr | Invalid {
  if (version.length === 0) return new Invalid('empty version');
  for (let i = 0; i < version.length; i++) {
    const c = version.charCodeAt(i);
    // rpm compares any string; a version field never holds blanks or control characters.
    if (c <= 32 || c === 127) return new Invalid('whitespace or control character in version');
  }
  return parseRpmEvr(version);
}

const parse = memoParser(read);

export const rpm: VersionScheme = {
  name: 'rpm',
  isValid: (version) => !(parse(version) instanceof Invalid),
  compare: (a, b) => compareRpmEvr(parseOrThrow('rpm', parse, a), parseOrThrow('rpm', parse, b)),
};
