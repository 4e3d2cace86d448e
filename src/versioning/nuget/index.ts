/**
 * NuGet versions, `Major[.Minor[.Patch[.Revision]]][-labels][+metadata]`, ordered as NuGet.Versioning's
 * VersionComparer.Default (NuGetVersion.TryParse, SemanticVersionFactory, VersionComparer). Rules in readme.md.
 */
import { splitIdentifiers } from '../semver/index.js';
import { type VersionScheme } from '../types.js';
import { Invalid, compareDigits, compareStrings, isDigitCode, isDigits, memoParser, parseOrThrow } from '../util.js';

export interface NuGetVersion {
  /** Major, minor, patch, revision as digit strings (missing parts are 0: 1.0 == 1.0.0.0). */
  readonly numbers: readonly [string, string, string, string];
  /** Release labels; empty for a stable version. */
  readonly labels: readonly string[];
}

const INT32_MAX = '2147483647';

function fitsInt32(digits: string): boolean {
  return compareDigits(digits, INT32_MAX) <= 0;
}

export function parseNuGetVersion(input: string): NuGetVersion | Invalid {
  const text = input.trim();
  // ParseSections: the version ends at the first - or +, the labels at the next +.
  let end = text.length;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '-' || text[i] === '+') {
      end = i;
      break;
    }
  }
  const numbers = text.slice(0, end).split('.');
  if (numbers.length > 4 || !numbers.every((n) => isDigits(n) && fitsInt32(n))) return new Invalid('expected 1 to 4 numbers up to 2147483647');
  let labels: string[] = [];
  let rest = text.slice(end);
  const plus = rest.indexOf('+');
  if (plus >= 0) {
    // Metadata: identifiers of [0-9A-Za-z-], leading zeros allowed; ignored in the order.
    if (!splitIdentifiers(rest.slice(plus + 1))) return new Invalid('bad metadata');
    rest = rest.slice(0, plus);
  }
  if (rest.length > 0) {
    const parts = splitIdentifiers(rest.slice(1));
    if (!parts || parts.some((p) => isDigits(p) && p.length > 1 && p[0] === '0')) return new Invalid('bad release label');
    labels = parts;
  }
  return { numbers: [numbers[0]!, numbers[1] ?? '0', numbers[2] ?? '0', numbers[3] ?? '0'], labels };
}

/** int.TryParse on a label: an optional minus and digits within Int32. */
function labelNumber(label: string): number | undefined {
  const negative = label.charCodeAt(0) === 45;
  const digits = negative ? label.slice(1) : label;
  if (!isDigits(digits)) return undefined;
  let i = 0;
  while (i < digits.length - 1 && isDigitCode(digits.charCodeAt(i)) && digits.charCodeAt(i) === 48) i++;
  const magnitude = digits.slice(i);
  if (magnitude.length > 10) return undefined;
  const value = negative ? -Number(magnitude) : Number(magnitude);
  return value >= -2147483648 && value <= 2147483647 ? value : undefined;
}

/** VersionComparer.CompareRelease: numbers numerically and below text; text case-insensitively. */
function compareLabel(a: string, b: string): number {
  const x = labelNumber(a);
  const y = labelNumber(b);
  if (x !== undefined && y !== undefined) return x === y ? 0 : x < y ? -1 : 1;
  if (x !== undefined || y !== undefined) return x !== undefined ? -1 : 1;
  return compareStrings(a.toUpperCase(), b.toUpperCase());
}

export function compareNuGetVersions(a: NuGetVersion, b: NuGetVersion): number {
  for (let i = 0; i < 4; i++) {
    const r = compareDigits(a.numbers[i]!, b.numbers[i]!);
    if (r !== 0) return r;
  }
  // A version without labels is newer than any pre-release of it.
  if (a.labels.length === 0 || b.labels.length === 0) return a.labels.length === b.labels.length ? 0 : a.labels.length === 0 ? 1 : -1;
  const n = Math.min(a.labels.length, b.labels.length);
  for (let i = 0; i < n; i++) {
    const r = compareLabel(a.labels[i]!, b.labels[i]!);
    if (r !== 0) return r;
  }
  return a.labels.length === b.labels.length ? 0 : a.labels.length < b.labels.length ? -1 : 1;
}

const parse = memoParser(parseNuGetVersion);

export const nuget: VersionScheme = {
  name: 'nuget',
  isValid: (version) => !(parse(version) instanceof Invalid),
  compare: (a, b) => compareNuGetVersions(parseOrThrow('nuget', parse, a), parseOrThrow('nuget', parse, b)),
};
