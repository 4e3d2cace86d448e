import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import tar from 'tar-stream';
import { DigestVerifier } from '../core/digest.js';
import { CustomsError } from '../core/errors.js';
import type { FileInfo, FileType } from '../core/files.js';
import type { LayerDescriptor } from '../core/image.js';
import type { LayerAnalysis } from './analysis.js';
import { LayerCollector, type CollectorOptions } from './collector.js';
import { AutoDecompress } from './decompress.js';
import { ByteLimit, formatBytes } from './limits.js';
import { normalizeEntryPath } from './paths.js';

export interface TarWalkOptions extends CollectorOptions {
  descriptor: LayerDescriptor;
  /** Verify the stored bytes against descriptor.digest (false where the source has no such digest). */
  verifyStoredDigest: boolean;
  /** Called with the number of stored bytes read so far. */
  onProgress?: ((bytesRead: number) => void) | undefined;
}

const TAR_TYPES: Partial<Record<NonNullable<tar.Header['type']>, FileType>> = {
  file: 'file',
  'contiguous-file': 'file',
  link: 'hardlink',
  symlink: 'symlink',
  directory: 'dir',
  'character-device': 'char',
  'block-device': 'block',
  fifo: 'fifo',
};

/**
 * Walk one layer as stored: verify its digest, decompress, verify the diff ID and hand each
 * entry to the collector, all in one streaming pass. Only what analyzers ask for is held in
 * memory; the result is trusted only once both digests have been checked at the end.
 */
export async function walkTarLayer(stored: Readable, options: TarWalkOptions): Promise<LayerAnalysis> {
  const { descriptor, limits } = options;
  const collector = new LayerCollector(options);
  const stages: NodeJS.ReadWriteStream[] = [];
  if (options.verifyStoredDigest) {
    stages.push(
      new DigestVerifier(descriptor.digest, (actual) =>
        new CustomsError('DIGEST_MISMATCH', `layer digest mismatch: expected ${descriptor.digest}, got ${actual}`),
      ),
    );
  }
  let storedBytes = 0;
  const decompress = new AutoDecompress();
  const uncompressed = new ByteLimit(limits.maxLayerSize, (limit) =>
    new CustomsError('LAYER_TOO_LARGE', `uncompressed layer is over the limit of ${formatBytes(limit)}`),
  );
  const diffIdCheck = new DigestVerifier(descriptor.diffId, (actual) =>
    new CustomsError('DIGEST_MISMATCH', `uncompressed layer digest mismatch: expected diff ID ${descriptor.diffId}, got ${actual}`),
  );
  stored.on('data', (chunk: Buffer) => {
    storedBytes += chunk.length;
    options.onProgress?.(storedBytes);
  });

  const extract = tar.extract();
  const verified = new Promise<void>((resolve, reject) => {
    pipeline([stored, ...stages, decompress, uncompressed, diffIdCheck] as unknown as [Readable, ...NodeJS.ReadWriteStream[]], (error) => {
      if (error) {
        extract.destroy(error);
        reject(error);
      } else resolve();
    });
  });
  verified.catch(() => {});
  diffIdCheck.pipe(extract);
  const onAbort = (): void => {
    stored.destroy(options.signal?.reason instanceof Error ? options.signal.reason : new Error('aborted'));
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    for await (const entry of extract) {
      const info = toFileInfo(entry.header);
      if (!info) {
        entry.resume();
        continue;
      }
      // tar-stream entries yield Buffers; its typings say unknown.
      await collector.add(info, { kind: 'stream', stream: entry as AsyncIterable<Buffer> });
    }
    await verified;
  } catch (error) {
    stored.destroy();
    throw classify(error);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  collector.uncompressedSize = uncompressed.bytes;
  return collector.finish();
}

function toFileInfo(header: tar.Header): FileInfo | undefined {
  const type = header.type ? TAR_TYPES[header.type] : undefined;
  if (!type) return undefined;
  const path = normalizeEntryPath(header.name);
  if (path === '') return undefined;
  const info: FileInfo = {
    path,
    type,
    mode: (header.mode ?? 0) & 0o7777,
    size: type === 'file' ? (header.size ?? 0) : 0,
    uid: header.uid ?? 0,
    gid: header.gid ?? 0,
  };
  // Only links carry a linkname, so cached (JSON) and fresh analyses compare equal.
  if (type === 'symlink' && header.linkname) info.linkname = header.linkname;
  if (type === 'hardlink' && header.linkname) info.linkname = hardlinkTarget(header.linkname, path);
  return info;
}

function hardlinkTarget(linkname: string, path: string): string {
  try {
    return normalizeEntryPath(linkname);
  } catch (error) {
    throw new CustomsError('UNSAFE_PATH', `hard link target "${linkname}" escapes the image root`, { file: path }, { cause: error });
  }
}

function classify(error: unknown): CustomsError {
  if (error instanceof CustomsError) return error;
  const message = error instanceof Error ? error.message : String(error);
  // tar-stream reports malformed archives as plain errors ("Invalid tar header", "Unexpected end of data").
  return new CustomsError('CORRUPT_LAYER', `invalid tar stream: ${message}`, {}, { cause: error });
}
