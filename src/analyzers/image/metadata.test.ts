import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ImageConfigFileSchema } from '../../core/image.js';
import { imageMetadataAnalyzer } from './metadata.js';

const layers = [
  { index: 0, diffId: 'sha256:aa', digest: 'sha256:a1' },
  { index: 1, diffId: 'sha256:bb', digest: 'sha256:b1' },
];

describe('image metadata', () => {
  it('reads the runtime config and pairs history steps with layers', () => {
    const config = ImageConfigFileSchema.parse({
      architecture: 'amd64',
      os: 'linux',
      created: '2024-01-01T00:00:00Z',
      config: {
        User: '1000:1000',
        Env: ['PATH=/usr/bin', 'EMPTY=', 'FLAG'],
        Entrypoint: ['/bin/sh', '-c'],
        Cmd: ['echo hello'],
        WorkingDir: '/app',
        ExposedPorts: { '8080/tcp': {}, '53/udp': {} },
        Labels: { a: 'b' },
        Healthcheck: { Test: ['CMD-SHELL', 'true'], Interval: 30_000_000_000, Retries: 3 },
      },
      rootfs: { type: 'layers', diff_ids: ['sha256:aa', 'sha256:bb'] },
      history: [{ created_by: 'ADD rootfs /' }, { created_by: 'ENV X=1', empty_layer: true }, { created_by: 'RUN make' }],
    });
    const metadata = imageMetadataAnalyzer.analyze({ config, layers });
    assert.equal(metadata.user, '1000:1000');
    assert.deepEqual(metadata.env, [
      { name: 'PATH', value: '/usr/bin' },
      { name: 'EMPTY', value: '' },
      { name: 'FLAG', value: '' },
    ]);
    assert.deepEqual(metadata.exposedPorts, ['53/udp', '8080/tcp']);
    assert.deepEqual(metadata.healthcheck, { test: ['CMD-SHELL', 'true'], intervalSeconds: 30, timeoutSeconds: undefined, startPeriodSeconds: undefined, retries: 3 });
    assert.deepEqual(
      metadata.history.map((step) => [step.index, step.createdBy, step.emptyLayer, step.layerIndex, step.diffId]),
      [
        [0, 'ADD rootfs /', false, 0, 'sha256:aa'],
        [1, 'ENV X=1', true, undefined, undefined],
        [2, 'RUN make', false, 1, 'sha256:bb'],
      ],
    );
  });

  it('does not guess layer pairing when history and layers disagree, and tolerates null fields', () => {
    const config = ImageConfigFileSchema.parse({
      architecture: 'arm64',
      os: 'linux',
      config: { User: null, Env: null, Cmd: null, Labels: null },
      rootfs: { type: 'layers', diff_ids: ['sha256:aa', 'sha256:bb'] },
      history: [{ created_by: 'only one step' }],
    });
    const metadata = imageMetadataAnalyzer.analyze({ config, layers });
    assert.equal(metadata.user, '');
    assert.deepEqual(metadata.env, []);
    assert.equal(metadata.healthcheck, undefined);
    assert.equal(metadata.history[0]?.layerIndex, undefined);
  });
});
