import { Transform, type TransformCallback } from 'node:stream';
import { CustomsError } from '../core/errors.js';

export interface WalkLimits {
  /** Files larger than this are listed but not handed to analyzers (a warning says so). */
  maxFileSize: number;
  /** Files up to this size are read into memory once and shared by analyzers; larger ones spill to a temp file. */
  inMemoryFileSize: number;
  /** An uncompressed layer larger than this is refused: the guard against decompression bombs. */
  maxLayerSize: number;
}

export const DEFAULT_LIMITS: WalkLimits = {
  maxFileSize: 256 * 1024 * 1024,
  inMemoryFileSize: 8 * 1024 * 1024,
  maxLayerSize: 16 * 1024 * 1024 * 1024,
};

/** Fails the stream once more than `limit` bytes have passed. */
export class ByteLimit extends Transform {
  bytes = 0;
  constructor(
    private readonly limit: number,
    private readonly describe: (limit: number) => CustomsError,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) {
      callback(this.describe(this.limit));
      return;
    }
    callback(null, chunk);
  }
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}
