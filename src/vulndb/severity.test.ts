import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseOsvRecord, type OsvRecord } from './osv-schema.js';
import { affectedSeverity, effectiveSeverity, recordSeverity } from './severity.js';

const TESTDATA = new URL('./testdata/osv/', import.meta.url);

function fixture(path: string): OsvRecord {
  return record(JSON.parse(readFileSync(new URL(path, TESTDATA), 'utf8')));
}

function record(value: unknown): OsvRecord {
  const parsed = parseOsvRecord(value);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.record;
}

const base = { modified: '2024-01-01T00:00:00Z' };
const pkg = (ecosystem: string, name = 'p') => ({ package: { ecosystem, name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }] });

describe('recordSeverity', () => {
  it('GHSA: the CVSS v3.1 score decides; the GHSA rating is kept as vendor', () => {
    assert.deepEqual(recordSeverity(fixture('npm/GHSA-grv7-fg5c-xmjg.json')), {
      severity: 'HIGH',
      source: 'cvss-v3.1',
      score: 7.5,
      vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H',
      version: '3.1',
      vendor: { severity: 'HIGH', source: 'ghsa', label: 'HIGH' },
    });
  });

  it('GHSA without CVSS: database_specific.severity, MODERATE is MEDIUM', () => {
    assert.deepEqual(recordSeverity(fixture('npm/GHSA-9wv6-86v2-598j.json')), { severity: 'MEDIUM', source: 'ghsa', label: 'MODERATE' });
  });

  it('v3.1 and v4.0 vectors: the higher score wins', () => {
    const result = recordSeverity(fixture('npm/GHSA-3h5v-q93c-6h6q.json'));
    assert.equal(result.source, 'cvss-v4.0');
    assert.equal(result.score, 8.7);
    assert.equal(result.severity, 'HIGH');
    assert.equal(result.vector, 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N');
  });

  it('Debian: the highest urgency over the releases, asterisks and "not yet assigned" ignored', () => {
    assert.deepEqual(recordSeverity(fixture('Debian/DEBIAN-CVE-2024-2961.json')), { severity: 'MEDIUM', source: 'debian-urgency', label: 'medium**' });
  });

  it('Ubuntu: CVSS decides, the Ubuntu priority is kept', () => {
    assert.deepEqual(recordSeverity(fixture('Ubuntu/UBUNTU-CVE-2024-6387.json')), {
      severity: 'HIGH',
      source: 'cvss-v3.1',
      score: 8.1,
      vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H',
      version: '3.1',
      vendor: { severity: 'HIGH', source: 'ubuntu-priority', label: 'high' },
    });
  });

  it('Ubuntu without CVSS: negligible is LOW', () => {
    assert.deepEqual(recordSeverity(fixture('Ubuntu/UBUNTU-CVE-2023-4016.json')), { severity: 'LOW', source: 'ubuntu-priority', label: 'negligible' });
  });

  it('Alpine, PyPI, Go: no rating at all is UNKNOWN', () => {
    for (const path of ['Alpine/ALPINE-CVE-2024-0727.json', 'PyPI/PYSEC-2023-175.json', 'Go/GO-2024-2687.json', 'Debian/DSA-5678-1.json']) {
      assert.deepEqual(recordSeverity(fixture(path)), { severity: 'UNKNOWN', source: 'none' }, path);
    }
  });

  it('Red Hat, Rocky and AlmaLinux: the summary prefix', () => {
    assert.deepEqual(recordSeverity(record({ ...base, id: 'RHSA-2024:3501', summary: 'Important: nghttp2 security update', affected: [pkg('Red Hat:enterprise_linux:9::appstream', 'nghttp2')] })), {
      severity: 'HIGH',
      source: 'redhat',
      label: 'Important',
    });
    assert.equal(recordSeverity(record({ ...base, id: 'RLSA-2024:1234', summary: 'Moderate: curl security update' })).source, 'rocky');
    assert.deepEqual(recordSeverity(record({ ...base, id: 'ALSA-2024:2222', summary: 'Critical: kernel update' })), { severity: 'CRITICAL', source: 'almalinux', label: 'Critical' });
    // A CVSS vector still wins, the rating is kept.
    const withCvss = recordSeverity(record({ ...base, id: 'RHSA-2026:1', summary: 'Low: x', severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H' }] }));
    assert.equal(withCvss.score, 7.5);
    assert.deepEqual(withCvss.vendor, { severity: 'LOW', source: 'redhat', label: 'Low' });
  });

  it('affected-level CVSS vectors count; the highest wins across levels', () => {
    const result = recordSeverity(
      record({
        ...base,
        id: 'OSV-1',
        severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N' }],
        affected: [{ ...pkg('npm'), severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }] }],
      }),
    );
    assert.equal(result.score, 9.8);
    assert.equal(result.severity, 'CRITICAL');
  });

  it('v2 counts only without v3/v4; invalid vectors are ignored; 0.0 is LOW', () => {
    const v2AndV3 = record({
      ...base,
      id: 'OSV-2',
      severity: [
        { type: 'CVSS_V2', score: 'AV:N/AC:L/Au:N/C:C/I:C/A:C' },
        { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N' },
        { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/garbage' },
      ],
    });
    assert.deepEqual(recordSeverity(v2AndV3), { severity: 'LOW', source: 'cvss-v3.1', score: 3.1, vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N', version: '3.1' });
    const v2Only = record({ ...base, id: 'OSV-3', severity: [{ type: 'CVSS_V2', score: 'AV:N/AC:L/Au:N/C:P/I:P/A:P' }] });
    assert.equal(recordSeverity(v2Only).source, 'cvss-v2.0');
    assert.equal(recordSeverity(v2Only).severity, 'HIGH');
    const none = record({ ...base, id: 'OSV-4', severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N' }] });
    assert.deepEqual(recordSeverity(none), { severity: 'LOW', source: 'cvss-v3.1', score: 0, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N', version: '3.1', label: 'NONE' });
    const invalidOnly = record({ ...base, id: 'OSV-5', severity: [{ type: 'CVSS_V3', score: 'nonsense' }], database_specific: { severity: 'LOW' } });
    assert.deepEqual(recordSeverity(invalidOnly), { severity: 'LOW', source: 'database', label: 'LOW' });
  });
});

describe('affectedSeverity', () => {
  it('Debian: each release has its own urgency; the one without a usable urgency has none of its own', () => {
    const debian = fixture('Debian/DEBIAN-CVE-2024-2961.json');
    const [bullseye, bookworm, trixie] = debian.affected!;
    assert.deepEqual(affectedSeverity(bullseye!, debian), { severity: 'LOW', source: 'debian-urgency', label: 'unimportant' });
    assert.deepEqual(affectedSeverity(bookworm!, debian), { severity: 'MEDIUM', source: 'debian-urgency', label: 'medium**' });
    assert.equal(affectedSeverity(trixie!, debian), undefined);
  });

  it('an entry with its own vector scores with it; one without falls back to the record', () => {
    const value = record({
      ...base,
      id: 'OSV-6',
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N' }],
      affected: [{ ...pkg('npm', 'a'), severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }] }, pkg('npm', 'b')],
    });
    assert.equal(affectedSeverity(value.affected![0]!, value)?.score, 9.8);
    assert.equal(affectedSeverity(value.affected![1]!, value), undefined);
    const recordLevel = recordSeverity(value);
    assert.equal(effectiveSeverity({}, { severity: recordLevel }).score, 9.8);
    assert.equal(effectiveSeverity({ severity: { severity: 'LOW', source: 'debian-urgency', label: 'low' } }, { severity: recordLevel }).source, 'debian-urgency');
  });

  it('an Ubuntu priority at the affected level', () => {
    const value = record({ ...base, id: 'UBUNTU-CVE-1', affected: [{ ...pkg('Ubuntu:24.04:LTS'), severity: [{ type: 'Ubuntu', score: 'medium' }] }] });
    assert.deepEqual(affectedSeverity(value.affected![0]!, value), { severity: 'MEDIUM', source: 'ubuntu-priority', label: 'medium' });
    assert.deepEqual(recordSeverity(value), { severity: 'MEDIUM', source: 'ubuntu-priority', label: 'medium' });
  });
});
