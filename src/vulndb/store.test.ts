import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { CustomsError } from '../core/errors.js';
import { importOsv } from './build.js';
import { normalizePackageName } from './names.js';
import { dbPath, defaultDbDir, SCHEMA_VERSION, VulnDb } from './store.js';

const OSV_FIXTURES = fileURLToPath(new URL('./testdata/osv/', import.meta.url));

let work: string;
before(() => {
  work = mkdtempSync(join(tmpdir(), 'customs-vulndb-store-'));
});
after(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('VulnDb.open', () => {
  it('defaults to <cache dir>/db/customs.db', () => {
    const saved = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = '/tmp/xdg-test';
    try {
      assert.equal(defaultDbDir(), '/tmp/xdg-test/customs/db');
      assert.equal(dbPath(), '/tmp/xdg-test/customs/db/customs.db');
    } finally {
      if (saved === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = saved;
    }
  });

  it('a missing database is NOT_FOUND and says how to build one', () => {
    assert.throws(
      () => VulnDb.open(join(work, 'none', 'customs.db')),
      (error: unknown) =>
        error instanceof CustomsError && error.code === 'NOT_FOUND' && error.message.includes('customs db update') && error.message.includes('customs db import <dir|zip>'),
    );
  });

  it('a database of another schema version must be rebuilt', async () => {
    const path = join(work, 'old', 'customs.db');
    await importOsv([`${OSV_FIXTURES}/Alpine`], path);
    const raw = new Database(path);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 98}`);
    raw.close();
    assert.throws(
      () => VulnDb.open(path),
      (error: unknown) =>
        error instanceof CustomsError && error.code === 'UNSUPPORTED' && error.message.includes(`schema version ${SCHEMA_VERSION + 98}`) && error.message.includes(`needs version ${SCHEMA_VERSION}`) && /rebuild/.test(error.message),
    );
  });

  it('a file that is not a database, or not ours, is INVALID_INPUT', () => {
    mkdirSync(join(work, 'junk'), { recursive: true });
    const junk = join(work, 'junk', 'customs.db');
    writeFileSync(junk, 'this is not sqlite, not even close; '.repeat(200));
    assert.throws(() => VulnDb.open(junk), (error: unknown) => error instanceof CustomsError && error.code === 'INVALID_INPUT' && error.message.includes(junk));
    const other = join(work, 'junk', 'other.db');
    const raw = new Database(other);
    raw.exec('CREATE TABLE t (x)');
    raw.close();
    assert.throws(() => VulnDb.open(other), (error: unknown) => error instanceof CustomsError && error.code === 'INVALID_INPUT' && /not a customs vulnerability database/.test(error.message));
  });

  it('opens read-only', async () => {
    const path = join(work, 'ro', 'customs.db');
    await importOsv([`${OSV_FIXTURES}/Alpine`], path);
    const db = VulnDb.open(path);
    try {
      assert.throws(() => (db as unknown as { db: Database.Database }).db.exec('DELETE FROM affected'), /readonly/);
    } finally {
      db.close();
      db.close();
    }
  });
});

describe('lookup speed', () => {
  it('2,000 package lookups plus their records take well under 100 ms', async () => {
    // 6,000 records over 2,000 npm packages and 1,000 Debian source packages in three releases.
    const records: unknown[] = [];
    for (let i = 0; i < 4000; i++) {
      records.push({
        id: `GHSA-test-${i}`,
        modified: '2024-01-01T00:00:00Z',
        aliases: [`CVE-2024-${10000 + i}`],
        summary: `synthetic advisory ${i}`,
        details: 'x'.repeat(800),
        severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
        affected: [{ package: { ecosystem: 'npm', name: `package-${i % 2000}` }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: `${i}.0.0` }] }] }],
        references: [{ type: 'WEB', url: `https://example.com/${i}` }],
        database_specific: { severity: 'HIGH' },
      });
    }
    for (let i = 0; i < 2000; i++) {
      records.push({
        id: `DEBIAN-CVE-2024-${i}`,
        modified: '2024-01-01T00:00:00Z',
        upstream: [`CVE-2024-${i}`],
        affected: ['11', '12', '13'].map((release) => ({
          package: { ecosystem: `Debian:${release}`, name: `src-${i % 1000}` },
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: `1.${i}-1` }] }],
          versions: Array.from({ length: 30 }, (_, v) => `1.${v}-1`),
          ecosystem_specific: { urgency: 'low' },
        })),
      });
    }
    const dir = join(work, 'speed');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'all.json'), JSON.stringify(records));
    const path = join(dir, 'customs.db');
    const built = await importOsv([join(dir, 'all.json')], path);
    assert.equal(built.totals.records, 6000);
    const db = VulnDb.open(path);
    try {
      const names = [...Array.from({ length: 1000 }, (_, i) => ['npm', `package-${i}`]), ...Array.from({ length: 1000 }, (_, i) => ['Debian', `src-${i}`])] as Array<[string, string]>;
      const run = (): number => {
        const started = performance.now();
        const ids = new Set<string>();
        for (const [base, name] of names) for (const entry of db.affectedFor(base, normalizePackageName(base, name))) ids.add(entry.vulnId);
        const found = db.vulnerabilities(ids);
        assert.equal(found.size, 4000);
        return performance.now() - started;
      };
      run(); // warm the page cache
      const times = [run(), run(), run()].sort((a, b) => a - b);
      assert.ok(times[1]! < 100, `median ${times[1]!.toFixed(1)} ms`);
    } finally {
      db.close();
    }
  });
});
