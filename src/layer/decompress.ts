import { Transform, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Decompress as ZstdDecompress } from 'fzstd';
import { CustomsError } from '../core/errors.js';

export type Compression = 'gzip' | 'zstd' | 'none';

const GZIP_MAGIC = [0x1f, 0x8b];
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

/**
 * Layers are decompressed by what their bytes are, not what the media type claims:
 * docker-archive layers carry no media type and registries have served gzip as "tar".
 */
export function sniffCompression(head: Uint8Array): Compression {
  if (GZIP_MAGIC.every((byte, i) => head[i] === byte)) return 'gzip';
  if (ZSTD_MAGIC.every((byte, i) => head[i] === byte)) return 'zstd';
  return 'none';
}

/** A stream that detects the compression from the first bytes and decompresses accordingly. */
export class AutoDecompress extends Transform {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private inner: Transform | undefined;
  compression: Compression | undefined;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.inner) {
      this.writeInner(chunk, callback);
      return;
    }
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes < ZSTD_MAGIC.length) {
      callback();
      return;
    }
    this.start();
    const head = Buffer.concat(this.pending);
    this.pending = [];
    this.writeInner(head, callback);
  }

  override _flush(callback: TransformCallback): void {
    if (!this.inner) {
      // Fewer bytes than a magic number: only an (empty or tiny) plain tar is possible.
      this.start();
      const head = Buffer.concat(this.pending);
      this.pending = [];
      if (head.length > 0) this.inner!.write(head);
    }
    const inner = this.inner!;
    inner.once('error', callback);
    inner.once('end', () => callback());
    inner.end();
  }

  private start(): void {
    this.compression = sniffCompression(Buffer.concat(this.pending));
    this.inner = createDecompressor(this.compression);
    this.inner.on('data', (data: Buffer) => {
      if (!this.push(data)) {
        this.inner!.pause();
      }
    });
    this.inner.on('error', (error) => this.destroy(error));
  }

  override _read(size: number): void {
    this.inner?.resume();
    super._read(size);
  }

  private writeInner(chunk: Buffer, callback: TransformCallback): void {
    if (this.inner!.write(chunk)) callback();
    else this.inner!.once('drain', () => callback());
  }
}

export function createDecompressor(compression: Compression): Transform {
  switch (compression) {
    case 'gzip':
      return wrapErrors(createGunzip({ chunkSize: 64 * 1024 }), 'gzip');
    case 'zstd':
      return new ZstdTransform();
    case 'none':
      return new Transform({ transform: (chunk, _encoding, callback) => callback(null, chunk) });
  }
}

function wrapErrors(stream: Transform, what: string): Transform {
  const original = stream.destroy.bind(stream);
  stream.destroy = (error?: Error) => original(error ? corrupt(what, error) : error);
  return stream;
}

function corrupt(what: string, error: Error): CustomsError {
  if (error instanceof CustomsError) return error;
  const reason = error.message === 'unexpected end of file' ? 'truncated data (unexpected end of file)' : error.message;
  return new CustomsError('CORRUPT_LAYER', `corrupt ${what} stream: ${reason}`, {}, { cause: error });
}

/** fzstd's push-based decoder as a Node stream; it detects truncation when told the input ended. */
class ZstdTransform extends Transform {
  private readonly decoder: ZstdDecompress;
  private sawData = false;

  constructor() {
    super();
    this.decoder = new ZstdDecompress((data) => {
      if (data.length > 0) this.push(Buffer.from(data.buffer, data.byteOffset, data.length));
    });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.sawData = true;
      this.decoder.push(chunk);
      callback();
    } catch (error) {
      callback(corrupt('zstd', error as Error));
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      if (this.sawData) this.decoder.push(new Uint8Array(0), true);
      callback();
    } catch (error) {
      callback(corrupt('zstd', error as Error));
    }
  }
}
