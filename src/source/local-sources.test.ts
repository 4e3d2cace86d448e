import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildTarLayer, gzip, writeDockerArchive, writeOciLayout, zstdCompress, type TarEntry } from '../../test/support/oci-writer.js';
import { DirectoryLayerCache, layerCacheKey } from '../cache/layer-cache.js';
import { sha256Digest } from '../core/digest.js';
import { CustomsError } from '../core/errors.js';
import { scanImage } from '../engine/scan.js';
import { fileAnalyzers } from '../analyzers/index.js';
import { openSource } from './index.js';

const base: TarEntry[] = [
  { path: 'etc/', type: 'dir' },
  { path: 'etc/os-release', type: 'symlink', linkname: '../usr/lib/os-release' },
  { path: 'etc/debian_version', content: '12.8\n' },
  { path: 'etc/old.conf', content: 'old\n' },
  { path: 'usr/', type: 'dir' },
  { path: 'usr/lib/', type: 'dir' },
  { path: 'usr/lib/os-release', content: 'ID=debian\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n' },
  { path: 'app/', type: 'dir' },
  { path: 'app/sub/', type: 'dir' },
  { path: 'app/sub/old.txt', content: 'old' },
];
const top: TarEntry[] = [
  { path: 'etc/', type: 'dir' },
  { path: 'etc/.wh.old.conf' },
  { path: 'app/', type: 'dir' },
  { path: 'app/sub/', type: 'dir' },
  { path: 'app/sub/.wh..wh..opq' },
  { path: 'app/sub/new.txt', content: 'new' },
];
const expectedFiles = ['app', 'app/sub', 'app/sub/new.txt', 'etc', 'etc/debian_version', 'etc/os-release', 'usr', 'usr/lib', 'usr/lib/os-release'];

let dir: string;
let baseTar: Buffer;
let topTar: Buffer;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'customs-sources-test-'));
  baseTar = await buildTarLayer(base);
  topTar = await buildTarLayer(top);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function scan(target: string, cacheDir?: string) {
  const source = await openSource(target);
  try {
    return await scanImage(source, cacheDir ? { cache: new DirectoryLayerCache(cacheDir) } : {});
  } finally {
    await source.close();
  }
}

const failure = (code: string, message: string | RegExp) => (error: unknown) => {
  assert.ok(error instanceof CustomsError, String(error));
  assert.equal(error.code, code);
  if (typeof message === 'string') assert.equal(error.message, message);
  else assert.match(error.message, message);
  return true;
};

describe('local image sources', () => {
  it('scans an OCI layout with gzip and zstd layers: digests, whiteouts, opaque dirs, OS', async () => {
    const layout = join(dir, 'layout');
    const written = await writeOciLayout(layout, {
      tag: 'v1',
      layers: [
        { bytes: gzip(baseTar), mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' },
        { bytes: await zstdCompress(topTar), mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd' },
      ],
    });
    const result = await scan(`oci:${layout}:v1`);
    assert.equal(result.image.manifestDigest, written.manifestDigest);
    assert.equal(result.image.configDigest, written.configDigest);
    assert.deepEqual(
      result.image.layers.map((l) => [l.digest, l.diffId, l.size]),
      written.layers.map((l) => [l.digest, l.diffId, l.size]),
    );
    assert.deepEqual(written.layers.map((l) => l.diffId), [sha256Digest(baseTar), sha256Digest(topTar)]);
    assert.deepEqual(result.filesystem.list().map((f) => f.path), expectedFiles);
    assert.equal(result.os?.family, 'debian');
    assert.equal(result.os?.version, '12.8');
    assert.deepEqual(result.os?.sources, ['usr/lib/os-release', 'etc/debian_version']);
    // Bare directory paths are recognised as layouts too.
    assert.equal((await scan(layout)).image.manifestDigest, written.manifestDigest);
  });

  it('scans docker save archives, with layer files or symlinks to them, and an oci-archive', async () => {
    for (const symlinkLayers of [false, true]) {
      const archive = join(dir, `docker-${symlinkLayers}.tar`);
      const written = await writeDockerArchive(archive, {
        repoTags: ['customs-test/app:1.0'],
        symlinkLayers,
        layers: [
          { bytes: baseTar, mediaType: 'application/vnd.docker.image.rootfs.diff.tar' },
          { bytes: topTar, mediaType: 'application/vnd.docker.image.rootfs.diff.tar' },
        ],
      });
      const result = await scan(archive);
      assert.equal(result.image.sourceKind, 'docker-archive');
      assert.equal(result.image.reference, 'customs-test/app:1.0');
      assert.equal(result.image.configDigest, written.configDigest);
      assert.deepEqual(result.filesystem.list().map((f) => f.path), expectedFiles);
      assert.equal(result.os?.version, '12.8');
      const byTag = await scan(`docker-archive:${archive}:customs-test/app:1.0`);
      assert.equal(byTag.image.configDigest, written.configDigest);
      await assert.rejects(scan(`docker-archive:${archive}:other:tag`), failure('NOT_FOUND', `docker-archive:${archive}:other:tag: no image tagged "other:tag" in the archive`));
    }
    const layout = join(dir, 'for-archive');
    const written = await writeOciLayout(layout, { layers: [{ bytes: gzip(baseTar), mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' }] });
    const ociArchive = join(dir, 'oci-archive.tar');
    execFileSync('tar', ['-cf', ociArchive, '-C', layout, '.']);
    const fromTar = await scan(ociArchive);
    assert.equal(fromTar.image.sourceKind, 'oci-layout');
    assert.equal(fromTar.image.manifestDigest, written.manifestDigest);
    // docker save | gzip is read too.
    execFileSync('gzip', ['-k', ociArchive]);
    assert.equal((await scan(`oci-archive:${ociArchive}.gz`)).image.manifestDigest, written.manifestDigest);
  });

  it('scans an unpacked root filesystem directory', async () => {
    const rootfs = join(dir, 'rootfs');
    execFileSync('mkdir', ['-p', rootfs]);
    execFileSync('tar', ['-xf', '-', '-C', rootfs], { input: baseTar });
    const result = await scan(`dir:${rootfs}`);
    assert.equal(result.image.sourceKind, 'rootfs');
    assert.equal(result.os?.prettyName, undefined);
    assert.equal(result.os?.version, '12.8');
    assert.deepEqual(result.filesystem.list().map((f) => f.path), ['app', 'app/sub', 'app/sub/old.txt', 'etc', 'etc/debian_version', 'etc/old.conf', 'etc/os-release', 'usr', 'usr/lib', 'usr/lib/os-release']);
  });

  it('caches layer analyses by diff ID and analyzer versions', async () => {
    const layout = join(dir, 'cached');
    await writeOciLayout(layout, {
      layers: [
        { bytes: gzip(baseTar), mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' },
        { bytes: gzip(topTar), mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' },
      ],
    });
    const cacheDir = join(dir, 'cache');
    const first = await scan(layout, cacheDir);
    assert.deepEqual(first.layers.map((l) => l.cached), [false, false]);
    const second = await scan(layout, cacheDir);
    assert.deepEqual(second.layers.map((l) => l.cached), [true, true]);
    assert.deepEqual(second.filesystem.list(), first.filesystem.list());
    assert.deepEqual(second.os, first.os);
    // Another image sharing the base layer reuses it.
    const other = join(dir, 'other');
    await writeOciLayout(other, { layers: [{ bytes: gzip(baseTar), mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' }, { bytes: gzip(await buildTarLayer([{ path: 'x', content: 'y' }])), mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' }] });
    assert.deepEqual((await scan(other, cacheDir)).layers.map((l) => l.cached), [true, false]);
    // A new analyzer version is a new key.
    const key = layerCacheKey(sha256Digest(baseTar), fileAnalyzers, {});
    const bumped = fileAnalyzers.map((a, i) => (i === 0 ? { ...a, version: a.version + 1 } : a));
    assert.notEqual(layerCacheKey(sha256Digest(baseTar), bumped, {}), key);
    // A damaged cache entry is a miss, not an error.
    const entryFile = join(cacheDir, 'layers', `${layerCacheKey(sha256Digest(topTar), fileAnalyzers, { maxFileSize: 256 * 1024 * 1024 })}.json`);
    await writeFile(entryFile, '{broken');
    assert.deepEqual((await scan(layout, cacheDir)).layers.map((l) => l.cached), [true, false]);
  });

  it('names the image, layer and file in errors from bad layers', async () => {
    const wrong = `sha256:${'0'.repeat(64)}`;
    const cases: Array<[string, Parameters<typeof writeOciLayout>[1]['layers'][number], string, string | RegExp]> = [
      ['wrong-digest', { bytes: gzip(baseTar), mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: wrong }, 'DIGEST_MISMATCH', `layer ${wrong}: layer digest mismatch: expected ${wrong}, got ${sha256Digest(gzip(baseTar))}`],
      ['wrong-diffid', { bytes: gzip(baseTar), mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', diffId: wrong }, 'DIGEST_MISMATCH', `layer ${sha256Digest(gzip(baseTar))}: uncompressed layer digest mismatch: expected diff ID ${wrong}, got ${sha256Digest(baseTar)}`],
      ['corrupt-gzip', { bytes: gzip(baseTar).subarray(0, 300), mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' }, 'CORRUPT_LAYER', /: corrupt gzip stream: truncated data \(unexpected end of file\)$/],
      ['traversal', { bytes: await buildTarLayer([{ path: '../../../tmp/evil', content: 'x' }]), mediaType: 'application/vnd.oci.image.layer.v1.tar' }, 'UNSAFE_PATH', /: file \.\.\/\.\.\/\.\.\/tmp\/evil: tar entry path escapes the image root$/],
    ];
    for (const [name, layer, code, message] of cases) {
      const layout = join(dir, name);
      await writeOciLayout(layout, { layers: [layer] });
      // Errors name the image as resolved: the layout path with the tag it found.
      const expected = typeof message === 'string' ? `oci:${layout}:latest: ${message}` : new RegExp(`^oci:${layout}:latest: layer sha256:[0-9a-f]{64}${message.source}`);
      await assert.rejects(scan(`oci:${layout}`), failure(code, expected));
    }
  });

  it('refuses broken layouts and archives with clear messages', async () => {
    const layout = join(dir, 'tampered');
    const written = await writeOciLayout(layout, { layers: [{ bytes: gzip(baseTar), mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' }] });
    const configFile = join(layout, 'blobs', 'sha256', written.configDigest.slice(7));
    const config = JSON.parse(await readFile(configFile, 'utf8')) as Record<string, unknown>;
    await writeFile(configFile, JSON.stringify({ ...config, architecture: 'arm64' }));
    await assert.rejects(scan(`oci:${layout}`), failure('DIGEST_MISMATCH', new RegExp(`^oci:${layout}: file blobs/sha256/${written.configDigest.slice(7)}: blob digest mismatch`)));

    const single = join(dir, 'single-platform');
    await writeOciLayout(single, { layers: [{ bytes: baseTar, mediaType: 'application/vnd.oci.image.layer.v1.tar' }] });
    const arm = await openSource(`oci:${single}`, { platform: { os: 'linux', architecture: 'arm64' } });
    await assert.rejects(arm.resolve(), failure('NOT_FOUND', `oci:${single}: no image for platform linux/arm64 (the image is linux/amd64 only)`));

    const two = join(dir, 'two-tags');
    await writeOciLayout(two, { tag: 'a', layers: [{ bytes: baseTar, mediaType: 'application/vnd.oci.image.layer.v1.tar' }] });
    await writeOciLayout(two, { tag: 'b', layers: [{ bytes: topTar, mediaType: 'application/vnd.oci.image.layer.v1.tar' }] });
    await assert.rejects(scan(`oci:${two}`), failure('INVALID_INPUT', `oci:${two}: the layout holds 2 images; name one with :<tag> (a, b)`));
    await assert.rejects(scan(`oci:${two}:c`), failure('NOT_FOUND', `oci:${two}:c: no image "c" in the layout (has: a, b)`));

    const notImage = join(dir, 'not-an-image.tar');
    execFileSync('tar', ['-cf', notImage, '-C', join(dir, 'rootfs'), 'etc']);
    await assert.rejects(scan(notImage), failure('INVALID_INPUT', `${notImage}: not an image archive: neither manifest.json (docker save) nor index.json (OCI) found`));
    await assert.rejects(scan(`oci:${join(dir, 'missing')}`), failure('NOT_FOUND', `${join(dir, 'missing')}: no such file or directory`));
  });

  it('fails clearly on a symlink loop where the OS files should be', async () => {
    const layout = join(dir, 'loop');
    const loop = await buildTarLayer([
      { path: 'etc/os-release', type: 'symlink', linkname: 'os-release.d' },
      { path: 'etc/os-release.d', type: 'symlink', linkname: '/etc/os-release' },
    ]);
    await writeOciLayout(layout, { layers: [{ bytes: loop, mediaType: 'application/vnd.oci.image.layer.v1.tar' }] });
    await assert.rejects(scan(`oci:${layout}`), failure('SYMLINK_LOOP', /: file etc\/os-release: too many levels of symbolic links resolving etc\/os-release$/));
  });
});
