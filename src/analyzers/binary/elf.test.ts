import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isElf, parseElf } from './elf.js';
import { headerFields, writeElf } from './testdata/elf-writer.js';
import { haveTool, run } from './testdata/tools.js';

const work = mkdtempSync(join(tmpdir(), 'customs-elf-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** readelf's view of the section table: what our reader must agree with. */
async function readelfSections(path: string): Promise<Array<{ name: string; address: number; offset: number; size: number }>> {
  const output = await run('readelf', ['-SW', path]);
  const sections = [];
  for (const line of output.split('\n')) {
    const match = /^\s*\[\s*(\d+)\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)/.exec(line);
    if (!match || match[1] === '0') continue;
    sections.push({ name: match[2] ?? '', address: Number.parseInt(match[3] ?? '', 16), offset: Number.parseInt(match[4] ?? '', 16), size: Number.parseInt(match[5] ?? '', 16) });
  }
  return sections;
}

const sampleSections = [
  { name: '.text', address: 0x10100, bytes: Buffer.from('code goes here') },
  { name: '.rodata', address: 0x10200, bytes: Buffer.from('hello, world\0') },
];

describe('ELF reader', () => {
  let gccBinary: string | undefined;
  before(async () => {
    if (!haveTool('gcc')) return;
    writeFileSync(join(work, 'hello.c'), 'const char greeting[] = "hello from gcc";\nint main(void) { return greeting[0] == 0; }\n');
    gccBinary = join(work, 'hello');
    await run('gcc', ['-O0', '-no-pie', '-o', gccBinary, join(work, 'hello.c')]);
  });

  it('reads the section table of a gcc-built executable as readelf does', async (t) => {
    if (!gccBinary || !haveTool('readelf')) return t.skip('gcc or readelf is not installed');
    const elf = parseElf(readFileSync(gccBinary));
    assert.equal(elf.bits, 64);
    assert.equal(elf.bigEndian, false);
    const expected = await readelfSections(gccBinary);
    assert.ok(expected.length > 20, `readelf listed ${expected.length} sections`);
    assert.deepEqual(
      elf.sections.slice(1).map(({ name, address, offset, size }) => ({ name, address, offset, size })),
      expected,
    );
  });

  it('follows a virtual address to its bytes through the loadable segments', async (t) => {
    if (!gccBinary || !haveTool('nm')) return t.skip('gcc or nm is not installed');
    const symbols = await run('nm', [gccBinary]);
    const address = Number.parseInt(/^([0-9a-f]+) R greeting$/m.exec(symbols)?.[1] ?? '', 16);
    const elf = parseElf(readFileSync(gccBinary));
    assert.equal(elf.readAddress(address, 14).toString('latin1'), 'hello from gcc');
    assert.equal(elf.sectionBytes(elf.section('.rodata') ?? assert.fail('no .rodata')).includes('hello from gcc'), true);
  });

  for (const [bits, bigEndian] of [
    [32, true],
    [32, false],
    [64, true],
    [64, false],
  ] as const) {
    it(`reads ${bits}-bit ${bigEndian ? 'big' : 'little'}-endian files, agreeing with readelf`, async (t) => {
      const bytes = writeElf({ bits, bigEndian, base: 0x10000, sections: sampleSections });
      const elf = parseElf(bytes);
      assert.equal(elf.bits, bits);
      assert.equal(elf.bigEndian, bigEndian);
      assert.deepEqual(
        elf.sections.map(({ name, address, size }) => ({ name, address, size })),
        [
          { name: '', address: 0, size: 0 },
          { name: '.text', address: 0x10100, size: 14 },
          { name: '.rodata', address: 0x10200, size: 13 },
          { name: '.shstrtab', address: 0, size: 25 },
        ],
      );
      assert.equal(elf.sectionBytes(elf.section('.rodata') ?? assert.fail('no .rodata')).toString('latin1'), 'hello, world\0');
      assert.equal(elf.readAddress(0x10207, 5).toString('latin1'), 'world');
      assert.deepEqual(elf.dataSegment(), { type: 1, flags: 6, offset: 0, address: 0x10000, fileSize: 0x20d, memorySize: 0x20d });
      if (!haveTool('readelf')) return t.skip('readelf is not installed');
      const path = join(work, `sample-${bits}-${bigEndian ? 'be' : 'le'}`);
      writeFileSync(path, bytes);
      assert.deepEqual(
        elf.sections.slice(1).map(({ name, address, offset, size }) => ({ name, address, offset, size })),
        await readelfSections(path),
      );
    });
  }

  it('tells ELF files from others by the magic', () => {
    assert.equal(isElf(Buffer.from('\x7fELF\x02\x01\x01', 'latin1')), true);
    assert.equal(isElf(Buffer.from('#!/bin/sh\n')), false);
    assert.equal(isElf(Buffer.from('\x7fEL', 'latin1')), false);
    assert.throws(() => parseElf(Buffer.from('#!/bin/sh\nexit 0\n')), /not an ELF file/);
  });

  it('reads the section count and name table index from section 0 under extended numbering', () => {
    const bytes = writeElf({ bits: 64, bigEndian: false, base: 0x10000, sections: sampleSections });
    const fields = headerFields(64);
    const tableOffset = Number(bytes.readBigUInt64LE(fields.sectionTableOffset));
    bytes.writeUInt16LE(0, fields.sectionCount);
    bytes.writeUInt16LE(0xffff, fields.sectionNamesIndex);
    bytes.writeBigUInt64LE(4n, tableOffset + 32); // section 0 sh_size: the real count
    bytes.writeUInt32LE(3, tableOffset + 40); // section 0 sh_link: the real name table index
    assert.deepEqual(
      parseElf(bytes).sections.map((section) => section.name),
      ['', '.text', '.rodata', '.shstrtab'],
    );
  });

  it('treats a file without section headers as having no sections', () => {
    const bytes = writeElf({ bits: 32, bigEndian: true, base: 0x10000, sections: sampleSections });
    bytes.writeUInt32BE(0, headerFields(32).sectionTableOffset);
    const elf = parseElf(bytes);
    assert.deepEqual(elf.sections, []);
    assert.equal(elf.readAddress(0x10100, 4).toString('latin1'), 'code');
  });

  it('refuses broken and hostile headers with a message, never reading out of bounds', () => {
    const sample = (): Buffer => writeElf({ bits: 64, bigEndian: false, base: 0x10000, sections: sampleSections });
    const fields = headerFields(64);

    assert.throws(() => parseElf(sample().subarray(0, 40)), /ELF: file is 40 bytes, shorter than an ELF header/);
    assert.throws(() => parseElf(sample().subarray(0, 60)), /shorter than a 64-bit ELF header/);

    const badClass = sample();
    badClass[4] = 9;
    assert.throws(() => parseElf(badClass), /ELF: unknown class 9/);

    const badEncoding = sample();
    badEncoding[5] = 0;
    assert.throws(() => parseElf(badEncoding), /ELF: unknown data encoding 0/);

    const truncated = sample();
    assert.throws(() => parseElf(truncated.subarray(0, truncated.length - 10)), /ELF: section header table \(offset \d+, 256 bytes\) runs past the end of the file/);

    const farTable = sample();
    farTable.writeBigUInt64LE(0xffffffffffffn, fields.sectionTableOffset);
    assert.throws(() => parseElf(farTable), /ELF: section header table \(offset 281474976710655, 256 bytes\) runs past the end of the file/);

    const hugeTable = sample();
    hugeTable.writeBigUInt64LE(0xffffffffffffffffn, fields.sectionTableOffset);
    assert.throws(() => parseElf(hugeTable), /runs past the end of the file/);

    const manySegments = sample();
    manySegments.writeUInt16LE(0xffff, fields.programHeaderCount);
    assert.throws(() => parseElf(manySegments), /ELF: program header table \(offset 64, 3669960 bytes\) runs past the end of the file/);

    const badNamesIndex = sample();
    badNamesIndex.writeUInt16LE(40, fields.sectionNamesIndex);
    assert.throws(() => parseElf(badNamesIndex), /ELF: section name table index 40 is not below the section count 4/);

    const badName = sample();
    const tableOffset = Number(badName.readBigUInt64LE(fields.sectionTableOffset));
    badName.writeUInt32LE(5000, tableOffset + 64); // section 1 sh_name
    assert.throws(() => parseElf(badName), /ELF: section name offset 5000 is outside the name table \(25 bytes\)/);

    const sectionPastEnd = sample();
    sectionPastEnd.writeBigUInt64LE(1n << 40n, tableOffset + 64 + 32); // section 1 sh_size
    const elf = parseElf(sectionPastEnd);
    assert.throws(() => elf.sectionBytes(elf.section('.text') ?? assert.fail('no .text')), /ELF: section \.text \(offset 256, 1099511627776 bytes\) runs past the end of the file/);
    assert.throws(() => elf.readAddress(0x90000, 4), /ELF: address 0x90000 is not in any loadable segment/);
    assert.throws(() => elf.readAddress(0x10200, 1 << 20), /ELF: 1048576 bytes at address 0x10200 run past the end of their segment/);
  });
});
