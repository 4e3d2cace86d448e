/**
 * Reading zip archives held in memory with yauzl, entry by entry, with every decompressed byte
 * counted against a budget: the guard against zip bombs. yauzl itself checks that an entry
 * inflates to exactly the size its header declares, so a header that understates the size
 * fails as soon as the extra bytes appear.
 */
import { createRequire } from 'node:module';
import type * as yauzl from 'yauzl';
import { formatBytes } from '../../layer/limits.js';

// Loaded with the first archive: images without Java archives do not pay its start-up cost (~40 ms).
const require = createRequire(import.meta.url);
let yauzlLibrary: typeof yauzl | undefined;

export interface ZipEntry {
  name: string;
  uncompressedSize: number;
  isDirectory: boolean;
}

/** Decompressed bytes still allowed for one archive and everything nested in it. */
export interface ByteBudget {
  remaining: number;
  readonly total: number;
}

export interface OpenZip {
  /** The entries in central directory order; call `read` for an entry before asking for the next one. */
  entries(): AsyncIterable<ZipEntry>;
  read(entry: ZipEntry, maxBytes: number, budget: ByteBudget): Promise<Buffer>;
  close(): void;
}

const END_OF_CENTRAL_DIRECTORY = Buffer.from('PK\x05\x06', 'latin1');
const CENTRAL_DIRECTORY_ENTRY = Buffer.from('PK\x01\x02', 'latin1');
const MAX_COMMENT = 0xffff;

/**
 * The zip without bytes put in front of it whose offsets were not adjusted: a launcher script
 * (`cat run.sh app.jar > app`) or a self-extractor stub. Java and unzip read such archives;
 * yauzl trusts the offsets, so the prefix is cut off first. Only done when the central
 * directory is found exactly where the prefix length says and not where the offsets say.
 */
export function withoutPrefix(bytes: Buffer): Buffer {
  const end = bytes.lastIndexOf(END_OF_CENTRAL_DIRECTORY);
  if (end < 0 || end < bytes.length - MAX_COMMENT - 22 || end + 22 > bytes.length) return bytes;
  const directorySize = bytes.readUInt32LE(end + 12);
  const directoryOffset = bytes.readUInt32LE(end + 16);
  const prefix = end - directorySize - directoryOffset;
  if (prefix <= 0 || directoryOffset + 4 > bytes.length) return bytes;
  const startsAt = (offset: number): boolean => bytes.subarray(offset, offset + 4).equals(CENTRAL_DIRECTORY_ENTRY);
  return directorySize > 0 && startsAt(directoryOffset + prefix) && !startsAt(directoryOffset) ? bytes.subarray(prefix) : bytes;
}

export async function openZip(bytes: Buffer): Promise<OpenZip> {
  let zip: yauzl.ZipFile;
  try {
    zip = await (yauzlLibrary ??= require('yauzl') as typeof yauzl).fromBufferPromise(withoutPrefix(bytes), { lazyEntries: true, autoClose: false, decodeStrings: true, validateEntrySizes: true, strictFileNames: false });
  } catch (error) {
    throw new Error(`not a readable zip archive: ${(error as Error).message}`);
  }
  const raw = new Map<ZipEntry, yauzl.Entry>();
  return {
    async *entries() {
      try {
        for await (const entry of zip.eachEntry()) {
          const described: ZipEntry = { name: entry.fileName, uncompressedSize: entry.uncompressedSize, isDirectory: entry.fileName.endsWith('/') };
          raw.set(described, entry);
          try {
            yield described;
          } finally {
            raw.delete(described);
          }
        }
      } catch (error) {
        throw new Error(`corrupt zip archive: ${(error as Error).message}`);
      }
    },
    async read(entry, maxBytes, budget) {
      const source = raw.get(entry);
      if (!source) throw new Error(`${entry.name}: read after moving on to the next entry`);
      const limit = Math.min(maxBytes, budget.remaining);
      if (entry.uncompressedSize > limit) throw new Error(overLimit(entry, entry.uncompressedSize, maxBytes, budget));
      if (source.isEncrypted()) throw new Error(`${entry.name} is encrypted`);
      const stream = await zip.openReadStreamPromise(source);
      const chunks: Buffer[] = [];
      let total = 0;
      try {
        for await (const chunk of stream) {
          total += (chunk as Buffer).length;
          if (total > limit) throw new Error(overLimit(entry, total, maxBytes, budget));
          chunks.push(chunk as Buffer);
        }
      } catch (error) {
        stream.destroy();
        const message = (error as Error).message;
        throw new Error(message.startsWith(entry.name) ? message : `${entry.name}: ${message}`);
      }
      budget.remaining -= total;
      return Buffer.concat(chunks, total);
    },
    close: () => zip.close(),
  };
}

function overLimit(entry: ZipEntry, size: number, maxBytes: number, budget: ByteBudget): string {
  return maxBytes < budget.remaining
    ? `${entry.name} expands to ${size > entry.uncompressedSize ? 'more than ' : ''}${formatBytes(size)}, over the ${formatBytes(maxBytes)} read from one entry`
    : `${entry.name} expands to ${formatBytes(size)}, over the ${formatBytes(budget.total)} of decompressed data read from one archive`;
}
