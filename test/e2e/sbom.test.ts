import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CycloneDxBom } from '../../src/sbom/cyclonedx.js';
import type { SpdxDocument } from '../../src/sbom/spdx.js';
import { runCli } from '../support/cli.js';
import { ensureFixtures, type Fixtures } from '../support/fixtures.js';
import { validateCycloneDx16, validateSpdx23 } from '../support/sbom-schemas.js';

let fixtures: Fixtures;
let work: string;
let debianPointRelease: string;

before(async () => {
  fixtures = await ensureFixtures();
  work = await mkdtemp(join(tmpdir(), 'customs-sbom-e2e-'));
  debianPointRelease = (await readFile(join(fixtures.rootfs, 'etc', 'debian_version'), 'utf8')).trim();
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

function assertValid(check: { valid: boolean; errors: string[] }, what: string): void {
  assert.ok(check.valid, `${what} is not schema-valid:\n${check.errors.slice(0, 20).join('\n')}`);
}

// The dpkg analyzer may or may not have landed: the package count is whatever the inventory finds,
// but whatever it finds must be well-formed.
describe('customs sbom on the Debian root filesystem', () => {
  it('CycloneDX 1.6 (the default format) on standard output: valid, with the OS and Debian purls', async () => {
    const result = await runCli(['sbom', `dir:${fixtures.rootfs}`, '--quiet']);
    assert.equal(result.status, 0, result.stderr);
    const bom = JSON.parse(result.stdout) as CycloneDxBom;
    assertValid(validateCycloneDx16(bom), 'the CycloneDX SBOM');
    assert.equal(bom.specVersion, '1.6');
    assert.equal(bom.metadata.component.type, 'container');
    const os = bom.components.filter((component) => component.type === 'operating-system');
    assert.deepEqual(os.map((component) => [component.name, component.version]), [['debian', debianPointRelease]]);
    const debs = bom.components.filter((component) => component.purl?.startsWith('pkg:deb/'));
    for (const deb of debs) assert.ok(deb.purl!.startsWith('pkg:deb/debian/'), deb.purl);
    assert.equal(bom.components.length, 1 + bom.components.filter((component) => component.type === 'library').length);
    const refs = bom.components.map((component) => component['bom-ref']);
    assert.deepEqual(bom.dependencies[0]?.dependsOn ?? [], refs);
  });

  it('SPDX 2.3 JSON written with -o: valid, the OS package, CONTAINS for each', async () => {
    const output = join(work, 'rootfs.spdx.json');
    const result = await runCli(['sbom', `dir:${fixtures.rootfs}`, '--format', 'spdx-json', '-o', output, '--quiet']);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, '');
    const document = JSON.parse(await readFile(output, 'utf8')) as SpdxDocument;
    assertValid(validateSpdx23(document), 'the SPDX document');
    const os = document.packages.filter((pkg) => pkg.primaryPackagePurpose === 'OPERATING_SYSTEM');
    assert.deepEqual(os.map((pkg) => [pkg.name, pkg.versionInfo]), [['debian', debianPointRelease]]);
    for (const pkg of document.packages) {
      for (const ref of pkg.externalRefs ?? []) if (ref.referenceLocator.startsWith('pkg:deb/')) assert.ok(ref.referenceLocator.startsWith('pkg:deb/debian/'), ref.referenceLocator);
    }
    assert.equal(document.relationships.filter((relationship) => relationship.relationshipType === 'CONTAINS').length, document.packages.length - 1);
  });

  it('an OCI layout: the image is named by its manifest digest and a pkg:oci purl, layers carry diff IDs', async () => {
    const { layout, tag, image } = fixtures.debianLayered;
    const result = await runCli(['sbom', `oci:${layout}:${tag}`, '--no-cache', '--quiet']);
    assert.equal(result.status, 0, result.stderr);
    const bom = JSON.parse(result.stdout) as CycloneDxBom;
    assertValid(validateCycloneDx16(bom), 'the CycloneDX SBOM of the OCI layout');
    assert.equal(bom.metadata.component.version, image.manifestDigest);
    assert.equal(bom.metadata.component.purl, `pkg:oci/oci@${image.manifestDigest}?arch=amd64&tag=${tag}`);
    assert.deepEqual(
      bom.metadata.component.properties?.filter((property) => property.name === 'customs:image:layer:diffId').map((property) => property.value),
      image.layers.map((layer) => layer.diffId),
    );
    for (const component of bom.components.filter((candidate) => candidate.type === 'library')) {
      const diffId = component.properties?.find((property) => property.name === 'customs:layer:diffId')?.value;
      assert.ok(diffId && image.layers.some((layer) => layer.diffId === diffId), `${component.name}: layer ${diffId}`);
    }
  });

  it('a wrong format is a command-line error (exit 2)', async () => {
    const result = await runCli(['sbom', `dir:${fixtures.rootfs}`, '--format', 'spdx-tag-value']);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /Allowed choices are cyclonedx, spdx-json/);
  });
});
