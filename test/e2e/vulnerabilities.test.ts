import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ScanReport } from '../../src/report/model.js';
import type { SarifLog } from '../../src/report/sarif.js';
import { runCli } from '../support/cli.js';
import { ensureFixtures, type Fixtures } from '../support/fixtures.js';
import { buildTarLayer, gzip, writeOciLayout } from '../support/oci-writer.js';

/**
 * End to end: a database built with `customs db import` from hand-written OSV records shaped like
 * the real ones, then `customs scan` of the Debian test image and of an application image with
 * npm, PyPI, Go and Java packages, with the exact findings expected.
 */
let fixtures: Fixtures;
let work: string;
let dbDir: string;
let appLayout: string;
let libc: { version: string; sourceVersion: string };
let goVersion: string;

const HIGH_VECTOR = 'CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H'; // 7.2
const CRITICAL_VECTOR = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H'; // 10.0

function osv(id: string, fields: Record<string, unknown>): Record<string, unknown> {
  return { schema_version: '1.6.0', id, modified: '2024-06-01T00:00:00Z', published: '2024-05-01T00:00:00Z', ...fields };
}

before(async () => {
  fixtures = await ensureFixtures();
  work = await mkdtemp(join(tmpdir(), 'customs-e2e-vuln-'));
  const libc6 = fixtures.debootstrap.packages.find((p) => p.name === 'libc6')!;
  libc = { version: libc6.version, sourceVersion: libc6.sourceVersion };
  goVersion = execFileSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).trim().replace(/^go/, '');
  const [goMajor, goMinor] = goVersion.split('.');

  const records = [
    // A Debian CVE record and the DSA aliasing it: one finding. Fixed in a later point release.
    osv('CVE-2099-1000', {
      summary: 'glibc: buffer overflow in a test',
      severity: [{ type: 'CVSS_V3', score: HIGH_VECTOR }],
      affected: [{ package: { ecosystem: 'Debian:12', name: 'glibc' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: `${libc.sourceVersion}+deb12u99` }] }], ecosystem_specific: { urgency: 'high' } }],
      references: [{ type: 'ADVISORY', url: 'https://security-tracker.debian.org/tracker/CVE-2099-1000' }],
    }),
    osv('DSA-9999-1', {
      aliases: ['CVE-2099-1000'],
      summary: 'glibc security update',
      affected: [{ package: { ecosystem: 'Debian:12', name: 'glibc' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: `${libc.sourceVersion}+deb12u99` }] }] }],
    }),
    // No fix yet in Debian 12.
    osv('CVE-2099-1001', {
      summary: 'bash: unfixed issue',
      affected: [{ package: { ecosystem: 'Debian:12', name: 'bash' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }], ecosystem_specific: { urgency: 'low' } }],
    }),
    // Fixed long before the installed version: no finding.
    osv('CVE-2010-0001', { affected: [{ package: { ecosystem: 'Debian:12', name: 'apt' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '0.5' }] }] }] }),
    // Debian 11 data never applies to a Debian 12 image.
    osv('CVE-2099-1002', { affected: [{ package: { ecosystem: 'Debian:11', name: 'glibc' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }] }] }),
    // Withdrawn: dropped at import.
    osv('CVE-2099-1003', { withdrawn: '2024-06-02T00:00:00Z', affected: [{ package: { ecosystem: 'Debian:12', name: 'glibc' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }] }] }),
    osv('GHSA-35jh-r3h4-6jhm', {
      aliases: ['CVE-2021-23337'],
      summary: 'Command Injection in lodash',
      severity: [{ type: 'CVSS_V3', score: HIGH_VECTOR }],
      affected: [{ package: { ecosystem: 'npm', name: 'lodash', purl: 'pkg:npm/lodash' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '4.17.21' }] }] }],
      database_specific: { severity: 'HIGH', github_reviewed: true },
    }),
    osv('PYSEC-2021-9', {
      aliases: ['CVE-2021-31542', 'GHSA-rxjp-mfm9-w4wr'],
      details: 'In Django 2.2 before 2.2.21, 3.1 before 3.1.9, and 3.2 before 3.2.1, MultiPartParser allowed directory traversal.',
      affected: [{ package: { ecosystem: 'PyPI', name: 'django' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '3.2' }, { fixed: '3.2.1' }] }], versions: ['3.2'] }],
    }),
    osv('GHSA-jfh8-c2jp-5v3q', {
      aliases: ['CVE-2021-44228'],
      summary: 'Remote code injection in Log4j',
      severity: [{ type: 'CVSS_V3', score: CRITICAL_VECTOR }],
      affected: [{ package: { ecosystem: 'Maven', name: 'org.apache.logging.log4j:log4j-core' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '2.0-beta9' }, { fixed: '2.15.0' }] }] }],
    }),
    osv('GO-2099-0001', {
      aliases: ['CVE-2099-2000'],
      summary: 'net/http: test issue in the standard library',
      affected: [{ package: { ecosystem: 'Go', name: 'stdlib' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: `${goMajor}.${Number(goMinor) + 1}.0` }] }] }],
    }),
  ];
  const recordsDir = join(work, 'records');
  await mkdir(recordsDir, { recursive: true });
  for (const record of records) await writeFile(join(recordsDir, `${record.id as string}.json`), JSON.stringify(record));
  dbDir = join(work, 'db');
  const imported = await runCli(['db', 'import', recordsDir, '--db-dir', dbDir, '--quiet']);
  assert.equal(imported.status, 0, imported.stderr);

  // An application image: npm, PyPI, Java (a war holding a jar) and a Go binary, built here.
  const goDir = join(work, 'goapp');
  await mkdir(goDir, { recursive: true });
  await writeFile(join(goDir, 'go.mod'), 'module example.com/app\n\ngo 1.19\n');
  await writeFile(join(goDir, 'main.go'), 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hi") }\n');
  execFileSync('go', ['build', '-o', join(work, 'app'), '.'], { cwd: goDir, env: { ...process.env, GOFLAGS: '-mod=mod -buildvcs=false', GOPROXY: 'off', CGO_ENABLED: '0', GOCACHE: join(work, 'gocache') } });
  const jarDir = join(work, 'jar');
  await mkdir(join(jarDir, 'META-INF/maven/org.apache.logging.log4j/log4j-core'), { recursive: true });
  await writeFile(join(jarDir, 'META-INF/maven/org.apache.logging.log4j/log4j-core/pom.properties'), 'groupId=org.apache.logging.log4j\nartifactId=log4j-core\nversion=2.14.1\n');
  execFileSync('zip', ['-q', '-r', join(work, 'log4j-core-2.14.1.jar'), 'META-INF'], { cwd: jarDir });
  await mkdir(join(work, 'war', 'WEB-INF', 'lib'), { recursive: true });
  execFileSync('cp', [join(work, 'log4j-core-2.14.1.jar'), join(work, 'war', 'WEB-INF', 'lib')]);
  execFileSync('zip', ['-q', '-r', join(work, 'app.war'), 'WEB-INF'], { cwd: join(work, 'war') });
  const layer = await buildTarLayer([
    { path: 'app/node_modules/lodash/package.json', content: JSON.stringify({ name: 'lodash', version: '4.17.20', license: 'MIT' }) },
    { path: 'usr/lib/python3/dist-packages/Django-3.2.dist-info/METADATA', content: 'Metadata-Version: 2.1\nName: Django\nVersion: 3.2\nLicense: BSD-3-Clause\n\n' },
    { path: 'srv/app.war', content: await readFile(join(work, 'app.war')) },
    { path: 'usr/local/bin/app', content: await readFile(join(work, 'app')), mode: 0o755 },
  ]);
  appLayout = join(work, 'app-layout');
  await writeOciLayout(appLayout, { layers: [{ bytes: gzip(layer), mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' }] });
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

async function scanJson(target: string, extra: string[] = []): Promise<ScanReport> {
  const result = await runCli(['scan', target, '--db-dir', dbDir, '--scanners', 'vuln', '--format', 'json', '--no-cache', ...extra]);
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as ScanReport;
}

const row = (f: NonNullable<ScanReport['vulnerabilities']>[number]) => [f.id, f.aliases.join(' '), f.package.name, f.installedVersion, f.fixedVersions.join(' '), f.status, f.severity, f.score ?? null, f.package.file];

describe('vulnerability findings, end to end', () => {
  it('on the Debian test image: through source packages, grouped by CVE, unfixed marked', async () => {
    const report = await scanJson(`oci:${fixtures.debianLayered.layout}:latest`);
    const bash = fixtures.debootstrap.packages.find((p) => p.name === 'bash')!;
    assert.deepEqual(report.vulnerabilities!.map(row), [
      ['CVE-2099-1000', 'DSA-9999-1', 'libc-bin', libc.version, `${libc.sourceVersion}+deb12u99`, 'fixed', 'HIGH', 7.2, 'var/lib/dpkg/status'],
      ['CVE-2099-1000', 'DSA-9999-1', 'libc6', libc.version, `${libc.sourceVersion}+deb12u99`, 'fixed', 'HIGH', 7.2, 'var/lib/dpkg/status'],
      ['CVE-2099-1001', '', 'bash', bash.version, '', 'affected', 'LOW', null, 'var/lib/dpkg/status'],
    ]);
    assert.deepEqual(report.summary.vulnerabilities, { UNKNOWN: 0, LOW: 1, MEDIUM: 0, HIGH: 2, CRITICAL: 0 });
    assert.equal(report.vulnerabilities![0]!.package.layerDiffId, fixtures.debianLayered.image.layers[0]!.diffId);

    const unfixedHidden = await scanJson(`oci:${fixtures.debianLayered.layout}:latest`, ['--ignore-unfixed']);
    assert.deepEqual(unfixedHidden.vulnerabilities!.map((f) => f.package.name), ['libc-bin', 'libc6']);
  });

  it('on an application image: npm, PyPI, Maven inside a war, Go stdlib', async () => {
    const report = await scanJson(`oci:${appLayout}:latest`);
    assert.deepEqual(report.vulnerabilities!.map(row), [
      ['CVE-2021-44228', 'GHSA-jfh8-c2jp-5v3q', 'org.apache.logging.log4j:log4j-core', '2.14.1', '2.15.0', 'fixed', 'CRITICAL', 10, 'srv/app.war'],
      ['CVE-2021-23337', 'GHSA-35jh-r3h4-6jhm', 'lodash', '4.17.20', '4.17.21', 'fixed', 'HIGH', 7.2, 'app/node_modules/lodash/package.json'],
      ['CVE-2021-31542', 'GHSA-rxjp-mfm9-w4wr PYSEC-2021-9', 'Django', '3.2', '3.2.1', 'fixed', 'UNKNOWN', null, 'usr/lib/python3/dist-packages/Django-3.2.dist-info/METADATA'],
      ['CVE-2099-2000', 'GO-2099-0001', 'stdlib', goVersion, `${goVersion.split('.')[0]}.${Number(goVersion.split('.')[1]) + 1}.0`, 'fixed', 'UNKNOWN', null, 'usr/local/bin/app'],
    ]);
    assert.equal(report.vulnerabilities![0]!.package.innerPath, 'WEB-INF/lib/log4j-core-2.14.1.jar');
  });

  it('filters by severity, honours ignore files with expiry, sets the exit code, writes SARIF', async () => {
    const target = `oci:${appLayout}:latest`;
    const high = await scanJson(target, ['--severity', 'HIGH']);
    assert.deepEqual(high.vulnerabilities!.map((f) => f.id), ['CVE-2021-44228', 'CVE-2021-23337']);
    const ignoreFile = join(work, '.customsignore');
    await writeFile(ignoreFile, '# accepted until the upgrade\nCVE-2021-44228 exp:2999-01-01\nGHSA-35jh-r3h4-6jhm # by GHSA id\nCVE-2099-2000 exp:2000-01-01\n');
    const ignored = await scanJson(target, ['--ignorefile', ignoreFile]);
    assert.deepEqual(ignored.vulnerabilities!.map((f) => f.id), ['CVE-2021-31542', 'CVE-2099-2000']);

    const failing = await runCli(['scan', target, '--db-dir', dbDir, '--scanners', 'vuln', '--no-cache', '--severity', 'CRITICAL', '--exit-code', '3', '-q']);
    assert.equal(failing.status, 3);
    const passing = await runCli(['scan', target, '--db-dir', dbDir, '--scanners', 'vuln', '--no-cache', '--severity', 'CRITICAL', '--exit-code', '3', '--ignorefile', ignoreFile, '-q']);
    assert.equal(passing.status, 0, passing.stderr);

    const sarif = await runCli(['scan', target, '--db-dir', dbDir, '--scanners', 'vuln', '--no-cache', '--format', 'sarif']);
    const log = JSON.parse(sarif.stdout) as SarifLog;
    assert.equal(log.version, '2.1.0');
    assert.deepEqual(log.runs[0]!.results.map((r) => [r.ruleId, r.level, r.locations[0]!.physicalLocation.artifactLocation.uri]), [
      ['CVE-2021-44228', 'error', 'srv/app.war'],
      ['CVE-2021-23337', 'error', 'app/node_modules/lodash/package.json'],
      ['CVE-2021-31542', 'note', 'usr/lib/python3/dist-packages/Django-3.2.dist-info/METADATA'],
      ['CVE-2099-2000', 'note', 'usr/local/bin/app'],
    ]);
    assert.equal(log.runs[0]!.tool.driver.rules[0]!.properties['security-severity'], '10.0');
  });

  it('warns when the database is older than --db-max-age', async () => {
    const result = await runCli(['scan', `oci:${appLayout}:latest`, '--db-dir', dbDir, '--scanners', 'vuln', '--no-cache', '--db-max-age', '0', '--format', 'json']);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, new RegExp(`customs: warning: oci:${appLayout}:latest: the vulnerability database ${join(dbDir, 'customs.db')} was built 0 days ago \\(limit 0\\); run customs db update`));
  });

  it('prints the table grouped by the file the package came from', async () => {
    const result = await runCli(['scan', `oci:${appLayout}:latest`, '--db-dir', dbDir, '--scanners', 'vuln', '--no-cache']);
    assert.equal(result.status, 0, result.stderr);
    const lines = result.stdout.split('\n');
    const start = lines.findIndex((line) => line.startsWith('VULNERABILITIES'));
    assert.equal(lines[start], 'VULNERABILITIES (total 4: CRITICAL 1, HIGH 1, UNKNOWN 2)');
    assert.ok(lines.includes('srv/app.war (maven)'));
    assert.ok(lines.some((line) => /^ {2}org\.apache\.logging\.log4j:log4j-core \(WEB-INF\/lib\/log4j-core-2\.14\.1\.jar\) +2\.14\.1 +CVE-2021-44228 +CRITICAL 10\.0 +fixed +2\.15\.0 +Remote code injection in Log4j$/.test(line)), result.stdout);
  });
});
