/**
 * Alpine (apk-tools 3) versions, `digit{.digit}...{letter}{_suf{#}}...{~hash}{-r#}`, ordered as
 * apk's src/version.c does token by token. Rules in readme.md.
 */
import { type VersionScheme } from '../types.js';
import { Invalid, compareDigits, compareStrings, isDigitCode, memoParser, parseOrThrow } from '../util.js';

/** Token kinds in apk's order: a version that ends (END) sorts above one that goes on, except into a pre-release suffix. */
const INITIAL_DIGIT = 0;
const DIGIT = 1;
const LETTER = 2;
const SUFFIX = 3;
const SUFFIX_NO = 4;
const COMMIT_HASH = 5;
const REVISION_NO = 6;
const END = 7;
const INVALID = 8;

/** Suffix ranks: the pre-release ones sort below NONE (no suffix), the others above. */
const SUFFIXES = new Map<string, number>([
  ['alpha', 1],
  ['beta', 2],
  ['pre', 3],
  ['rc', 4],
  ['cvs', 6],
  ['svn', 7],
  ['git', 8],
  ['hg', 9],
  ['p', 10],
]);
const SUFFIX_NONE = 5;

interface Token {
  readonly type: number;
  /** The token's text: digits, the letter, the suffix name or the hash. */
  readonly text: string;
  readonly suffix: number;
}

export interface ApkVersion {
  /** The tokens, ending with an END token (valid) or an INVALID one (apk stops comparing there). */
  readonly tokens: readonly Token[];
  readonly valid: boolean;
}

function spanDigits(s: string, pos: number): number {
  while (pos < s.length && isDigitCode(s.charCodeAt(pos))) pos++;
  return pos;
}

function isLower(c: number): boolean {
  return c >= 97 && c <= 122;
}

function isHex(c: number): boolean {
  return isDigitCode(c) || (c >= 97 && c <= 102);
}

/** Splits a version into apk's tokens; never fails, an unreadable tail becomes an INVALID token. */
export function tokenizeApkVersion(version: string): ApkVersion {
  const tokens: Token[] = [];
  let pos = spanDigits(version, 0);
  if (pos === 0) return { tokens: [{ type: INVALID, text: '', suffix: 0 }], valid: false };
  tokens.push({ type: INITIAL_DIGIT, text: version.slice(0, pos), suffix: 0 });
  let previous = INITIAL_DIGIT;
  for (;;) {
    if (pos >= version.length) {
      tokens.push({ type: END, text: '', suffix: 0 });
      return { tokens, valid: true };
    }
    const c = version.charCodeAt(pos);
    let token: Token | undefined;
    if (isLower(c)) {
      if (previous <= DIGIT) {
        token = { type: LETTER, text: version[pos]!, suffix: 0 };
        pos++;
      }
    } else if (c === 46 /* . */ || isDigitCode(c)) {
      // A digit run follows a dot (a new number) or a suffix name (its number).
      let type = -1;
      if (c === 46) {
        if (previous <= DIGIT) type = DIGIT;
        pos++;
      } else if (previous === SUFFIX) {
        type = SUFFIX_NO;
      }
      const end = spanDigits(version, pos);
      if (type >= 0 && end > pos) token = { type, text: version.slice(pos, end), suffix: 0 };
      pos = end;
    } else if (c === 95 /* _ */) {
      if (previous <= SUFFIX_NO) {
        let end = pos + 1;
        while (end < version.length && isLower(version.charCodeAt(end))) end++;
        const name = version.slice(pos + 1, end);
        const suffix = SUFFIXES.get(name);
        if (suffix !== undefined) token = { type: SUFFIX, text: name, suffix };
        pos = end;
      }
    } else if (c === 126 /* ~ */) {
      if (previous < COMMIT_HASH) {
        let end = pos + 1;
        while (end < version.length && isHex(version.charCodeAt(end))) end++;
        if (end > pos + 1) token = { type: COMMIT_HASH, text: version.slice(pos + 1, end), suffix: 0 };
        pos = end;
      }
    } else if (c === 45 /* - */) {
      if (previous < REVISION_NO && version.charCodeAt(pos + 1) === 114 /* r */) {
        const end = spanDigits(version, pos + 2);
        if (end > pos + 2) token = { type: REVISION_NO, text: version.slice(pos + 2, end), suffix: 0 };
        pos = end;
      }
    }
    if (token === undefined) {
      tokens.push({ type: INVALID, text: '', suffix: 0 });
      return { tokens, valid: false };
    }
    tokens.push(token);
    previous = token.type;
  }
}

/** apk's token_cmp() for two tokens of the same type. */
function compareTokens(a: Token, b: Token): number {
  switch (a.type) {
    case DIGIT:
      // A leading zero in either makes it a string comparison (Gentoo's rule): 1.01 < 1.1, 8.2.0 < 8.2.001.
      if (a.text.charCodeAt(0) === 48 || b.text.charCodeAt(0) === 48) return compareStrings(a.text, b.text);
      return compareDigits(a.text, b.text);
    case INITIAL_DIGIT:
    case SUFFIX_NO:
    case REVISION_NO:
      return compareDigits(a.text, b.text);
    case LETTER:
      return compareStrings(a.text, b.text);
    case SUFFIX:
      return a.suffix === b.suffix ? 0 : a.suffix < b.suffix ? -1 : 1;
    default:
      return compareStrings(a.text, b.text);
  }
}

/**
 * apk's version comparison. With `fuzzy`, `a` also equals `b` when `b` is a prefix of it
 * (`3.6.9 ~ 3.6`), as apk's `~` dependency operator matches.
 */
export function compareApkVersions(a: ApkVersion, b: ApkVersion, fuzzy = false): number {
  let i = 0;
  let ta = a.tokens[0]!;
  let tb = b.tokens[0]!;
  while (ta.type === tb.type && ta.type < END) {
    const r = compareTokens(ta, tb);
    if (r !== 0) return r;
    i++;
    ta = a.tokens[i]!;
    tb = b.tokens[i]!;
  }
  if (ta.type === tb.type) return 0;
  if (fuzzy && tb.type === END) return 0;
  // The versions agree so far: the one that goes on is newer, unless it goes on into a pre-release suffix.
  if (ta.type === SUFFIX && ta.suffix < SUFFIX_NONE) return -1;
  if (tb.type === SUFFIX && tb.suffix < SUFFIX_NONE) return 1;
  if (ta.type > tb.type) return -1;
  if (tb.type > ta.type) return 1;
  return 0;
}

function read(version: string): ApkVersion | Invalid {
  const parsed = tokenizeApkVersion(version);
  // apk orders a version whose tail it cannot read by the tokens before it; one with no leading number says nothing.
  if (parsed.tokens[0]!.type === INVALID) return new Invalid('an apk version starts with a number');
  return parsed;
}

const parse = memoParser(read);

export const apk: VersionScheme = {
  name: 'apk',
  isValid: (version) => {
    const parsed = parse(version);
    return !(parsed instanceof Invalid) && parsed.valid;
  },
  compare: (a, b) => compareApkVersions(parseOrThrow('apk', parse, a), parseOrThrow('apk', parse, b)),
};

/**
 * apk's dependency check `a OP b` (apk_version_match): OP combines `<`, `>`, `=` and `~` (fuzzy:
 * `b` is a prefix of `a`); a leading `!` negates it, as in a conflict `!~`.
 */
export function apkVersionMatch(a: string, op: string, b: string): boolean {
  let conflict = false;
  let mask = 0;
  for (const c of op) {
    if (c === '!') conflict = true;
    else if (c === '<') mask |= 1;
    else if (c === '>') mask |= 4;
    else if (c === '=') mask |= 2;
    else if (c === '~') mask |= 2 | 8;
    else throw new Error(`unknown apk version operator ${JSON.stringify(op)}`);
  }
  const r = compareApkVersions(parseOrThrow('apk', parse, a), parseOrThrow('apk', parse, b), (mask & 8) !== 0);
  const result = r < 0 ? 1 : r > 0 ? 4 : 2;
  const ok = (result & mask) !== 0;
  return conflict ? !ok : ok;
}
