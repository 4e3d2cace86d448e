import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CONFIG_DIGEST, DIFF_IDS, MANIFEST_DIGEST, SAMPLE_PACKAGES, SERIAL, sampleInput } from '../../test/support/sbom-sample.js';
import { validateSpdx23 } from '../../test/support/sbom-schemas.js';
import { toSpdx, type SpdxDocument, type SpdxPackage } from './spdx.js';

function assertValid(document: unknown): void {
  const result = validateSpdx23(document);
  assert.ok(result.valid, `not valid against the SPDX 2.3 schema:\n${result.errors.join('\n')}`);
}

const byName = (document: SpdxDocument, name: string): SpdxPackage[] => document.packages.filter((pkg) => pkg.name === name);
const clone = (document: SpdxDocument): SpdxDocument => JSON.parse(JSON.stringify(document)) as SpdxDocument;
// Stricter than the 2.3 schema: the SPDX 2.3.1 errata schema adds these patterns, and tools check them.
const SPDX_ID = /^SPDXRef-[a-zA-Z0-9.-]+$/;
const CREATED = /^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]|23:59:60)Z$/;

describe('toSpdx', () => {
  const document = toSpdx(sampleInput());

  it('validates against the official SPDX 2.3 schema', () => assertValid(document));

  it('the document header', () => {
    assert.equal(document.spdxVersion, 'SPDX-2.3');
    assert.equal(document.dataLicense, 'CC0-1.0');
    assert.equal(document.SPDXID, 'SPDXRef-DOCUMENT');
    assert.equal(document.name, 'registry.example.com:5000/team/app:1.2');
    assert.equal(document.documentNamespace, `https://customs.invalid/spdxdocs/registry.example.com-5000-team-app-1.2-${SERIAL}`);
    assert.deepEqual(document.creationInfo, { created: '2026-03-04T05:06:07Z', creators: ['Tool: customs-0.1.0'] });
    assert.match(document.creationInfo.created, CREATED);
  });

  it('the image and the OS', () => {
    assert.deepEqual(document.packages.slice(0, 2), [
      {
        SPDXID: 'SPDXRef-Image',
        name: 'registry.example.com:5000/team/app:1.2',
        versionInfo: MANIFEST_DIGEST,
        downloadLocation: 'NOASSERTION',
        filesAnalyzed: false,
        licenseConcluded: 'NOASSERTION',
        licenseDeclared: 'NOASSERTION',
        comment: `source: registry\nplatform: linux/amd64\nconfig digest: ${CONFIG_DIGEST}`,
        externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: `pkg:oci/app@${MANIFEST_DIGEST}?arch=amd64&repository_url=registry.example.com%3A5000%2Fteam%2Fapp&tag=1.2` }],
        primaryPackagePurpose: 'CONTAINER',
      },
      {
        SPDXID: 'SPDXRef-OperatingSystem',
        name: 'debian',
        versionInfo: '12.8',
        downloadLocation: 'NOASSERTION',
        filesAnalyzed: false,
        licenseConcluded: 'NOASSERTION',
        licenseDeclared: 'NOASSERTION',
        description: 'Debian GNU/Linux 12 (bookworm)',
        primaryPackagePurpose: 'OPERATING_SYSTEM',
      },
    ]);
  });

  it('a Debian package with non-SPDX licenses: NOASSERTION, the recorded text and the source package in the comment', () => {
    assert.deepEqual(byName(document, 'libssl3'), [
      {
        SPDXID: 'SPDXRef-Package-deb-libssl3-3.0.15-1-deb12u1',
        name: 'libssl3',
        versionInfo: '3.0.15-1~deb12u1',
        downloadLocation: 'NOASSERTION',
        filesAnalyzed: false,
        sourceInfo: `found in var/lib/dpkg/status (layer ${DIFF_IDS[0]}) by os-packages/dpkg`,
        licenseConcluded: 'NOASSERTION',
        licenseDeclared: 'NOASSERTION',
        comment: 'declared licenses as recorded: Apache-2.0; Artistic; GPL-1+\nsource package: openssl 3.0.15-1~deb12u1',
        externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&distro=debian-12.8&upstream=openssl' }],
        primaryPackagePurpose: 'LIBRARY',
      },
    ]);
  });

  it('a crate with an SPDX expression, a jar inside a war', () => {
    assert.deepEqual(byName(document, 'serde'), [
      {
        SPDXID: 'SPDXRef-Package-cargo-serde-1.0.197',
        name: 'serde',
        versionInfo: '1.0.197',
        downloadLocation: 'NOASSERTION',
        filesAnalyzed: false,
        sourceInfo: `found in usr/local/bin/tool (layer ${DIFF_IDS[1]}) by binary/cargo-auditable`,
        licenseConcluded: 'NOASSERTION',
        licenseDeclared: 'MIT OR Apache-2.0',
        externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:cargo/serde@1.0.197' }],
        primaryPackagePurpose: 'LIBRARY',
      },
    ]);
    const [log4j] = byName(document, 'org.apache.logging.log4j:log4j-core');
    assert.equal(log4j?.SPDXID, 'SPDXRef-Package-maven-org.apache.logging.log4j-log4j-core-2.14.1');
    assert.equal(log4j?.sourceInfo, `found in opt/app.war!WEB-INF/lib/log4j-core-2.14.1.jar (layer ${DIFF_IDS[1]}) by binary/java-archive`);
  });

  it('licenseDeclared per ecosystem: SPDX expressions when every recorded license is SPDX', () => {
    const declared = Object.fromEntries(document.packages.slice(2).map((pkg) => [`${pkg.name}@${pkg.versionInfo}`, pkg.licenseDeclared]));
    assert.deepEqual(declared, {
      'libssl3@3.0.15-1~deb12u1': 'NOASSERTION',
      'bash@5.2.15-2+b7': 'NOASSERTION',
      'openssl-libs@1:3.0.7-24.el9': 'Apache-2.0',
      'busybox@1.36.1-r15': 'GPL-2.0-only',
      '@babel/core@7.24.0': 'MIT',
      'lodash@4.17.21': 'MIT',
      'Django_REST@3.15.1': 'NOASSERTION',
      'stdlib@1.21.5': 'BSD-3-Clause',
      'github.com/spf13/cobra@v1.8.0': 'NOASSERTION',
      'org.apache.logging.log4j:log4j-core@2.14.1': 'Apache-2.0',
      'rails@7.1.3': 'MIT AND Ruby',
      'serde@1.0.197': 'MIT OR Apache-2.0',
      'symfony/http-kernel@v6.4.0': 'NOASSERTION',
      'Newtonsoft.Json@13.0.3': 'GPL-2.0-only WITH Classpath-exception-2.0',
    });
    assert.equal(byName(document, 'symfony/http-kernel')[0]?.comment, 'declared licenses as recorded: Apache-2.0 OR MIT; GPL-2+');
  });

  it('unique, well-formed SPDX IDs (the same purl in two files too) and DESCRIBES / CONTAINS relationships', () => {
    assert.equal(document.packages.length, 2 + SAMPLE_PACKAGES.length);
    const ids = document.packages.map((pkg) => pkg.SPDXID);
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids) assert.match(id, SPDX_ID);
    const lodash = byName(document, 'lodash');
    assert.equal(lodash.length, 2);
    for (const pkg of lodash) assert.match(pkg.SPDXID, /^SPDXRef-Package-npm-lodash-4\.17\.21-[0-9a-f]{8}$/);
    assert.deepEqual(lodash.map((pkg) => pkg.comment), ['development dependency', undefined]);
    assert.deepEqual(document.relationships, [
      { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-Image' },
      ...ids.slice(1).map((id) => ({ spdxElementId: 'SPDXRef-Image', relationshipType: 'CONTAINS', relatedSpdxElement: id })),
    ]);
  });

  it('SPDX IDs of a package do not depend on the other packages', () => {
    const alone = toSpdx(sampleInput({ packages: SAMPLE_PACKAGES.filter((pkg) => pkg.name === 'serde' || pkg.name === 'bash') }));
    assert.deepEqual(alone.packages.slice(2).map((pkg) => pkg.SPDXID), ['SPDXRef-Package-deb-bash-5.2.15-2-b7', 'SPDXRef-Package-cargo-serde-1.0.197']);
  });

  it('a root filesystem without OS or packages is still valid', () => {
    const rootfs = toSpdx(
      sampleInput({
        image: { ...sampleInput().image, reference: '/srv/rootfs', sourceKind: 'rootfs', manifestDigest: undefined, configDigest: undefined, platform: { os: 'linux', architecture: '' } },
        os: undefined,
        packages: [],
      }),
    );
    assertValid(rootfs);
    assert.deepEqual(rootfs.packages.map((pkg) => [pkg.SPDXID, pkg.versionInfo, pkg.externalRefs, pkg.comment]), [['SPDXRef-Image', undefined, undefined, 'source: rootfs']]);
    assert.equal(rootfs.relationships.length, 1);
  });

  it('a fresh namespace per document when no serial is given', () => {
    const first = toSpdx(sampleInput({ serial: undefined })).documentNamespace;
    assert.match(first, /^https:\/\/customs\.invalid\/spdxdocs\/registry\.example\.com-5000-team-app-1\.2-[0-9a-f-]{36}$/);
    assert.notEqual(first, toSpdx(sampleInput({ serial: undefined })).documentNamespace);
  });

  it('the schema check can fail: a missing downloadLocation, an unknown relationship, a wrong purpose', () => {
    const breakages: Array<(broken: SpdxDocument) => void> = [
      (broken) => void delete (broken.packages[2] as Partial<SpdxPackage>).downloadLocation,
      (broken) => void ((broken.relationships[0] as unknown as { relationshipType: string }).relationshipType = 'INCLUDES'),
      (broken) => void ((broken.packages[1] as unknown as { primaryPackagePurpose: string }).primaryPackagePurpose = 'OPERATING-SYSTEM'),
      (broken) => void delete (broken as Partial<SpdxDocument>).documentNamespace,
    ];
    for (const breakage of breakages) {
      const broken = clone(document);
      breakage(broken);
      assert.equal(validateSpdx23(broken).valid, false, `accepted: ${breakage.toString()}`);
    }
  });
});
