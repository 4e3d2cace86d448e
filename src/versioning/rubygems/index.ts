/**
 * RubyGems versions, ordered as Gem::Version#<=> does (lib/rubygems/version.rb, current RubyGems
 * sources). Rules in readme.md.
 */
import { type VersionScheme } from '../types.js';
import { Invalid, compareDigits, compareStrings, isDigitCode, memoParser, parseOrThrow } from '../util.js';

/** Digit strings (numbers, leading zeros stripped) and letter strings (kept as written: "B" < "a"). */
export interface GemVersion {
  readonly version: string;
  readonly segments: readonly GemSegment[];
}

export type GemSegment = { readonly number: string } | { readonly text: string };

/** Gem::Version::ANCHORED_VERSION_PATTERN without its empty alternative (an empty version is refused here). */
const CORRECT = /^[ \t\r\n\f\v]*[0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?[ \t\r\n\f\v]*$/;
const SEGMENT = /[0-9]+|[a-z]+/gi;
const LETTER = /[a-zA-Z]/;
const TRAILING_ZEROS = /(?<=[a-zA-Z.])[.0]+$/;
const ZEROS_BEFORE_LETTER = /(?<=\.|^)[0.]+(?=[a-zA-Z])/;

/** Gem::Version.normalize_hyphens: "-beta.1" becomes ".beta.1", "-1" becomes ".pre.1". */
function normalizeHyphens(text: string): string {
  if (!text.includes('-')) return text;
  const parts = text.split('-');
  while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop(); // Ruby's split drops trailing empty fields
  return parts
    .map((part, index) => {
      if (index === 0) return part;
      const dot = part.indexOf('.');
      const first = dot < 0 ? part : part.slice(0, dot);
      return first.length > 0 && LETTER.test(first) ? part : `pre.${part}`;
    })
    .join('.');
}

function partition(text: string): GemSegment[] {
  const out: GemSegment[] = [];
  for (const m of text.matchAll(SEGMENT)) {
    const s = m[0];
    if (isDigitCode(s.charCodeAt(0))) {
      let i = 0;
      while (i < s.length - 1 && s.charCodeAt(i) === 48) i++;
      out.push({ number: s.slice(i) });
    } else {
      out.push({ text: s });
    }
  }
  return out;
}

/** Gem::Version#canonical_segments: trailing zeros and zeros before the first letter dropped, redundant "pre" skipped. */
export function parseGemVersion(input: string): GemVersion | Invalid {
  if (!CORRECT.test(input)) return new Invalid('malformed version number string');
  const version = normalizeHyphens(input.trim());
  let canonical = version.replace(TRAILING_ZEROS, '');
  if (LETTER.test(version)) canonical = canonical.replace(ZEROS_BEFORE_LETTER, '');
  const segments = partition(canonical);
  const kept = segments.filter((s, i) => !('text' in s && s.text === 'pre' && i + 1 < segments.length && 'text' in segments[i + 1]!));
  return { version, segments: kept };
}

function isZero(s: GemSegment): boolean {
  return 'number' in s && s.number === '0';
}

export function compareGemVersions(a: GemVersion, b: GemVersion): number {
  if (a.version === b.version) return 0;
  const left = a.segments;
  const right = b.segments;
  const n = Math.min(left.length, right.length);
  for (let i = 0; i < n; i++) {
    const l = left[i]!;
    const r = right[i]!;
    if ('number' in l) {
      if ('text' in r) return 1; // a number is newer than a pre-release string
      const c = compareDigits(l.number, r.number);
      if (c !== 0) return c;
    } else {
      if ('number' in r) return -1;
      const c = compareStrings(l.text, r.text);
      if (c !== 0) return c;
    }
  }
  // The longer one decides only by a string (pre-release: lower) or a non-zero number (higher).
  for (let i = n; i < left.length; i++) {
    const l = left[i]!;
    if ('text' in l) return -1;
    if (!isZero(l)) return 1;
  }
  for (let i = n; i < right.length; i++) {
    const r = right[i]!;
    if ('text' in r) return 1;
    if (!isZero(r)) return -1;
  }
  return 0;
}

/** Gem::Version#prerelease?: the version contains a letter. */
export function isGemPrerelease(version: string): boolean {
  return LETTER.test(version);
}

const parse = memoParser(parseGemVersion);

export const rubygems: VersionScheme = {
  name: 'rubygems',
  isValid: (version) => !(parse(version) instanceof Invalid),
  compare: (a, b) => compareGemVersions(parseOrThrow('rubygems', parse, a), parseOrThrow('rubygems', parse, b)),
};
