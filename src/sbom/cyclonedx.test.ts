import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CONFIG_DIGEST, CREATED, DIFF_IDS, MANIFEST_DIGEST, SAMPLE_PACKAGES, SERIAL, sampleInput } from '../../test/support/sbom-sample.js';
import { validateCycloneDx16 } from '../../test/support/sbom-schemas.js';
import { cycloneDxLicenses, toCycloneDx, type CycloneDxBom, type CycloneDxComponent } from './cyclonedx.js';

const IMAGE_PURL = `pkg:oci/app@${MANIFEST_DIGEST}?arch=amd64&repository_url=registry.example.com%3A5000%2Fteam%2Fapp&tag=1.2`;

function assertValid(bom: unknown): void {
  const result = validateCycloneDx16(bom);
  assert.ok(result.valid, `not valid against bom-1.6.schema.json:\n${result.errors.join('\n')}`);
}

const byName = (bom: CycloneDxBom, name: string): CycloneDxComponent[] => bom.components.filter((component) => component.name === name);
const clone = (bom: CycloneDxBom): CycloneDxBom => JSON.parse(JSON.stringify(bom)) as CycloneDxBom;

describe('toCycloneDx', () => {
  const bom = toCycloneDx(sampleInput());

  it('validates against the official CycloneDX 1.6 schema', () => assertValid(bom));

  it('the document header and the image as metadata.component', () => {
    assert.equal(bom.bomFormat, 'CycloneDX');
    assert.equal(bom.specVersion, '1.6');
    assert.equal(bom.serialNumber, `urn:uuid:${SERIAL}`);
    assert.equal(bom.version, 1);
    assert.equal(bom.metadata.timestamp, CREATED.toISOString());
    assert.deepEqual(bom.metadata.tools, { components: [{ type: 'application', name: 'customs', version: '0.1.0' }] });
    assert.deepEqual(bom.metadata.component, {
      type: 'container',
      'bom-ref': IMAGE_PURL,
      name: 'registry.example.com:5000/team/app:1.2',
      version: MANIFEST_DIGEST,
      purl: IMAGE_PURL,
      properties: [
        { name: 'customs:image:sourceKind', value: 'registry' },
        { name: 'customs:image:platform', value: 'linux/amd64' },
        { name: 'customs:image:manifestDigest', value: MANIFEST_DIGEST },
        { name: 'customs:image:manifestMediaType', value: 'application/vnd.oci.image.manifest.v1+json' },
        { name: 'customs:image:configDigest', value: CONFIG_DIGEST },
        { name: 'customs:image:layer:diffId', value: DIFF_IDS[0]! },
        { name: 'customs:image:layer:diffId', value: DIFF_IDS[1]! },
      ],
    });
  });

  it('the OS as an operating-system component', () => {
    assert.deepEqual(bom.components[0], {
      type: 'operating-system',
      'bom-ref': 'os:debian@12.8',
      name: 'debian',
      version: '12.8',
      description: 'Debian GNU/Linux 12 (bookworm)',
      properties: [
        { name: 'customs:os:name', value: 'Debian GNU/Linux' },
        { name: 'customs:os:versionId', value: '12' },
        { name: 'customs:os:codename', value: 'bookworm' },
        { name: 'customs:os:source', value: 'etc/os-release' },
        { name: 'customs:os:source', value: 'etc/debian_version' },
      ],
    });
  });

  it('a Debian package: library, purl as bom-ref, SPDX id and names side by side, source package, layer', () => {
    const purl = 'pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&distro=debian-12.8&upstream=openssl';
    assert.deepEqual(byName(bom, 'libssl3'), [
      {
        type: 'library',
        'bom-ref': purl,
        name: 'libssl3',
        version: '3.0.15-1~deb12u1',
        licenses: [{ license: { id: 'Apache-2.0' } }, { license: { name: 'Artistic' } }, { license: { name: 'GPL-1+' } }],
        purl,
        properties: [
          { name: 'customs:analyzer', value: 'os-packages/dpkg' },
          { name: 'customs:file', value: 'var/lib/dpkg/status' },
          { name: 'customs:layer:index', value: '0' },
          { name: 'customs:layer:diffId', value: DIFF_IDS[0]! },
          { name: 'customs:source:name', value: 'openssl' },
          { name: 'customs:source:version', value: '3.0.15-1~deb12u1' },
          { name: 'customs:arch', value: 'amd64' },
        ],
      },
    ]);
  });

  it('an rpm with an epoch: full version kept, epoch in the purl, record properties as customs:prop:*', () => {
    const [rpm] = byName(bom, 'openssl-libs');
    assert.equal(rpm?.version, '1:3.0.7-24.el9');
    assert.equal(rpm?.purl, 'pkg:rpm/rocky/openssl-libs@3.0.7-24.el9?arch=x86_64&distro=rocky-9.3&epoch=1&upstream=openssl-3.0.7-24.el9.src.rpm');
    assert.deepEqual(
      rpm?.properties?.filter((property) => property.name.startsWith('customs:prop:')),
      [
        { name: 'customs:prop:epoch', value: '1' },
        { name: 'customs:prop:release', value: '24.el9' },
        { name: 'customs:prop:sourceRpm', value: 'openssl-3.0.7-24.el9.src.rpm' },
      ],
    );
  });

  it('a jar inside a war: Maven group split off, innerPath, sha1 property', () => {
    assert.deepEqual(byName(bom, 'log4j-core'), [
      {
        type: 'library',
        'bom-ref': 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1',
        group: 'org.apache.logging.log4j',
        name: 'log4j-core',
        version: '2.14.1',
        licenses: [{ license: { id: 'Apache-2.0' } }],
        purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1',
        properties: [
          { name: 'customs:analyzer', value: 'binary/java-archive' },
          { name: 'customs:file', value: 'opt/app.war' },
          { name: 'customs:innerPath', value: 'WEB-INF/lib/log4j-core-2.14.1.jar' },
          { name: 'customs:layer:index', value: '1' },
          { name: 'customs:layer:diffId', value: DIFF_IDS[1]! },
          { name: 'customs:prop:sha1', value: 'da39a3ee5e6b4b0d3255bfef95601890afd80709' },
        ],
      },
    ]);
  });

  it('npm: scope as group; the same purl in two files gets two bom-refs; dev flagged', () => {
    const [babel] = byName(bom, 'core');
    assert.equal(babel?.group, '@babel');
    assert.equal(babel?.purl, 'pkg:npm/%40babel/core@7.24.0');
    const lodash = byName(bom, 'lodash');
    assert.deepEqual(
      lodash.map((component) => [component['bom-ref'], component.purl, component.licenses, component.properties?.find((p) => p.name === 'customs:dev')?.value]),
      [
        ['pkg:npm/lodash@4.17.21|app/node_modules/lodash/package.json', 'pkg:npm/lodash@4.17.21', [{ license: { id: 'MIT' } }], 'true'],
        ['pkg:npm/lodash@4.17.21|srv/other/node_modules/lodash/package.json', 'pkg:npm/lodash@4.17.21', [{ license: { id: 'MIT' } }], undefined],
      ],
    );
  });

  it('licenses by ecosystem: expressions stand alone, non-SPDX text stays a name', () => {
    const licenses = (name: string) => byName(bom, name).map((component) => component.licenses);
    assert.deepEqual(licenses('serde'), [[{ expression: 'MIT OR Apache-2.0' }]]);
    assert.deepEqual(licenses('Newtonsoft.Json'), [[{ expression: 'GPL-2.0-only WITH Classpath-exception-2.0' }]]);
    assert.deepEqual(licenses('http-kernel'), [[{ license: { name: 'Apache-2.0 OR MIT' } }, { license: { name: 'GPL-2+' } }]]);
    assert.deepEqual(licenses('rails'), [[{ license: { id: 'MIT' } }, { license: { id: 'Ruby' } }]]);
    assert.deepEqual(licenses('Django_REST'), [[{ license: { name: 'BSD' } }]]);
    assert.deepEqual(licenses('github.com/spf13/cobra'), [undefined]);
    assert.equal(byName(bom, 'stdlib')[0]?.purl, 'pkg:golang/stdlib@1.21.5');
    assert.equal(byName(bom, 'Django_REST')[0]?.purl, 'pkg:pypi/django-rest@3.15.1');
  });

  it('one component per package, unique bom-refs, and the image depends on the OS and every package', () => {
    assert.equal(bom.components.length, 1 + SAMPLE_PACKAGES.length);
    const refs = [bom.metadata.component['bom-ref'], ...bom.components.map((component) => component['bom-ref'])];
    assert.equal(new Set(refs).size, refs.length);
    assert.deepEqual(bom.dependencies, [{ ref: IMAGE_PURL, dependsOn: bom.components.map((component) => component['bom-ref']) }]);
  });

  it('a root filesystem without OS or packages: no digest, purl or diff IDs, and still valid', () => {
    const input = sampleInput({
      image: { ...sampleInput().image, reference: '/srv/rootfs', sourceKind: 'rootfs', manifestDigest: undefined, manifestMediaType: undefined, configDigest: undefined, platform: { os: 'linux', architecture: '' }, layers: [{ index: 0, mediaType: 'directory', digest: '', size: -1, diffId: '' }] },
      os: undefined,
      packages: [],
    });
    const rootfs = toCycloneDx(input);
    assertValid(rootfs);
    assert.deepEqual(rootfs.metadata.component, { type: 'container', 'bom-ref': 'image:/srv/rootfs', name: '/srv/rootfs', properties: [{ name: 'customs:image:sourceKind', value: 'rootfs' }] });
    assert.deepEqual(rootfs.components, []);
    assert.deepEqual(rootfs.dependencies, [{ ref: 'image:/srv/rootfs' }]);
  });

  it('a random v4 serial number when none is given', () => {
    const { serialNumber } = toCycloneDx(sampleInput({ serial: undefined }));
    assert.match(serialNumber, /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.notEqual(serialNumber, toCycloneDx(sampleInput({ serial: undefined })).serialNumber);
  });

  it('the schema check can fail: a non-SPDX id, a mixed license list, an unknown type, a bad serial', () => {
    const breakages: Array<(broken: CycloneDxBom) => void> = [
      (broken) => void (broken.components[1]!.licenses = [{ license: { id: 'GPL-2+' } }]),
      (broken) => void ((broken.components[1] as unknown as { licenses: unknown[] }).licenses = [{ expression: 'MIT OR Apache-2.0' }, { license: { id: 'MIT' } }]),
      (broken) => void ((broken.components[1] as unknown as { type: string }).type = 'package'),
      (broken) => void (broken.serialNumber = 'urn:uuid:not-a-uuid'),
    ];
    for (const breakage of breakages) {
      const broken = clone(bom);
      breakage(broken);
      assert.equal(validateCycloneDx16(broken).valid, false, `accepted: ${breakage.toString()}`);
    }
  });
});

describe('cycloneDxLicenses', () => {
  const cases: Array<[string[], ReturnType<typeof cycloneDxLicenses>]> = [
    [[], undefined],
    [['', '  '], undefined],
    [['MIT', 'MIT'], [{ license: { id: 'MIT' } }]],
    [['mit'], [{ license: { id: 'MIT' } }]],
    [['GPL-2+'], [{ license: { name: 'GPL-2+' } }]],
    [['GPL-2.0+'], [{ expression: 'GPL-2.0+' }]],
    [['LicenseRef-Proprietary'], [{ expression: 'LicenseRef-Proprietary' }]],
    [['MIT', 'Apache-2.0 OR MIT'], [{ expression: 'MIT AND (Apache-2.0 OR MIT)' }]],
  ];
  for (const [recorded, expected] of cases) {
    it(JSON.stringify(recorded), () => assert.deepEqual(cycloneDxLicenses(recorded), expected));
  }
});
