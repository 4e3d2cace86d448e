import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseOsvRecord } from './osv-schema.js';

const minimal = { id: 'OSV-2024-1', modified: '2024-01-02T03:04:05.123456Z' };
const entry = { package: { ecosystem: 'npm', name: 'left-pad' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.3.0' }] }] };

function ok(value: unknown) {
  const result = parseOsvRecord(value);
  if (!result.ok) assert.fail(result.error);
  return result.record;
}

function error(value: unknown): string {
  const result = parseOsvRecord(value);
  assert.equal(result.ok, false, 'expected a malformed record');
  return (result as { error: string }).error;
}

describe('parseOsvRecord', () => {
  it('accepts the minimum: id and modified', () => {
    assert.deepEqual(ok(minimal), minimal);
  });

  it('drops unknown fields, keeps free-form blocks whole, accepts nulls', () => {
    const record = ok({
      ...minimal,
      credits: [{ name: 'someone' }],
      upstream_new_field: 1,
      aliases: null,
      affected: [
        {
          ...entry,
          ranges: [{ ...entry.ranges[0], database_specific: { source: 'x' }, extra: true }],
          ecosystem_specific: { imports: [{ path: 'a', symbols: ['B'] }] },
          database_specific: { nested: { deep: [1, 2] } },
          unknown: 'dropped',
        },
      ],
      database_specific: { severity: 'HIGH' },
    });
    assert.deepEqual(record, {
      ...minimal,
      aliases: undefined,
      affected: [
        {
          package: { ecosystem: 'npm', name: 'left-pad' },
          ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.3.0' }], database_specific: { source: 'x' } }],
          ecosystem_specific: { imports: [{ path: 'a', symbols: ['B'] }] },
          database_specific: { nested: { deep: [1, 2] } },
        },
      ],
      database_specific: { severity: 'HIGH' },
    });
  });

  it('drops badly typed descriptive fields instead of failing the record', () => {
    const record = ok({
      ...minimal,
      summary: 42,
      details: ['not', 'text'],
      published: false,
      aliases: ['CVE-2024-1', 7, 'GHSA-x'],
      related: ['CVE-2024-2', { type: 'SIMILAR_TO', id: 'CVE-2024-3' }, 5],
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }, { score: 'no type' }, 'junk'],
      references: [{ type: 'WEB', url: 'https://a' }, { url: 'https://b' }, { type: 'WEB' }],
      database_specific: 'not an object',
    });
    assert.equal(record.summary, undefined);
    assert.equal(record.details, undefined);
    assert.equal(record.published, undefined);
    assert.deepEqual(record.aliases, ['CVE-2024-1', 'GHSA-x']);
    assert.deepEqual(record.related, ['CVE-2024-2', 'CVE-2024-3']);
    assert.deepEqual(record.severity, [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }]);
    assert.deepEqual(record.references, [
      { type: 'WEB', url: 'https://a' },
      { type: 'WEB', url: 'https://b' },
    ]);
    assert.equal(record.database_specific, undefined);
  });

  it('keeps affected entries without a package (GIT-only) and withdrawn dates', () => {
    const record = ok({ ...minimal, withdrawn: '2024-02-01T00:00:00Z', affected: [{ ranges: [{ type: 'GIT', repo: 'https://github.com/a/b', events: [{ introduced: 'abc' }] }] }] });
    assert.equal(record.withdrawn, '2024-02-01T00:00:00Z');
    assert.equal(record.affected?.[0]?.package, undefined);
  });

  it('is strict on what matching needs', () => {
    assert.match(error({ modified: minimal.modified }), /^id: Required/);
    assert.match(error({ id: 'X' }), /^modified: Required/);
    assert.match(error({ id: 'X', modified: 'yesterday' }), /^modified: not a date-time/);
    assert.match(error({ id: '  ', modified: minimal.modified }), /^id: String must contain at least 1/);
    assert.match(error({ ...minimal, affected: [{ package: { ecosystem: 'npm' } }] }), /^affected\.0\.package\.name: Required/);
    assert.match(error({ ...minimal, affected: [{ package: { name: 'x', ecosystem: '' } }] }), /^affected\.0\.package\.ecosystem/);
    assert.match(error({ ...minimal, affected: [{ ...entry, ranges: [{ type: 'SEMVER', events: [] }] }] }), /^affected\.0\.ranges\.0\.events: Array must contain at least 1/);
    assert.match(error({ ...minimal, affected: [{ ...entry, ranges: [{ type: 'SEMVER', events: [{ introduced: '0', fixed: '1' }] }] }] }), /exactly one of introduced, fixed, last_affected, limit/);
    assert.match(error({ ...minimal, affected: [{ ...entry, ranges: [{ type: 'SEMVER', events: [{ fixed: 1 }] }] }] }), /affected\.0\.ranges\.0\.events\.0\.fixed: Expected string/);
    assert.match(error({ ...minimal, affected: [{ ...entry, ranges: [{ events: [{ introduced: '0' }] }] }] }), /affected\.0\.ranges\.0\.type: Required/);
    assert.match(error({ ...minimal, affected: [{ ...entry, versions: ['1.0', 2] }] }), /affected\.0\.versions: expected a list of strings/);
    assert.match(error({ ...minimal, withdrawn: true }), /^withdrawn: Expected string/);
    assert.match(error('a string'), /^\(record\): Expected object/);
  });
});
