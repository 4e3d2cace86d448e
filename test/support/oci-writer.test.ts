import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { extract as createTarExtract } from 'tar-stream';
import { OCI_MEDIA_TYPES, blobPath, readIndex, runTool, sha256Of } from './oci-layout-tools.js';
import { buildTarLayer, gzip, writeDockerArchive, writeOciLayout, zstdCompress, type TarEntry } from './oci-writer.js';

let scratch: string;

before(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'customs-oci-writer-'));
});

after(async () => {
  await rm(scratch, { recursive: true, force: true });
});

interface DecodedEntry {
  name: string;
  type: string;
  mode: number;
  linkname: string | null;
}

async function decodeTar(tar: Buffer): Promise<DecodedEntry[]> {
  const entries: DecodedEntry[] = [];
  const extractor = createTarExtract();
  const done = new Promise<void>((resolve, reject) => {
    extractor.on('entry', (header, stream, next) => {
      entries.push({ name: header.name, type: header.type ?? 'file', mode: header.mode ?? 0, linkname: header.linkname ?? null });
      stream.on('end', next);
      stream.resume();
    });
    extractor.on('finish', resolve);
    extractor.on('error', reject);
  });
  extractor.end(tar);
  await done;
  return entries;
}

const SAMPLE_ENTRIES: TarEntry[] = [
  { path: 'etc/', type: 'dir' },
  { path: 'etc/greeting', content: 'hello\n' },
  { path: 'etc/link', type: 'symlink', linkname: 'greeting' },
  { path: 'etc/hard', type: 'link', linkname: 'etc/greeting' },
  { path: 'usr/bin/tool', content: '#!/bin/sh\n', mode: 0o4755 },
];

describe('buildTarLayer', () => {
  it('writes hostile names verbatim', async () => {
    const longName = `${'x'.repeat(150)}.txt`;
    const tar = await buildTarLayer([
      { path: '../../etc/passwd', content: 'root::0:0::/:/bin/sh\n' },
      { path: '/abs/path', content: 'absolute\n' },
      { path: longName, content: 'long\n' },
      { path: 'dev/evil', type: 'char', devmajor: 1, devminor: 3 },
      { path: 'escape', type: 'symlink', linkname: '../../../../etc/shadow' },
    ]);
    const entries = await decodeTar(tar);
    assert.deepEqual(
      entries.map((entry) => entry.name),
      ['../../etc/passwd', '/abs/path', longName, 'dev/evil', 'escape'],
    );
    assert.equal(entries[3]?.type, 'character-device');
    assert.equal(entries[4]?.linkname, '../../../../etc/shadow');
  });

  it('is deterministic and keeps setuid bits', async () => {
    const first = await buildTarLayer(SAMPLE_ENTRIES);
    const second = await buildTarLayer(SAMPLE_ENTRIES);
    assert.equal(sha256Of(first), sha256Of(second));
    assert.equal(sha256Of(gzip(first)), sha256Of(gzip(second)));
    const tool = (await decodeTar(first)).find((entry) => entry.name === 'usr/bin/tool');
    assert.equal(tool?.mode, 0o4755);
  });
});

describe('writeOciLayout', () => {
  it('writes a layout that skopeo and umoci accept', async () => {
    const layout = path.join(scratch, 'layout');
    const tar = await buildTarLayer(SAMPLE_ENTRIES);
    const written = await writeOciLayout(layout, {
      layers: [{ bytes: gzip(tar), mediaType: OCI_MEDIA_TYPES.layerGzip }],
      config: { config: { Cmd: ['/usr/bin/tool'] } },
      tag: 'v1',
    });
    assert.equal(written.layers[0]?.diffId, sha256Of(tar));

    const raw = (await runTool('skopeo', ['inspect', '--raw', `oci:${layout}:v1`])).stdout;
    assert.deepEqual(raw, written.manifestBytes);
    const config = (await runTool('skopeo', ['inspect', '--config', '--raw', `oci:${layout}:v1`])).stdout;
    assert.equal(sha256Of(config), written.configDigest);

    const bundle = path.join(scratch, 'bundle');
    await runTool('umoci', ['unpack', '--image', `${layout}:v1`, bundle]);
    assert.equal(await readFile(path.join(bundle, 'rootfs/etc/greeting'), 'utf8'), 'hello\n');

    const again = await writeOciLayout(path.join(scratch, 'layout-again'), {
      layers: [{ bytes: gzip(tar), mediaType: OCI_MEDIA_TYPES.layerGzip }],
      config: { config: { Cmd: ['/usr/bin/tool'] } },
      tag: 'v1',
    });
    assert.equal(again.manifestDigest, written.manifestDigest, 'same input, same digests');
  });

  it('computes zstd diff IDs, keeps several tags, and honours overrides', async () => {
    const layout = path.join(scratch, 'overrides');
    const tar = await buildTarLayer(SAMPLE_ENTRIES);
    const zstd = await writeOciLayout(layout, { layers: [{ bytes: await zstdCompress(tar), mediaType: OCI_MEDIA_TYPES.layerZstd }], tag: 'zstd' });
    assert.equal(zstd.layers[0]?.diffId, sha256Of(tar));

    const wrongDiffId = `sha256:${'0'.repeat(64)}`;
    const wrongDigest = `sha256:${'1'.repeat(64)}`;
    const bad = await writeOciLayout(layout, {
      layers: [{ bytes: gzip(tar), mediaType: OCI_MEDIA_TYPES.layerGzip, diffId: wrongDiffId, digest: wrongDigest }],
      tag: 'bad',
    });
    assert.equal(bad.layers[0]?.diffId, wrongDiffId);
    assert.equal(bad.layers[0]?.digest, wrongDigest);
    assert.deepEqual(await readFile(blobPath(layout, wrongDigest)), gzip(tar), 'bytes stored under the wrong name');

    const tags = (await readIndex(layout)).manifests.map((entry) => entry.annotations?.['org.opencontainers.image.ref.name']);
    assert.deepEqual(tags, ['zstd', 'bad']);
  });
});

describe('writeDockerArchive', () => {
  for (const symlinkLayers of [false, true]) {
    it(`writes a docker save archive skopeo reads${symlinkLayers ? ' (layers behind symlinks)' : ''}`, async () => {
      const file = path.join(scratch, `image-${symlinkLayers ? 'symlinked' : 'plain'}.tar`);
      const tar = await buildTarLayer(SAMPLE_ENTRIES);
      const written = await writeDockerArchive(file, {
        layers: [{ bytes: tar, mediaType: 'application/vnd.docker.image.rootfs.diff.tar' }],
        repoTags: ['customs-test/synthetic:v1'],
        symlinkLayers,
      });
      const config = (await runTool('skopeo', ['inspect', '--config', '--raw', `docker-archive:${file}`])).stdout;
      assert.equal(sha256Of(config), written.configDigest);
      const inspected = JSON.parse((await runTool('skopeo', ['inspect', `docker-archive:${file}`])).stdout.toString('utf8')) as { Layers: string[] };
      assert.deepEqual(inspected.Layers, [sha256Of(tar)]);
      const entries = await decodeTar(await readFile(file));
      const layerEntry = entries.find((entry) => entry.name === written.layers[0]?.path);
      assert.equal(layerEntry?.type, symlinkLayers ? 'symlink' : 'file');
    });
  }
});
