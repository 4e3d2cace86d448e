import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { CustomsError } from './errors.js';

const DIGEST_PATTERN = /^(sha256|sha384|sha512):([a-f0-9]+)$/;
const HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

export interface ParsedDigest {
  algorithm: 'sha256' | 'sha384' | 'sha512';
  hex: string;
}

export function parseDigest(digest: string): ParsedDigest {
  const match = DIGEST_PATTERN.exec(digest);
  const algorithm = match?.[1] as ParsedDigest['algorithm'] | undefined;
  const hex = match?.[2];
  if (!algorithm || !hex || hex.length !== HEX_LENGTH[algorithm]) {
    throw new CustomsError('INVALID_INPUT', `invalid digest "${digest}"`);
  }
  return { algorithm, hex };
}

export function isDigest(value: string): boolean {
  const match = DIGEST_PATTERN.exec(value);
  return match !== null && match[2]?.length === HEX_LENGTH[match[1] ?? ''];
}

export function sha256Digest(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export function digestOf(data: Buffer | string, algorithm: ParsedDigest['algorithm']): string {
  return `${algorithm}:${createHash(algorithm).update(data).digest('hex')}`;
}

/**
 * A pass-through stream that hashes what flows through it and, at the end, fails the stream
 * when the result differs from the expected digest. Placing it in a pipeline means no byte is
 * trusted before the whole blob is verified, and nothing is buffered.
 */
export class DigestVerifier extends Transform {
  private readonly hash: Hash;
  private readonly expected: string;
  private readonly describe: (actual: string) => CustomsError;
  bytes = 0;

  constructor(expected: string, describe: (actual: string) => CustomsError) {
    super();
    const { algorithm } = parseDigest(expected);
    this.hash = createHash(algorithm);
    this.expected = expected;
    this.describe = describe;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    const { algorithm } = parseDigest(this.expected);
    const actual = `${algorithm}:${this.hash.digest('hex')}`;
    callback(actual === this.expected ? null : this.describe(actual));
  }
}
