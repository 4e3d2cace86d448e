import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResolvedImage } from '../core/image.js';
import { documentUuid, imagePurl, imageVersion, uniqueKeys } from './identity.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const CONFIG = `sha256:${'cd'.repeat(32)}`;
const image = (overrides: Partial<ResolvedImage>): ResolvedImage => ({
  reference: 'docker.io/library/debian:12',
  sourceKind: 'registry',
  platform: { os: 'linux', architecture: 'amd64' },
  config: { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } },
  layers: [],
  repoTags: [],
  repoDigests: [],
  ...overrides,
});

describe('imagePurl', () => {
  it('registry image: last repository segment, digest, repository_url and tag (purl-spec oci)', () => {
    assert.equal(imagePurl(image({ manifestDigest: DIGEST })), `pkg:oci/debian@sha256:${'ab'.repeat(32)}?arch=amd64&repository_url=docker.io%2Flibrary%2Fdebian&tag=12`);
  });
  it('digest reference without a tag', () => {
    const purl = imagePurl(image({ reference: `127.0.0.1:5000/team/app@${DIGEST}`, manifestDigest: DIGEST }));
    assert.equal(purl, `pkg:oci/app@sha256:${'ab'.repeat(32)}?arch=amd64&repository_url=127.0.0.1%3A5000%2Fteam%2Fapp`);
  });
  it('OCI layout: the directory names it, the ref is the tag, there is no repository', () => {
    const purl = imagePurl(image({ reference: 'oci:/srv/images/My-App:1.2', sourceKind: 'oci-layout', manifestDigest: DIGEST }));
    assert.equal(purl, `pkg:oci/my-app@sha256:${'ab'.repeat(32)}?arch=amd64&tag=1.2`);
  });
  it('docker-archive without a manifest digest: a RepoDigests entry, else no purl (a config digest cannot be pulled)', () => {
    const archive = { reference: 'docker.io/library/debian:12', sourceKind: 'docker-archive' as const, configDigest: CONFIG };
    assert.equal(imagePurl(image(archive)), undefined);
    assert.equal(imagePurl(image({ ...archive, repoDigests: [`debian@${DIGEST}`] })), `pkg:oci/debian@sha256:${'ab'.repeat(32)}?arch=amd64&repository_url=docker.io%2Flibrary%2Fdebian&tag=12`);
    assert.equal(imageVersion(image(archive)), CONFIG);
  });
  it('root filesystem: no digest, no purl, no version', () => {
    const rootfs = image({ reference: '/srv/rootfs', sourceKind: 'rootfs', platform: { os: 'linux', architecture: '' } });
    assert.equal(imagePurl(rootfs), undefined);
    assert.equal(imageVersion(rootfs), undefined);
  });
});

describe('uniqueKeys', () => {
  it('keeps unique bases, qualifies shared ones, counts true duplicates', () => {
    const items = [
      { base: 'a', where: 'x' },
      { base: 'b', where: 'x' },
      { base: 'b', where: 'y' },
      { base: 'b', where: 'y' },
    ];
    assert.deepEqual(
      uniqueKeys(items, (item) => item.base, (base, item) => `${base}|${item.where}`),
      ['a', 'b|x', 'b|y', 'b|y-2'],
    );
  });
});

describe('documentUuid', () => {
  it('takes a given UUID (lowercased), rejects anything else, makes a fresh v4 otherwise', () => {
    assert.equal(documentUuid('3F2B8C1E-5D4A-4B6F-9A7E-2C1D0E9F8A7B'), '3f2b8c1e-5d4a-4b6f-9a7e-2c1d0e9f8a7b');
    assert.throws(() => documentUuid('not-a-uuid'), /not a UUID/);
    const fresh = documentUuid(undefined);
    assert.match(fresh, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.notEqual(fresh, documentUuid(undefined));
  });
});
