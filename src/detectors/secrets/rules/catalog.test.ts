/**
 * The catalog's table test, driven by the catalog itself: every rule must carry positive and
 * near-miss negative samples, every positive sample must be reported by its rule (alone and within
 * the whole catalog), no negative sample may be, and no result may contain the raw value.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maskSecret } from '../../../core/mask.js';
import { SEVERITIES } from '../../../core/finding.js';
import { SECRET_CATEGORIES, type Sample, type SecretRule } from '../rule.js';
import { compileRules, fingerprintOf, normalizeSecret, scanText } from '../scanner.js';
import { BUILTIN_RULES, RULE_FILES } from './index.js';

const DEFAULT_SAMPLE_PATH = 'app/config.txt';

function sampleOf(sample: Sample): { path: string; text: string; secret?: string | undefined; explicitPath: boolean } {
  if (typeof sample === 'string') return { path: DEFAULT_SAMPLE_PATH, text: sample, explicitPath: false };
  return { path: sample.path ?? DEFAULT_SAMPLE_PATH, text: sample.text, secret: sample.secret, explicitPath: sample.path !== undefined };
}

/** What the rule's pattern captures as values in a text, before any check: none of it may reach a result. */
function rawValues(rule: SecretRule, text: string): string[] {
  if (!rule.pattern) return [];
  const regex = new RegExp(rule.pattern.source, rule.pattern.flags.replace('g', '') + 'g');
  const values: string[] = [];
  for (const match of text.matchAll(regex)) {
    for (const [name, value] of Object.entries(match.groups ?? {})) {
      if (!/^secret\d*$/.test(name) || value === undefined || value.length < 8) continue;
      values.push(value, normalizeSecret(rule, value));
    }
  }
  return values;
}

function describeSample(text: string): string {
  return JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}...` : text);
}

describe('secret rule catalog', () => {
  const catalog = compileRules(BUILTIN_RULES);

  it('has at least 100 rules with unique kebab-case ids and complete metadata', () => {
    assert.ok(BUILTIN_RULES.length >= 100, `only ${BUILTIN_RULES.length} rules`);
    const ids = new Set<string>();
    for (const rule of BUILTIN_RULES) {
      assert.match(rule.id, /^[a-z0-9]+(?:-[a-z0-9]+)*$/, rule.id);
      assert.ok(!ids.has(rule.id), `duplicate id ${rule.id}`);
      ids.add(rule.id);
      assert.ok((SECRET_CATEGORIES as readonly string[]).includes(rule.category), `${rule.id}: category ${rule.category}`);
      assert.ok(SEVERITIES.includes(rule.severity) && rule.severity !== 'UNKNOWN', `${rule.id}: severity`);
      assert.ok(rule.title.length > 0 && rule.remediation.length > 0, `${rule.id}: title and remediation`);
      for (const keyword of rule.keywords) assert.equal(keyword, keyword.toLowerCase(), `${rule.id}: keyword ${keyword} must be lowercase`);
      if (rule.pattern) {
        assert.ok(rule.keywords.length > 0 || rule.paths !== undefined, `${rule.id}: a pattern without keywords must be limited by paths`);
        assert.ok(/\(\?<secret\d*>/.test(rule.pattern.source), `${rule.id}: the pattern needs a named group "secret"`);
      } else {
        assert.ok(rule.paths !== undefined, `${rule.id}: a rule without a pattern must name paths`);
      }
      for (const id of rule.supersededBy ?? []) assert.ok(BUILTIN_RULES.some((other) => other.id === id), `${rule.id}: supersededBy unknown rule ${id}`);
    }
  });

  it('keeps each category in its own file', () => {
    for (const file of RULE_FILES) for (const rule of file.rules) assert.equal(rule.category, file.category, `${rule.id} is in the ${file.category} file`);
  });

  it('has positive and negative samples for every rule', () => {
    const missing = BUILTIN_RULES.filter((rule) => !rule.samples || rule.samples.positive.length === 0 || rule.samples.negative.length === 0).map((rule) => rule.id);
    assert.deepEqual(missing, [], `rules without samples: ${missing.join(', ')}`);
  });

  for (const rule of BUILTIN_RULES) {
    describe(rule.id, () => {
      const single = compileRules([rule] as readonly SecretRule[]);
      for (const [index, raw] of (rule.samples?.positive ?? []).entries()) {
        it(`reports positive sample ${index + 1}`, () => {
          const sample = sampleOf(raw);
          if (rule.paths) assert.ok(sample.explicitPath, `${rule.id} is limited by paths: its samples must name a path`);
          const alone = scanText(sample.path, sample.text, single);
          const own = alone.filter((match) => match.ruleId === rule.id);
          assert.ok(own.length > 0, `${rule.id} does not report ${describeSample(sample.text)}`);
          if (sample.secret !== undefined) {
            assert.ok(
              own.some((match) => match.fingerprint === fingerprintOf(sample.secret!) && match.masked === maskSecret(sample.secret!, rule.maskVisible ?? 4)),
              `${rule.id} reports another value than the sample's secret: ${JSON.stringify(own)}`,
            );
          }
          const all = scanText(sample.path, sample.text, catalog);
          assert.ok(
            all.some((match) => match.ruleId === rule.id),
            `within the catalog, ${rule.id} loses its sample to ${[...new Set(all.map((match) => match.ruleId))].join(', ') || 'nothing'}`,
          );
          // The stored form never holds a value: every value the rule's own regex captures, raw or normalised, is absent.
          const stored = JSON.stringify([alone, all]);
          for (const value of rawValues(rule, sample.text)) assert.ok(!stored.includes(value), `${rule.id}: a raw value is in the results`);
        });
      }
      for (const [index, raw] of (rule.samples?.negative ?? []).entries()) {
        it(`does not report negative sample ${index + 1}`, () => {
          const sample = sampleOf(raw);
          const found = scanText(sample.path, sample.text, single).filter((match) => match.ruleId === rule.id);
          assert.deepEqual(found, [], `${rule.id} reports near-miss ${describeSample(sample.text)}`);
        });
      }
    });
  }
});
