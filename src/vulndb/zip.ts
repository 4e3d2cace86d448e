/**
 * Reading the many small entries of an OSV export zip (osv.dev's npm `all.zip` holds ~200,000).
 *
 * yauzl parses the central directory (ZIP64, name decoding, validation), through a reader that
 * serves its many small reads from 1 MiB blocks instead of one read per record. Entry data is read
 * here with one positional read per entry (local header and data together), inflated synchronously,
 * and checked against the central directory's size and CRC-32: yauzl's per-entry stream pipeline
 * (a file stream, an inflate stream and two checking streams per entry) costs more than the parse.
 * Reads run ahead of the consumer, so I/O overlaps with parsing.
 */
import { close as closeFd, createReadStream, fstat, open as openFd, read as readFd } from 'node:fs';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import yauzl from 'yauzl';

const BLOCK_SIZE = 1 << 20;
const CACHED_BLOCKS = 4;
/** Bytes read past a local header's name and central extra field in the hope the data follows. */
const HEADER_SLACK = 256;
const LOCAL_HEADER_SIGNATURE = 0x04034b50;

// zlib.crc32 arrived in Node 20.15 / 22.2; without it, sizes are still checked.
const crc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;

export type ZipEntryContent =
  | { name: string; size: number; data: Buffer }
  | { name: string; size: number; skipped: 'directory' | 'excluded' | 'too-large' }
  | { name: string; size: number; error: string };

/** The zip itself could not be read further (its central directory is damaged). */
export class ZipError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ZipError';
  }
}

export interface ZipEntries {
  entryCount: number;
  /** The entries in central-directory order with their content; throws ZipError when the directory breaks off. */
  entries(): AsyncGenerator<ZipEntryContent>;
  close(): void;
}

export interface ZipOptions {
  /** Entries whose name this rejects are not read. */
  include: (name: string) => boolean;
  /** Entries larger than this (as declared, or when inflated) are not read. */
  maxEntryBytes: number;
  /** Entries being read ahead of the consumer (default 16). */
  readAhead?: number;
}

function readAt(fd: number, buffer: Buffer, position: number): Promise<number> {
  return new Promise((resolve, reject) => {
    readFd(fd, buffer, 0, buffer.length, position, (error, bytesRead) => (error ? reject(error) : resolve(bytesRead)));
  });
}

/** Serves yauzl's reads from a few cached 1 MiB blocks (its central-directory reads are small and sequential). */
class BlockReader extends yauzl.RandomAccessReader {
  private readonly blocks = new Map<number, Promise<Buffer>>();

  constructor(
    readonly fd: number,
    readonly size: number,
  ) {
    super();
  }

  private block(index: number): Promise<Buffer> {
    let block = this.blocks.get(index);
    if (!block) {
      const buffer = Buffer.allocUnsafe(Math.max(0, Math.min(BLOCK_SIZE, this.size - index * BLOCK_SIZE)));
      block = readAt(this.fd, buffer, index * BLOCK_SIZE).then((bytesRead) => buffer.subarray(0, bytesRead));
      this.blocks.set(index, block);
      if (this.blocks.size > CACHED_BLOCKS) this.blocks.delete(this.blocks.keys().next().value!);
    }
    return block;
  }

  override read(buffer: Buffer, offset: number, length: number, position: number, callback: (error: Error | null) => void): void {
    const copy = async (): Promise<void> => {
      let done = 0;
      while (done < length) {
        const at = position + done;
        const index = Math.floor(at / BLOCK_SIZE);
        const block = await this.block(index);
        const within = at - index * BLOCK_SIZE;
        if (within >= block.length) throw new Error('unexpected end of the zip file');
        const count = Math.min(length - done, block.length - within);
        block.copy(buffer, offset + done, within, within + count);
        done += count;
      }
    };
    copy().then(
      () => callback(null),
      (error: Error) => callback(error),
    );
  }

  override _readStreamForRange(start: number, end: number): Readable {
    return createReadStream('', { fd: this.fd, start, end: end - 1, autoClose: false });
  }

  override close(callback: (error: Error | null) => void): void {
    closeFd(this.fd, (error) => callback(error ?? null));
  }
}

function openZipFile(path: string): Promise<{ zipfile: yauzl.ZipFile; fd: number }> {
  return new Promise((resolve, reject) => {
    openFd(path, 'r', (openError, fd) => {
      if (openError) {
        reject(openError);
        return;
      }
      fstat(fd, (statError, stats) => {
        if (statError) {
          closeFd(fd, () => reject(statError));
          return;
        }
        const reader = new BlockReader(fd, stats.size);
        yauzl.fromRandomAccessReader(reader, stats.size, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false }, (error, zipfile) => {
          if (error || !zipfile) {
            closeFd(fd, () => reject(error ?? new Error('no zip file')));
            return;
          }
          resolve({ zipfile, fd });
        });
      });
    });
  });
}

/** One entry's bytes: local header and data in one read (a second when the local extra field is long), inflated, checked. */
async function readEntryData(fd: number, entry: yauzl.Entry, maxBytes: number): Promise<Buffer> {
  if ((entry.generalPurposeBitFlag & 0x1) !== 0) throw new Error('the entry is encrypted');
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) throw new Error(`unsupported compression method ${entry.compressionMethod}`);
  const guess = 30 + entry.fileNameLength + entry.extraFieldLength + HEADER_SLACK + entry.compressedSize;
  const buffer = Buffer.allocUnsafe(guess);
  const bytesRead = await readAt(fd, buffer, entry.relativeOffsetOfLocalHeader);
  if (bytesRead < 30 || buffer.readUInt32LE(0) !== LOCAL_HEADER_SIGNATURE) throw new Error('no local file header where the central directory says');
  const dataStart = 30 + buffer.readUInt16LE(26) + buffer.readUInt16LE(28);
  let compressed: Buffer;
  if (dataStart + entry.compressedSize <= bytesRead) {
    compressed = buffer.subarray(dataStart, dataStart + entry.compressedSize);
  } else {
    compressed = Buffer.allocUnsafe(entry.compressedSize);
    if ((await readAt(fd, compressed, entry.relativeOffsetOfLocalHeader + dataStart)) !== entry.compressedSize) throw new Error('the entry is cut short');
  }
  const data = entry.compressionMethod === 8 ? zlib.inflateRawSync(compressed, { maxOutputLength: maxBytes + 1 }) : compressed;
  if (data.length > maxBytes) throw new Error(`more than the ${maxBytes}-byte limit for one record`);
  if (data.length !== entry.uncompressedSize) throw new Error(`${data.length} bytes, the zip's directory says ${entry.uncompressedSize}`);
  if (crc32 && crc32(data) >>> 0 !== entry.crc32 >>> 0) throw new Error('CRC-32 mismatch: the entry is damaged');
  return data;
}

/** Open a zip for reading its entries in order; throws when the central directory cannot be read. */
export async function openZipEntries(path: string, options: ZipOptions): Promise<ZipEntries> {
  const { zipfile, fd } = await openZipFile(path);
  const window = options.readAhead ?? 16;
  const read = (entry: yauzl.Entry): Promise<ZipEntryContent> => {
    const name = entry.fileName;
    const size = entry.uncompressedSize;
    if (name.endsWith('/')) return Promise.resolve({ name, size, skipped: 'directory' });
    if (!options.include(name)) return Promise.resolve({ name, size, skipped: 'excluded' });
    if (size > options.maxEntryBytes) return Promise.resolve({ name, size, skipped: 'too-large' });
    return readEntryData(fd, entry, options.maxEntryBytes).then(
      (data): ZipEntryContent => ({ name, size, data }),
      (error: Error): ZipEntryContent => ({ name, size, error: error.message }),
    );
  };

  const queue: Array<Promise<ZipEntryContent>> = [];
  let ended = false;
  let stopped = false;
  let failure: Error | undefined;
  let requested = false;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  const request = (): void => {
    if (!requested && !ended && !stopped && !failure && queue.length < window) {
      requested = true;
      zipfile.readEntry();
    }
  };
  zipfile.on('entry', (entry: yauzl.Entry) => {
    requested = false;
    queue.push(read(entry));
    request();
    notify();
  });
  zipfile.on('end', () => {
    ended = true;
    notify();
  });
  zipfile.on('error', (error: Error) => {
    failure = error;
    notify();
  });

  return {
    entryCount: zipfile.entryCount,
    entries: async function* () {
      request();
      try {
        for (;;) {
          if (failure) throw new ZipError(failure.message, { cause: failure });
          const head = queue.shift();
          if (head) {
            request();
            yield await head;
            continue;
          }
          if (ended) return;
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
        }
      } finally {
        // The consumer stopped (done, or failed): ask yauzl for nothing more.
        stopped = true;
      }
    },
    // Closes the file once no read of yauzl's own is running (ours hold no reference: call this after consuming).
    close: () => zipfile.close(),
  };
}
