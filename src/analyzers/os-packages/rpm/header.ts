/**
 * The rpm header blob, as every rpmdb backend stores it (rpm's lib/header.c, "hregions.md"):
 *
 *   il (u32 BE)  number of index entries
 *   dl (u32 BE)  length of the data store
 *   il x 16 bytes: tag, type, offset into the data store, count (each u32 BE)
 *   dl bytes of data store
 *
 * A database blob has no leading 8-byte magic (a .rpm file's header does). Every offset and count
 * comes from the file, so each is checked against the blob before it is used. Values are decoded
 * only when asked for: a header's file lists are most of its bytes, and a hostile header could
 * otherwise make the same huge value be decoded once per index entry.
 */

export const RpmTag = {
  NAME: 1000,
  VERSION: 1001,
  RELEASE: 1002,
  EPOCH: 1003,
  SIZE: 1009,
  VENDOR: 1011,
  LICENSE: 1014,
  ARCH: 1022,
  SOURCERPM: 1044,
  LONGSIZE: 5009,
  MODULARITYLABEL: 5096,
} as const;

const RpmType = { NULL: 0, CHAR: 1, INT8: 2, INT16: 3, INT32: 4, INT64: 5, STRING: 6, BIN: 7, STRING_ARRAY: 8, I18NSTRING: 9 } as const;
const MAX_TYPE = RpmType.I18NSTRING;

const FIXED_SIZES: Readonly<Record<number, number>> = { [RpmType.CHAR]: 1, [RpmType.INT8]: 1, [RpmType.INT16]: 2, [RpmType.INT32]: 4, [RpmType.INT64]: 8 };

/** rpm refuses headers beyond these (lib/header_internal.h: HEADER_TAGS_MAX, HEADER_DATA_MAX). */
const MAX_INDEX_ENTRIES = 0xffff;
const MAX_DATA_LENGTH = 0x0fffffff;
/** More strings than any real array holds (a package's file list is at most a few hundred thousand). */
const MAX_ARRAY_COUNT = 1 << 20;

/** Tags below this mark regions (HEADERIMAGE 61, HEADERSIGNATURES 62, HEADERIMMUTABLE 63) and signature-header tags, not package facts. */
const FIRST_PACKAGE_TAG = 100;

interface IndexEntry {
  type: number;
  offset: number;
  count: number;
}

export interface RpmHeader {
  /** The data store alone: offsets count from its start and nothing can be read past its end. */
  readonly data: Buffer;
  /** Index entries by tag. A later entry for a tag is a "dribble" entry that rpm lets override the original. */
  readonly entries: ReadonlyMap<number, IndexEntry>;
}

export type RpmTagValue =
  | { type: 'int'; values: number[] }
  | { type: 'string'; value: string }
  | { type: 'string-array'; values: string[] }
  | { type: 'bin'; bytes: Uint8Array };

/** Check a blob's intro and index, as rpm's headerVerifyInfo does, and index its package tags. */
export function readRpmHeader(blob: Uint8Array): RpmHeader {
  const bytes = Buffer.isBuffer(blob) ? blob : Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  if (bytes.length < 8) throw new Error(`rpm header of ${bytes.length} bytes is too short`);
  const indexCount = bytes.readUInt32BE(0);
  const dataLength = bytes.readUInt32BE(4);
  if (indexCount < 1 || indexCount > MAX_INDEX_ENTRIES) throw new Error(`rpm header has ${indexCount} index entries (allowed: 1 to ${MAX_INDEX_ENTRIES})`);
  if (dataLength > MAX_DATA_LENGTH) throw new Error(`rpm header data store of ${dataLength} bytes is over rpm's limit`);
  const dataStart = 8 + indexCount * 16;
  const dataEnd = dataStart + dataLength;
  if (dataEnd > bytes.length) throw new Error(`rpm header is truncated: its index and data need ${dataEnd} bytes, the blob has ${bytes.length}`);

  const entries = new Map<number, IndexEntry>();
  for (let at = 8; at < dataStart; at += 16) {
    const tag = bytes.readUInt32BE(at);
    const type = bytes.readUInt32BE(at + 4);
    const offset = bytes.readUInt32BE(at + 8);
    const count = bytes.readUInt32BE(at + 12);
    if (type > MAX_TYPE) throw new Error(`rpm header tag ${tag}: unknown type ${type}`);
    if (offset >= dataLength) throw new Error(`rpm header tag ${tag}: offset ${offset} is outside the ${dataLength}-byte data store`);
    if (count < 1) throw new Error(`rpm header tag ${tag}: count is 0`);
    if (tag >= FIRST_PACKAGE_TAG) entries.set(tag, { type, offset, count });
  }
  return { data: bytes.subarray(dataStart, dataEnd), entries };
}

/** The whole value of a tag, whatever its type. */
export function headerValue(header: RpmHeader, tag: number): RpmTagValue | undefined {
  const entry = header.entries.get(tag);
  if (!entry) return undefined;
  const where = `rpm header tag ${tag}`;
  const fixedSize = FIXED_SIZES[entry.type];
  if (fixedSize !== undefined) return { type: 'int', values: readNumbers(header.data, entry, fixedSize, entry.count, where) };
  switch (entry.type) {
    case RpmType.STRING:
    case RpmType.I18NSTRING:
      return { type: 'string', value: readString(header, entry, where) };
    case RpmType.STRING_ARRAY:
      if (entry.count > MAX_ARRAY_COUNT) throw new Error(`${where}: ${entry.count} strings is more than any package holds`);
      return { type: 'string-array', values: readStrings(header.data, entry.offset, entry.count, where) };
    case RpmType.BIN:
      if (entry.count > header.data.length - entry.offset) throw new Error(`${where}: ${entry.count} bytes run past the data store`);
      return { type: 'bin', bytes: header.data.subarray(entry.offset, entry.offset + entry.count) };
    default:
      throw new Error(`${where}: has the NULL type`);
  }
}

/** A STRING, or the default (C locale) text of an I18NSTRING, whose translations follow it. */
export function headerString(header: RpmHeader, tag: number): string | undefined {
  const entry = header.entries.get(tag);
  if (!entry) return undefined;
  const where = `rpm header tag ${tag}`;
  if (entry.type !== RpmType.STRING && entry.type !== RpmType.I18NSTRING) throw new Error(`${where}: type ${entry.type} where a string belongs`);
  return readString(header, entry, where);
}

/** The first value of an integer tag. */
export function headerNumber(header: RpmHeader, tag: number): number | undefined {
  const entry = header.entries.get(tag);
  if (!entry) return undefined;
  const where = `rpm header tag ${tag}`;
  const fixedSize = FIXED_SIZES[entry.type];
  if (fixedSize === undefined) throw new Error(`${where}: type ${entry.type} where a number belongs`);
  return readNumbers(header.data, entry, fixedSize, 1, where)[0];
}

function readString(header: RpmHeader, entry: IndexEntry, where: string): string {
  if (entry.type === RpmType.STRING && entry.count !== 1) throw new Error(`${where}: a STRING with count ${entry.count}`);
  return readStrings(header.data, entry.offset, 1, where)[0]!;
}

/** Reads `take` of the entry's values after checking that all `entry.count` of them fit. */
function readNumbers(data: Buffer, entry: IndexEntry, size: number, take: number, where: string): number[] {
  if (entry.count > (data.length - entry.offset) / size) throw new Error(`${where}: ${entry.count} values of ${size} bytes run past the data store`);
  const values: number[] = [];
  for (let index = 0; index < Math.min(take, entry.count); index++) {
    const at = entry.offset + index * size;
    values.push(size === 1 ? data[at]! : size === 2 ? data.readUInt16BE(at) : size === 4 ? data.readUInt32BE(at) : Number(data.readBigUInt64BE(at)));
  }
  return values;
}

function readStrings(data: Buffer, offset: number, count: number, where: string): string[] {
  // Each string takes at least its NUL byte, which bounds the loop by the data store's size.
  if (count > data.length - offset) throw new Error(`${where}: ${count} strings cannot fit in the data store`);
  const values: string[] = [];
  let at = offset;
  for (let index = 0; index < count; index++) {
    const nul = data.indexOf(0, at);
    if (nul < 0) throw new Error(`${where}: string is not NUL-terminated inside the data store`);
    values.push(data.toString('utf8', at, nul));
    at = nul + 1;
  }
  return values;
}
