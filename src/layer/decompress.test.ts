import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { CustomsError } from '../core/errors.js';
import { AutoDecompress, sniffCompression } from './decompress.js';

/** Deterministic bytes that compress, but not to nothing. */
const payload = Buffer.from(Array.from({ length: 3_000_000 }, (_, i) => ((i * 7) % 251) ^ (i >> 12)));
const zstd = (data: Buffer): Buffer => execFileSync('zstd', ['-q', '-c'], { input: data, maxBuffer: 1 << 30 });

async function decompress(data: Buffer, chunkSize = 65536): Promise<{ bytes: Buffer; compression: string | undefined }> {
  const chunks: Buffer[] = [];
  for (let i = 0; i < data.length; i += chunkSize) chunks.push(data.subarray(i, i + chunkSize));
  const stage = new AutoDecompress();
  const out: Buffer[] = [];
  await pipeline(Readable.from(chunks), stage, async function* (source) {
    for await (const chunk of source) out.push(chunk as Buffer);
  });
  return { bytes: Buffer.concat(out), compression: stage.compression };
}

describe('AutoDecompress', () => {
  it('sniffs formats by magic number', () => {
    assert.equal(sniffCompression(gzipSync(Buffer.from('x'))), 'gzip');
    assert.equal(sniffCompression(zstd(Buffer.from('x'))), 'zstd');
    assert.equal(sniffCompression(Buffer.from('etc/')), 'none');
  });

  for (const [name, encode] of [
    ['gzip', (data: Buffer) => gzipSync(data)],
    ['zstd', zstd],
    ['none', (data: Buffer) => data],
  ] as const) {
    it(`round-trips ${name}, in chunks of any size`, async () => {
      for (const chunkSize of [1, 3, 65536]) {
        const input = chunkSize === 1 ? payload.subarray(0, 20_000) : payload;
        const { bytes, compression } = await decompress(encode(input), chunkSize);
        assert.equal(compression, name);
        assert.ok(bytes.equals(input), `${name} chunk ${chunkSize}`);
      }
    });
  }

  it('passes tiny and empty plain streams through', async () => {
    assert.equal((await decompress(Buffer.alloc(0))).bytes.length, 0);
    assert.equal((await decompress(Buffer.from('ab'))).bytes.toString(), 'ab');
  });

  for (const [name, encode, message] of [
    ['gzip', (data: Buffer) => gzipSync(data), 'corrupt gzip stream: truncated data (unexpected end of file)'],
    ['zstd', zstd, 'corrupt zstd stream: unexpected EOF'],
  ] as const) {
    it(`reports truncated ${name} as CORRUPT_LAYER`, async () => {
      const encoded = encode(payload);
      await assert.rejects(decompress(encoded.subarray(0, encoded.length - 100)), (error: unknown) => {
        assert.ok(error instanceof CustomsError);
        assert.equal(error.code, 'CORRUPT_LAYER');
        assert.equal(error.message, message);
        return true;
      });
    });
  }

  it('reports garbage inside a gzip stream', async () => {
    const encoded = Buffer.from(gzipSync(payload));
    encoded.fill(0x55, 200, 400);
    await assert.rejects(decompress(encoded), (error: unknown) => error instanceof CustomsError && error.code === 'CORRUPT_LAYER' && /corrupt gzip stream/.test(error.message));
  });
});
