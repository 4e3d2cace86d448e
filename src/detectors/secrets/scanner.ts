/**
 * The secret scanning engine: pure functions from (path, text, rules) to masked matches.
 *
 * Per file: rules that apply to the path are chosen (paths, excludePaths, the global exclusion
 * list), one Aho-Corasick pass finds which keywords occur, and only the rules with a keyword present
 * run their precompiled regexes. Each value then passes the allow list, the placeholder list, the
 * entropy minimum and the rule's validate hook before it is masked and fingerprinted; the value
 * itself never leaves this module.
 */
import { createHash } from 'node:crypto';
import type { Severity } from '../../core/finding.js';
import { maskSecret } from '../../core/mask.js';
import { shannonEntropy } from './checks.js';
import { KeywordMatcher } from './keywords.js';
import { DEFAULT_EXCLUDED_PATHS, pathMatcher } from './paths.js';
import type { PathPattern, SecretRule } from './rule.js';
import type { SecretMatch } from './types.js';

/** Bumped when the engine's output for the same rules and input changes; part of the analyzer's cache identity. */
export const ENGINE_VERSION = 1;

/** Files larger than this are not scanned by default. */
export const DEFAULT_MAX_FILE_SIZE = 1024 * 1024;

/** A rule reports at most this many matches per file: a generated file full of tokens is one problem, not thousands. */
export const MAX_MATCHES_PER_RULE = 100;

/**
 * Values that are placeholders, not secrets, whatever rule matched them (unless the rule sets
 * `placeholders: false`): documentation examples (AWS's `...EXAMPLE` keys), masks (`xxxx`,
 * `****`), template and variable references (`${VAR}`, `$VAR`, `{{ .Values.x }}`, `%(x)s`,
 * `<token>`), and words people type instead of a value.
 */
export const PLACEHOLDERS: readonly RegExp[] = [
  /example/i,
  /x{4,}|X{4,}/,
  /\*{3,}|\.{3,}|…/,
  /<[^<>]*>/,
  /\$\{[^}]*\}?|\$\([^)]*\)?|^\$[A-Za-z_]|\{\{[^}]*\}\}|%\([A-Za-z_]+\)[sd]|^%[sd]$/,
  /change[_-]?(?:me|it)|placeholder|dummy|redacted|replace[_-]?(?:me|this|with)|insert[_-]?(?:your|here)|your[_-]?(?:own[_-]?)?(?:api[_-]?)?(?:key|token|secret|pass(?:word)?|access|client)|put[_-]?your/i,
  /^(?:password|passwd|pass|pwd|secret|token|apikey|api_key|null|none|nil|undefined|true|false|empty|test|string|value|hidden|required|optional|default|sample|todo|tbd|fixme|foo|bar|foobar|user|username)\d{0,4}$/i,
  /^(.)\1*$/,
  /^\{[A-Za-z_][A-Za-z0-9_]*\}$/,
];

export interface ScanOptions {
  /** Extra paths no rule scans, on top of (or, with defaultExcludes false, instead of) DEFAULT_EXCLUDED_PATHS. */
  excludePaths?: readonly PathPattern[] | undefined;
  /** Apply DEFAULT_EXCLUDED_PATHS; default true. */
  defaultExcludes?: boolean | undefined;
}

/** A rule with its regexes and path matchers compiled; internal to CompiledRules. */
export interface CompiledRule {
  rule: SecretRule;
  index: number;
  regex: RegExp | undefined;
  requires: RegExp | undefined;
  include: ((path: string) => boolean) | undefined;
  exclude: ((path: string) => boolean) | undefined;
  keywordIndexes: number[];
  allowExact: Set<string>;
  allowRegexes: RegExp[];
  inText: boolean;
}

/** A rule set compiled once: regexes with the `g` flag, path matchers, the keyword automaton. */
export class CompiledRules {
  readonly rules: readonly SecretRule[];
  readonly byId: ReadonlyMap<string, SecretRule>;
  private readonly compiled: CompiledRule[];
  private readonly universal: CompiledRule[];
  private readonly pathLimited: CompiledRule[];
  private readonly textRules: CompiledRule[];
  private readonly pathOnly: CompiledRule[];
  private readonly universalContent: boolean;
  private readonly matcher: KeywordMatcher;
  private readonly excluded: ((path: string) => boolean) | undefined;

  constructor(rules: readonly SecretRule[], options: ScanOptions = {}) {
    this.rules = rules;
    const byId = new Map<string, SecretRule>();
    const keywordIndex = new Map<string, number>();
    this.compiled = rules.map((rule, index) => {
      if (byId.has(rule.id)) throw new Error(`duplicate secret rule id ${rule.id}`);
      byId.set(rule.id, rule);
      const keywordIndexes = rule.keywords.map((keyword) => {
        let position = keywordIndex.get(keyword);
        if (position === undefined) {
          position = keywordIndex.size;
          keywordIndex.set(keyword, position);
        }
        return position;
      });
      const flags = (pattern: RegExp, global: boolean): string => {
        const base = pattern.flags.replace(/[gy]/g, '');
        return global ? `${base}g` : base;
      };
      return {
        rule,
        index,
        regex: rule.pattern ? new RegExp(rule.pattern.source, flags(rule.pattern, true)) : undefined,
        requires: rule.requires ? new RegExp(rule.requires.source, flags(rule.requires, false)) : undefined,
        include: pathMatcher(rule.paths),
        exclude: pathMatcher(rule.excludePaths),
        keywordIndexes,
        allowExact: new Set((rule.allow ?? []).filter((entry): entry is string => typeof entry === 'string').map((entry) => entry.toLowerCase())),
        allowRegexes: (rule.allow ?? []).filter((entry): entry is RegExp => entry instanceof RegExp),
        inText: rule.pattern !== undefined && (rule.inText ?? (rule.paths === undefined && rule.requires === undefined)),
      };
    });
    this.byId = byId;
    this.universal = this.compiled.filter((entry) => !entry.include && !entry.exclude);
    this.pathLimited = this.compiled.filter((entry) => entry.include || entry.exclude);
    this.textRules = this.compiled.filter((entry) => entry.inText);
    this.pathOnly = this.compiled.filter((entry) => !entry.regex);
    this.universalContent = this.universal.some((entry) => entry.regex !== undefined);
    this.matcher = new KeywordMatcher([...keywordIndex.keys()]);
    const globalExcludes = [...(options.defaultExcludes === false ? [] : DEFAULT_EXCLUDED_PATHS.flatMap((entry) => entry.paths)), ...(options.excludePaths ?? [])];
    this.excluded = pathMatcher(globalExcludes);
  }

  private lastPath: string | undefined;
  private lastExcluded = false;

  /** Whether the global exclusion list covers this path (the last answer is kept: required, analyze and scan ask in turn). */
  isExcluded(path: string): boolean {
    if (path !== this.lastPath) {
      this.lastPath = path;
      this.lastExcluded = this.excluded?.(path) ?? false;
    }
    return this.lastExcluded;
  }

  /** The rules that would scan a file at this path (none when the path is excluded). */
  rulesFor(path: string): CompiledRule[] {
    if (this.isExcluded(path)) return [];
    const applicable = this.universal.slice();
    for (const entry of this.pathLimited) if (applies(entry, path)) applicable.push(entry);
    return applicable;
  }

  /** Rules matching by path alone (no pattern) that apply here: they need the bytes, not the text. */
  pathOnlyRulesFor(path: string): SecretRule[] {
    if (this.pathOnly.length === 0 || this.isExcluded(path)) return [];
    return this.pathOnly.filter((entry) => applies(entry, path)).map((entry) => entry.rule);
  }

  /** Whether any rule with a pattern applies to this path (cheap: no allocation for the common case). */
  hasContentRulesFor(path: string): boolean {
    if (this.isExcluded(path)) return false;
    if (this.universalContent) return true;
    return this.pathLimited.some((entry) => entry.regex !== undefined && applies(entry, path));
  }

  /** Scan text with the given rules (those that apply to a file at `path`, or the text rules). */
  scan(text: string, candidates: readonly CompiledRule[]): SecretMatch[] {
    const withPattern = candidates.filter((entry) => entry.regex !== undefined);
    if (withPattern.length === 0 || text.length === 0) return [];
    // Rules limited by paths may have no keywords: then the automaton need not run at all.
    const found = withPattern.some((entry) => entry.keywordIndexes.length > 0) ? this.matcher.find(text) : new Uint8Array(0);
    const lines = new LineIndex(text);
    const raw: Array<SecretMatch & { index: number }> = [];
    for (const entry of withPattern) {
      if (entry.keywordIndexes.length > 0 && !entry.keywordIndexes.some((index) => found[index] === 1)) continue;
      raw.push(...matchRule(entry, text, lines));
    }
    return finish(raw, this.byId);
  }

  get textCandidates(): readonly CompiledRule[] {
    return this.textRules;
  }
}

function applies(entry: CompiledRule, path: string): boolean {
  if (entry.include && !entry.include(path)) return false;
  return !entry.exclude?.(path);
}

/** Lazily built index of line starts, for 1-based line numbers of match offsets. */
class LineIndex {
  private starts: number[] | undefined;
  constructor(private readonly text: string) {}

  lineOf(offset: number): number {
    if (!this.starts) {
      const starts = [0];
      for (let at = this.text.indexOf('\n'); at !== -1; at = this.text.indexOf('\n', at + 1)) starts.push(at + 1);
      this.starts = starts;
    }
    const starts = this.starts;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (starts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    return low + 1;
  }
}

function secretOf(groups: Record<string, string | undefined>): string | undefined {
  if (groups.secret !== undefined) return groups.secret;
  for (const [name, value] of Object.entries(groups)) if (value !== undefined && /^secret\d+$/.test(name)) return value;
  return undefined;
}

export function normalizeSecret(rule: Pick<SecretRule, 'normalize'>, value: string): string {
  if (rule.normalize === 'pem-body') return value.replace(/\\[nr]|["'\s]/g, '');
  return value;
}

/** Whether a value is allowed (a placeholder or listed in the rule's allow list) rather than reported. */
function isAllowed(entry: CompiledRule, value: string): boolean {
  if (entry.allowExact.has(value.toLowerCase())) return true;
  for (const regex of entry.allowRegexes) if (regex.test(value)) return true;
  if (entry.rule.placeholders !== false) for (const regex of PLACEHOLDERS) if (regex.test(value)) return true;
  return false;
}

function fillNote(template: string, groups: Record<string, string | undefined>, required: string | undefined): string | undefined {
  const values: Record<string, string | undefined> = { ...groups, required };
  let missing = false;
  const note = template.replace(/\{([A-Za-z][A-Za-z0-9]*)(:masked)?\}/g, (_, name: string, masked: string | undefined) => {
    const value = values[name];
    if (value === undefined || value === '') {
      missing = true;
      return '';
    }
    return masked ? maskSecret(value) : value;
  });
  return missing && note.trim() === '' ? undefined : note.replace(/\s+/g, ' ').trim() || undefined;
}

function matchRule(entry: CompiledRule, text: string, lines: LineIndex): Array<SecretMatch & { index: number }> {
  const { rule } = entry;
  let required: string | undefined;
  if (entry.requires) {
    const found = entry.requires.exec(text);
    if (!found) return [];
    required = found.groups?.secret ?? found[0];
  }
  const regex = entry.regex!;
  regex.lastIndex = 0;
  const matches: Array<SecretMatch & { index: number }> = [];
  let match: RegExpExecArray | null;
  while ((match = regex.exec(text)) !== null) {
    if (match[0].length === 0) regex.lastIndex++;
    const groups = match.groups ?? {};
    const rawSecret = secretOf(groups);
    if (rawSecret === undefined || rawSecret === '') continue;
    const secret = normalizeSecret(rule, rawSecret);
    if (secret === '' || isAllowed(entry, secret)) continue;
    if (rule.entropy !== undefined && shannonEntropy(secret) < rule.entropy) continue;
    if (rule.validate && !rule.validate(secret, groups)) continue;
    // The line of the first character that is not whitespace: patterns may start at a line break.
    let start = match.index;
    const end = match.index + match[0].length;
    while (start < end - 1 && /\s/.test(text[start]!)) start++;
    const note = rule.note ? fillNote(rule.note, groups, required) : undefined;
    matches.push({
      ruleId: rule.id,
      line: lines.lineOf(start),
      masked: maskSecret(secret, rule.maskVisible ?? 4),
      fingerprint: fingerprintOf(secret),
      ...(note ? { note } : {}),
      index: entry.index,
    });
    if (matches.length >= (rule.maxMatches ?? MAX_MATCHES_PER_RULE)) break;
  }
  return matches;
}

export function fingerprintOf(value: string | Buffer): string {
  return createHash('sha256').update(value).digest('hex');
}

/**
 * Superseded rules dropped, then one match per line and value (the rule listed first wins, so a
 * provider's own rule beats the generic ones), sorted by line and catalog order.
 */
function finish(raw: Array<SecretMatch & { index: number }>, byId: ReadonlyMap<string, SecretRule>): SecretMatch[] {
  if (raw.length === 0) return [];
  const matchedRules = new Set(raw.map((match) => match.ruleId));
  const kept = raw.filter((match) => !(byId.get(match.ruleId)?.supersededBy ?? []).some((id) => matchedRules.has(id)));
  kept.sort((a, b) => a.line - b.line || a.index - b.index);
  const seen = new Set<string>();
  const result: SecretMatch[] = [];
  for (const { index: _index, ...match } of kept) {
    const key = `${match.line}|${match.fingerprint}`;
    if (seen.has(key)) continue;
    seen.add(key);
    result.push(match);
  }
  return result;
}

const compiledCache = new WeakMap<readonly SecretRule[], CompiledRules>();

/** Compile once per rule array (cached): pass the same array, or a CompiledRules, to scan many files. */
export function compileRules(rules: readonly SecretRule[] | CompiledRules, options?: ScanOptions): CompiledRules {
  if (rules instanceof CompiledRules) return rules;
  if (options) return new CompiledRules(rules, options);
  let compiled = compiledCache.get(rules);
  if (!compiled) {
    compiled = new CompiledRules(rules);
    compiledCache.set(rules, compiled);
  }
  return compiled;
}

/**
 * Scan one file's text: the rules that apply to `path` (rules matching by path alone report the
 * whole file), masked and fingerprinted, one match per line and value, sorted by line.
 */
export function scanText(path: string, text: string, rules: readonly SecretRule[] | CompiledRules): SecretMatch[] {
  const set = compileRules(rules);
  const candidates = set.rulesFor(path);
  if (candidates.length === 0) return [];
  const whole = candidates.filter((entry) => !entry.regex).map((entry) => pathOnlyMatch(entry.rule, Buffer.from(text, 'utf8')));
  return [...whole, ...set.scan(text, candidates)];
}

/** The match a path-only rule reports for a whole file: the file's bytes are the value. */
export function pathOnlyMatch(rule: SecretRule, bytes: Buffer): SecretMatch {
  return { ruleId: rule.id, line: 0, masked: `(whole file, ${bytes.length} bytes)`, fingerprint: fingerprintOf(bytes) };
}

const BINARY_SNIFF = 8192;

/** Binary content: a NUL byte in the first 8 KiB, or more than 10% control characters there. */
export function looksBinary(bytes: Uint8Array): boolean {
  const length = Math.min(bytes.length, BINARY_SNIFF);
  let control = 0;
  for (let i = 0; i < length; i++) {
    const byte = bytes[i]!;
    if (byte === 0) return true;
    // Tab, line feed, vertical tab, form feed, carriage return, escape and backspace appear in text.
    if (byte < 32 && byte !== 9 && byte !== 10 && byte !== 11 && byte !== 12 && byte !== 13 && byte !== 27 && byte !== 8) control++;
  }
  return length > 0 && control * 10 > length;
}

/**
 * Scan one file's bytes: path-only rules see every file they name; the text rules see it only
 * when it is not binary. UTF-8 is assumed (a BOM is dropped).
 */
export function scanBuffer(path: string, bytes: Buffer, rules: readonly SecretRule[] | CompiledRules): SecretMatch[] {
  const set = compileRules(rules);
  const candidates = set.rulesFor(path);
  if (candidates.length === 0) return [];
  const whole = candidates.filter((entry) => !entry.regex).map((entry) => pathOnlyMatch(entry.rule, bytes));
  if (looksBinary(bytes)) return whole;
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return [...whole, ...set.scan(text, candidates)];
}

export type TextSecretMatch = SecretMatch & { title: string; severity: Severity; category: string };

/**
 * Scan text that is not a file (a build command from the image history, an ENV value) with the
 * rules of `rules` meant for such text: value patterns, and the command-line password rules.
 * Lines count from 1 in the given text.
 */
export function scanTextWithRules(text: string, rules: readonly SecretRule[] | CompiledRules): TextSecretMatch[] {
  const set = compileRules(rules);
  return set.scan(text, set.textCandidates).map((match) => {
    const rule = set.byId.get(match.ruleId)!;
    return { ...match, title: rule.title, severity: rule.severity, category: rule.category };
  });
}
