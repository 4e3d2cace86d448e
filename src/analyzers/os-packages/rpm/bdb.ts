import type { PackageRecord } from '../../../core/package.js';
import { rpmDatabaseAnalyzer, rpmPackagesFromBlobs, type RpmHeaderBlob } from './package.js';

/**
 * Berkeley DB hash databases, as rpm up to 4.15 wrote its Packages file (RHEL/CentOS 5-8, Amazon
 * Linux 2, older Fedora and SUSE). Page layouts from Berkeley DB's dbinc/db_page.h and hash.h:
 *
 *   page 0, the hash metadata page: magic 0x061561 at 12 (its byte order is the file's), version
 *   at 16, page size at 20, encryption at 24, page type 8 at 25, flags at 26, last page at 32,
 *   max_bucket at 72, spares[32] at 96.
 *   every page: next page at 16, entry count (u16) at 20, hf_offset (u16) at 22, type at 25,
 *   then the u16 offsets of its items from byte 26 (32 when pages carry checksums).
 *   hash pages (type 13, or 2 before DB 4.6) hold key/data item pairs; an item's first byte is
 *   its kind: 1 bytes inline, 3 "off page" (u32 first overflow page at 4, u32 total length at 8).
 *   overflow pages (type 7) chain through `next`, each holding hf_offset bytes of the item.
 */
const HASH_MAGIC = 0x061561;
const BTREE_MAGIC = 0x053162;
const PAGE_HASH_UNSORTED = 2;
const PAGE_OVERFLOW = 7;
const PAGE_HASH_META = 8;
const PAGE_HASH = 13;
const ITEM_KEYDATA = 1;
const ITEM_DUPLICATE = 2;
const ITEM_OFFPAGE = 3;
const ITEM_OFFDUP = 4;
const META_CHECKSUM_FLAG = 0x01;
const PAGE_HEADER_SIZE = 26;
const CHECKSUM_HEADER_SIZE = 32;
/** Hash page formats 6-7 (DB 3.x) and 8-9 (DB 4.x-5.x, what rpm used) share the fields read here. */
const SUPPORTED_VERSIONS = new Set([6, 7, 8, 9, 10]);

interface HashFile {
  bytes: Buffer;
  littleEndian: boolean;
  pageSize: number;
  pageCount: number;
  /** Where a page's item offsets (or an overflow page's data) start. */
  itemsStart: number;
  u32(at: number): number;
  u16(at: number): number;
  /**
   * Overflow pages already read. rpm never shares a chain between items; a file that does could
   * make one large chain be copied once per item, so a page is read at most once.
   */
  overflowPagesRead: Set<number>;
}

export interface HashItem {
  key: Buffer;
  value: Buffer;
}

export interface HashContents {
  /** The byte order of the machine that wrote the file, which is also that of any numbers stored in keys. */
  littleEndian: boolean;
  items: HashItem[];
}

/** Every key/value pair of a Berkeley DB hash database, walking bucket by bucket as DB's own cursor does. */
export function readBdbHash(bytes: Buffer): HashContents {
  const file = openHashFile(bytes);
  const maxBucket = file.u32(72);
  // Every bucket owns at least one page, which bounds the walk by the file's size.
  if (maxBucket >= file.pageCount) throw new Error(`Berkeley DB hash: max_bucket ${maxBucket} exceeds the ${file.pageCount} pages in the file`);
  const items: HashItem[] = [];
  const visited = new Set<number>();
  for (let bucket = 0; bucket <= maxBucket; bucket++) {
    // BUCKET_TO_PAGE: the bucket number plus the spare pages allocated before its doubling.
    const spare = file.u32(96 + 4 * ceilLog2(bucket + 1));
    let pageNumber = bucket + spare;
    while (pageNumber !== 0) {
      if (visited.has(pageNumber)) throw new Error(`Berkeley DB hash: page ${pageNumber} is linked twice (bucket ${bucket})`);
      visited.add(pageNumber);
      const page = pageAt(file, pageNumber);
      const type = page[25]!;
      if (type !== PAGE_HASH && type !== PAGE_HASH_UNSORTED) throw new Error(`Berkeley DB hash: bucket ${bucket} leads to page ${pageNumber} of type ${type}, not a hash page`);
      readHashPage(file, page, pageNumber, items);
      pageNumber = file.u32(pageNumber * file.pageSize + 16);
    }
  }
  return { littleEndian: file.littleEndian, items };
}

function openHashFile(bytes: Buffer): HashFile {
  if (bytes.length < 512) throw new Error(`not a Berkeley DB database: ${bytes.length} bytes is shorter than its metadata page`);
  const magicLittle = bytes.readUInt32LE(12);
  const magicBig = bytes.readUInt32BE(12);
  if (magicLittle === BTREE_MAGIC || magicBig === BTREE_MAGIC) throw new Error('a Berkeley DB B-tree database, not the hash database rpm writes');
  if (magicLittle !== HASH_MAGIC && magicBig !== HASH_MAGIC) throw new Error('not a Berkeley DB hash database (no 0x061561 magic)');
  const littleEndian = magicLittle === HASH_MAGIC;
  const u32 = (at: number): number => (littleEndian ? bytes.readUInt32LE(at) : bytes.readUInt32BE(at));
  const u16 = (at: number): number => (littleEndian ? bytes.readUInt16LE(at) : bytes.readUInt16BE(at));
  const version = u32(16);
  if (!SUPPORTED_VERSIONS.has(version)) throw new Error(`Berkeley DB hash version ${version} is not supported`);
  const pageSize = u32(20);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) throw new Error(`Berkeley DB hash: page size ${pageSize} is not a power of two from 512 to 65536`);
  if (bytes[24] !== 0) throw new Error('Berkeley DB hash database is encrypted');
  if (bytes[25] !== PAGE_HASH_META) throw new Error(`Berkeley DB hash: page 0 has type ${bytes[25]}, not hash metadata`);
  const itemsStart = (bytes[26]! & META_CHECKSUM_FLAG) !== 0 ? CHECKSUM_HEADER_SIZE : PAGE_HEADER_SIZE;
  return { bytes, littleEndian, pageSize, pageCount: Math.floor(bytes.length / pageSize), itemsStart, u32, u16, overflowPagesRead: new Set() };
}

function pageAt(file: HashFile, pageNumber: number): Buffer {
  if (pageNumber >= file.pageCount) throw new Error(`Berkeley DB hash: page ${pageNumber} is past the end of the file (${file.pageCount} pages): truncated?`);
  return file.bytes.subarray(pageNumber * file.pageSize, (pageNumber + 1) * file.pageSize);
}

function readHashPage(file: HashFile, page: Buffer, pageNumber: number, items: HashItem[]): void {
  const base = pageNumber * file.pageSize;
  const entries = file.u16(base + 20);
  const offsetsEnd = file.itemsStart + 2 * entries;
  if (entries % 2 !== 0 || offsetsEnd > file.pageSize) throw new Error(`Berkeley DB hash: page ${pageNumber} has a bad entry count ${entries}`);
  // Items are packed from the end of the page down: item i ends where item i-1 starts.
  let itemEnd = file.pageSize;
  const item = (index: number): Buffer => {
    const start = file.u16(base + file.itemsStart + 2 * index);
    if (start < offsetsEnd || start >= itemEnd) throw new Error(`Berkeley DB hash: page ${pageNumber} item ${index} has a bad offset ${start}`);
    const bytes = page.subarray(start, itemEnd);
    itemEnd = start;
    return bytes;
  };
  for (let index = 0; index < entries; index += 2) {
    const key = itemValue(file, item(index), pageNumber);
    const value = itemValue(file, item(index + 1), pageNumber);
    items.push({ key, value });
  }
}

function itemValue(file: HashFile, item: Buffer, pageNumber: number): Buffer {
  switch (item[0]) {
    case ITEM_KEYDATA:
      return item.subarray(1);
    case ITEM_OFFPAGE: {
      if (item.length < 12) throw new Error(`Berkeley DB hash: page ${pageNumber} has a short off-page item`);
      const u32 = (at: number): number => (file.littleEndian ? item.readUInt32LE(at) : item.readUInt32BE(at));
      return readOverflow(file, u32(4), u32(8));
    }
    case ITEM_DUPLICATE:
    case ITEM_OFFDUP:
      throw new Error(`Berkeley DB hash: page ${pageNumber} holds duplicate items, which rpm's Packages database never has`);
    default:
      throw new Error(`Berkeley DB hash: page ${pageNumber} has an item of unknown kind ${item[0]}`);
  }
}

function readOverflow(file: HashFile, firstPage: number, totalLength: number): Buffer {
  const capacity = file.pageSize - file.itemsStart;
  if (totalLength > file.pageCount * capacity) throw new Error(`Berkeley DB hash: an overflow item claims ${totalLength} bytes, more than the file holds`);
  const value = Buffer.allocUnsafe(totalLength);
  let filled = 0;
  let pageNumber = firstPage;
  while (filled < totalLength) {
    if (pageNumber === 0) throw new Error(`Berkeley DB hash: overflow chain from page ${firstPage} ends after ${filled} of ${totalLength} bytes`);
    if (file.overflowPagesRead.has(pageNumber)) throw new Error(`Berkeley DB hash: overflow page ${pageNumber} is used twice (a loop, or a chain shared by two items)`);
    file.overflowPagesRead.add(pageNumber);
    const page = pageAt(file, pageNumber);
    if (page[25] !== PAGE_OVERFLOW) throw new Error(`Berkeley DB hash: page ${pageNumber} in an overflow chain has type ${page[25]}`);
    const length = file.u16(pageNumber * file.pageSize + 22);
    if (length === 0 || length > capacity || filled + length > totalLength) throw new Error(`Berkeley DB hash: overflow page ${pageNumber} has a bad length ${length}`);
    page.copy(value, filled, file.itemsStart, file.itemsStart + length);
    filled += length;
    pageNumber = file.u32(pageNumber * file.pageSize + 16);
  }
  return value;
}

/** ceil(log2(n)), as Berkeley DB's __db_log2 computes it. */
function ceilLog2(n: number): number {
  let log = 0;
  for (let limit = 1; limit < n; limit *= 2) log++;
  return log;
}

/**
 * rpm's Packages: keys are record numbers (u32 in the writer's byte order, the same as the file's),
 * values header blobs. Record 0 is rpm's counter of the next record number, not a package.
 */
export function readRpmBdbBlobs(bytes: Buffer): RpmHeaderBlob[] {
  const { littleEndian, items } = readBdbHash(bytes);
  const blobs: RpmHeaderBlob[] = [];
  for (const { key, value } of items) {
    if (key.length !== 4) throw new Error(`Packages key of ${key.length} bytes: rpm's keys are 4-byte record numbers`);
    const id = littleEndian ? key.readUInt32LE(0) : key.readUInt32BE(0);
    if (id !== 0) blobs.push({ id, blob: value });
  }
  return blobs;
}

export function parseRpmBdb(bytes: Buffer, _path: string): PackageRecord[] {
  return rpmPackagesFromBlobs(readRpmBdbBlobs(bytes));
}

export const rpmBdbAnalyzer = rpmDatabaseAnalyzer({ name: 'os-packages/rpm-bdb', version: 1, fileName: 'Packages', parse: parseRpmBdb });
