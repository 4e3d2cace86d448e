import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DirectoryLayerCache } from '../../src/cache/layer-cache.js';
import { scanImage, type ImageScan } from '../../src/engine/scan.js';
import type { ScanReport } from '../../src/report/model.js';
import { openSource } from '../../src/source/index.js';
import { runCli } from '../support/cli.js';
import { DEBIAN_LAYERED, ensureFixtures, type ExpectedImage, type Fixtures } from '../support/fixtures.js';

/** These tests are about reading images; vulnerability matching has its own tests with a database. */
const NO_VULN = ['--scanners', 'secret,baseline,history'];

let fixtures: Fixtures;
let work: string;
let debianPointRelease: string;

before(async () => {
  fixtures = await ensureFixtures();
  work = await mkdtemp(join(tmpdir(), 'customs-e2e-'));
  debianPointRelease = (await readFile(join(fixtures.rootfs, 'etc', 'debian_version'), 'utf8')).trim();
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

async function scan(target: string, options: { platform?: { os: string; architecture: string; variant?: string }; cacheDir?: string } = {}): Promise<ImageScan> {
  const source = await openSource(target, { platform: options.platform });
  try {
    return await scanImage(source, options.cacheDir ? { cache: new DirectoryLayerCache(options.cacheDir) } : {});
  } finally {
    await source.close();
  }
}

/** The final filesystem as umoci unpacked it (hard links become files there), in comparable form. */
function expectedFinalFiles(): string[] {
  return fixtures.debianLayered.finalFiles
    .map((file) => `${file.path} ${file.type} ${file.mode.toString(8)} ${file.uid}:${file.gid}${file.linkTarget !== undefined ? ` -> ${file.linkTarget}` : ''}`)
    .sort();
}
function actualFinalFiles(result: ImageScan): string[] {
  return result.filesystem
    .list()
    .map((file) => `${file.path} ${file.type === 'hardlink' ? 'file' : file.type} ${file.mode.toString(8)} ${file.uid}:${file.gid}${file.type === 'symlink' ? ` -> ${file.linkname}` : ''}`)
    .sort();
}

function assertImage(result: ImageScan, expected: ExpectedImage): void {
  assert.equal(result.image.configDigest, expected.configDigest);
  assert.deepEqual(
    result.image.layers.map((layer) => layer.diffId),
    expected.layers.map((layer) => layer.diffId),
  );
}

describe('the Debian test image, from every kind of source', () => {
  it('OCI layout: exact digests, final file set, OS and metadata', async () => {
    const { layout, tag, image } = fixtures.debianLayered;
    const result = await scan(`oci:${layout}:${tag}`);
    assertImage(result, image);
    assert.equal(result.image.manifestDigest, image.manifestDigest);
    assert.deepEqual(
      result.image.layers.map((layer) => [layer.digest, layer.size, layer.mediaType]),
      image.layers.map((layer) => [layer.digest, layer.size, layer.mediaType]),
    );
    assert.deepEqual(actualFinalFiles(result), expectedFinalFiles());
    assert.equal(result.filesystem.get(DEBIAN_LAYERED.confPath), undefined, 'deleted by a whiteout');
    assert.deepEqual(result.filesystem.list().filter((f) => f.path.startsWith(`${DEBIAN_LAYERED.opaqueDirectory}/`)).map((f) => f.path), [DEBIAN_LAYERED.opaqueNewFile]);
    // umoci writes whichever name it meets first as the file and the other as the hard link.
    const links = [DEBIAN_LAYERED.hardLinkPath, DEBIAN_LAYERED.helloPath].map((path) => result.filesystem.get(path));
    assert.deepEqual(links.map((file) => file?.type).sort(), ['file', 'hardlink']);
    const link = links.find((file) => file?.type === 'hardlink');
    assert.equal(link?.linkname, links.find((file) => file?.type === 'file')?.path);
    assert.equal(result.filesystem.get(DEBIAN_LAYERED.suidPath)?.mode, DEBIAN_LAYERED.suidMode);
    assert.deepEqual(result.os, {
      family: 'debian',
      name: 'Debian GNU/Linux',
      version: debianPointRelease,
      versionId: '12',
      codename: 'bookworm',
      prettyName: 'Debian GNU/Linux 12 (bookworm)',
      idLike: undefined,
      sources: ['usr/lib/os-release', 'etc/debian_version'],
    });
    const { metadata } = result;
    assert.equal(metadata.user, DEBIAN_LAYERED.user);
    assert.deepEqual(metadata.entrypoint, DEBIAN_LAYERED.entrypoint);
    assert.deepEqual(metadata.cmd, DEBIAN_LAYERED.cmd);
    assert.deepEqual(metadata.exposedPorts, [DEBIAN_LAYERED.exposedPort]);
    assert.deepEqual(metadata.labels, DEBIAN_LAYERED.labels);
    assert.equal(metadata.workingDir, DEBIAN_LAYERED.workingDir);
    assert.ok(metadata.env.some((variable) => `${variable.name}=${variable.value}` === DEBIAN_LAYERED.env));
    assert.deepEqual(metadata.healthcheck, { test: DEBIAN_LAYERED.healthcheck.Test, intervalSeconds: 30, timeoutSeconds: undefined, startPeriodSeconds: undefined, retries: undefined });
    assert.deepEqual(
      metadata.history.filter((step) => !step.emptyLayer).map((step) => [step.createdBy, step.diffId]),
      image.layers.map((layer) => [layer.createdBy, layer.diffId]),
    );
  });

  it('docker-archive, oci-archive and zstd layout give the same image', async () => {
    const archive = fixtures.debianDockerArchive;
    const fromArchive = await scan(`docker-archive:${archive.file}`);
    assert.equal(fromArchive.image.configDigest, archive.configDigest);
    assert.deepEqual(fromArchive.image.layers.map((l) => l.diffId), archive.diffIds);
    assert.deepEqual(fromArchive.image.repoTags, archive.repoTags);
    assert.deepEqual(actualFinalFiles(fromArchive), expectedFinalFiles());

    const ociArchive = fixtures.debianOciArchive;
    const fromOciArchive = await scan(ociArchive.file);
    assertImage(fromOciArchive, ociArchive.image);
    assert.equal(fromOciArchive.image.manifestDigest, ociArchive.image.manifestDigest);

    const zstd = fixtures.debianZstd;
    assert.ok(zstd.image.layers.every((layer) => layer.mediaType.endsWith('+zstd')));
    const fromZstd = await scan(`oci:${zstd.layout}:${zstd.tag}`);
    assertImage(fromZstd, zstd.image);
    assert.deepEqual(
      fromZstd.image.layers.map((l) => l.digest),
      zstd.image.layers.map((l) => l.digest),
    );
    assert.deepEqual(actualFinalFiles(fromZstd), expectedFinalFiles());
  });

  it('multi-platform layout: linux/amd64 by default, linux/arm64 on request', async () => {
    const multi = fixtures.debianMultiarch;
    const amd64 = await scan(`oci:${multi.layout}:${multi.tag}`);
    assert.equal(amd64.image.indexDigest, multi.indexDigest);
    assert.equal(amd64.image.manifestDigest, multi.manifests[0]!.manifestDigest);
    const arm64 = await scan(`oci:${multi.layout}:${multi.tag}`, { platform: { os: 'linux', architecture: 'arm64' } });
    assert.equal(arm64.image.manifestDigest, multi.manifests[1]!.manifestDigest);
    assert.equal(arm64.image.platform.architecture, 'arm64');
    assert.deepEqual(arm64.filesystem.list().filter((f) => f.type === 'file').map((f) => f.path), ['etc/customs-arch', 'hello-arm64.txt']);
    await assert.rejects(scan(`oci:${multi.layout}:${multi.tag}`, { platform: { os: 'linux', architecture: 'ppc64le' } }), /no image for platform linux\/ppc64le \(available: linux\/amd64, linux\/arm64\/v8\)/);
  });

  it('package inventory: the dpkg set equals dpkg-query in the root filesystem, introduced by the base layer', async () => {
    const { layout, tag, image } = fixtures.debianLayered;
    const result = await scan(`oci:${layout}:${tag}`);
    const debs = result.packages.filter((pkg) => pkg.ecosystem === 'deb');
    const expected = fixtures.debootstrap.packages.map((p) => `${p.name} ${p.version} ${p.sourceName} ${p.sourceVersion}`).sort();
    assert.deepEqual(debs.map((p) => `${p.name} ${p.version} ${p.sourceName} ${p.sourceVersion}`).sort(), expected);
    assert.ok(debs.every((p) => p.file === 'var/lib/dpkg/status' && p.layerIndex === 0 && p.layerDiffId === image.layers[0]!.diffId));
    // Licenses come from the packages' copyright files: bash's is machine-readable.
    assert.ok(debs.find((p) => p.name === 'bash')?.licenses?.includes('GPL-3+'));
    assert.ok(debs.filter((p) => p.licenses && p.licenses.length > 0).length >= 70, 'most bookworm packages declare licenses');
    assert.ok(debs.every((p) => p.purl.startsWith(`pkg:deb/debian/${encodeURIComponent(p.name)}@`) && p.purl.includes(`distro=debian-${debianPointRelease}`)));
  });

  it('root filesystem directory', async () => {
    const result = await scan(`dir:${fixtures.rootfs}`);
    assert.equal(result.os?.version, debianPointRelease);
    assert.equal(result.filesystem.get('usr/bin/dpkg')?.type, 'file');
    assert.equal(result.filesystem.get('etc/os-release')?.type, 'symlink');
  });
});

describe('customs scan (the CLI)', () => {
  it('writes the JSON report; a second scan reads every layer from the cache and reports the same', async () => {
    const { layout, tag, image } = fixtures.debianLayered;
    const cacheDir = join(work, 'cli-cache');
    const first = await runCli(['scan', `oci:${layout}:${tag}`, ...NO_VULN, '--format', 'json', '--cache-dir', cacheDir]);
    assert.equal(first.status, 0, first.stderr);
    assert.equal(first.stderr, '', 'no progress output when stderr is not a terminal');
    const report = JSON.parse(first.stdout) as ScanReport;
    assert.equal(report.schemaVersion, 1);
    assert.equal(report.image.manifestDigest, image.manifestDigest);
    assert.equal(report.image.configDigest, image.configDigest);
    assert.equal(report.image.layerCount, image.layers.length);
    assert.equal(report.image.size, image.layers.reduce((sum, layer) => sum + layer.size, 0));
    assert.equal(report.image.fileCount, fixtures.debianLayered.finalFiles.length);
    assert.equal(report.os?.version, debianPointRelease);
    assert.deepEqual(report.layers.map((l) => [l.digest, l.diffId, l.cached, l.createdBy]), image.layers.map((l) => [l.digest, l.diffId, false, l.createdBy]));

    const second = await runCli(['scan', `oci:${layout}:${tag}`, ...NO_VULN, '--format', 'json', '--cache-dir', cacheDir]);
    const again = JSON.parse(second.stdout) as ScanReport;
    assert.deepEqual(again.layers.map((l) => l.cached), image.layers.map(() => true));
    const comparable = (r: ScanReport) => ({ ...r, createdAt: '', layers: r.layers.map((l) => ({ ...l, cached: false })) });
    assert.deepEqual(comparable(again), comparable(report));
  });

  it('prints a table summary by default', async () => {
    const { layout, tag, image } = fixtures.debianLayered;
    const result = await runCli(['scan', `oci:${layout}:${tag}`, ...NO_VULN, '--no-cache']);
    assert.equal(result.status, 0, result.stderr);
    const lines = result.stdout.split('\n');
    assert.equal(lines[0], `Image     oci:${layout}:${tag}`);
    assert.ok(lines.includes(`Digest    ${image.manifestDigest}`));
    assert.ok(lines.includes(`OS        Debian GNU/Linux ${debianPointRelease} (bookworm)`));
    assert.ok(lines.includes(`User          ${DEBIAN_LAYERED.user}`));
    assert.ok(lines.some((line) => /^0  sha256:[0-9a-f]{12}  \d+\.\d MiB  \d+\.\d MiB +\d+ +debootstrap bookworm minbase$/.test(line)), result.stdout);
  });

  it('warns about files over the per-file limit and goes on', async () => {
    const { layout, tag } = fixtures.debianLayered;
    // Only the inventory's analyzers run: every file one of them wants that is over 100 bytes is skipped.
    const result = await runCli(['scan', `oci:${layout}:${tag}`, '--scanners', 'history', '--no-cache', '--format', 'json', '--max-file-size', '100']);
    assert.equal(result.status, 0, result.stderr);
    const report = JSON.parse(result.stdout) as ScanReport;
    const skipped = report.warnings.map((w) => w.file);
    assert.ok(skipped.includes('usr/lib/os-release') && skipped.includes('var/lib/dpkg/status'), skipped.join(', '));
    assert.ok(!skipped.includes('etc/debian_version'), 'a 6-byte file is read');
    assert.equal(report.image.packageCount, 0, 'the package database was skipped, so no packages');
    assert.match(result.stderr, /customs: warning: oci:.*:latest: layer sha256:[0-9a-f]{64}: file usr\/lib\/os-release: skipped: \d+ B is over the per-file limit of 100 B/);
  });

  it('fails with one clear line and exit status 1 on bad input, 2 on a bad command line', async () => {
    const missing = await runCli(['scan', join(work, 'nope.tar'), ...NO_VULN]);
    assert.equal(missing.status, 1);
    assert.equal(missing.stdout, '');
    const badFlag = await runCli(['scan', '--frobnicate', 'x']);
    assert.equal(badFlag.status, 2);
    assert.match(badFlag.stderr, /unknown option '--frobnicate'/);
    const badPlatform = await runCli(['scan', `oci:${fixtures.debianLayered.layout}`, ...NO_VULN, '--platform', 'linux']);
    assert.equal(badPlatform.status, 1);
    assert.equal(badPlatform.stderr, 'customs: error: invalid platform "linux": expected os/arch[/variant]\n');
  });
});
