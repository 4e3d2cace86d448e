import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { extract as createTarExtract } from 'tar-stream';
import { DEBIAN_LAYERED, TINY_ARM64, ensureFixtures, type Fixtures, type FinalFile } from './fixtures.js';
import { OCI_MEDIA_TYPES, blobPath, runTool, sha256Of } from './oci-layout-tools.js';
import { zstdDecompress } from './oci-writer.js';

let fixtures: Fixtures;

before(async () => {
  fixtures = await ensureFixtures();
});

async function skopeo(args: string[]): Promise<Buffer> {
  return (await runTool('skopeo', args)).stdout;
}

async function skopeoJson<T>(args: string[]): Promise<T> {
  return JSON.parse((await skopeo(args)).toString('utf8')) as T;
}

/** Names in a layer tar as tar-stream decodes them (PAX paths resolved). */
async function tarNames(tar: Buffer): Promise<string[]> {
  const names: string[] = [];
  const extractor = createTarExtract();
  const done = new Promise<void>((resolve, reject) => {
    extractor.on('entry', (header, stream, next) => {
      names.push(header.name);
      stream.on('end', next);
      stream.resume();
    });
    extractor.on('finish', resolve);
    extractor.on('error', reject);
  });
  extractor.end(tar);
  await done;
  return names;
}

function layerBlob(layout: string, digest: string): Buffer {
  return readFileSync(blobPath(layout, digest));
}

function sha256Text(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

describe('debootstrap and rootfs fixtures', () => {
  it('recorded the package list of the bookworm root filesystem', () => {
    assert.ok(existsSync(fixtures.debootstrap.tar));
    const names = fixtures.debootstrap.packages.map((pkg) => pkg.name);
    for (const expected of ['base-files', 'dpkg', 'libc6', 'bash', 'apt']) assert.ok(names.includes(expected), `${expected} in the package list`);
    assert.ok(fixtures.debootstrap.packages.length > 50);
    const bsdutils = fixtures.debootstrap.packages.find((pkg) => pkg.name === 'bsdutils');
    assert.equal(bsdutils?.sourceName, 'util-linux', 'source package recorded for binaries built from another source');
  });

  it('unpacked the root filesystem', () => {
    const osRelease = readFileSync(path.join(fixtures.rootfs, 'etc/os-release'), 'utf8');
    assert.match(osRelease, /VERSION_CODENAME=bookworm/);
    assert.ok(existsSync(path.join(fixtures.rootfs, 'var/lib/dpkg/status')));
  });
});

describe('debian-layered', () => {
  it('agrees with skopeo about manifest, config and layers', async () => {
    const { layout, tag, image } = fixtures.debianLayered;
    const rawManifest = await skopeo(['inspect', '--raw', `oci:${layout}:${tag}`]);
    assert.equal(sha256Of(rawManifest), image.manifestDigest);
    const rawConfig = await skopeo(['inspect', '--config', '--raw', `oci:${layout}:${tag}`]);
    assert.equal(sha256Of(rawConfig), image.configDigest);
    const inspected = await skopeoJson<{ Layers: string[]; Architecture: string; Os: string }>(['inspect', `oci:${layout}:${tag}`]);
    assert.deepEqual(inspected.Layers, image.layers.map((layer) => layer.digest));
    assert.equal(inspected.Architecture, image.platform.architecture);
  });

  it('stores every layer under its digest, and its diff ID is the digest of the uncompressed tar', () => {
    const { layout, image } = fixtures.debianLayered;
    assert.equal(image.layers.length, 4);
    for (const layer of image.layers) {
      const blob = layerBlob(layout, layer.digest);
      assert.equal(sha256Of(blob), layer.digest);
      assert.equal(blob.length, layer.size);
      assert.equal(layer.mediaType, OCI_MEDIA_TYPES.layerGzip);
      assert.equal(sha256Of(gunzipSync(blob)), layer.diffId);
    }
    assert.deepEqual(image.layers.map((layer) => layer.createdBy), [...DEBIAN_LAYERED.historyCreatedBy]);
  });

  it('has the configured runtime settings, including the patched-in healthcheck', () => {
    const settings = fixtures.debianLayered.image.config.config;
    assert.equal(settings?.User, DEBIAN_LAYERED.user);
    assert.ok(settings?.Env?.includes(DEBIAN_LAYERED.env));
    assert.deepEqual(settings?.Entrypoint, [...DEBIAN_LAYERED.entrypoint]);
    assert.deepEqual(settings?.Cmd, [...DEBIAN_LAYERED.cmd]);
    assert.deepEqual(Object.keys(settings?.ExposedPorts ?? {}), [DEBIAN_LAYERED.exposedPort]);
    assert.deepEqual(settings?.Labels, { ...DEBIAN_LAYERED.labels });
    assert.equal(settings?.WorkingDir, DEBIAN_LAYERED.workingDir);
    assert.deepEqual(settings?.Healthcheck, { Test: [...DEBIAN_LAYERED.healthcheck.Test], Interval: DEBIAN_LAYERED.healthcheck.Interval });
  });

  it('has layers with a PAX long name, a real whiteout and an opaque directory', async () => {
    const { layout, image } = fixtures.debianLayered;
    const [, added, deleted, opaque] = image.layers.map((layer) => gunzipSync(layerBlob(layout, layer.digest)));
    assert.ok(added && deleted && opaque);
    const addedNames = await tarNames(added);
    assert.ok(addedNames.includes(DEBIAN_LAYERED.longNamePath));
    assert.ok(added.includes(`path=${DEBIAN_LAYERED.longNamePath}\n`), 'long name stored in a PAX record');
    assert.ok(addedNames.includes(DEBIAN_LAYERED.suidPath));
    assert.ok((await tarNames(deleted)).includes('etc/.wh.customs-test.conf'));
    assert.deepEqual(await tarNames(opaque), ['app/sub/', 'app/sub/.wh..wh..opq', 'app/sub/new.txt']);
  });

  it('recorded the final file set as umoci unpacks it', () => {
    const files = new Map<string, FinalFile>(fixtures.debianLayered.finalFiles.map((file) => [file.path, file]));
    const hello = files.get(DEBIAN_LAYERED.helloPath);
    assert.equal(hello?.type, 'file');
    assert.equal(hello?.sha256, sha256Text(DEBIAN_LAYERED.helloContent));
    assert.equal(files.get(DEBIAN_LAYERED.hardLinkPath)?.sha256, hello?.sha256);
    assert.equal(files.get(DEBIAN_LAYERED.confPath), undefined, 'deleted by the whiteout');
    const underSub = [...files.keys()].filter((file) => file.startsWith(`${DEBIAN_LAYERED.opaqueDirectory}/`));
    assert.deepEqual(underSub, [DEBIAN_LAYERED.opaqueNewFile]);
    assert.deepEqual(
      { type: files.get(DEBIAN_LAYERED.symlinkPath)?.type, target: files.get(DEBIAN_LAYERED.symlinkPath)?.linkTarget },
      { type: 'symlink', target: DEBIAN_LAYERED.symlinkTarget },
    );
    assert.equal(files.get(DEBIAN_LAYERED.suidPath)?.mode, DEBIAN_LAYERED.suidMode);
    assert.equal(files.get(DEBIAN_LAYERED.longNamePath)?.sha256, sha256Text(DEBIAN_LAYERED.longNameContent));
    assert.equal(files.get('etc/hostname')?.sha256, sha256Text(DEBIAN_LAYERED.hostnameContent));
    assert.equal(files.get('dev/null')?.type, 'char');
    assert.ok(files.has('var/lib/dpkg/status'));
  });
});

describe('derived fixtures', () => {
  it('debian-multiarch: an index of the amd64 image and a tiny arm64/v8 image', async () => {
    const { layout, tag, indexDigest, manifests } = fixtures.debianMultiarch;
    assert.equal(sha256Of(await skopeo(['inspect', '--raw', `oci:${layout}:${tag}`])), indexDigest);
    assert.equal(manifests.length, 2);
    const [amd64, arm64] = manifests;
    assert.equal(amd64?.manifestDigest, fixtures.debianLayered.image.manifestDigest);
    assert.deepEqual(arm64?.platform, { ...TINY_ARM64.platform });
    // skopeo reports the index digest as Digest, with the chosen platform's details.
    const resolved = await skopeoJson<{ Digest: string; Architecture: string; Layers: string[] }>([
      'inspect',
      '--override-arch',
      'arm64',
      '--override-variant',
      'v8',
      `oci:${layout}:${tag}`,
    ]);
    assert.equal(resolved.Digest, indexDigest);
    assert.deepEqual(resolved.Layers, arm64?.layers.map((layer) => layer.digest));
    assert.equal(resolved.Architecture, 'arm64');
  });

  it('debian-docker-archive: config and diff IDs as skopeo reads them', async () => {
    const archive = fixtures.debianDockerArchive;
    const reference = `docker-archive:${archive.file}`;
    assert.equal(sha256Of(await skopeo(['inspect', '--config', '--raw', reference])), archive.configDigest);
    assert.deepEqual(archive.diffIds, fixtures.debianLayered.image.layers.map((layer) => layer.diffId));
    assert.ok(archive.repoTags.some((repoTag) => repoTag.endsWith('customs-test/debian:layered')));
    assert.equal(archive.layerPaths.length, 4);
    assert.ok(Object.values(archive.symlinks).length > 0, 'skopeo writes legacy <id>/layer.tar symlinks');
  });

  it('debian-oci-archive: the same manifest as the layout', async () => {
    const { file, tag, image } = fixtures.debianOciArchive;
    assert.equal(sha256Of(await skopeo(['inspect', '--raw', `oci-archive:${file}:${tag}`])), image.manifestDigest);
    assert.equal(image.configDigest, fixtures.debianLayered.image.configDigest);
  });

  it('debian-zstd: zstd layers whose uncompressed digests are the original diff IDs', async () => {
    const { layout, tag, image } = fixtures.debianZstd;
    assert.equal(sha256Of(await skopeo(['inspect', '--raw', `oci:${layout}:${tag}`])), image.manifestDigest);
    assert.deepEqual(image.config.rootfs.diff_ids, fixtures.debianLayered.image.config.rootfs.diff_ids);
    for (const layer of image.layers) {
      assert.equal(layer.mediaType, OCI_MEDIA_TYPES.layerZstd);
      const blob = layerBlob(layout, layer.digest);
      assert.equal(sha256Of(blob), layer.digest);
      assert.equal(sha256Of(await zstdDecompress(blob)), layer.diffId);
    }
  });
});
