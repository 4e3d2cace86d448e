/**
 * Debian versions, `[epoch:]upstream[-revision]`, ordered as dpkg's verrevcmp does
 * (lib/dpkg/version.c, parsehelp.c). Rules in readme.md.
 */
import { type VersionScheme } from '../types.js';
import { Invalid, isAsciiLetterCode, isDigitCode, memoParser, parseOrThrow } from '../util.js';

export interface DpkgVersion {
  readonly epoch: number;
  /** The upstream version and revision, as bytes (one char per UTF-8 byte) for byte-exact ordering. */
  readonly upstream: string;
  readonly revision: string;
}

const INT_MAX = 2147483647;

function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** dpkg's parseversion(): the errors it refuses; its warnings (bad characters) are accepted as dpkg does. */
export function parseDpkgVersion(input: string): DpkgVersion | Invalid {
  if (input.length === 0) return new Invalid('version string is empty');
  let start = 0;
  while (start < input.length && isBlank(input.charCodeAt(start))) start++;
  if (start === input.length) return new Invalid('version string is empty');
  let end = start;
  while (end < input.length && !isSpace(input.charCodeAt(end))) end++;
  for (let i = end; i < input.length; i++) if (!isSpace(input.charCodeAt(i))) return new Invalid('version string has embedded spaces');
  let text = input.slice(start, end);

  let epoch = 0;
  const colon = text.indexOf(':');
  if (colon >= 0) {
    // strtol(): optional sign, then digits up to the colon.
    let i = 0;
    let negative = false;
    if (text[0] === '+' || text[0] === '-') {
      negative = text[0] === '-';
      i = 1;
    }
    const digitsStart = i;
    while (i < colon && isDigitCode(text.charCodeAt(i))) i++;
    if (i === digitsStart) return new Invalid('epoch in version is empty');
    if (i !== colon) return new Invalid('epoch in version is not number');
    let first = digitsStart;
    while (first < colon - 1 && text.charCodeAt(first) === 48) first++;
    const value = colon - first > 10 ? Infinity : Number(text.slice(first, colon));
    if (negative && value !== 0) return new Invalid('epoch in version is negative');
    if (value > INT_MAX) return new Invalid('epoch in version is too big');
    if (colon === text.length - 1) return new Invalid('nothing after colon in version number');
    epoch = value;
    text = text.slice(colon + 1);
  }

  let upstream = text;
  let revision = '';
  const hyphen = text.lastIndexOf('-');
  if (hyphen >= 0) {
    upstream = text.slice(0, hyphen);
    revision = text.slice(hyphen + 1);
    if (revision.length === 0) return new Invalid('revision number is empty');
  }
  if (upstream.length === 0) return new Invalid('version number is empty');
  return { epoch, upstream: toBytes(upstream), revision: toBytes(revision) };
}

/** dpkg orders bytes; non-ASCII text is turned into one char per UTF-8 byte so the order matches. */
function toBytes(s: string): string {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0x7f) return Buffer.from(s, 'utf8').toString('latin1');
  }
  return s;
}

/**
 * The weight of a non-digit character: `~` lowest, then the end of the part, then letters, then
 * non-ASCII bytes, then ASCII punctuation. dpkg computes `c + 256` on a (signed, on amd64) char, so
 * a byte >= 0x80 weighs its own value: between `z` and the punctuation.
 */
function order(s: string, i: number): number {
  if (i >= s.length) return 0;
  const c = s.charCodeAt(i);
  if (isDigitCode(c)) return 0;
  if (isAsciiLetterCode(c)) return c;
  if (c === 126) return -1;
  return c >= 128 ? c : c + 256;
}

/** dpkg's verrevcmp(): alternate non-digit runs (by `order`) and digit runs (numerically). */
export function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let firstDiff = 0;
    while ((i < a.length && !isDigitCode(a.charCodeAt(i))) || (j < b.length && !isDigitCode(b.charCodeAt(j)))) {
      const ac = order(a, i);
      const bc = order(b, j);
      if (ac !== bc) return ac < bc ? -1 : 1;
      i++;
      j++;
    }
    while (i < a.length && a.charCodeAt(i) === 48) i++;
    while (j < b.length && b.charCodeAt(j) === 48) j++;
    while (i < a.length && j < b.length && isDigitCode(a.charCodeAt(i)) && isDigitCode(b.charCodeAt(j))) {
      if (firstDiff === 0) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (i < a.length && isDigitCode(a.charCodeAt(i))) return 1;
    if (j < b.length && isDigitCode(b.charCodeAt(j))) return -1;
    if (firstDiff !== 0) return firstDiff < 0 ? -1 : 1;
  }
  return 0;
}

export function compareDpkgVersions(a: DpkgVersion, b: DpkgVersion): number {
  if (a.epoch !== b.epoch) return a.epoch < b.epoch ? -1 : 1;
  return verrevcmp(a.upstream, b.upstream) || verrevcmp(a.revision, b.revision);
}

const parse = memoParser(parseDpkgVersion);

export const dpkg: VersionScheme = {
  name: 'dpkg',
  isValid: (version) => !(parse(version) instanceof Invalid),
  compare: (a, b) => compareDpkgVersions(parseOrThrow('dpkg', parse, a), parseOrThrow('dpkg', parse, b)),
};
