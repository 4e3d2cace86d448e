import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { after, afterEach, before, describe, it } from 'node:test';
import { CustomsError } from '../../core/errors.js';
import type { ResolvedImage } from '../../core/image.js';
import { startFaultyProxy, type FaultyProxy } from '../../../test/support/faulty-http.js';
import { loadImage, readBlob, type LoadedImage } from '../../../test/support/oci-layout-tools.js';
import {
  buildUmociImage,
  pushWithSkopeo,
  rawManifest,
  sha256,
  startRegistries,
  tagIndex,
  writeArtifact,
  type TestRegistry,
} from '../../../test/support/registry.js';
import { scanImage } from '../../engine/scan.js';
import { openSource } from '../index.js';
import { RegistrySource, type RegistrySourceOptions } from './registry-source.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const DOCKER_GZIP = 'application/vnd.docker.image.rootfs.diff.tar.gzip';
const HELM_CONFIG = 'application/vnd.cncf.helm.config.v1+json';

let work: string;
let layout: string;
let amd64: LoadedImage;
let arm64: LoadedImage;
let open: TestRegistry;
let token: TestRegistry;
const sources: RegistrySource[] = [];

function source(reference: string, options: RegistrySourceOptions = {}): RegistrySource {
  // An environment of its own: no CUSTOMS_REGISTRY_* variables and no Docker config of the machine's.
  const env = { DOCKER_CONFIG: path.join(work, 'no-docker-config') };
  const created = new RegistrySource(reference, { insecure: true, retry: { retries: 1, baseDelayMs: 5 }, env, ...options });
  sources.push(created);
  return created;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function failsWith(code: string, message: string): (error: unknown) => boolean {
  return (error: unknown) => {
    assert.ok(error instanceof CustomsError, `expected a CustomsError, got ${String(error)}`);
    assert.equal(error.message, message);
    assert.equal(error.code, code);
    return true;
  };
}

/** What the resolved image must say about a layout image, given how it was pushed. */
function expectedLayers(loaded: LoadedImage, mediaType: string): ResolvedImage['layers'] {
  return loaded.manifest.layers.map((layer, index) => ({
    index,
    mediaType,
    digest: layer.digest,
    size: layer.size,
    diffId: loaded.config.rootfs.diff_ids[index]!,
  }));
}

before(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'customs-registry-source-'));
  layout = path.join(work, 'oci');
  const registries = startRegistries(['none', 'token']);
  // Awaited below; until then a failure must not surface as an unhandled rejection.
  registries.catch(() => {});
  await buildUmociImage(layout, 'amd64', { layers: [{ 'etc/os-release': 'ID=customs\n' }, { 'usr/bin/tool': '#!/bin/sh\necho amd64\n' }], cmd: '/usr/bin/tool' });
  await buildUmociImage(layout, 'arm64', { layers: [{ 'etc/os-release': 'ID=customs\n', 'usr/bin/tool': 'arm64' }], architecture: 'arm64', variant: 'v8' });
  await tagIndex(layout, 'multi', [
    { tag: 'amd64', platform: { os: 'linux', architecture: 'amd64' } },
    { tag: 'arm64', platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
  ]);
  await writeArtifact(layout, 'chart', HELM_CONFIG, 'application/vnd.cncf.helm.chart.content.v1.tar+gzip');
  amd64 = await loadImage(layout, 'amd64');
  arm64 = await loadImage(layout, 'arm64');
  [open, token] = await registries;
  // One push at a time: concurrent pushes of the same blobs into one repository race in the registry.
  await pushWithSkopeo(`oci:${layout}:amd64`, `${open.host}/app:oci`, { format: 'oci' });
  await pushWithSkopeo(`oci:${layout}:amd64`, `${open.host}/app:v2s2`, { format: 'v2s2' });
  await pushWithSkopeo(`oci:${layout}:arm64`, `${open.host}/app:arm-only`, { format: 'oci' });
  await pushWithSkopeo(`oci:${layout}:multi`, `${open.host}/multi:1`, { all: true });
  await pushWithSkopeo(`oci:${layout}:chart`, `${open.host}/chart:1`);
  await pushWithSkopeo(`oci:${layout}:amd64`, `${token.host}/team/app:1`, { format: 'oci', creds: token.creds });
});

after(async () => {
  await Promise.all(sources.map((created) => created.close()));
  await Promise.all([open?.stop(), token?.stop()]);
  await rm(work, { recursive: true, force: true });
});

describe('RegistrySource.resolve', () => {
  it('resolves an OCI image pushed by tag', async () => {
    const resolved = await source(`${open.host}/app:oci`).resolve();
    assert.deepEqual(resolved, {
      reference: `${open.host}/app:oci`,
      sourceKind: 'registry',
      manifestDigest: amd64.descriptor.digest,
      manifestMediaType: OCI_MANIFEST,
      indexDigest: undefined,
      configDigest: amd64.manifest.config.digest,
      platform: { os: 'linux', architecture: 'amd64', variant: undefined },
      config: resolved.config,
      layers: expectedLayers(amd64, OCI_GZIP),
      repoTags: [`${open.host}/app:oci`],
      repoDigests: [`${open.host}/app@${amd64.descriptor.digest}`],
    });
    assert.deepEqual(resolved.config.config?.Cmd, ['/usr/bin/tool']);
    assert.deepEqual(resolved.config.rootfs.diff_ids, amd64.config.rootfs.diff_ids);
  });

  it('resolves a Docker schema 2 image, and by digest', async () => {
    const raw = await rawManifest(`${open.host}/app:v2s2`);
    const digest = sha256(raw);
    const byTag = await source(`${open.host}/app:v2s2`).resolve();
    assert.equal(byTag.manifestDigest, digest);
    assert.equal(byTag.manifestMediaType, DOCKER_MANIFEST);
    assert.equal(byTag.configDigest, (JSON.parse(raw.toString('utf8')) as { config: { digest: string } }).config.digest);
    assert.deepEqual(byTag.layers, expectedLayers(amd64, DOCKER_GZIP));

    const byDigest = await source(`${open.host}/app@${digest}`).resolve();
    assert.equal(byDigest.reference, `${open.host}/app@${digest}`);
    assert.equal(byDigest.manifestDigest, digest);
    assert.deepEqual(byDigest.repoTags, []);
    assert.deepEqual(byDigest.repoDigests, [`${open.host}/app@${digest}`]);
  });

  it('picks linux/amd64 from a multi-platform index by default', async () => {
    const indexDigest = sha256(await rawManifest(`${open.host}/multi:1`));
    const resolved = await source(`${open.host}/multi:1`).resolve();
    assert.equal(resolved.indexDigest, indexDigest);
    assert.equal(resolved.manifestDigest, amd64.descriptor.digest);
    assert.deepEqual(resolved.platform, { os: 'linux', architecture: 'amd64', variant: undefined });
    assert.deepEqual(resolved.repoDigests, [`${open.host}/multi@${amd64.descriptor.digest}`]);
  });

  it('picks the platform asked for', async () => {
    const resolved = await source(`${open.host}/multi:1`, { platform: { os: 'linux', architecture: 'arm64' } }).resolve();
    assert.equal(resolved.manifestDigest, arm64.descriptor.digest);
    assert.equal(resolved.configDigest, arm64.manifest.config.digest);
    assert.deepEqual(resolved.platform, { os: 'linux', architecture: 'arm64', variant: 'v8' });
    assert.deepEqual(resolved.layers, expectedLayers(arm64, OCI_GZIP));
  });

  it('says which platforms exist when the one asked for does not', async () => {
    await assert.rejects(
      source(`${open.host}/multi:1`, { platform: { os: 'linux', architecture: 's390x' } }).resolve(),
      failsWith('NOT_FOUND', `${open.host}/multi:1: no image for platform linux/s390x (available: linux/amd64, linux/arm64/v8)`),
    );
    await assert.rejects(
      source(`${open.host}/app:arm-only`, { platform: { os: 'linux', architecture: 'amd64' } }).resolve(),
      failsWith('NOT_FOUND', `${open.host}/app:arm-only: no image for platform linux/amd64 (the image is linux/arm64/v8 only)`),
    );
    // Without an explicit platform, a single-platform image is taken as it is.
    assert.equal((await source(`${open.host}/app:arm-only`).resolve()).platform.architecture, 'arm64');
  });

  it('names the image in registry errors', async () => {
    await assert.rejects(source(`${open.host}/app:nope`).resolve(), failsWith('NOT_FOUND', `${open.host}/app:nope: manifest unknown: tag nope not found in repo app`));
    await assert.rejects(
      source(`${token.host}/team/app:1`).resolve(),
      failsWith(
        'UNAUTHORIZED',
        `${token.host}/team/app:1: unauthorized: authentication required (no credentials were sent; the repository may not exist, or it needs --username/--password or docker login)`,
      ),
    );
    assert.throws(
      () => new RegistrySource('Alpine'),
      failsWith('INVALID_REFERENCE', 'Alpine: invalid image reference "Alpine": repository name must be lowercase ("library/Alpine")'),
    );
  });

  it('refuses artifacts that are not container images', async () => {
    await assert.rejects(
      source(`${open.host}/chart:1`).resolve(),
      failsWith('UNSUPPORTED', `${open.host}/chart:1: not a container image: an artifact of type "${HELM_CONFIG}"`),
    );
  });

  it('finds credentials in the environment and in the Docker config', async () => {
    const fromEnv = await source(`${token.host}/team/app:1`, {
      env: { CUSTOMS_REGISTRY_USERNAME: token.username, CUSTOMS_REGISTRY_PASSWORD: token.password },
    }).resolve();
    assert.equal(fromEnv.manifestDigest, amd64.descriptor.digest);

    const configDir = path.join(work, 'docker-config');
    await mkdir(configDir, { recursive: true });
    await writeFile(
      path.join(configDir, 'config.json'),
      JSON.stringify({ auths: { [`http://${token.host}`]: { auth: Buffer.from(token.creds!).toString('base64') } } }),
    );
    const fromConfig = await source(`${token.host}/team/app:1`, { env: { DOCKER_CONFIG: configDir } }).resolve();
    assert.equal(fromConfig.configDigest, amd64.manifest.config.digest);
    await assert.rejects(
      source(`${token.host}/team/app:1`, { credentials: { username: 'customs', password: 'wrong' } }).resolve(),
      failsWith(
        'UNAUTHORIZED',
        `${token.host}/team/app:1: token server ${token.tokenServer!.realm} rejected the credentials (HTTP 401; credentials for user "customs" from command line were sent)`,
      ),
    );
  });

  it('is what openSource gives for registry references', async () => {
    const opened = await openSource(`docker://${open.host}/app:oci`, { registry: { insecure: true } });
    try {
      assert.ok(opened instanceof RegistrySource);
      assert.equal((await opened.resolve()).manifestDigest, amd64.descriptor.digest);
    } finally {
      await opened.close();
    }
  });
});

describe('RegistrySource.openLayer', () => {
  it('streams each layer blob as stored', async () => {
    const image = source(`${open.host}/app:oci`);
    const resolved = await image.resolve();
    for (const layer of resolved.layers) {
      const content = await image.openLayer(layer);
      assert.equal(content.kind, 'tar');
      if (content.kind !== 'tar') continue;
      const bytes = await readAll(content.stream);
      assert.deepEqual(bytes, await readBlob(layout, layer.digest));
    }
  });

  it('names the image and layer when a blob is missing', async () => {
    const image = source(`${open.host}/app:oci`);
    const resolved = await image.resolve();
    const missing = { ...resolved.layers[0]!, digest: `sha256:${'d'.repeat(64)}` };
    await assert.rejects(
      image.openLayer(missing),
      failsWith('NOT_FOUND', `${open.host}/app:oci: layer ${missing.digest}: blob unknown: ${missing.digest} not found in repo app`),
    );
  });
});

describe('manifests served by a fake registry', () => {
  let proxy: FaultyProxy;

  before(async () => {
    proxy = await startFaultyProxy({ upstream: open.host });
  });
  after(async () => {
    await proxy.close();
  });
  afterEach(() => proxy.reset());

  it('refuses Docker schema 1 manifests', async () => {
    const schema1 = JSON.stringify({
      schemaVersion: 1,
      name: 'app',
      tag: 'old',
      architecture: 'amd64',
      fsLayers: [{ blobSum: `sha256:${'e'.repeat(64)}` }],
      history: [{ v1Compatibility: '{"id":"x"}' }],
      signatures: [{ header: { alg: 'ES256' }, signature: 'sig', protected: 'prot' }],
    });
    proxy.add({
      path: /\/v2\/app\/manifests\/old$/,
      fault: {
        kind: 'status',
        status: 200,
        headers: { 'content-type': 'application/vnd.docker.distribution.manifest.v1+prettyjws', 'docker-content-digest': `sha256:${'f'.repeat(64)}` },
        body: schema1,
      },
    });
    await assert.rejects(
      source(`${proxy.host}/app:old`).resolve(),
      failsWith(
        'UNSUPPORTED',
        `${proxy.host}/app:old: Docker schema 1 manifests are not supported (deprecated since 2017); push the image again with a current client`,
      ),
    );
  });

  it('scans an image end to end, through dropped and stalled connections', async () => {
    const [first, second] = amd64.manifest.layers;
    proxy.add({ path: new RegExp(`/v2/app/blobs/${first!.digest}$`), fault: { kind: 'cut-body', afterBytes: 40 }, times: 1 });
    proxy.add({ path: new RegExp(`/v2/app/blobs/${second!.digest}$`), fault: { kind: 'stall-body', afterBytes: 60 }, times: 1 });
    const image = source(`${proxy.host}/app:oci`, { timeouts: { bodyIdleMs: 150 } });
    const scan = await scanImage(image);
    assert.deepEqual(
      scan.layers.map((layer) => layer.descriptor.diffId),
      amd64.config.rootfs.diff_ids,
    );
    assert.equal(scan.os?.family, 'customs');
    const ranges = proxy.requests.filter((request) => request.url.includes('/blobs/') && request.range !== undefined).map((request) => request.range);
    assert.deepEqual(ranges.sort(), ['bytes=40-', 'bytes=60-']);
  });

  it('names the image and layer when a download fails part-way', async () => {
    const layer = amd64.manifest.layers[1]!;
    proxy.add({ path: new RegExp(`/v2/app/blobs/${layer.digest}$`), fault: { kind: 'stall-body', afterBytes: 10 } });
    const image = source(`${proxy.host}/app:oci`, { timeouts: { bodyIdleMs: 100 } });
    const resolved = await image.resolve();
    const content = await image.openLayer(resolved.layers[1]!);
    assert.ok(content.kind === 'tar');
    await assert.rejects(
      readAll(content.stream),
      failsWith('TIMEOUT', `${proxy.host}/app:oci: layer ${layer.digest}: ${proxy.host} sent nothing for 0.1 s (GET /v2/app/blobs/${layer.digest}) after 20 bytes and 2 attempts`),
    );
  });

  it('downloads a foreign layer from its URL when the registry lacks it, without credentials', async () => {
    const foreign = amd64.manifest.layers[0]!;
    const manifest = {
      ...amd64.manifest,
      layers: amd64.manifest.layers.map((layer, index) =>
        index === 0 ? { ...layer, urls: [`http://${proxy.storageHost}/storage/app/${layer.digest}?X-Signature=s3cr3t`] } : layer,
      ),
    };
    const bytes = Buffer.from(JSON.stringify(manifest));
    proxy.add({ path: /\/v2\/app\/manifests\/foreign$/, fault: { kind: 'status', status: 200, headers: { 'content-type': OCI_MANIFEST }, body: bytes } });
    proxy.add({
      path: new RegExp(`/v2/app/blobs/${foreign.digest}$`),
      fault: { kind: 'status', status: 404, headers: { 'content-type': 'application/json' }, body: '{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown to registry"}]}' },
    });
    const image = source(`${proxy.host}/app:foreign`);
    const resolved = await image.resolve();
    assert.equal(resolved.manifestDigest, `sha256:${createHash('sha256').update(bytes).digest('hex')}`);
    const content = await image.openLayer(resolved.layers[0]!);
    assert.ok(content.kind === 'tar');
    assert.deepEqual(await readAll(content.stream), await readBlob(layout, foreign.digest));
    assert.equal(proxy.storageRequests.length, 1);
    assert.equal(proxy.storageRequests[0]!.authorization, undefined);
  });
});
