/**
 * The secret analyzer: the rule catalog (plus a user rules file, minus disabled rules and
 * categories) over every text file of every layer, with the matches stored masked.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FileAnalyzer } from '../../core/analyzer.js';
import { CustomsError } from '../../core/errors.js';
import type { FileInfo } from '../../core/files.js';
import { hasBinaryExtension } from './paths.js';
import type { PathPattern, SecretRule } from './rule.js';
import { BUILTIN_RULES } from './rules/index.js';
import { CompiledRules, DEFAULT_MAX_FILE_SIZE, ENGINE_VERSION, scanBuffer } from './scanner.js';
import { parseUserRules } from './user-rules.js';
import type { SecretsResult } from './types.js';

export const SECRET_ANALYZER_NAME = 'secrets/scanner';
/** Bump when the analyzer's output for the same rules and input changes (the rules themselves are in configDigest). */
export const SECRET_ANALYZER_VERSION = 1;

export interface SecretAnalyzerOptions {
  /** A YAML file of extra rules (see user-rules.ts); an invalid one fails creation, naming the file and the rule. */
  rulesFile?: string | undefined;
  disabledCategories?: readonly string[] | undefined;
  disabledRules?: readonly string[] | undefined;
  /** Files larger than this are not scanned (path-only rules still see them); default 1 MiB. */
  maxFileSize?: number | undefined;
  /** Paths no rule scans, added to DEFAULT_EXCLUDED_PATHS (and to the rules file's excludePaths). */
  excludePaths?: readonly PathPattern[] | undefined;
  /** Apply DEFAULT_EXCLUDED_PATHS (test fixtures, docs, vendored test keys); default true. */
  defaultExcludes?: boolean | undefined;
}

export interface SecretAnalyzer extends FileAnalyzer {
  /** The effective rules, for secretFindings. */
  readonly rules: readonly SecretRule[];
  readonly compiled: CompiledRules;
  readonly maxFileSize: number;
}

/** The rule set with disabled rules and categories removed; unknown names are an error, not a silent no-op. */
export function selectRules(rules: readonly SecretRule[], options: Pick<SecretAnalyzerOptions, 'disabledCategories' | 'disabledRules'>): SecretRule[] {
  const ids = new Set(rules.map((rule) => rule.id));
  const categories = new Set(rules.map((rule) => rule.category));
  const unknownRules = (options.disabledRules ?? []).filter((id) => !ids.has(id));
  if (unknownRules.length > 0) throw new CustomsError('INVALID_INPUT', `unknown secret rule id to disable: ${unknownRules.join(', ')}`);
  const unknownCategories = (options.disabledCategories ?? []).filter((category) => !categories.has(category));
  if (unknownCategories.length > 0) {
    throw new CustomsError('INVALID_INPUT', `unknown secret rule category to disable: ${unknownCategories.join(', ')} (known: ${[...categories].sort().join(', ')})`);
  }
  const disabledIds = new Set(options.disabledRules ?? []);
  const disabledCategories = new Set(options.disabledCategories ?? []);
  return rules.filter((rule) => !disabledIds.has(rule.id) && !disabledCategories.has(rule.category));
}

function serialise(value: unknown): unknown {
  if (value instanceof RegExp) return `/${value.source}/${value.flags}`;
  if (typeof value === 'function') return value.toString();
  if (Array.isArray(value)) return value.map(serialise);
  return value;
}

/** sha256 of everything that decides results: the engine version, each rule's fields (not its samples), the limits and exclusions. */
export function ruleSetDigest(rules: readonly SecretRule[], settings: { maxFileSize: number; excludePaths: readonly PathPattern[]; defaultExcludes: boolean }): string {
  const identity = {
    engine: ENGINE_VERSION,
    maxFileSize: settings.maxFileSize,
    excludePaths: settings.excludePaths.map(serialise),
    defaultExcludes: settings.defaultExcludes,
    rules: rules.map((rule) =>
      Object.fromEntries(
        Object.entries(rule)
          .filter(([key, value]) => key !== 'samples' && value !== undefined)
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([key, value]) => [key, serialise(value)]),
      ),
    ),
  };
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex');
}

export function createSecretAnalyzer(options: SecretAnalyzerOptions = {}): SecretAnalyzer {
  let rules: SecretRule[] = [...BUILTIN_RULES];
  const excludePaths: PathPattern[] = [...(options.excludePaths ?? [])];
  if (options.rulesFile) {
    let text: string;
    try {
      text = readFileSync(options.rulesFile, 'utf8');
    } catch (error) {
      throw new CustomsError('INVALID_INPUT', `cannot read secret rules file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { file: options.rulesFile });
    }
    const user = parseUserRules(text, options.rulesFile, BUILTIN_RULES);
    rules = [...rules, ...user.rules];
    excludePaths.push(...user.excludePaths);
  }
  rules = selectRules(rules, options);
  const maxFileSize = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  const defaultExcludes = options.defaultExcludes !== false;
  const compiled = new CompiledRules(rules, { excludePaths, defaultExcludes });
  const configDigest = ruleSetDigest(rules, { maxFileSize, excludePaths, defaultExcludes });

  return {
    name: SECRET_ANALYZER_NAME,
    version: SECRET_ANALYZER_VERSION,
    configDigest,
    rules,
    compiled,
    maxFileSize,
    required(path: string, info: FileInfo): boolean {
      if (info.type !== 'file') return false;
      if (compiled.pathOnlyRulesFor(path).length > 0) return true;
      if (info.size === 0 || info.size > maxFileSize || hasBinaryExtension(path)) return false;
      return compiled.hasContentRulesFor(path);
    },
    async analyze(input): Promise<SecretsResult[]> {
      const bytes = await input.read();
      const matches =
        bytes.length > maxFileSize
          ? scanBuffer(input.path, bytes, new CompiledRules(compiled.pathOnlyRulesFor(input.path), { excludePaths, defaultExcludes }))
          : scanBuffer(input.path, bytes, compiled);
      return matches.length > 0 ? [{ kind: 'secrets', matches }] : [];
    },
  };
}
