/**
 * A hand-written inventory with one or more packages of every ecosystem, shaped as the analyzers
 * report them, for the SBOM writer tests. Purls come from the real packageUrl().
 */
import type { ResolvedImage } from '../../src/core/image.js';
import type { OsInfo } from '../../src/core/os.js';
import type { Package, PackageRecord } from '../../src/core/package.js';
import { packageUrl } from '../../src/inventory/purl.js';
import type { SbomInput } from '../../src/sbom/input.js';

export const MANIFEST_DIGEST = `sha256:${'a'.repeat(64)}`;
export const CONFIG_DIGEST = `sha256:${'c'.repeat(64)}`;
export const DIFF_IDS = [`sha256:${'1'.repeat(64)}`, `sha256:${'2'.repeat(64)}`];
export const SERIAL = '3f2b8c1e-5d4a-4b6f-9a7e-2c1d0e9f8a7b';
export const CREATED = new Date('2026-03-04T05:06:07.089Z');

export const SAMPLE_OS: OsInfo = {
  family: 'debian',
  name: 'Debian GNU/Linux',
  version: '12.8',
  versionId: '12',
  codename: 'bookworm',
  prettyName: 'Debian GNU/Linux 12 (bookworm)',
  sources: ['etc/os-release', 'etc/debian_version'],
};

export const SAMPLE_IMAGE: ResolvedImage = {
  reference: 'registry.example.com:5000/team/app:1.2',
  sourceKind: 'registry',
  manifestDigest: MANIFEST_DIGEST,
  manifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
  configDigest: CONFIG_DIGEST,
  platform: { os: 'linux', architecture: 'amd64' },
  config: { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: DIFF_IDS } },
  layers: DIFF_IDS.map((diffId, index) => ({ index, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha256:${String(index + 5).repeat(64)}`, size: 100, diffId })),
  repoTags: [],
  repoDigests: [],
};

// Real images hold one distro; these purls name the distro each OS package comes from so they look like real ones.
const ROCKY: OsInfo = { family: 'rocky', name: 'Rocky Linux', version: '9.3', sources: [] };
const ALPINE: OsInfo = { family: 'alpine', name: 'Alpine Linux', version: '3.19.1', sources: [] };

function located(record: PackageRecord, file: string, analyzer: string, layerIndex = 1, os: OsInfo = SAMPLE_OS): Package {
  return { ...record, purl: packageUrl(record, os), file, layerIndex, layerDiffId: DIFF_IDS[layerIndex]!, analyzer };
}

const DPKG = 'var/lib/dpkg/status';

export const SAMPLE_PACKAGES: Package[] = [
  located({ ecosystem: 'deb', name: 'libssl3', version: '3.0.15-1~deb12u1', arch: 'amd64', sourceName: 'openssl', sourceVersion: '3.0.15-1~deb12u1', licenses: ['Apache-2.0', 'Artistic', 'GPL-1+'] }, DPKG, 'os-packages/dpkg', 0),
  located({ ecosystem: 'deb', name: 'bash', version: '5.2.15-2+b7', arch: 'amd64', sourceName: 'bash', sourceVersion: '5.2.15-2', licenses: ['GPL-3+'] }, DPKG, 'os-packages/dpkg', 0),
  located({ ecosystem: 'rpm', name: 'openssl-libs', version: '1:3.0.7-24.el9', arch: 'x86_64', sourceName: 'openssl', sourceVersion: '3.0.7-24.el9', licenses: ['Apache-2.0'], properties: { epoch: '1', release: '24.el9', sourceRpm: 'openssl-3.0.7-24.el9.src.rpm' } }, 'var/lib/rpm/rpmdb.sqlite', 'os-packages/rpm', 1, ROCKY),
  located({ ecosystem: 'apk', name: 'busybox', version: '1.36.1-r15', arch: 'x86_64', sourceName: 'busybox', licenses: ['GPL-2.0-only'] }, 'lib/apk/db/installed', 'os-packages/apk', 1, ALPINE),
  located({ ecosystem: 'npm', name: '@babel/core', version: '7.24.0', licenses: ['MIT'] }, 'app/node_modules/@babel/core/package.json', 'language/npm-installed'),
  located({ ecosystem: 'npm', name: 'lodash', version: '4.17.21', licenses: ['mit'], dev: true }, 'app/node_modules/lodash/package.json', 'language/npm-installed'),
  // The same purl in two places: bom-refs and SPDX IDs must still be unique.
  located({ ecosystem: 'npm', name: 'lodash', version: '4.17.21', licenses: ['MIT'] }, 'srv/other/node_modules/lodash/package.json', 'language/npm-installed'),
  located({ ecosystem: 'pypi', name: 'Django_REST', version: '3.15.1', licenses: ['BSD'] }, 'usr/lib/python3/dist-packages/Django_REST-3.15.1.dist-info/METADATA', 'language/python-dist-info'),
  located({ ecosystem: 'golang', name: 'stdlib', version: '1.21.5', licenses: ['BSD-3-Clause'] }, 'usr/local/bin/app', 'binary/go-buildinfo'),
  located({ ecosystem: 'golang', name: 'github.com/spf13/cobra', version: 'v1.8.0' }, 'usr/local/bin/app', 'binary/go-buildinfo'),
  located({ ecosystem: 'maven', name: 'org.apache.logging.log4j:log4j-core', version: '2.14.1', licenses: ['Apache-2.0'], innerPath: 'WEB-INF/lib/log4j-core-2.14.1.jar', properties: { sha1: 'da39a3ee5e6b4b0d3255bfef95601890afd80709' } }, 'opt/app.war', 'binary/java-archive'),
  located({ ecosystem: 'gem', name: 'rails', version: '7.1.3', licenses: ['MIT', 'Ruby'] }, 'usr/local/bundle/specifications/rails-7.1.3.gemspec', 'language/ruby-gemspec'),
  located({ ecosystem: 'cargo', name: 'serde', version: '1.0.197', licenses: ['MIT OR Apache-2.0'] }, 'usr/local/bin/tool', 'binary/cargo-auditable'),
  located({ ecosystem: 'composer', name: 'symfony/http-kernel', version: 'v6.4.0', licenses: ['Apache-2.0 OR MIT', 'GPL-2+'] }, 'srv/www/vendor/composer/installed.json', 'language/composer-installed'),
  located({ ecosystem: 'nuget', name: 'Newtonsoft.Json', version: '13.0.3', licenses: ['GPL-2.0-only WITH Classpath-exception-2.0'] }, 'app/app.deps.json', 'language/dotnet-deps'),
];

export function sampleInput(overrides: Partial<SbomInput> = {}): SbomInput {
  return { image: SAMPLE_IMAGE, os: SAMPLE_OS, packages: SAMPLE_PACKAGES, toolVersion: '0.1.0', created: CREATED, serial: SERIAL, ...overrides };
}
