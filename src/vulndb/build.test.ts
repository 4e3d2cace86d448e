import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { CustomsError } from '../core/errors.js';
import { importOsv, type ImportResult, type ImportWarning } from './build.js';
import { VulnDb } from './store.js';

const TESTDATA = fileURLToPath(new URL('./testdata/', import.meta.url));
const OSV_FIXTURES = join(TESTDATA, 'osv');
const OLDER_FIXTURES = join(TESTDATA, 'older');

/** /work/shared/vulndata/osv: the sibling "shared" of the repository root (the folder with package.json). */
function sharedVulndata(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  const osv = join(dirname(dir), 'shared', 'vulndata', 'osv');
  return existsSync(osv) ? osv : undefined;
}

let work: string;
before(() => {
  work = mkdtempSync(join(tmpdir(), 'customs-vulndb-build-'));
});
after(() => {
  rmSync(work, { recursive: true, force: true });
});

function fresh(name: string): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Text that deflate cannot shrink much. */
function randomText(length: number): string {
  let text = '';
  let seed = 12345;
  while (text.length < length) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    text += String.fromCharCode(33 + (seed % 90));
  }
  return text.replace(/["\\]/g, 'x');
}

function zipDirectory(source: string, zipPath: string): void {
  execFileSync('zip', ['-q', '-r', zipPath, '.'], { cwd: source });
}

const GLIBC_DEBIAN_11 = {
  vulnId: 'DEBIAN-CVE-2024-2961',
  ecosystem: 'Debian:11',
  ecosystemBase: 'Debian',
  name: 'glibc',
  originalName: 'glibc',
  purl: 'pkg:deb/debian/glibc?arch=source',
  ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.31-13+deb11u9' }] }],
  versions: ['2.31-13', '2.31-13+deb11u2', '2.31-13+deb11u3', '2.31-13+deb11u4', '2.31-13+deb11u5', '2.31-13+deb11u6', '2.31-13+deb11u7', '2.31-13+deb11u8'],
  severity: { severity: 'LOW', source: 'debian-urgency', label: 'unimportant' },
  ecosystemSpecific: { urgency: 'unimportant' },
};

describe('importOsv: the hand-written records', () => {
  let result: ImportResult;
  let warnings: ImportWarning[];
  let dbPath: string;
  let db: VulnDb;

  before(async () => {
    dbPath = join(fresh('fixtures'), 'customs.db');
    warnings = [];
    result = await importOsv([OSV_FIXTURES], dbPath, { onWarning: (warning) => warnings.push(warning), now: new Date('2026-01-02T03:04:05.000Z') });
    db = VulnDb.open(dbPath);
  });
  after(() => db?.close());

  it('counts records, withdrawn, malformed', () => {
    assert.deepEqual(result.totals, { records: 10, affected: 14, aliases: 14, withdrawn: 1, malformed: 2, duplicates: 0, filtered: 0 });
    assert.deepEqual(result.ecosystems, { Alpine: 1, Debian: 4, Go: 2, PyPI: 1, Ubuntu: 2, npm: 4 });
    assert.deepEqual(result.sources, [{ name: OSV_FIXTURES, kind: 'directory', records: 11, imported: 10, withdrawn: 1, malformed: 2, duplicates: 0, filtered: 0 }]);
    assert.equal(result.warningCount, 2);
  });

  it('names the malformed files in warnings', () => {
    assert.deepEqual(
      warnings.map((warning) => ({ ...warning, message: warning.message.replace(/not valid JSON: .*/, 'not valid JSON: …') })),
      [
        {
          source: OSV_FIXTURES,
          file: join(OSV_FIXTURES, 'malformed', 'GHSA-no-package-name.json'),
          message: 'not a valid OSV record: GHSA-xxxx-no-name: affected.0.package.name: Required',
        },
        { source: OSV_FIXTURES, file: join(OSV_FIXTURES, 'malformed', 'GHSA-trun-cate-d000.json'), message: 'not valid JSON: …' },
      ],
    );
  });

  it('lists the full ecosystem strings', () => {
    assert.deepEqual(db.ecosystems(), ['Alpine:v3.19', 'Debian:11', 'Debian:12', 'Debian:13', 'Go', 'PyPI', 'Ubuntu:22.04:LTS', 'npm']);
  });

  it('Debian: one entry per release, with its own urgency where it has one', () => {
    const entries = db.affectedFor('Debian', 'glibc');
    assert.deepEqual(
      entries.map((entry) => [entry.vulnId, entry.ecosystem]),
      [
        ['DEBIAN-CVE-2024-2961', 'Debian:11'],
        ['DEBIAN-CVE-2024-2961', 'Debian:12'],
        ['DSA-5678-1', 'Debian:12'],
        ['DEBIAN-CVE-2024-2961', 'Debian:13'],
      ],
      'by ecosystem, then in import order',
    );
    assert.deepEqual(entries[0], GLIBC_DEBIAN_11);
    assert.deepEqual(
      db.affectedFor('Debian', 'glibc', ['Debian:12', 'Debian:14']).map((entry) => [entry.vulnId, entry.ecosystem]),
      [
        ['DEBIAN-CVE-2024-2961', 'Debian:12'],
        ['DSA-5678-1', 'Debian:12'],
      ],
      'filtered to releases, still in import order',
    );
    assert.deepEqual(db.affectedFor('Debian', 'glibc', []), []);
    assert.deepEqual(entries[3], {
      vulnId: 'DEBIAN-CVE-2024-2961',
      ecosystem: 'Debian:13',
      ecosystemBase: 'Debian',
      name: 'glibc',
      originalName: 'glibc',
      purl: 'pkg:deb/debian/glibc?arch=source',
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.37-18' }] }],
      versions: [],
      ecosystemSpecific: { urgency: 'not yet assigned' },
    });
    assert.deepEqual(entries[2], {
      vulnId: 'DSA-5678-1',
      ecosystem: 'Debian:12',
      ecosystemBase: 'Debian',
      name: 'glibc',
      originalName: 'glibc',
      purl: 'pkg:deb/debian/glibc?arch=source',
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.36-9+deb12u6' }] }],
      versions: [],
    });
  });

  it('Debian: the records, with upstream ids and the record-level severity', () => {
    const records = db.vulnerabilities(['DEBIAN-CVE-2024-2961', 'DSA-5678-1', 'CVE-0000-0000']);
    assert.deepEqual([...records.keys()], ['DEBIAN-CVE-2024-2961', 'DSA-5678-1']);
    assert.deepEqual(records.get('DSA-5678-1'), {
      id: 'DSA-5678-1',
      summary: 'glibc - security update',
      details:
        '\nSeveral vulnerabilities were discovered in the GNU C Library.\n\n\nFor the stable distribution (bookworm), these problems have been fixed in\nversion 2.36-9+deb12u6.\n\n\nWe recommend that you upgrade your glibc packages.\n\n\nFor the detailed security status of glibc please refer to\nits security tracker page at:\n[https://security-tracker.debian.org/tracker/glibc](https://security-tracker.debian.org/tracker/glibc)\n\n\n',
      detailsTruncated: false,
      aliases: [],
      upstream: ['CVE-2024-2961', 'CVE-2024-33599', 'CVE-2024-33600'],
      related: ['CVE-2024-2961', 'CVE-2024-33599', 'CVE-2024-33600'],
      published: '2024-04-29T00:00:00Z',
      modified: '2024-05-06T17:37:30.540871Z',
      severity: { severity: 'UNKNOWN', source: 'none' },
      references: [{ type: 'ADVISORY', url: 'https://www.debian.org/security/2024/dsa-5678' }],
      source: OSV_FIXTURES,
    });
    assert.deepEqual(records.get('DEBIAN-CVE-2024-2961')?.severity, { severity: 'MEDIUM', source: 'debian-urgency', label: 'medium**' });
    assert.equal(records.get('DEBIAN-CVE-2024-2961')?.summary, undefined);
    assert.deepEqual(db.idsForAlias('CVE-2024-2961'), ['DEBIAN-CVE-2024-2961', 'DSA-5678-1']);
  });

  it('Ubuntu: Ubuntu:22.04:LTS, CVSS with the Ubuntu priority kept', () => {
    const [entry] = db.affectedFor('Ubuntu', 'openssh');
    assert.equal(entry?.ecosystem, 'Ubuntu:22.04:LTS');
    assert.equal(entry?.severity, undefined);
    assert.deepEqual(entry?.ecosystemSpecific?.binaries, [
      { binary_name: 'openssh-client', binary_version: '1:8.9p1-3ubuntu0.10' },
      { binary_name: 'openssh-server', binary_version: '1:8.9p1-3ubuntu0.10' },
    ]);
    const record = db.vulnerabilities(['UBUNTU-CVE-2024-6387']).get('UBUNTU-CVE-2024-6387');
    assert.deepEqual(record?.severity, {
      severity: 'HIGH',
      source: 'cvss-v3.1',
      score: 8.1,
      vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H',
      version: '3.1',
      vendor: { severity: 'HIGH', source: 'ubuntu-priority', label: 'high' },
    });
    assert.deepEqual(record?.related, ['USN-6859-1']);
    assert.deepEqual(db.vulnerabilities(['UBUNTU-CVE-2023-4016']).get('UBUNTU-CVE-2023-4016')?.severity, { severity: 'LOW', source: 'ubuntu-priority', label: 'negligible' });
  });

  it('Alpine: Alpine:v3.19, no severity', () => {
    assert.deepEqual(db.affectedFor('Alpine', 'openssl'), [
      {
        vulnId: 'ALPINE-CVE-2024-0727',
        ecosystem: 'Alpine:v3.19',
        ecosystemBase: 'Alpine',
        name: 'openssl',
        originalName: 'openssl',
        purl: 'pkg:apk/alpine/openssl?arch=source',
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.1.4-r5' }] }],
        versions: [],
      },
    ]);
    assert.deepEqual(db.vulnerabilities(['ALPINE-CVE-2024-0727']).get('ALPINE-CVE-2024-0727')?.severity, { severity: 'UNKNOWN', source: 'none' });
  });

  it('npm GHSA: the exact stored rows', () => {
    const raw = new Database(dbPath, { readonly: true });
    try {
      assert.deepEqual(raw.prepare("SELECT * FROM vulnerabilities WHERE id = 'GHSA-grv7-fg5c-xmjg'").get(), {
        id: 'GHSA-grv7-fg5c-xmjg',
        summary: 'Uncontrolled resource consumption in braces',
        details: 'The NPM package `braces` fails to limit the number of characters it can handle, which could lead to Memory Exhaustion.',
        details_truncated: 0,
        aliases: '["CVE-2024-4068"]',
        upstream: '[]',
        related: '[]',
        published: '2024-05-14T15:30:27Z',
        modified: '2024-05-20T21:35:25Z',
        severity: '{"severity":"HIGH","source":"cvss-v3.1","score":7.5,"vector":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H","version":"3.1","vendor":{"severity":"HIGH","source":"ghsa","label":"HIGH"}}',
        refs: '[{"type":"ADVISORY","url":"https://nvd.nist.gov/vuln/detail/CVE-2024-4068"},{"type":"PACKAGE","url":"https://github.com/micromatch/braces"}]',
        source: 0,
      });
      assert.deepEqual(raw.prepare("SELECT * FROM affected WHERE vuln_id = 'GHSA-grv7-fg5c-xmjg'").all(), [
        {
          vuln_id: 'GHSA-grv7-fg5c-xmjg',
          ecosystem: 'npm',
          ecosystem_base: 'npm',
          name: 'braces',
          original_name: null,
          purl: null,
          ranges: '[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"3.0.3"}]}]',
          versions: null,
          severity: null,
          ecosystem_specific: null,
          database_specific: null,
        },
      ]);
      assert.deepEqual(raw.prepare("SELECT alias, vuln_id, kind FROM aliases WHERE vuln_id = 'GHSA-grv7-fg5c-xmjg'").all(), [{ alias: 'CVE-2024-4068', vuln_id: 'GHSA-grv7-fg5c-xmjg', kind: 'alias' }]);
      assert.equal(raw.pragma('user_version', { simple: true }), 1);
      assert.deepEqual(raw.prepare("SELECT key, value FROM meta WHERE key IN ('schema_version', 'built_at') ORDER BY key").all(), [
        { key: 'built_at', value: '2026-01-02T03:04:05.000Z' },
        { key: 'schema_version', value: '1' },
      ]);
    } finally {
      raw.close();
    }
  });

  it('npm: two entries for one package, last_affected and database_specific kept', () => {
    assert.deepEqual(
      db.affectedFor('npm', 'ws').map((entry) => entry.ranges[0]?.events),
      [
        [{ introduced: '8.0.0' }, { fixed: '8.17.1' }],
        [{ introduced: '7.0.0' }, { fixed: '7.5.10' }],
      ],
    );
    assert.deepEqual(db.affectedFor('npm', 'path-to-regexp')[0]?.ranges, [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { last_affected: '0.1.9' }] }]);
    assert.deepEqual(db.affectedFor('npm', 'path-to-regexp')[0]?.databaseSpecific, { last_known_affected_version_range: '<= 0.1.9' });
  });

  it('PyPI: the normalised name finds "Pillow", aliases kept; the withdrawn record is absent', () => {
    const [entry] = db.affectedFor('PyPI', 'pillow');
    assert.equal(entry?.originalName, 'Pillow');
    assert.equal(entry?.purl, 'pkg:pypi/pillow');
    assert.deepEqual(entry?.versions, ['9.4.0', '9.5.0']);
    assert.deepEqual(entry?.ranges, [
      { type: 'GIT', repo: 'https://github.com/python-pillow/Pillow', events: [{ introduced: '0' }, { fixed: '1fe1bb49c452b0318cad12ea9d97c3bef188e9a7' }] },
      { type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '10.0.0' }] },
    ]);
    assert.deepEqual(db.vulnerabilities(['PYSEC-2023-175']).get('PYSEC-2023-175')?.aliases, ['CVE-2023-44271', 'GHSA-8ghj-p4vj-mr35']);
    assert.deepEqual(db.idsForAlias('GHSA-8ghj-p4vj-mr35'), ['PYSEC-2023-175']);
    assert.deepEqual(db.affectedFor('PyPI', 'Pillow'), [], 'lookups take the normalised name');
    assert.deepEqual(db.affectedFor('PyPI', 'django'), []);
    assert.equal(db.vulnerabilities(['PYSEC-2021-420']).size, 0);
    assert.deepEqual(db.idsForAlias('CVE-2021-33203'), []);
  });

  it('Go: SEMVER ranges with several introduced/fixed pairs and the imports', () => {
    const [stdlib] = db.affectedFor('Go', 'stdlib');
    assert.deepEqual(stdlib?.ranges, [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.21.9' }, { introduced: '1.22.0-0' }, { fixed: '1.22.2' }] }]);
    assert.deepEqual(stdlib?.ecosystemSpecific, { imports: [{ path: 'net/http', symbols: ['CanonicalHeaderKey', 'Client.Do', 'ListenAndServe'] }] });
    assert.equal(db.affectedFor('Go', 'golang.org/x/net')[0]?.vulnId, 'GO-2024-2687');
    assert.deepEqual(db.vulnerabilities(['GO-2024-2687']).get('GO-2024-2687')?.aliases, ['CVE-2023-45288', 'GHSA-4v7x-pqxf-cx7m']);
  });

  it('info() reports the build', () => {
    const info = db.info();
    assert.equal(info.path, dbPath);
    assert.equal(info.schemaVersion, 1);
    assert.equal(info.builtAt, '2026-01-02T03:04:05.000Z');
    assert.deepEqual(info.totals, result.totals);
    assert.deepEqual(info.ecosystems, result.ecosystems);
    assert.deepEqual(info.sources, result.sources);
  });
});

describe('importOsv: duplicates keep the latest modified', () => {
  for (const order of ['older first', 'newer first'] as const) {
    it(order, async () => {
      const dbPath = join(fresh(`dup-${order.replace(' ', '-')}`), 'customs.db');
      const inputs = order === 'older first' ? [OLDER_FIXTURES, OSV_FIXTURES] : [OSV_FIXTURES, OLDER_FIXTURES];
      const result = await importOsv(inputs, dbPath);
      assert.equal(result.totals.records, 10);
      assert.equal(result.totals.duplicates, 1);
      assert.equal(result.totals.aliases, 14);
      assert.deepEqual(
        result.sources.map((source) => [source.kind, source.records, source.imported, source.duplicates]),
        order === 'older first'
          ? [
              ['directory', 1, 1, 0],
              ['directory', 11, 10, 1],
            ]
          : [
              ['directory', 11, 10, 0],
              ['directory', 1, 0, 1],
            ],
      );
      const db = VulnDb.open(dbPath);
      try {
        const record = db.vulnerabilities(['GHSA-grv7-fg5c-xmjg']).get('GHSA-grv7-fg5c-xmjg');
        assert.equal(record?.summary, 'Uncontrolled resource consumption in braces');
        assert.equal(record?.modified, '2024-05-20T21:35:25Z');
        assert.equal(record?.source, OSV_FIXTURES);
        assert.deepEqual(
          db.affectedFor('npm', 'braces').map((entry) => entry.ranges),
          [[{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.0.3' }] }]],
        );
        assert.deepEqual(db.idsForAlias('CVE-2024-4068'), ['GHSA-grv7-fg5c-xmjg']);
      } finally {
        db.close();
      }
    });
  }

  it('a newer withdrawn copy removes the record', async () => {
    const dir = fresh('dup-withdrawn');
    const newer = JSON.parse(readFileSync(join(OSV_FIXTURES, 'npm', 'GHSA-grv7-fg5c-xmjg.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(dir, 'GHSA-grv7-fg5c-xmjg.json'), JSON.stringify({ ...newer, modified: '2025-01-01T00:00:00Z', withdrawn: '2025-01-01T00:00:00Z' }));
    const dbPath = join(dir, 'out', 'customs.db');
    const result = await importOsv([OSV_FIXTURES, join(dir, 'GHSA-grv7-fg5c-xmjg.json')], dbPath);
    assert.equal(result.totals.records, 9);
    assert.equal(result.totals.withdrawn, 2);
    const db = VulnDb.open(dbPath);
    try {
      assert.deepEqual(db.affectedFor('npm', 'braces'), []);
      assert.deepEqual(db.idsForAlias('CVE-2024-4068'), []);
    } finally {
      db.close();
    }
  });
});

describe('importOsv: zip exports', () => {
  it('reads every entry of an all.zip, names the zip and entry in warnings, ignores non-JSON entries', async () => {
    const dir = fresh('zip');
    const staging = join(dir, 'staging');
    cpSync(OSV_FIXTURES, staging, { recursive: true });
    writeFileSync(join(staging, 'README.txt'), 'not a record');
    const zipPath = join(dir, 'all.zip');
    zipDirectory(staging, zipPath);
    const warnings: ImportWarning[] = [];
    const progress: Array<[number, number]> = [];
    const dbPath = join(dir, 'customs.db');
    const result = await importOsv([zipPath], dbPath, { onWarning: (warning) => warnings.push(warning), onProgress: (p) => progress.push([p.done, p.total]) });
    assert.deepEqual(result.totals, { records: 10, affected: 14, aliases: 14, withdrawn: 1, malformed: 2, duplicates: 0, filtered: 0 });
    assert.deepEqual(result.sources.map((source) => [source.name, source.kind]), [['all.zip', 'zip']]);
    assert.deepEqual(
      warnings.map((warning) => [warning.file, warning.entry, warning.message.slice(0, 26)]).sort(),
      [
        [zipPath, 'malformed/GHSA-no-package-name.json', 'not a valid OSV record: GH'],
        [zipPath, 'malformed/GHSA-trun-cate-d000.json', 'not valid JSON: Unexpected'],
      ],
    );
    const last = progress.at(-1)!;
    assert.equal(last[0], last[1], 'progress reaches the entry count');
    const db = VulnDb.open(dbPath);
    try {
      assert.deepEqual(db.affectedFor('Debian', 'glibc')[0], GLIBC_DEBIAN_11);
    } finally {
      db.close();
    }
  });

  it('a damaged entry is one malformed record; the next entries still import', async () => {
    const dir = fresh('zip-damaged');
    const staging = join(dir, 'staging');
    mkdirSync(staging);
    const big = JSON.parse(readFileSync(join(OSV_FIXTURES, 'Go', 'GO-2024-2687.json'), 'utf8')) as Record<string, unknown>;
    // Incompressible details, so the corruption lands inside this entry's deflate stream.
    writeFileSync(join(staging, 'A-big.json'), JSON.stringify({ ...big, details: createHash('sha512').update('x').digest('base64').repeat(400) + randomText(20_000) }));
    cpSync(join(OSV_FIXTURES, 'npm', 'GHSA-grv7-fg5c-xmjg.json'), join(staging, 'B-braces.json'));
    const zipPath = join(dir, 'all.zip');
    execFileSync('zip', ['-q', zipPath, 'A-big.json', 'B-braces.json'], { cwd: staging });
    const bytes = readFileSync(zipPath);
    for (let offset = 2_000; offset < 2_400; offset++) bytes[offset] = bytes[offset]! ^ 0xa5;
    writeFileSync(zipPath, bytes);
    const warnings: ImportWarning[] = [];
    const result = await importOsv([zipPath], join(dir, 'customs.db'), { onWarning: (warning) => warnings.push(warning) });
    assert.equal(result.totals.records, 1);
    assert.equal(result.totals.malformed, 1);
    assert.equal(warnings[0]?.entry, 'A-big.json');
    assert.match(warnings[0]!.message, /^(cannot read the entry|not valid JSON|not a valid OSV record)/);
  });

  it('a stored entry with a flipped byte fails its CRC-32 check', async () => {
    const dir = fresh('zip-crc');
    const staging = join(dir, 'staging');
    mkdirSync(staging);
    cpSync(join(OSV_FIXTURES, 'npm', 'GHSA-grv7-fg5c-xmjg.json'), join(staging, 'A.json'));
    cpSync(join(OSV_FIXTURES, 'Go', 'GO-2024-2687.json'), join(staging, 'B.json'));
    const zipPath = join(dir, 'all.zip');
    execFileSync('zip', ['-q', '-0', zipPath, 'A.json', 'B.json'], { cwd: staging });
    const bytes = readFileSync(zipPath);
    // Inside A.json's stored data, within a string value: still valid JSON, a different record.
    const at = bytes.indexOf('Memory Exhaustion');
    bytes[at] = 'm'.charCodeAt(0);
    writeFileSync(zipPath, bytes);
    const warnings: ImportWarning[] = [];
    const result = await importOsv([zipPath], join(dir, 'customs.db'), { onWarning: (warning) => warnings.push(warning) });
    assert.equal(result.totals.records, 1);
    assert.deepEqual(
      warnings.map((warning) => [warning.entry, warning.message]),
      [['A.json', 'cannot read the entry: CRC-32 mismatch: the entry is damaged']],
    );
  });

  it('skips entries above the size limit with a warning', async () => {
    const dir = fresh('zip-limit');
    const zipPath = join(dir, 'Go.zip');
    zipDirectory(join(OSV_FIXTURES, 'Go'), zipPath);
    const warnings: ImportWarning[] = [];
    const result = await importOsv([zipPath], join(dir, 'customs.db'), { maxEntryBytes: 500, onWarning: (warning) => warnings.push(warning) });
    assert.equal(result.totals.records, 0);
    assert.equal(result.totals.malformed, 1);
    assert.match(warnings[0]!.message, /larger than the 500-byte limit/);
    assert.equal(warnings[0]!.entry, 'GO-2024-2687.json');
  });

  it('a file holding an array of records imports each', async () => {
    const dir = fresh('array');
    const records = ['npm/GHSA-grv7-fg5c-xmjg.json', 'Go/GO-2024-2687.json'].map((path) => JSON.parse(readFileSync(join(OSV_FIXTURES, path), 'utf8')) as unknown);
    writeFileSync(join(dir, 'all.json'), JSON.stringify([...records, { id: 'BROKEN' }]));
    const warnings: ImportWarning[] = [];
    const result = await importOsv([join(dir, 'all.json')], join(dir, 'customs.db'), { onWarning: (warning) => warnings.push(warning) });
    assert.equal(result.totals.records, 2);
    assert.equal(result.sources[0]?.kind, 'file');
    assert.deepEqual(
      warnings.map((warning) => [warning.entry, warning.message]),
      [['[2]', 'not a valid OSV record: BROKEN: modified: Required']],
    );
  });
});

describe('importOsv: ecosystems filter', () => {
  it('keeps only the named ecosystems (case-insensitive) and counts the rest', async () => {
    const dbPath = join(fresh('filter'), 'customs.db');
    const result = await importOsv([OSV_FIXTURES], dbPath, { ecosystems: ['debian', 'NPM'] });
    assert.deepEqual(result.totals, { records: 5, affected: 8, aliases: 7, withdrawn: 0, malformed: 2, duplicates: 0, filtered: 6 });
    const db = VulnDb.open(dbPath);
    try {
      assert.deepEqual(db.ecosystems(), ['Debian:11', 'Debian:12', 'Debian:13', 'npm']);
    } finally {
      db.close();
    }
  });
});

describe('importOsv: failures never leave a broken database', () => {
  it('a build failing mid-way keeps the previous database and removes its temporary file', async () => {
    const dir = fresh('failure');
    const dbPath = join(dir, 'customs.db');
    await importOsv([join(OSV_FIXTURES, 'Alpine')], dbPath);
    const before = sha256(dbPath);
    const corrupt = join(dir, 'corrupt.zip');
    writeFileSync(corrupt, Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(4096, 7)]));
    let progressed = 0;
    await assert.rejects(
      importOsv([OSV_FIXTURES, corrupt], dbPath, { onProgress: () => progressed++ }),
      (error: unknown) => error instanceof CustomsError && error.code === 'INVALID_INPUT' && error.message.includes(corrupt) && /not a readable zip/.test(error.message),
    );
    assert.ok(progressed > 0, 'the first input was imported before the failure');
    assert.equal(sha256(dbPath), before);
    assert.deepEqual(readdirSync(dir).sort(), ['corrupt.zip', 'customs.db']);
    const db = VulnDb.open(dbPath);
    try {
      assert.equal(db.info().totals.records, 1);
    } finally {
      db.close();
    }
  });

  it('an exception thrown by a callback mid-build aborts cleanly too (directory and zip)', async () => {
    const dir = fresh('failure-callback');
    const zipPath = join(work, 'failure-callback.zip');
    zipDirectory(OSV_FIXTURES, zipPath);
    for (const input of [OSV_FIXTURES, zipPath]) {
      const dbPath = join(dir, 'customs.db');
      await assert.rejects(
        importOsv([input], dbPath, {
          onProgress: (progress) => {
            if (progress.done >= 5) throw new Error('stop here');
          },
        }),
        (error: unknown) => error instanceof Error && !(error instanceof CustomsError) && error.message === 'stop here',
      );
      assert.deepEqual(readdirSync(dir), []);
    }
  });

  it('a missing input fails before anything is written', async () => {
    const dir = fresh('missing');
    await assert.rejects(importOsv([join(dir, 'nope')], join(dir, 'customs.db')), (error: unknown) => error instanceof CustomsError && error.code === 'NOT_FOUND');
    await assert.rejects(importOsv([join(OSV_FIXTURES, '..', '..', 'names.ts')], join(dir, 'customs.db')), (error: unknown) => error instanceof CustomsError && error.code === 'INVALID_INPUT');
    await assert.rejects(importOsv([], join(dir, 'customs.db')), /nothing to import/);
    assert.deepEqual(readdirSync(dir), []);
  });
});

describe('importOsv: real records (shared/vulndata/osv)', () => {
  const shared = sharedVulndata();
  it('imports every record', { skip: shared ? false : 'shared/vulndata is not present' }, async () => {
    const osv = shared!;
    // The snapshot's README: 2,661 PyPI, 4,291 Go, 1,206 crates.io, 8 npm, 3 Debian, 2 Alpine records.
    const files = Object.fromEntries(readdirSync(osv).map((folder) => [folder, readdirSync(join(osv, folder)).filter((name) => name.endsWith('.json')).length]));
    assert.deepEqual(files, { Alpine: 2, Debian: 3, Go: 4291, PyPI: 2661, 'crates.io': 1206, npm: 8 });
    let withdrawn = 0;
    for (const folder of Object.keys(files)) {
      for (const name of readdirSync(join(osv, folder))) {
        if ((JSON.parse(readFileSync(join(osv, folder, name), 'utf8')) as { withdrawn?: string }).withdrawn) withdrawn++;
      }
    }
    const dbPath = join(fresh('shared'), 'customs.db');
    const warnings: ImportWarning[] = [];
    const result = await importOsv([osv], dbPath, { onWarning: (warning) => warnings.push(warning) });
    assert.deepEqual(warnings, []);
    assert.equal(result.totals.malformed, 0);
    assert.equal(result.totals.withdrawn, withdrawn);
    assert.equal(result.totals.records + result.totals.withdrawn, 8171);
    assert.equal(result.totals.duplicates, 0);

    const db = VulnDb.open(dbPath);
    try {
      const ghsa = db.vulnerabilities(['GHSA-27h2-hvpr-p74q']).get('GHSA-27h2-hvpr-p74q');
      assert.equal(ghsa?.summary, 'jsonwebtoken has insecure input validation in jwt.verify function');
      assert.deepEqual(ghsa?.aliases, ['CVE-2022-23529']);
      assert.deepEqual(ghsa?.severity, {
        severity: 'HIGH',
        source: 'cvss-v3.1',
        score: 7.6,
        vector: 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:H/A:L',
        version: '3.1',
        vendor: { severity: 'HIGH', source: 'ghsa', label: 'HIGH' },
      });
      assert.deepEqual(
        db.affectedFor('npm', 'jsonwebtoken').find((entry) => entry.vulnId === 'GHSA-27h2-hvpr-p74q'),
        {
          vulnId: 'GHSA-27h2-hvpr-p74q',
          ecosystem: 'npm',
          ecosystemBase: 'npm',
          name: 'jsonwebtoken',
          originalName: 'jsonwebtoken',
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '9.0.0' }] }],
          versions: [],
          databaseSpecific: { last_known_affected_version_range: '<= 8.5.1' },
        },
      );
      assert.deepEqual(db.affectedFor('Debian', 'nginx'), [
        {
          vulnId: 'DSA-3029-1',
          ecosystem: 'Debian:7',
          ecosystemBase: 'Debian',
          name: 'nginx',
          originalName: 'nginx',
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.2.1-2.2+wheezy3' }] }],
          versions: [],
        },
      ]);
      assert.deepEqual(db.idsForAlias('CVE-2014-3616'), ['DSA-3029-1']);
      const [unixodbc] = db.affectedFor('Debian', 'unixodbc');
      assert.equal(unixodbc?.ecosystem, 'Debian:10');
      assert.deepEqual(db.vulnerabilities(['CVE-2024-1013']).get('CVE-2024-1013')?.severity, { severity: 'LOW', source: 'debian-urgency', label: 'unimportant' });
      const zope = db.affectedFor('PyPI', 'zope').find((entry) => entry.vulnId === 'PYSEC-2021-368');
      assert.deepEqual(zope?.ranges.map((range) => range.type), ['GIT', 'ECOSYSTEM']);
      assert.deepEqual(db.affectedFor('Alpine', 'mariadb').map((entry) => entry.ecosystem), ['Alpine:v3.12', 'Alpine:v3.13', 'Alpine:v3.14', 'Alpine:v3.15', 'Alpine:v3.16']);
      assert.ok(db.affectedFor('Go', 'stdlib').length > 100);
      assert.ok(db.affectedFor('crates.io', 'openssl').length > 0);
      assert.deepEqual(Object.keys(db.info().ecosystems), ['Alpine', 'Debian', 'Go', 'PyPI', 'crates.io', 'npm']);
    } finally {
      db.close();
    }
  });
});
