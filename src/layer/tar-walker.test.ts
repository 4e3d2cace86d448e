import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { FileAnalyzer } from '../core/analyzer.js';
import { sha256Digest } from '../core/digest.js';
import { CustomsError } from '../core/errors.js';
import type { LayerDescriptor } from '../core/image.js';
import { buildTarLayer, gzip, zstdCompress, type TarEntry } from '../../test/support/oci-writer.js';
import { DEFAULT_LIMITS, type WalkLimits } from './limits.js';
import { walkTarLayer } from './tar-walker.js';

/** Records a sha256 of every file it is given, through both read() and open(). */
const hashingAnalyzer: FileAnalyzer = {
  name: 'test/hash',
  version: 1,
  required: (path) => path.startsWith('app/') || path === 'etc/os-release',
  async analyze(input) {
    const whole = await input.read();
    const streamed = createHash('sha256');
    for await (const chunk of input.open()) streamed.update(chunk as Buffer);
    assert.equal(streamed.digest('hex'), createHash('sha256').update(whole).digest('hex'));
    return [{ kind: 'os-release', source: 'test', fields: { sha256: sha256Digest(whole), size: String(whole.length) } }];
  },
};
const failingAnalyzer: FileAnalyzer = {
  name: 'test/fails',
  version: 1,
  required: (path) => path === 'app/bad',
  analyze: async () => {
    throw new Error('parser exploded');
  },
};

let tempDir: string;
before(async () => {
  tempDir = await mkdtemp(join(tmpdir(), 'customs-walker-test-'));
});
after(async () => {
  await rm(tempDir, { recursive: true, force: true });
});

async function walk(stored: Buffer, uncompressed: Buffer, overrides: { digest?: string; diffId?: string; limits?: Partial<WalkLimits>; analyzers?: FileAnalyzer[] } = {}) {
  const descriptor: LayerDescriptor = {
    index: 1,
    mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
    digest: overrides.digest ?? sha256Digest(stored),
    size: stored.length,
    diffId: overrides.diffId ?? sha256Digest(uncompressed),
  };
  const chunks: Buffer[] = [];
  for (let i = 0; i < stored.length; i += 7000) chunks.push(stored.subarray(i, i + 7000));
  return walkTarLayer(Readable.from(chunks), {
    descriptor,
    verifyStoredDigest: true,
    analyzers: overrides.analyzers ?? [hashingAnalyzer, failingAnalyzer],
    layer: { index: 1, diffId: descriptor.diffId, digest: descriptor.digest },
    limits: { ...DEFAULT_LIMITS, ...overrides.limits },
    tempDir,
  });
}

const longName = `app/${'very-long-directory-name/'.repeat(5)}file-with-a-long-name.txt`;
const big = Buffer.alloc(300_000, 'x');
const entries: TarEntry[] = [
  { path: './', type: 'dir' },
  { path: './etc/', type: 'dir' },
  { path: './etc/os-release', content: 'ID=debian\n' },
  { path: './etc/.wh.removed.conf' },
  { path: './app/', type: 'dir' },
  { path: './app/sub/', type: 'dir' },
  { path: './app/sub/.wh..wh..opq' },
  { path: './app/hello.txt', content: 'hello\n' },
  { path: './app/hard', type: 'link', linkname: './app/hello.txt' },
  { path: './app/link', type: 'symlink', linkname: 'hello.txt' },
  { path: longName, content: 'long\n' },
  { path: './app/big.bin', content: big },
  { path: './app/bad', content: 'x' },
  { path: './usr/local/bin/suid-tool', content: '#!/bin/sh\n', mode: 0o4755 },
  { path: './dev/null', type: 'char', devmajor: 1, devminor: 3, mode: 0o666 },
  { path: './run/fifo', type: 'fifo' },
];

describe('walkTarLayer', () => {
  it('lists every entry with its type, mode and links, records whiteouts, and analyzes what is asked for', async () => {
    const tarBytes = await buildTarLayer(entries);
    const analysis = await walk(gzip(tarBytes), tarBytes, { limits: { inMemoryFileSize: 100_000 } });
    assert.deepEqual(
      analysis.files.map((f) => [f.path, f.type, f.mode.toString(8), f.linkname ?? null]),
      [
        ['etc', 'dir', '755', null],
        ['etc/os-release', 'file', '644', null],
        ['app', 'dir', '755', null],
        ['app/sub', 'dir', '755', null],
        ['app/hello.txt', 'file', '644', null],
        ['app/hard', 'hardlink', '644', 'app/hello.txt'],
        ['app/link', 'symlink', '777', 'hello.txt'],
        [longName, 'file', '644', null],
        ['app/big.bin', 'file', '644', null],
        ['app/bad', 'file', '644', null],
        ['usr/local/bin/suid-tool', 'file', '4755', null],
        ['dev/null', 'char', '666', null],
        ['run/fifo', 'fifo', '644', null],
      ],
    );
    assert.deepEqual(analysis.whiteouts, ['etc/removed.conf']);
    assert.deepEqual(analysis.opaqueDirs, ['app/sub']);
    assert.equal(analysis.uncompressedSize, tarBytes.length);
    const found = Object.fromEntries(analysis.results.map((r) => [r.path, r.result.kind === 'os-release' ? r.result.fields.sha256 : '']));
    assert.deepEqual(found, {
      'etc/os-release': sha256Digest('ID=debian\n'),
      'app/hello.txt': sha256Digest('hello\n'),
      // The hard link gets its target's results: the bytes went past with the target.
      'app/hard': sha256Digest('hello\n'),
      [longName]: sha256Digest('long\n'),
      // Larger than the in-memory size: spilled to disk, same bytes.
      'app/big.bin': sha256Digest(big),
      'app/bad': sha256Digest('x'),
    });
    assert.deepEqual(analysis.analyzerFailures, [{ analyzer: 'test/fails', file: 'app/bad', message: 'parser exploded' }]);
    assert.deepEqual(analysis.warnings, []);
    assert.deepEqual(await readdir(tempDir), [], 'spill files are removed');
  });

  it('hands results that come in at the end of the layer (finishLayer) to hard links too', async () => {
    const seen: string[] = [];
    const late: FileAnalyzer = {
      name: 'test/late',
      version: 1,
      required: (path) => path.startsWith('app/'),
      async analyze(input) {
        seen.push(input.path);
        return [];
      },
      async finishLayer() {
        return seen.map((path) => ({ path, result: { kind: 'os-release' as const, source: 'late', fields: { path } } }));
      },
    };
    const tarBytes = await buildTarLayer([
      { path: 'app/', type: 'dir' },
      { path: 'app/hello.txt', content: 'hello\n' },
      { path: 'app/hard', type: 'link', linkname: 'app/hello.txt' },
    ]);
    const analysis = await walk(gzip(tarBytes), tarBytes, { analyzers: [late] });
    assert.deepEqual(seen, ['app/hello.txt']);
    assert.deepEqual(
      analysis.results.map((r) => [r.analyzer, r.path, r.result.kind === 'os-release' ? r.result.fields.path : '']),
      [
        ['test/late', 'app/hard', 'app/hello.txt'],
        ['test/late', 'app/hello.txt', 'app/hello.txt'],
      ],
    );
  });

  it('reads zstd and uncompressed layers the same way', async () => {
    const tarBytes = await buildTarLayer(entries);
    const fromGzip = await walk(gzip(tarBytes), tarBytes);
    const fromZstd = await walk(await zstdCompress(tarBytes), tarBytes);
    const plain = await walk(tarBytes, tarBytes);
    assert.deepEqual(fromZstd.files, fromGzip.files);
    assert.deepEqual(plain.results, fromGzip.results);
  });

  it('skips files over the per-file limit with a warning', async () => {
    const tarBytes = await buildTarLayer(entries);
    const analysis = await walk(tarBytes, tarBytes, { limits: { maxFileSize: 200_000 } });
    assert.deepEqual(analysis.warnings, [{ file: 'app/big.bin', message: 'skipped: 293.0 KiB is over the per-file limit of 195.3 KiB' }]);
    assert.equal(analysis.results.some((r) => r.path === 'app/big.bin'), false);
    assert.equal(analysis.files.some((f) => f.path === 'app/big.bin'), true);
  });

  const failure = (code: string, message: string) => (error: unknown) => {
    assert.ok(error instanceof CustomsError, String(error));
    assert.equal(error.code, code);
    assert.equal(error.message, message);
    return true;
  };

  it('fails on a stored digest mismatch, and on a diff ID mismatch', async () => {
    const tarBytes = await buildTarLayer(entries);
    const stored = gzip(tarBytes);
    const wrong = `sha256:${'0'.repeat(64)}`;
    await assert.rejects(walk(stored, tarBytes, { digest: wrong }), failure('DIGEST_MISMATCH', `layer digest mismatch: expected ${wrong}, got ${sha256Digest(stored)}`));
    await assert.rejects(
      walk(stored, tarBytes, { diffId: wrong }),
      failure('DIGEST_MISMATCH', `uncompressed layer digest mismatch: expected diff ID ${wrong}, got ${sha256Digest(tarBytes)}`),
    );
  });

  it('fails on truncated and corrupt compressed data', async () => {
    const tarBytes = await buildTarLayer(entries);
    const gzipped = gzip(tarBytes);
    const truncatedGzip = gzipped.subarray(0, gzipped.length / 2);
    await assert.rejects(walk(truncatedGzip, tarBytes), failure('CORRUPT_LAYER', 'corrupt gzip stream: truncated data (unexpected end of file)'));
    const zstdBytes = await zstdCompress(tarBytes);
    await assert.rejects(walk(zstdBytes.subarray(0, zstdBytes.length - 50), tarBytes), failure('CORRUPT_LAYER', 'corrupt zstd stream: unexpected EOF'));
  });

  it('refuses entries that escape the root, and hard links that point outside it', async () => {
    for (const [path, message] of [
      ['../../etc/passwd', 'file ../../etc/passwd: tar entry path escapes the image root'],
      ['/etc/passwd', 'file /etc/passwd: tar entry has an absolute path'],
    ]) {
      const tarBytes = await buildTarLayer([{ path: 'ok.txt', content: 'ok' }, { path: path!, content: 'root::0:0::/:/bin/sh\n' }]);
      await assert.rejects(walk(gzip(tarBytes), tarBytes), failure('UNSAFE_PATH', message!));
    }
    const link = await buildTarLayer([{ path: 'app/evil', type: 'link', linkname: '../../../etc/shadow' }]);
    await assert.rejects(walk(link, link), failure('UNSAFE_PATH', 'file app/evil: hard link target "../../../etc/shadow" escapes the image root'));
  });

  it('stops a decompression bomb at the layer size limit', async () => {
    const tarBytes = await buildTarLayer([{ path: 'zeros', content: Buffer.alloc(20 * 1024 * 1024) }]);
    const bomb = gzip(tarBytes);
    assert.ok(bomb.length < 100_000);
    await assert.rejects(walk(bomb, tarBytes, { limits: { maxLayerSize: 1024 * 1024 } }), failure('LAYER_TOO_LARGE', 'uncompressed layer is over the limit of 1.0 MiB'));
  });

  it('reports garbage that is not a tar', async () => {
    const garbage = Buffer.alloc(4096, 0x41);
    await assert.rejects(walk(garbage, garbage), (error: unknown) => error instanceof CustomsError && error.code === 'CORRUPT_LAYER' && /^invalid tar stream: /.test(error.message));
  });
});
