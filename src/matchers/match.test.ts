import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OsInfo } from '../core/os.js';
import type { Package, PackageRecord } from '../core/package.js';
import { packageUrl } from '../inventory/purl.js';
import { ecosystemBase, normalizePackageName } from '../vulndb/names.js';
import type { AffectedEntry, SeverityInfo, Vulnerability } from '../vulndb/types.js';
import { osEcosystems } from './ecosystems.js';
import { matchVulnerabilities, type VulnerabilitySource } from './match.js';

const debian: OsInfo = { family: 'debian', name: 'Debian GNU/Linux', version: '12.8', versionId: '12', sources: [] };

function pkg(record: PackageRecord, file: string, os?: OsInfo): Package {
  return { ...record, purl: packageUrl(record, os), file, layerIndex: 0, layerDiffId: 'sha256:base', analyzer: 'test' };
}

interface RecordSpec {
  id: string;
  aliases?: string[];
  severity?: SeverityInfo;
  affected: Array<{ ecosystem: string; name: string; events?: Array<Record<string, string>>; type?: string; versions?: string[]; severity?: SeverityInfo }>;
}

/** An in-memory database with the same contract as VulnDb. */
function source(records: RecordSpec[]): VulnerabilitySource {
  const entries: AffectedEntry[] = records.flatMap((record) =>
    record.affected.map((affected) => ({
      vulnId: record.id,
      ecosystem: affected.ecosystem,
      ecosystemBase: ecosystemBase(affected.ecosystem),
      name: normalizePackageName(ecosystemBase(affected.ecosystem), affected.name),
      originalName: affected.name,
      ranges: affected.events ? [{ type: affected.type ?? 'ECOSYSTEM', events: affected.events }] : [],
      versions: affected.versions ?? [],
      ...(affected.severity ? { severity: affected.severity } : {}),
    })),
  );
  const vulns = new Map<string, Vulnerability>(
    records.map((record) => [
      record.id,
      { id: record.id, summary: `${record.id} summary`, detailsTruncated: false, aliases: record.aliases ?? [], upstream: [], related: [], modified: '2024-01-01T00:00:00Z', severity: record.severity ?? { severity: 'UNKNOWN', source: 'none' }, references: [{ type: 'ADVISORY', url: `https://example.test/${record.id}` }], source: 'test' },
    ]),
  );
  return {
    ecosystems: () => [...new Set(entries.map((entry) => entry.ecosystem))],
    affectedFor: (base, name) => entries.filter((entry) => entry.ecosystemBase === base && entry.name === name),
    vulnerabilities: (ids) => new Map([...ids].flatMap((id) => (vulns.has(id) ? [[id, vulns.get(id)!] as const] : []))),
  };
}

const cvss = (score: number, severity: SeverityInfo['severity']): SeverityInfo => ({ severity, source: 'cvss-v3.1', score, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' });

describe('osEcosystems', () => {
  it('picks the release streams of each distro', () => {
    const available = ['Debian:11', 'Debian:12', 'Ubuntu:22.04:LTS', 'Ubuntu:Pro:22.04:LTS', 'Ubuntu:20.04:LTS', 'Alpine:v3.19', 'Alpine:v3.18', 'Red Hat:enterprise_linux:9::appstream', 'Red Hat:enterprise_linux:9::baseos', 'Red Hat:enterprise_linux:8::baseos', 'Rocky Linux:9', 'npm'];
    assert.deepEqual(osEcosystems(debian, available), ['Debian:12']);
    assert.deepEqual(osEcosystems({ family: 'ubuntu', name: 'Ubuntu', version: '22.04', versionId: '22.04', sources: [] }, available), ['Ubuntu:22.04:LTS']);
    assert.deepEqual(osEcosystems({ family: 'alpine', name: 'Alpine Linux', version: '3.19.1', versionId: '3.19.1', sources: [] }, available), ['Alpine:v3.19']);
    assert.deepEqual(osEcosystems({ family: 'rhel', name: 'RHEL', version: '9.3', versionId: '9.3', sources: [] }, available), ['Red Hat:enterprise_linux:9::appstream', 'Red Hat:enterprise_linux:9::baseos']);
    assert.deepEqual(osEcosystems({ family: 'rocky', name: 'Rocky Linux', version: '9.3', versionId: '9.3', sources: [] }, available), ['Rocky Linux:9']);
    assert.deepEqual(osEcosystems({ family: 'gentoo', name: 'Gentoo', version: '2.14', sources: [] }, available), []);
  });
});

describe('matchVulnerabilities', () => {
  const libssl = pkg({ ecosystem: 'deb', name: 'libssl3', version: '3.0.11-1~deb12u2', sourceName: 'openssl', sourceVersion: '3.0.11-1~deb12u2', arch: 'amd64' }, 'var/lib/dpkg/status', debian);
  const bash = pkg({ ecosystem: 'deb', name: 'bash', version: '5.2.15-2+b2', sourceName: 'bash', sourceVersion: '5.2.15-2', arch: 'amd64' }, 'var/lib/dpkg/status', debian);
  const db = source([
    // The CVE record and the DSA that aliases it: one finding, keyed by the CVE.
    { id: 'CVE-2024-0727', severity: cvss(5.5, 'MEDIUM'), affected: [{ ecosystem: 'Debian:12', name: 'openssl', events: [{ introduced: '0' }, { fixed: '3.0.13-1~deb12u1' }] }] },
    { id: 'DSA-5678-1', aliases: ['CVE-2024-0727'], affected: [{ ecosystem: 'Debian:12', name: 'openssl', events: [{ introduced: '0' }, { fixed: '3.0.13-1~deb12u1' }] }] },
    // Fixed before the installed version: not a finding. `~` sorts before the release.
    { id: 'CVE-2023-0001', affected: [{ ecosystem: 'Debian:12', name: 'openssl', events: [{ introduced: '0' }, { fixed: '3.0.11-1~deb12u1' }] }] },
    // Another release's data never applies.
    { id: 'CVE-2023-0002', affected: [{ ecosystem: 'Debian:11', name: 'openssl', events: [{ introduced: '0' }] }] },
    // No fix yet: affected from introduced on; the binNMU version (+b2) is compared as installed.
    { id: 'CVE-2022-3715', severity: { severity: 'LOW', source: 'debian-urgency', label: 'low' }, affected: [{ ecosystem: 'Debian:12', name: 'bash', events: [{ introduced: '0' }] }] },
    { id: 'GHSA-p6mc-m468-83gw', aliases: ['CVE-2020-8203'], severity: cvss(7.4, 'HIGH'), affected: [{ ecosystem: 'npm', name: 'lodash', type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '4.17.20' }] }] },
    { id: 'GHSA-35jh-r3h4-6jhm', aliases: ['CVE-2021-23337'], severity: cvss(7.2, 'HIGH'), affected: [{ ecosystem: 'npm', name: 'lodash', type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '4.17.21' }] }] },
    { id: 'PYSEC-2021-9', aliases: ['CVE-2021-31542'], affected: [{ ecosystem: 'PyPI', name: 'django', events: [{ introduced: '3.2' }, { fixed: '3.2.1' }] }] },
    { id: 'GO-2023-1840', aliases: ['CVE-2023-29403'], affected: [{ ecosystem: 'Go', name: 'stdlib', type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.19.10' }] }] },
    { id: 'GHSA-jfh8-c2jp-5v3q', aliases: ['CVE-2021-44228'], severity: cvss(10, 'CRITICAL'), affected: [{ ecosystem: 'Maven', name: 'org.apache.logging.log4j:log4j-core', events: [{ introduced: '2.0-beta9' }, { fixed: '2.15.0' }] }] },
  ]);
  const packages = [
    libssl,
    bash,
    pkg({ ecosystem: 'npm', name: 'lodash', version: '4.17.20' }, 'app/node_modules/lodash/package.json'),
    pkg({ ecosystem: 'pypi', name: 'Django', version: '3.2' }, 'usr/lib/python3/dist-packages/Django-3.2.dist-info/METADATA'),
    pkg({ ecosystem: 'golang', name: 'stdlib', version: '1.19.8' }, 'usr/local/bin/app'),
    pkg({ ecosystem: 'golang', name: 'example.com/app', version: '(devel)' }, 'usr/local/bin/app'),
    pkg({ ecosystem: 'maven', name: 'org.apache.logging.log4j:log4j-core', version: '2.14.1', innerPath: 'WEB-INF/lib/log4j-core-2.14.1.jar' }, 'app/app.war'),
  ];

  it('matches OS packages through their source in their release, applications by ecosystem name', () => {
    const { findings, skipped } = matchVulnerabilities(packages, debian, db);
    assert.deepEqual(skipped, []);
    assert.deepEqual(
      findings.map((f) => [f.id, f.aliases.join(' '), f.package.name, f.installedVersion, f.fixedVersions.join(' '), f.status, f.severity, f.score ?? null, f.dataSource]),
      [
        ['CVE-2021-44228', 'GHSA-jfh8-c2jp-5v3q', 'org.apache.logging.log4j:log4j-core', '2.14.1', '2.15.0', 'fixed', 'CRITICAL', 10, 'Maven'],
        ['CVE-2021-23337', 'GHSA-35jh-r3h4-6jhm', 'lodash', '4.17.20', '4.17.21', 'fixed', 'HIGH', 7.2, 'npm'],
        ['CVE-2024-0727', 'DSA-5678-1', 'libssl3', '3.0.11-1~deb12u2', '3.0.13-1~deb12u1', 'fixed', 'MEDIUM', 5.5, 'Debian:12'],
        ['CVE-2022-3715', '', 'bash', '5.2.15-2+b2', '', 'affected', 'LOW', null, 'Debian:12'],
        ['CVE-2021-31542', 'PYSEC-2021-9', 'Django', '3.2', '3.2.1', 'fixed', 'UNKNOWN', null, 'PyPI'],
        ['CVE-2023-29403', 'GO-2023-1840', 'stdlib', '1.19.8', '1.19.10', 'fixed', 'UNKNOWN', null, 'Go'],
      ],
    );
    const merged = findings.find((f) => f.id === 'CVE-2024-0727')!;
    assert.deepEqual(merged.recordIds, ['CVE-2024-0727', 'DSA-5678-1']);
    assert.deepEqual(merged.package, { ecosystem: 'deb', name: 'libssl3', purl: libssl.purl, sourceName: 'openssl', file: 'var/lib/dpkg/status', innerPath: undefined, layerIndex: 0, layerDiffId: 'sha256:base' });
    assert.equal(findings.find((f) => f.id === 'CVE-2021-44228')!.package.innerPath, 'WEB-INF/lib/log4j-core-2.14.1.jar');
  });

  it('matches no OS package without a detected OS, and reports versions a scheme cannot read', () => {
    assert.deepEqual(matchVulnerabilities([libssl], undefined, db).findings, []);
    const bad = pkg({ ecosystem: 'npm', name: 'lodash', version: 'not-a-version' }, 'app/package-lock.json');
    const { findings, skipped } = matchVulnerabilities([bad], debian, db);
    assert.deepEqual(findings, []);
    assert.deepEqual(skipped, [{ purl: bad.purl, file: 'app/package-lock.json', reason: 'version "not-a-version" is not a valid semver version' }]);
  });
});
