/**
 * Python versions as PEP 440 defines them and pypa/packaging's `Version` reads and orders them
 * (VERSION_PATTERN and _cmpkey in packaging/version.py). Rules in readme.md.
 */
import { type VersionScheme } from '../types.js';
import { Invalid, compareDigits, compareStrings, isDigits, memoParser, parseOrThrow } from '../util.js';

export interface Pep440Version {
  readonly epoch: string;
  /** Release numbers without trailing zeros (1.0 == 1.0.0). */
  readonly release: readonly string[];
  /** 0 = a, 1 = b, 2 = rc; undefined for none. */
  readonly pre: { readonly rank: number; readonly n: string } | undefined;
  readonly post: string | undefined;
  readonly dev: string | undefined;
  /** Local segments, lower-cased; digits-only ones compare as numbers. */
  readonly local: readonly string[] | undefined;
}

/** packaging's VERSION_PATTERN, anchored, applied to the trimmed, lower-cased string. */
const VERSION_PATTERN =
  /^v?(?:([0-9]+)!)?([0-9]+(?:\.[0-9]+)*)(?:[-_.]?(alpha|a|beta|b|preview|pre|c|rc)[-_.]?([0-9]+)?)?(?:-([0-9]+)|[-_.]?(post|rev|r)[-_.]?([0-9]+)?)?(?:[-_.]?(dev)[-_.]?([0-9]+)?)?(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?$/;

const PRE_RANK: Record<string, number> = { a: 0, alpha: 0, b: 1, beta: 1, c: 2, rc: 2, pre: 2, preview: 2 };

export function parsePep440(input: string): Pep440Version | Invalid {
  const text = input.trim();
  for (let i = 0; i < text.length; i++) {
    // Only ASCII: packaging refuses other digits and letters.
    if (text.charCodeAt(i) > 0x7f) return new Invalid('not ASCII');
  }
  const m = VERSION_PATTERN.exec(text.toLowerCase());
  if (!m) return new Invalid('not a PEP 440 version');
  const [, epoch, releaseText, preLetter, preNumber, postImplicit, postLetter, postNumber, devLetter, devNumber, localText] = m;
  const release = releaseText!.split('.');
  while (release.length > 1 && isZero(release[release.length - 1]!)) release.pop();
  if (release.length === 1 && isZero(release[0]!)) release.pop();
  return {
    epoch: epoch ?? '0',
    release,
    pre: preLetter === undefined ? undefined : { rank: PRE_RANK[preLetter]!, n: preNumber ?? '0' },
    post: postImplicit ?? (postLetter === undefined ? undefined : (postNumber ?? '0')),
    dev: devLetter === undefined ? undefined : (devNumber ?? '0'),
    local: localText === undefined ? undefined : localText.split(/[-_.]/),
  };
}

function isZero(digits: string): boolean {
  for (let i = 0; i < digits.length; i++) if (digits.charCodeAt(i) !== 48) return false;
  return true;
}

function compareRelease(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const r = compareDigits(a[i]!, b[i]!);
    if (r !== 0) return r;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** _cmpkey's pre key: a dev release of the final sorts below its pre-releases; a final above them. */
function preKey(v: Pep440Version): number {
  if (v.pre !== undefined) return 0;
  return v.post === undefined && v.dev !== undefined ? -1 : 1;
}

function compareOptionalNumber(a: string | undefined, b: string | undefined, missing: -1 | 1): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? missing : -missing;
  return compareDigits(a, b);
}

/** Local segments: numbers above strings, numbers numerically, a shorter prefix lower. */
function compareLocal(a: readonly string[] | undefined, b: readonly string[] | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    const xn = isDigits(x);
    const yn = isDigits(y);
    const r = xn && yn ? compareDigits(x, y) : xn !== yn ? (xn ? 1 : -1) : compareStrings(x, y);
    if (r !== 0) return r;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

export function comparePep440(a: Pep440Version, b: Pep440Version): number {
  let r = compareDigits(a.epoch, b.epoch) || compareRelease(a.release, b.release);
  if (r !== 0) return r;
  const pa = preKey(a);
  const pb = preKey(b);
  if (pa !== pb) return pa < pb ? -1 : 1;
  if (a.pre !== undefined && b.pre !== undefined) {
    r = a.pre.rank - b.pre.rank || compareDigits(a.pre.n, b.pre.n);
    if (r !== 0) return Math.sign(r);
  }
  return compareOptionalNumber(a.post, b.post, -1) || compareOptionalNumber(a.dev, b.dev, 1) || compareLocal(a.local, b.local);
}

const parse = memoParser(parsePep440);

export const pep440: VersionScheme = {
  name: 'pep440',
  isValid: (version) => !(parse(version) instanceof Invalid),
  compare: (a, b) => comparePep440(parseOrThrow('pep440', parse, a), parseOrThrow('pep440', parse, b)),
};
