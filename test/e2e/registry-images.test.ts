import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ScanReport } from '../../src/report/model.js';
import { runCli } from '../support/cli.js';
import { ensureFixtures, type Fixtures } from '../support/fixtures.js';
import { pushWithSkopeo, rawManifest, sha256, startRegistry, type TestRegistry } from '../support/registry.js';

let fixtures: Fixtures;
let open: TestRegistry;
let token: TestRegistry;
let work: string;

before(async () => {
  fixtures = await ensureFixtures();
  work = await mkdtemp(join(tmpdir(), 'customs-e2e-registry-'));
  [open, token] = await Promise.all([startRegistry({ auth: 'none' }), startRegistry({ auth: 'token' })]);
  const { layout, tag } = fixtures.debianLayered;
  await Promise.all([
    pushWithSkopeo(`oci:${layout}:${tag}`, `${open.host}/customs/debian:layered`, { format: 'oci' }),
    pushWithSkopeo(`oci:${layout}:${tag}`, `${open.host}/customs/debian:v2s2`, { format: 'v2s2' }),
    pushWithSkopeo(`oci:${fixtures.debianMultiarch.layout}:${fixtures.debianMultiarch.tag}`, `${open.host}/customs/multi:1`, { all: true }),
    pushWithSkopeo(`oci:${layout}:${tag}`, `${token.host}/private/debian:layered`, { format: 'oci', creds: token.creds }),
  ]);
});
after(async () => {
  await Promise.all([open?.stop(), token?.stop()]);
  await rm(work, { recursive: true, force: true });
});

async function scanJson(args: string[]): Promise<ScanReport> {
  // These tests are about registries; vulnerability matching has its own tests with a database.
  const result = await runCli(['scan', ...args, '--scanners', 'secret,baseline,history', '--format', 'json']);
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as ScanReport;
}

describe('customs scan of registry images (real docker-registry)', () => {
  it('scans an OCI image by tag and by digest, with exact digests; the cache is shared with other sources', async () => {
    const { image, layout, tag } = fixtures.debianLayered;
    const cacheDir = join(work, 'cache');
    const byTag = await scanJson([`${open.host}/customs/debian:layered`, '--insecure', '--cache-dir', cacheDir]);
    assert.equal(byTag.image.reference, `${open.host}/customs/debian:layered`);
    assert.equal(byTag.image.sourceKind, 'registry');
    assert.equal(byTag.image.manifestDigest, image.manifestDigest);
    assert.equal(byTag.image.configDigest, image.configDigest);
    assert.deepEqual(byTag.image.repoDigests, [`${open.host}/customs/debian@${image.manifestDigest}`]);
    assert.deepEqual(byTag.layers.map((l) => [l.digest, l.diffId, l.size, l.cached]), image.layers.map((l) => [l.digest, l.diffId, l.size, false]));
    assert.equal(byTag.image.fileCount, fixtures.debianLayered.finalFiles.length);
    assert.equal(byTag.os?.family, 'debian');

    const byDigest = await scanJson([`${open.host}/customs/debian@${image.manifestDigest}`, '--insecure', '--cache-dir', cacheDir]);
    assert.deepEqual(byDigest.layers.map((l) => l.cached), image.layers.map(() => true));
    // The same layers from a local layout hit the same cache entries: the key is the diff ID.
    const local = await scanJson([`oci:${layout}:${tag}`, '--cache-dir', cacheDir]);
    assert.deepEqual(local.layers.map((l) => l.cached), image.layers.map(() => true));
    assert.equal(local.image.fileCount, byTag.image.fileCount);
  });

  it('scans a Docker schema 2 image: same config and layers, its own manifest digest', async () => {
    const { image } = fixtures.debianLayered;
    const report = await scanJson([`${open.host}/customs/debian:v2s2`, '--insecure', '--no-cache']);
    const manifest = await rawManifest(`${open.host}/customs/debian:v2s2`);
    assert.equal(report.image.manifestDigest, sha256(manifest));
    assert.equal(report.image.manifestMediaType, 'application/vnd.docker.distribution.manifest.v2+json');
    assert.equal(report.image.configDigest, image.configDigest);
    assert.deepEqual(report.layers.map((l) => l.diffId), image.layers.map((l) => l.diffId));
    assert.deepEqual(report.layers.map((l) => l.mediaType), image.layers.map(() => 'application/vnd.docker.image.rootfs.diff.tar.gzip'));
  });

  it('picks the platform from a multi-platform index', async () => {
    const multi = fixtures.debianMultiarch;
    const amd64 = await scanJson([`${open.host}/customs/multi:1`, '--insecure', '--no-cache']);
    assert.equal(amd64.image.platform, 'linux/amd64');
    assert.equal(amd64.image.manifestDigest, multi.manifests[0]!.manifestDigest);
    assert.equal(amd64.image.indexDigest, multi.indexDigest);
    const arm64 = await scanJson([`${open.host}/customs/multi:1`, '--insecure', '--no-cache', '--platform', 'linux/arm64']);
    assert.equal(arm64.image.platform, 'linux/arm64/v8');
    assert.equal(arm64.image.manifestDigest, multi.manifests[1]!.manifestDigest);
    const missing = await runCli(['scan', `${open.host}/customs/multi:1`, '--scanners', 'baseline', '--insecure', '--platform', 'linux/riscv64']);
    assert.equal(missing.status, 1);
    assert.equal(missing.stderr, `customs: error: ${open.host}/customs/multi:1: no image for platform linux/riscv64 (available: linux/amd64, linux/arm64/v8)\n`);
  });

  it('uses bearer-token auth with credentials from flags or the environment, and says when they are missing', async () => {
    const { image } = fixtures.debianLayered;
    const reference = `${token.host}/private/debian:layered`;
    const withFlags = await scanJson([reference, '--insecure', '--no-cache', '--username', token.username!, '--password', token.password!]);
    assert.equal(withFlags.image.manifestDigest, image.manifestDigest);
    const fromEnv = await runCli(['scan', reference, '--scanners', 'baseline', '--insecure', '--no-cache', '--format', 'json'], {
      CUSTOMS_REGISTRY_USERNAME: token.username!,
      CUSTOMS_REGISTRY_PASSWORD: token.password!,
    });
    assert.equal(fromEnv.status, 0, fromEnv.stderr);
    const anonymous = await runCli(['scan', reference, '--scanners', 'baseline', '--insecure', '--no-cache'], { DOCKER_CONFIG: work });
    assert.equal(anonymous.status, 1);
    assert.match(anonymous.stderr, new RegExp(`^customs: error: ${reference}: .*(401|unauthorized|UNAUTHORIZED|credentials)`, 'i'));
    const wrong = await runCli(['scan', reference, '--scanners', 'baseline', '--insecure', '--no-cache', '--username', token.username!, '--password', 'wrong'], { DOCKER_CONFIG: work });
    assert.equal(wrong.status, 1);
    assert.match(wrong.stderr, /^customs: error: .*/);
  });

  it('fails clearly on an unknown tag and an unknown repository', async () => {
    const tagMissing = await runCli(['scan', `${open.host}/customs/debian:nope`, '--scanners', 'baseline', '--insecure']);
    assert.equal(tagMissing.status, 1);
    assert.match(tagMissing.stderr, new RegExp(`^customs: error: ${open.host}/customs/debian:nope: .*not found`));
    const repoMissing = await runCli(['scan', `${open.host}/nobody/here:1`, '--scanners', 'baseline', '--insecure']);
    assert.equal(repoMissing.status, 1);
    assert.match(repoMissing.stderr, new RegExp(`^customs: error: ${open.host}/nobody/here:1: `));
  });
});
