/**
 * User rule files: YAML with the catalog's fields, patterns as strings. Every rule is validated
 * when the analyzer is created (schema, regex syntax, the `secret` group, references, and its own
 * samples if it has any), and the first problem is reported naming the file and the rule.
 *
 *   excludePaths: ['**\/vendor/**']          # added to the global exclusion list
 *   rules:
 *     - id: acme-api-key
 *       category: saas                       # any name; default "custom"
 *       severity: HIGH
 *       title: ACME API key
 *       remediation: Revoke it in the ACME console.
 *       keywords: [acme_]
 *       pattern: '\bacme_(?<secret>[a-z0-9]{32})\b'
 *       flags: i                             # optional: i, m, s, u
 *       paths: ['*.env']                     # optional globs
 *       entropy: 3.5                         # optional
 *       allow: ['acme_00000000000000000000000000000000']   # optional exact values
 *       allowPatterns: ['^acme_test']        # optional regexes
 *       samples: { positive: ['k=acme_...'], negative: ['k=acme_short'] }
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { CustomsError } from '../../core/errors.js';
import type { RuleSamples, Sample, SecretRule } from './rule.js';
import { compileRules, scanText } from './scanner.js';

const sampleSchema = z.union([z.string(), z.object({ path: z.string().optional(), text: z.string(), secret: z.string().optional() }).strict()]);

const ruleSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be kebab-case (lowercase letters, digits, dashes)'),
    category: z.string().min(1).default('custom'),
    severity: z.enum(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']),
    title: z.string().min(1),
    remediation: z.string().min(1),
    keywords: z.array(z.string().min(1)).default([]),
    pattern: z.string().min(1).optional(),
    flags: z
      .string()
      .regex(/^[imsu]*$/, 'only i, m, s and u are allowed')
      .optional(),
    paths: z.array(z.string().min(1)).min(1).optional(),
    excludePaths: z.array(z.string().min(1)).optional(),
    entropy: z.number().min(0).max(8).optional(),
    allow: z.array(z.string()).optional(),
    allowPatterns: z.array(z.string()).optional(),
    placeholders: z.boolean().optional(),
    requires: z.string().min(1).optional(),
    supersededBy: z.array(z.string()).optional(),
    inText: z.boolean().optional(),
    normalize: z.enum(['pem-body']).optional(),
    maskVisible: z.number().int().min(0).max(8).optional(),
    maxMatches: z.number().int().min(1).optional(),
    note: z.string().optional(),
    samples: z.object({ positive: z.array(sampleSchema).default([]), negative: z.array(sampleSchema).default([]) }).strict().optional(),
  })
  .strict();

const fileSchema = z
  .object({
    rules: z.array(z.unknown()).default([]),
    excludePaths: z.array(z.string().min(1)).optional(),
  })
  .strict();

export interface UserRules {
  rules: SecretRule[];
  excludePaths: string[];
}

function fail(file: string, detail: string): never {
  throw new CustomsError('INVALID_INPUT', `invalid secret rules file: ${detail}`, { file });
}

function issues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}`).join('; ');
}

function compile(file: string, ruleName: string, field: string, source: string, flags: string): RegExp {
  try {
    return new RegExp(source, flags);
  } catch (error) {
    return fail(file, `rule ${ruleName}: ${field}: ${(error as Error).message}`);
  }
}

/**
 * Parse and validate a rules file's text. `file` names it in errors; `known` are the ids a rule
 * may name in supersededBy (and may not reuse).
 */
export function parseUserRules(text: string, file: string, known: readonly SecretRule[] = []): UserRules {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    return fail(file, `not valid YAML: ${(error as Error).message}`);
  }
  const parsedFile = fileSchema.safeParse(document ?? {});
  if (!parsedFile.success) fail(file, issues(parsedFile.error));
  const ids = new Set(known.map((rule) => rule.id));
  const rules: SecretRule[] = [];
  parsedFile.data.rules.forEach((raw, index) => {
    const rawId = typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'string' ? (raw as { id: string }).id : undefined;
    const name = rawId ? `"${rawId}"` : `#${index + 1}`;
    const parsed = ruleSchema.safeParse(raw);
    if (!parsed.success) fail(file, `rule ${name}: ${issues(parsed.error)}`);
    const spec = parsed.data;
    if (ids.has(spec.id)) fail(file, `rule ${name}: id already used by ${known.some((rule) => rule.id === spec.id) ? 'a built-in rule' : 'another rule of this file'}`);
    if (!spec.pattern && !spec.paths) fail(file, `rule ${name}: needs a pattern, or paths for a rule that matches files by path alone`);
    if (spec.pattern && spec.keywords.length === 0 && !spec.paths) fail(file, `rule ${name}: a pattern needs keywords (the prefilter) unless paths limit the files it reads`);
    const pattern = spec.pattern === undefined ? undefined : compile(file, name, 'pattern', spec.pattern, spec.flags ?? '');
    if (pattern && !/\(\?<secret\d*>/.test(pattern.source)) fail(file, `rule ${name}: pattern: needs a named group (?<secret>...) around the value`);
    const requires = spec.requires === undefined ? undefined : compile(file, name, 'requires', spec.requires, spec.flags ?? '');
    const allowPatterns = (spec.allowPatterns ?? []).map((source, position) => compile(file, name, `allowPatterns.${position}`, source, 'i'));
    ids.add(spec.id);
    const rule: SecretRule = {
      id: spec.id,
      category: spec.category,
      severity: spec.severity,
      title: spec.title,
      remediation: spec.remediation,
      keywords: spec.keywords.map((keyword) => keyword.toLowerCase()),
      pattern,
      paths: spec.paths,
      excludePaths: spec.excludePaths,
      entropy: spec.entropy,
      allow: [...(spec.allow ?? []), ...allowPatterns],
      placeholders: spec.placeholders,
      requires,
      supersededBy: spec.supersededBy,
      inText: spec.inText,
      normalize: spec.normalize,
      maskVisible: spec.maskVisible,
      maxMatches: spec.maxMatches,
      note: spec.note,
      samples: spec.samples as RuleSamples | undefined,
    };
    if (/[^\x20-\x7e]/.test(rule.keywords.join(''))) fail(file, `rule ${name}: keywords must be ASCII`);
    rules.push(rule);
  });
  for (const rule of rules) {
    for (const id of rule.supersededBy ?? []) if (!ids.has(id)) fail(file, `rule "${rule.id}": supersededBy names unknown rule ${id}`);
    checkSamples(file, rule);
  }
  return { rules, excludePaths: parsedFile.data.excludePaths ?? [] };
}

/** A user rule's own samples must behave: each positive is reported by it, no negative is. */
function checkSamples(file: string, rule: SecretRule): void {
  if (!rule.samples) return;
  const single = compileRules([rule]);
  const read = (sample: Sample): { path: string; text: string } =>
    typeof sample === 'string' ? { path: rule.paths ? '' : 'sample.txt', text: sample } : { path: sample.path ?? 'sample.txt', text: sample.text };
  rule.samples.positive.forEach((sample, index) => {
    const { path, text } = read(sample);
    if (path === '') fail(file, `rule "${rule.id}": positive sample ${index + 1}: the rule is limited by paths, so the sample needs a path`);
    if (!scanText(path, text, single).some((match) => match.ruleId === rule.id)) fail(file, `rule "${rule.id}": positive sample ${index + 1} is not reported`);
  });
  rule.samples.negative.forEach((sample, index) => {
    const { path, text } = read(sample);
    if (scanText(path || 'sample.txt', text, single).some((match) => match.ruleId === rule.id)) fail(file, `rule "${rule.id}": negative sample ${index + 1} is reported`);
  });
}
