import type { PackageRecord } from '../../../core/package.js';
import { rpmDatabaseAnalyzer, rpmPackagesFromBlobs, type RpmHeaderBlob } from './package.js';

/**
 * rpm's own "ndb" Packages.db (SUSE, openSUSE), layout from rpm's lib/backend/ndb/rpmpkg.c. All
 * numbers are little-endian u32.
 *
 *   header (32 bytes): magic "RpmP", version 0, generation, number of slot pages, next index
 *   slot pages (4096 bytes each, the first after the header): 16-byte slots of magic "Slot",
 *     package index, block offset, block count; a block offset of 0 marks a free slot
 *   blobs at block offset x 16: head (magic "BlbS", package index, timestamp, length), the header
 *     blob, zero padding, tail (adler32, length, magic "BlbE"), all in the slot's block count
 */
const DB_MAGIC = 0x506d7052; // "RpmP"
const SLOT_MAGIC = 0x746f6c53; // "Slot"
const BLOB_HEAD_MAGIC = 0x53626c42; // "BlbS"
const BLOB_TAIL_MAGIC = 0x45626c42; // "BlbE"
const DB_VERSION = 0;
const HEADER_SIZE = 32;
const SLOT_SIZE = 16;
const BLOCK_SIZE = 16;
const PAGE_SIZE = 4096;
const BLOB_HEAD_SIZE = 16;
const BLOB_TAIL_SIZE = 12;

export function readRpmNdbBlobs(bytes: Buffer): RpmHeaderBlob[] {
  if (bytes.length < HEADER_SIZE || bytes.readUInt32LE(0) !== DB_MAGIC) throw new Error('not an rpm ndb Packages.db (no "RpmP" magic)');
  const version = bytes.readUInt32LE(4);
  if (version !== DB_VERSION) throw new Error(`rpm ndb version ${version} is not supported`);
  const slotPages = bytes.readUInt32LE(12);
  if (slotPages < 1 || slotPages > bytes.length / PAGE_SIZE) throw new Error(`rpm ndb: ${slotPages} slot pages do not fit in the ${bytes.length}-byte file`);
  const totalBlocks = Math.floor(bytes.length / BLOCK_SIZE);
  const firstDataBlock = (slotPages * PAGE_SIZE) / BLOCK_SIZE;

  const slots: Slot[] = [];
  const seen = new Set<number>();
  for (let at = HEADER_SIZE; at < slotPages * PAGE_SIZE; at += SLOT_SIZE) {
    if (bytes.readUInt32LE(at) !== SLOT_MAGIC) throw new Error(`rpm ndb: slot at byte ${at} has no "Slot" magic`);
    const packageIndex = bytes.readUInt32LE(at + 4);
    const blockOffset = bytes.readUInt32LE(at + 8);
    const blockCount = bytes.readUInt32LE(at + 12);
    if (blockOffset === 0) continue;
    const where = `rpm ndb package ${packageIndex}`;
    if (packageIndex === 0 || blockCount === 0 || blockOffset < firstDataBlock) throw new Error(`${where}: bad slot (block ${blockOffset}, ${blockCount} blocks)`);
    if (blockOffset + blockCount > totalBlocks) throw new Error(`${where}: blocks ${blockOffset}+${blockCount} are past the end of the file: truncated?`);
    if (seen.has(packageIndex)) throw new Error(`${where}: two slots for one package`);
    seen.add(packageIndex);
    slots.push({ packageIndex, blockOffset, blockCount, where });
  }
  // Blobs never overlap in a database rpm wrote; refusing overlaps keeps the work to one pass over the file.
  const byOffset = [...slots].sort((a, b) => a.blockOffset - b.blockOffset);
  for (let index = 1; index < byOffset.length; index++) {
    const previous = byOffset[index - 1]!;
    const slot = byOffset[index]!;
    if (slot.blockOffset < previous.blockOffset + previous.blockCount) throw new Error(`${slot.where}: its blob overlaps the one of package ${previous.packageIndex}`);
  }
  return slots.map((slot) => ({ id: slot.packageIndex, blob: readBlob(bytes, slot.packageIndex, slot.blockOffset, slot.blockCount, slot.where) }));
}

interface Slot {
  packageIndex: number;
  blockOffset: number;
  blockCount: number;
  where: string;
}

function readBlob(bytes: Buffer, packageIndex: number, blockOffset: number, blockCount: number, where: string): Buffer {
  const start = blockOffset * BLOCK_SIZE;
  const end = start + blockCount * BLOCK_SIZE;
  if (blockCount * BLOCK_SIZE < BLOB_HEAD_SIZE + BLOB_TAIL_SIZE) throw new Error(`${where}: ${blockCount} blocks cannot hold a blob`);
  if (bytes.readUInt32LE(start) !== BLOB_HEAD_MAGIC) throw new Error(`${where}: blob has no "BlbS" magic`);
  if (bytes.readUInt32LE(start + 4) !== packageIndex) throw new Error(`${where}: blob belongs to package ${bytes.readUInt32LE(start + 4)}`);
  const length = bytes.readUInt32LE(start + 12);
  // rpm sizes the slot exactly: head, blob and tail rounded up to whole blocks.
  if (Math.ceil((BLOB_HEAD_SIZE + length + BLOB_TAIL_SIZE) / BLOCK_SIZE) !== blockCount) throw new Error(`${where}: blob length ${length} does not match its ${blockCount} blocks`);
  const tail = end - BLOB_TAIL_SIZE;
  if (bytes.readUInt32LE(tail + 4) !== length || bytes.readUInt32LE(tail + 8) !== BLOB_TAIL_MAGIC) throw new Error(`${where}: blob tail is damaged`);
  return bytes.subarray(start + BLOB_HEAD_SIZE, start + BLOB_HEAD_SIZE + length);
}

export function parseRpmNdb(bytes: Buffer, _path: string): PackageRecord[] {
  return rpmPackagesFromBlobs(readRpmNdbBlobs(bytes));
}

export const rpmNdbAnalyzer = rpmDatabaseAnalyzer({ name: 'os-packages/rpm-ndb', version: 1, fileName: 'Packages.db', parse: parseRpmNdb });
