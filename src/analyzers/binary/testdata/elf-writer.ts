/**
 * Writes small ELF files for tests, for the layouts no installed compiler produces here
 * (32-bit big-endian, Go 1.17's pointer-based build info) and for broken headers. The file
 * mirrors memory: a section at address A sits at file offset A - base, and one loadable,
 * writable segment maps everything from offset 0.
 */

export interface WrittenSection {
  name: string;
  address: number;
  bytes: Buffer;
}

export interface ElfLayout {
  bits: 32 | 64;
  bigEndian: boolean;
  /** The address offset 0 is loaded at. */
  base: number;
  sections: WrittenSection[];
}

const SHT_PROGBITS = 1;
const SHT_STRTAB = 3;
const PT_LOAD = 1;
const PF_R = 4;
const PF_W = 2;

export function writeElf(layout: ElfLayout): Buffer {
  const { bits, bigEndian, base } = layout;
  const headerSize = bits === 64 ? 64 : 52;
  const programHeaderSize = bits === 64 ? 56 : 32;
  const sectionHeaderSize = bits === 64 ? 64 : 40;
  const dataStart = headerSize + programHeaderSize;

  let loadedEnd = dataStart;
  for (const section of layout.sections) {
    const offset = section.address - base;
    if (offset < dataStart) throw new Error(`section ${section.name} at 0x${section.address.toString(16)} overlaps the headers`);
    loadedEnd = Math.max(loadedEnd, offset + section.bytes.length);
  }
  const names = ['', ...layout.sections.map((section) => section.name), '.shstrtab'];
  const nameOffsets: number[] = [];
  let nameTable = Buffer.alloc(0);
  for (const name of names) {
    nameOffsets.push(nameTable.length);
    nameTable = Buffer.concat([nameTable, Buffer.from(`${name}\0`, 'latin1')]);
  }
  const nameTableOffset = loadedEnd;
  const sectionTableOffset = align(nameTableOffset + nameTable.length, 8);
  const sectionCount = names.length;
  const file = Buffer.alloc(sectionTableOffset + sectionCount * sectionHeaderSize);

  const u16 = (offset: number, value: number): number => (bigEndian ? file.writeUInt16BE(value, offset) : file.writeUInt16LE(value, offset));
  const u32 = (offset: number, value: number): number => (bigEndian ? file.writeUInt32BE(value, offset) : file.writeUInt32LE(value, offset));
  const word = (offset: number, value: number): number =>
    bits === 32 ? u32(offset, value) : bigEndian ? file.writeBigUInt64BE(BigInt(value), offset) : file.writeBigUInt64LE(BigInt(value), offset);

  file.set([0x7f, 0x45, 0x4c, 0x46, bits === 64 ? 2 : 1, bigEndian ? 2 : 1, 1], 0);
  u16(16, 2); // ET_EXEC
  u16(18, bigEndian ? 8 : 3); // EM_MIPS or EM_386: any machine will do
  u32(20, 1);
  if (bits === 64) {
    word(32, headerSize);
    word(40, sectionTableOffset);
    u16(52, headerSize);
    u16(54, programHeaderSize);
    u16(56, 1);
    u16(58, sectionHeaderSize);
    u16(60, sectionCount);
    u16(62, sectionCount - 1);
  } else {
    word(28, headerSize);
    word(32, sectionTableOffset);
    u16(40, headerSize);
    u16(42, programHeaderSize);
    u16(44, 1);
    u16(46, sectionHeaderSize);
    u16(48, sectionCount);
    u16(50, sectionCount - 1);
  }

  const ph = headerSize;
  if (bits === 64) {
    u32(ph, PT_LOAD);
    u32(ph + 4, PF_R | PF_W);
    word(ph + 8, 0);
    word(ph + 16, base);
    word(ph + 24, base);
    word(ph + 32, loadedEnd);
    word(ph + 40, loadedEnd);
    word(ph + 48, 0x1000);
  } else {
    u32(ph, PT_LOAD);
    word(ph + 4, 0);
    word(ph + 8, base);
    word(ph + 12, base);
    word(ph + 16, loadedEnd);
    word(ph + 20, loadedEnd);
    u32(ph + 24, PF_R | PF_W);
    word(ph + 28, 0x1000);
  }

  for (const section of layout.sections) section.bytes.copy(file, section.address - base);
  nameTable.copy(file, nameTableOffset);

  const writeSectionHeader = (index: number, type: number, address: number, offset: number, size: number): void => {
    const at = sectionTableOffset + index * sectionHeaderSize;
    u32(at, nameOffsets[index] ?? 0);
    u32(at + 4, type);
    if (bits === 64) {
      word(at + 8, address === 0 ? 0 : 3); // SHF_WRITE | SHF_ALLOC for loaded sections
      word(at + 16, address);
      word(at + 24, offset);
      word(at + 32, size);
      word(at + 48, 1);
    } else {
      word(at + 8, address === 0 ? 0 : 3);
      word(at + 12, address);
      word(at + 16, offset);
      word(at + 20, size);
      word(at + 32, 1);
    }
  };
  layout.sections.forEach((section, index) => writeSectionHeader(index + 1, SHT_PROGBITS, section.address, section.address - base, section.bytes.length));
  writeSectionHeader(sectionCount - 1, SHT_STRTAB, 0, nameTableOffset, nameTable.length);
  return file;
}

function align(value: number, to: number): number {
  return Math.ceil(value / to) * to;
}

/** Where the header fields that locate the tables sit, for tests that corrupt them. */
export function headerFields(bits: 32 | 64): { sectionTableOffset: number; sectionCount: number; sectionNamesIndex: number; programHeaderCount: number } {
  return bits === 64
    ? { sectionTableOffset: 40, sectionCount: 60, sectionNamesIndex: 62, programHeaderCount: 56 }
    : { sectionTableOffset: 32, sectionCount: 48, sectionNamesIndex: 50, programHeaderCount: 44 };
}
