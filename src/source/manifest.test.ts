import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CustomsError } from '../core/errors.js';
import { MEDIA_TYPES, parseManifest, selectPlatform, type Descriptor } from './manifest.js';

const digest = (c: string): string => `sha256:${c.repeat(64)}`;
const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
const image = (overrides: Record<string, unknown> = {}) => ({
  schemaVersion: 2,
  mediaType: MEDIA_TYPES.ociManifest,
  config: { mediaType: MEDIA_TYPES.ociConfig, digest: digest('a'), size: 10 },
  layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: digest('b'), size: 20 }],
  ...overrides,
});
const failsWith = (code: string, message: RegExp) => (error: unknown) => {
  assert.ok(error instanceof CustomsError);
  assert.equal(error.code, code);
  assert.match(error.message, message);
  return true;
};

describe('parseManifest', () => {
  it('reads OCI and Docker manifests and indexes, trusting the document over the content type', () => {
    const oci = parseManifest(json(image()), 'application/json');
    assert.equal(oci.kind, 'manifest');
    const docker = parseManifest(
      json(image({ mediaType: MEDIA_TYPES.dockerManifest, config: { mediaType: MEDIA_TYPES.dockerConfig, digest: digest('a'), size: 1 }, layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: digest('c'), size: 1 }] })),
      undefined,
    );
    assert.equal(docker.kind === 'manifest' && docker.mediaType, MEDIA_TYPES.dockerManifest);
    const index = parseManifest(json({ schemaVersion: 2, manifests: [{ mediaType: MEDIA_TYPES.ociManifest, digest: digest('d'), size: 5, platform: { os: 'linux', architecture: 'amd64' } }] }), MEDIA_TYPES.ociIndex);
    assert.equal(index.kind, 'index');
    const list = parseManifest(json({ schemaVersion: 2, mediaType: MEDIA_TYPES.dockerManifestList, manifests: [] }), undefined);
    assert.equal(list.kind === 'index' && list.mediaType, MEDIA_TYPES.dockerManifestList);
  });

  it('refuses schema 1, artifacts, foreign layer types and malformed documents clearly', () => {
    assert.throws(() => parseManifest(json({ schemaVersion: 1, name: 'x', fsLayers: [] }), MEDIA_TYPES.dockerSchema1Signed), failsWith('UNSUPPORTED', /Docker schema 1 manifests are not supported/));
    assert.throws(
      () => parseManifest(json(image({ config: { mediaType: 'application/vnd.cncf.helm.config.v1+json', digest: digest('a'), size: 1 } })), undefined),
      failsWith('UNSUPPORTED', /^not a container image: an artifact of type "application\/vnd.cncf.helm.config.v1\+json"$/),
    );
    assert.throws(
      () => parseManifest(json(image({ artifactType: 'application/vnd.example.sbom', config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: digest('a'), size: 2 } })), undefined),
      failsWith('UNSUPPORTED', /artifact of type "application\/vnd.example.sbom"/),
    );
    assert.throws(
      () => parseManifest(json(image({ layers: [{ mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', digest: digest('b'), size: 1 }] })), undefined),
      failsWith('UNSUPPORTED', /layer sha256:b+ has media type "application\/vnd.cncf.helm.chart.content.v1.tar\+gzip"/),
    );
    assert.throws(() => parseManifest(Buffer.from('{not json'), undefined), failsWith('INVALID_MANIFEST', /not valid JSON/));
    assert.throws(() => parseManifest(json(image({ layers: 'nope' })), undefined), failsWith('INVALID_MANIFEST', /invalid image manifest: layers/));
  });
});

describe('selectPlatform', () => {
  const entry = (architecture: string, variant?: string, mediaType: string = MEDIA_TYPES.ociManifest): Descriptor => ({
    mediaType,
    digest: digest({ amd64: '1', arm64: '2', arm: '3' }[architecture] ?? '0'),
    size: 1,
    platform: { os: 'linux', architecture, ...(variant ? { variant } : {}) },
  });
  const attestation: Descriptor = { mediaType: MEDIA_TYPES.ociManifest, digest: digest('e'), size: 1, platform: { os: 'unknown', architecture: 'unknown' } };
  const manifests = [attestation, entry('amd64'), entry('arm64', 'v8'), entry('arm', 'v7')];

  it('picks by os, architecture and variant (arm64 defaults to v8)', () => {
    assert.equal(selectPlatform(manifests, { os: 'linux', architecture: 'amd64' }).digest, digest('1'));
    assert.equal(selectPlatform(manifests, { os: 'linux', architecture: 'arm64' }).digest, digest('2'));
    assert.equal(selectPlatform([entry('arm64')], { os: 'linux', architecture: 'arm64', variant: 'v8' }).digest, digest('2'));
    assert.equal(selectPlatform(manifests, { os: 'linux', architecture: 'arm', variant: 'v7' }).digest, digest('3'));
    // An index entry that is itself an index is never taken for an image.
    assert.throws(() => selectPlatform([entry('amd64', undefined, MEDIA_TYPES.ociIndex)], { os: 'linux', architecture: 'amd64' }), failsWith('NOT_FOUND', /linux\/amd64/));
  });

  it('says which platforms exist when the wanted one does not', () => {
    assert.throws(
      () => selectPlatform(manifests, { os: 'linux', architecture: 's390x' }),
      failsWith('NOT_FOUND', /^no image for platform linux\/s390x \(available: linux\/amd64, linux\/arm64\/v8, linux\/arm\/v7\)$/),
    );
    assert.throws(() => selectPlatform(manifests, { os: 'linux', architecture: 'arm', variant: 'v6' }), failsWith('NOT_FOUND', /linux\/arm\/v6/));
  });
});
