/**
 * Maven versions, ordered as Maven's ComparableVersion (org.apache.maven.artifact.versioning, the
 * current Maven 4 sources in compat/maven-artifact) does. Rules in readme.md.
 */
import { type VersionScheme } from '../types.js';
import { Invalid, compareDigits, compareStrings, isDigitCode, memoParser, parseOrThrow } from '../util.js';

/** A number (digits without leading zeros), a qualifier, a qualifier+number combination, or a sub-list (after `-`). */
export type MavenItem =
  | { readonly kind: 'number'; readonly digits: string }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'combination'; readonly text: { readonly kind: 'string'; readonly value: string }; readonly number: { readonly kind: 'number'; readonly digits: string } }
  | { readonly kind: 'list'; readonly items: MavenItem[] };

type NumberItem = Extract<MavenItem, { kind: 'number' }>;
type StringItem = Extract<MavenItem, { kind: 'string' }>;
type ListItem = Extract<MavenItem, { kind: 'list' }>;

const MAX_VERSION_LENGTH = 256;
const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const RELEASE_QUALIFIERS = new Set(['ga', 'final', 'release']);
/** comparableQualifier("") — what a release (no qualifier) compares as. */
const RELEASE_INDEX = '5';

function numberItem(digits: string): NumberItem {
  let i = 0;
  while (i < digits.length - 1 && digits.charCodeAt(i) === 48) i++;
  return { kind: 'number', digits: digits.length === 0 ? '0' : digits.slice(i) };
}

function stringItem(value: string, followedByDigit: boolean): StringItem {
  if (followedByDigit && value.length === 1) {
    // a1 = alpha-1, b1 = beta-1, m1 = milestone-1
    if (value === 'a') value = 'alpha';
    else if (value === 'b') value = 'beta';
    else if (value === 'm') value = 'milestone';
  }
  return { kind: 'string', value: value === 'cr' ? 'rc' : value };
}

function combinationItem(text: string): MavenItem {
  let index = 0;
  for (let i = 0; i < text.length; i++) {
    if (isDigitCode(text.charCodeAt(i))) {
      index = i;
      break;
    }
  }
  return { kind: 'combination', text: stringItem(text.slice(0, index), true), number: numberItem(text.slice(index)) };
}

function parseItem(isCombination: boolean, isDigit: boolean, text: string): MavenItem {
  if (isCombination) return combinationItem(text.replaceAll('-', ''));
  if (isDigit) return numberItem(text);
  return stringItem(text, false);
}

function isNull(item: MavenItem): boolean {
  switch (item.kind) {
    case 'number':
      return item.digits === '0';
    case 'string':
      return item.value.length === 0;
    case 'combination':
      return false;
    case 'list':
      return item.items.length === 0;
  }
}

/** Drops null items (0, "", empty lists) that do not matter for the order, as ListItem.normalize() does. */
function normalize(list: ListItem): void {
  const items = list.items;
  for (let i = items.length - 1; i >= 0; i--) {
    if (!isNull(items[i]!)) continue;
    const next = items[i + 1];
    if (next === undefined || next.kind === 'string') {
      items.splice(i, 1);
    } else if (next.kind === 'list') {
      const first = next.items[0];
      if (first !== undefined && (first.kind === 'combination' || first.kind === 'string')) items.splice(i, 1);
    }
  }
  // Removing a zero prefix must not leave an extra qualifier nesting level.
  const only = items[0];
  if (items.length === 1 && only !== undefined && only.kind === 'list') items.splice(0, 1, ...only.items);
}

/** ComparableVersion.parseVersion(): the item tree of a version. */
export function parseMavenVersion(input: string): ListItem | Invalid {
  if (input.length === 0) return new Invalid('empty version');
  if (input.length > MAX_VERSION_LENGTH) return new Invalid(`longer than ${MAX_VERSION_LENGTH} characters`);
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    // ComparableVersion reads any string; a version with blanks or control characters is no Maven coordinate.
    if (c <= 32 || c === 127) return new Invalid('whitespace or control character in version');
  }
  const version = input.toLowerCase();
  const root: ListItem = { kind: 'list', items: [] };
  let list = root;
  const stack: ListItem[] = [root];
  const push = (): void => {
    const next: ListItem = { kind: 'list', items: [] };
    list.items.push(next);
    list = next;
    stack.push(next);
  };
  let isDigit = false;
  let isCombination = false;
  let start = 0;
  for (let i = 0; i < version.length; i++) {
    const c = version.charCodeAt(i);
    if (c === 46 /* . */) {
      list.items.push(i === start ? numberItem('0') : parseItem(isCombination, isDigit, version.slice(start, i)));
      isCombination = false;
      start = i + 1;
    } else if (c === 45 /* - */) {
      if (i === start) {
        list.items.push(numberItem('0'));
      } else {
        // X-1 is treated as X1.
        if (!isDigit && i !== version.length - 1 && isDigitCode(version.charCodeAt(i + 1))) {
          isCombination = true;
          continue;
        }
        list.items.push(parseItem(isCombination, isDigit, version.slice(start, i)));
      }
      start = i + 1;
      if (list.items.length > 0) push();
      isCombination = false;
    } else if (isDigitCode(c)) {
      if (!isDigit && i > start) {
        // X1
        isCombination = true;
        if (list.items.length > 0) push();
      }
      isDigit = true;
    } else {
      if (isDigit && i > start) {
        list.items.push(parseItem(isCombination, true, version.slice(start, i)));
        start = i;
        push();
        isCombination = false;
      }
      isDigit = false;
    }
  }
  if (version.length > start) {
    // 1.0.0.X1 < 1.0.0-X2: treat .X as -X for any string qualifier X.
    if (!isDigit && list.items.length > 0) push();
    list.items.push(parseItem(isCombination, isDigit, version.slice(start)));
  }
  while (stack.length > 0) normalize(stack.pop()!);
  return root;
}

function comparableQualifier(qualifier: string): string {
  if (RELEASE_QUALIFIERS.has(qualifier)) return RELEASE_INDEX;
  const i = QUALIFIERS.indexOf(qualifier);
  return i === -1 ? `${QUALIFIERS.length}-${qualifier}` : String(i);
}

/** Item.compareTo(other); `undefined` stands for Java's null (the other version has ended). */
function compareItem(item: MavenItem, other: MavenItem | undefined): number {
  switch (item.kind) {
    case 'number': {
      if (other === undefined) return item.digits === '0' ? 0 : 1; // 1.0 == 1, 1.1 > 1
      return other.kind === 'number' ? compareDigits(item.digits, other.digits) : 1; // 1.1 > 1-sp, 1.1 > 1-1
    }
    case 'string': {
      if (other === undefined) return compareStrings(comparableQualifier(item.value), RELEASE_INDEX); // 1-rc < 1, 1-sp > 1
      switch (other.kind) {
        case 'number':
          return -1; // 1.any < 1.1
        case 'string':
          return compareStrings(comparableQualifier(item.value), comparableQualifier(other.value));
        case 'combination': {
          const r = compareItem(item, other.text);
          if (r !== 0) return r;
          return compareItem(item, undefined) === 0 ? 0 - compareItem(other.number, undefined) : -1;
        }
        case 'list':
          return 0 - compareItem(other, item);
      }
      break;
    }
    case 'combination': {
      if (other === undefined) {
        // 1-rc1 < 1, 1-ga1 > 1
        const r = compareItem(item.text, undefined);
        return r !== 0 ? r : compareItem(item.number, undefined);
      }
      switch (other.kind) {
        case 'number':
          return -1;
        case 'string': {
          const r = compareItem(item.text, other);
          if (r !== 0) return r;
          return compareItem(item.text, undefined) === 0 ? compareItem(item.number, undefined) : 1; // X1 > X
        }
        case 'list':
          return 0 - compareItem(other, item);
        case 'combination':
          return compareItem(item.text, other.text) || compareItem(item.number, other.number);
      }
      break;
    }
    case 'list': {
      const items = item.items;
      if (other === undefined) {
        // Compare the whole list with null, not just the first item (MNG-6964).
        for (const i of items) {
          const r = compareItem(i, undefined);
          if (r !== 0) return r;
        }
        return 0;
      }
      switch (other.kind) {
        case 'number':
          return -1; // 1-1 < 1.0.x
        case 'string':
        case 'combination': {
          let r = items.length === 0 ? 0 - compareItem(other, undefined) : compareItem(items[0]!, other);
          for (let i = 1; r === 0 && i < items.length; i++) r = compareItem(items[i]!, undefined);
          return r;
        }
        case 'list': {
          const n = Math.max(items.length, other.items.length);
          for (let i = 0; i < n; i++) {
            const l = items[i];
            const r = other.items[i];
            const result = l === undefined ? (r === undefined ? 0 : 0 - compareItem(r, undefined)) : compareItem(l, r);
            if (result !== 0) return result;
          }
          return 0;
        }
      }
    }
  }
  return 0;
}

export function compareMavenVersions(a: ListItem, b: ListItem): number {
  return Math.sign(compareItem(a, b));
}

/** ComparableVersion.getCanonical(): items joined by `.`, sub-lists by `-`. */
export function mavenCanonical(item: MavenItem): string {
  switch (item.kind) {
    case 'number':
      return item.digits;
    case 'string':
      return item.value;
    case 'combination':
      return item.text.value + item.number.digits;
    case 'list': {
      let out = '';
      for (const child of item.items) {
        if (out.length > 0) out += child.kind === 'list' ? '-' : '.';
        out += mavenCanonical(child);
      }
      return out;
    }
  }
}

const parse = memoParser(parseMavenVersion);

export const maven: VersionScheme = {
  name: 'maven',
  isValid: (version) => !(parse(version) instanceof Invalid),
  compare: (a, b) => compareMavenVersions(parseOrThrow('maven', parse, a), parseOrThrow('maven', parse, b)),
};
