/**
 * A small, bounds-checked ELF reader: just enough of the format to find a section by name, read
 * its bytes, and follow a virtual address to its place in the file (Go's pre-1.18 build info
 * stores pointers). Every offset and count comes from the file, so each is checked against the
 * file size before use: a hostile header can make this throw, never read out of bounds or loop
 * for long.
 */

export const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

/** The smallest possible ELF file: the 32-bit header alone. */
export const ELF32_HEADER_SIZE = 52;
const ELF64_HEADER_SIZE = 64;

const SHT_NOBITS = 8;
const PT_LOAD = 1;
const PF_X = 1;
const PF_W = 2;
// Extended numbering: when the real value does not fit the header field, it lives in section 0.
const SHN_XINDEX = 0xffff;
const MAX_SECTIONS = 1 << 16;
const MAX_PROGRAM_HEADERS = 1 << 16;
const MAX_SECTION_NAME = 4096;
/** The upper 32 bits of Number.MAX_SAFE_INTEGER (2^53 - 1): a 64-bit value above it is not a safe integer. */
const MAX_SAFE_HIGH_WORD = 0x1fffff;

export interface ElfSection {
  name: string;
  type: number;
  flags: number;
  address: number;
  offset: number;
  size: number;
}

export interface ElfSegment {
  type: number;
  flags: number;
  offset: number;
  address: number;
  fileSize: number;
  memorySize: number;
}

export interface ElfFile {
  bits: 32 | 64;
  bigEndian: boolean;
  sections: ElfSection[];
  segments: ElfSegment[];
  section(name: string): ElfSection | undefined;
  /** The section's bytes (a view into the file, not a copy); throws for sections without file contents. */
  sectionBytes(section: ElfSection): Buffer;
  /** `length` bytes at a virtual address, through the loadable segment that maps it. */
  readAddress(address: number, length: number): Buffer;
  /** Where the first writable, non-executable loadable segment starts: Go's "data start". */
  dataSegment(): ElfSegment | undefined;
}

export function isElf(bytes: Buffer): boolean {
  return bytes.length >= 4 && bytes.subarray(0, 4).equals(ELF_MAGIC);
}

/** A reader of fixed-width integers in the file's byte order that refuses to step outside it. */
class FieldReader {
  constructor(
    readonly bytes: Buffer,
    readonly bigEndian: boolean,
  ) {}

  private check(offset: number, width: number, what: string): void {
    if (!Number.isSafeInteger(offset) || offset < 0 || offset + width > this.bytes.length) {
      throw new Error(`ELF: ${what} at offset ${offset} is past the end of the file (${this.bytes.length} bytes)`);
    }
  }

  u16(offset: number, what: string): number {
    this.check(offset, 2, what);
    return this.bigEndian ? this.bytes.readUInt16BE(offset) : this.bytes.readUInt16LE(offset);
  }

  u32(offset: number, what: string): number {
    this.check(offset, 4, what);
    return this.bigEndian ? this.bytes.readUInt32BE(offset) : this.bytes.readUInt32LE(offset);
  }

  /** A 64-bit field as a Number; values beyond 2^53 cannot be offsets into a real file. */
  u64(offset: number, what: string): number {
    this.check(offset, 8, what);
    // Two 32-bit halves rather than a BigInt: every section and program header has four of these.
    const high = this.bigEndian ? this.bytes.readUInt32BE(offset) : this.bytes.readUInt32LE(offset + 4);
    const low = this.bigEndian ? this.bytes.readUInt32BE(offset + 4) : this.bytes.readUInt32LE(offset);
    return high > MAX_SAFE_HIGH_WORD ? Number.MAX_SAFE_INTEGER : high * 2 ** 32 + low;
  }

  word(bits: 32 | 64, offset: number, what: string): number {
    return bits === 64 ? this.u64(offset, what) : this.u32(offset, what);
  }
}

function checkRange(offset: number, size: number, fileSize: number, what: string): void {
  if (offset > fileSize || size > fileSize - offset) {
    throw new Error(`ELF: ${what} (offset ${offset}, ${size} bytes) runs past the end of the file (${fileSize} bytes)`);
  }
}

export function parseElf(bytes: Buffer): ElfFile {
  if (!isElf(bytes)) throw new Error('not an ELF file');
  if (bytes.length < ELF32_HEADER_SIZE) throw new Error(`ELF: file is ${bytes.length} bytes, shorter than an ELF header`);
  const elfClass = bytes[4];
  const dataEncoding = bytes[5];
  if (elfClass !== 1 && elfClass !== 2) throw new Error(`ELF: unknown class ${String(elfClass)} (expected 1 for 32-bit or 2 for 64-bit)`);
  if (dataEncoding !== 1 && dataEncoding !== 2) throw new Error(`ELF: unknown data encoding ${String(dataEncoding)} (expected 1 for little or 2 for big endian)`);
  const bits = elfClass === 2 ? 64 : 32;
  if (bits === 64 && bytes.length < ELF64_HEADER_SIZE) throw new Error(`ELF: file is ${bytes.length} bytes, shorter than a 64-bit ELF header`);
  const reader = new FieldReader(bytes, dataEncoding === 2);

  const layout =
    bits === 64
      ? { phoff: 32, shoff: 40, phentsize: 54, phnum: 56, shentsize: 58, shnum: 60, shstrndx: 62 }
      : { phoff: 28, shoff: 32, phentsize: 42, phnum: 44, shentsize: 46, shnum: 48, shstrndx: 50 };
  const segments = readSegments(reader, bits, {
    offset: reader.word(bits, layout.phoff, 'program header offset'),
    entrySize: reader.u16(layout.phentsize, 'program header size'),
    count: reader.u16(layout.phnum, 'program header count'),
  });
  const sections = readSections(reader, bits, {
    offset: reader.word(bits, layout.shoff, 'section header offset'),
    entrySize: reader.u16(layout.shentsize, 'section header size'),
    count: reader.u16(layout.shnum, 'section header count'),
    namesIndex: reader.u16(layout.shstrndx, 'section name table index'),
  });

  return {
    bits,
    bigEndian: reader.bigEndian,
    sections,
    segments,
    section: (name) => sections.find((section) => section.name === name),
    sectionBytes(section) {
      if (section.type === SHT_NOBITS) throw new Error(`ELF: section ${section.name} has no contents in the file`);
      checkRange(section.offset, section.size, bytes.length, `section ${section.name}`);
      return bytes.subarray(section.offset, section.offset + section.size);
    },
    readAddress(address, length) {
      const segment = segments.find((candidate) => candidate.type === PT_LOAD && address >= candidate.address && address - candidate.address < candidate.fileSize);
      if (!segment) throw new Error(`ELF: address 0x${address.toString(16)} is not in any loadable segment`);
      const within = address - segment.address;
      if (length > segment.fileSize - within) throw new Error(`ELF: ${length} bytes at address 0x${address.toString(16)} run past the end of their segment`);
      checkRange(segment.offset + within, length, bytes.length, `data at address 0x${address.toString(16)}`);
      return bytes.subarray(segment.offset + within, segment.offset + within + length);
    },
    dataSegment: () => segments.find((segment) => segment.type === PT_LOAD && (segment.flags & (PF_X | PF_W)) === PF_W),
  };
}

function readSegments(reader: FieldReader, bits: 32 | 64, table: { offset: number; entrySize: number; count: number }): ElfSegment[] {
  if (table.offset === 0 || table.count === 0) return [];
  const minimumEntry = bits === 64 ? 56 : 32;
  if (table.entrySize < minimumEntry) throw new Error(`ELF: program header size ${table.entrySize} is smaller than ${minimumEntry}`);
  if (table.count > MAX_PROGRAM_HEADERS) throw new Error(`ELF: ${table.count} program headers is more than ${MAX_PROGRAM_HEADERS}`);
  checkRange(table.offset, table.entrySize * table.count, reader.bytes.length, 'program header table');
  const segments: ElfSegment[] = [];
  for (let index = 0; index < table.count; index++) {
    const at = table.offset + index * table.entrySize;
    const what = `program header ${index}`;
    segments.push(
      bits === 64
        ? {
            type: reader.u32(at, what),
            flags: reader.u32(at + 4, what),
            offset: reader.u64(at + 8, what),
            address: reader.u64(at + 16, what),
            fileSize: reader.u64(at + 32, what),
            memorySize: reader.u64(at + 40, what),
          }
        : {
            type: reader.u32(at, what),
            offset: reader.u32(at + 4, what),
            address: reader.u32(at + 8, what),
            fileSize: reader.u32(at + 16, what),
            memorySize: reader.u32(at + 20, what),
            flags: reader.u32(at + 24, what),
          },
    );
  }
  return segments;
}

function readSections(reader: FieldReader, bits: 32 | 64, table: { offset: number; entrySize: number; count: number; namesIndex: number }): ElfSection[] {
  // Stripped-to-the-bone binaries (sstrip, some packers) have no section headers at all.
  if (table.offset === 0) return [];
  const minimumEntry = bits === 64 ? 64 : 40;
  if (table.entrySize < minimumEntry) throw new Error(`ELF: section header size ${table.entrySize} is smaller than ${minimumEntry}`);
  const readHeader = (index: number): Omit<ElfSection, 'name'> & { nameOffset: number; link: number } => {
    const at = table.offset + index * table.entrySize;
    const what = `section header ${index}`;
    return bits === 64
      ? {
          nameOffset: reader.u32(at, what),
          type: reader.u32(at + 4, what),
          flags: reader.u64(at + 8, what),
          address: reader.u64(at + 16, what),
          offset: reader.u64(at + 24, what),
          size: reader.u64(at + 32, what),
          link: reader.u32(at + 40, what),
        }
      : {
          nameOffset: reader.u32(at, what),
          type: reader.u32(at + 4, what),
          flags: reader.u32(at + 8, what),
          address: reader.u32(at + 12, what),
          offset: reader.u32(at + 16, what),
          size: reader.u32(at + 20, what),
          link: reader.u32(at + 24, what),
        };
  };
  let count = table.count;
  let namesIndex = table.namesIndex;
  if (count === 0 || namesIndex === SHN_XINDEX) {
    const first = readHeader(0);
    if (count === 0) count = first.size;
    if (namesIndex === SHN_XINDEX) namesIndex = first.link;
  }
  if (count === 0) return [];
  if (count > MAX_SECTIONS) throw new Error(`ELF: ${count} sections is more than ${MAX_SECTIONS}`);
  checkRange(table.offset, table.entrySize * count, reader.bytes.length, 'section header table');
  const headers = Array.from({ length: count }, (_, index) => readHeader(index));
  const names = headers[namesIndex];
  if (!names) throw new Error(`ELF: section name table index ${namesIndex} is not below the section count ${count}`);
  if (names.type === SHT_NOBITS) throw new Error('ELF: the section name table has no contents in the file');
  checkRange(names.offset, names.size, reader.bytes.length, 'section name table');
  const nameTable = reader.bytes.subarray(names.offset, names.offset + names.size);
  return headers.map(({ nameOffset, link: _link, ...header }) => ({ name: readName(nameTable, nameOffset), ...header }));
}

function readName(table: Buffer, offset: number): string {
  if (offset >= table.length) throw new Error(`ELF: section name offset ${offset} is outside the name table (${table.length} bytes)`);
  const end = table.indexOf(0, offset);
  if (end < 0 || end - offset > MAX_SECTION_NAME) throw new Error(`ELF: section name at offset ${offset} is not terminated`);
  return table.toString('latin1', offset, end);
}
