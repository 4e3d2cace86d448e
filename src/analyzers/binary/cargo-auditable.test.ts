import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { deflateSync } from 'node:zlib';
import type { AnalyzerInput } from '../../core/analyzer.js';
import { cargoAuditableAnalyzer, parseAuditableJson, parseCargoAuditableBinary } from './cargo-auditable.js';
import { goBinaryAnalyzer } from './go-buildinfo.js';
import { writeElf } from './testdata/elf-writer.js';
import { haveTool, run } from './testdata/tools.js';
import { analyzerInput } from '../../../test/support/analyzer-input.js';

const work = mkdtempSync(join(tmpdir(), 'customs-cargo-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** What `cargo auditable build` embeds for a small CLI: the root crate, runtime crates, a build-only crate, a git one. */
const auditableJson = JSON.stringify({
  packages: [
    { name: 'adler', version: '1.0.2', source: 'crates.io' },
    { name: 'cc', version: '1.0.83', source: 'crates.io', kind: 'build', dependencies: [5] },
    { name: 'crc32fast', version: '1.3.2', source: 'crates.io', dependencies: [0] },
    { name: 'flate2', version: '1.0.28', source: 'crates.io', dependencies: [2, 4, 6] },
    { name: 'libc', version: '0.2.150', source: 'crates.io' },
    { name: 'libz-sys', version: '1.1.12', source: 'crates.io', dependencies: [1, 4] },
    { name: 'miniz_oxide', version: '0.7.1', source: 'crates.io', dependencies: [0] },
    { name: 'rust-audit-demo', version: '0.1.0', source: 'local', dependencies: [3, 8], root: true },
    { name: 'semver-parser', version: '0.10.2', source: 'git' },
  ],
});

const expectedRecords = [
  { ecosystem: 'cargo', name: 'adler', version: '1.0.2', properties: { kind: 'runtime' } },
  { ecosystem: 'cargo', name: 'cc', version: '1.0.83', properties: { kind: 'build' } },
  { ecosystem: 'cargo', name: 'crc32fast', version: '1.3.2', properties: { kind: 'runtime' } },
  { ecosystem: 'cargo', name: 'flate2', version: '1.0.28', properties: { kind: 'runtime' } },
  { ecosystem: 'cargo', name: 'libc', version: '0.2.150', properties: { kind: 'runtime' } },
  { ecosystem: 'cargo', name: 'libz-sys', version: '1.1.12', properties: { kind: 'runtime' } },
  { ecosystem: 'cargo', name: 'miniz_oxide', version: '0.7.1', properties: { kind: 'runtime' } },
];

const inputFor = (path: string, bytes: Buffer): AnalyzerInput => analyzerInput(path, bytes, { mode: 0o755 });

describe('cargo auditable', () => {
  let plainBinary: string | undefined;
  before(async () => {
    if (!haveTool('gcc') || !haveTool('objcopy')) return;
    writeFileSync(join(work, 'main.c'), 'int main(void) { return 0; }\n');
    plainBinary = join(work, 'plain');
    await run('gcc', ['-o', plainBinary, join(work, 'main.c')]);
  });

  /** The gcc-built executable with a `.dep-v0` section holding `payload`, added by objcopy as cargo-auditable's linker step would. */
  async function withSection(name: string, payload: Buffer): Promise<Buffer> {
    if (!plainBinary) throw new Error('no gcc');
    const payloadPath = join(work, `${name}.payload`);
    const output = join(work, name);
    writeFileSync(payloadPath, payload);
    copyFileSync(plainBinary, output);
    await run('objcopy', ['--add-section', `.dep-v0=${payloadPath}`, '--set-section-flags', '.dep-v0=noload,readonly', output]);
    return readFileSync(output);
  }

  it('reads the crates.io packages of a real ELF executable with a .dep-v0 section', async (t) => {
    if (!plainBinary) return t.skip('gcc or objcopy is not installed');
    const bytes = await withSection('audited', deflateSync(Buffer.from(auditableJson)));
    assert.deepEqual(parseCargoAuditableBinary(bytes), expectedRecords);
    assert.deepEqual(await cargoAuditableAnalyzer.analyze(inputFor('usr/local/bin/demo', bytes)), [{ kind: 'packages', ecosystem: 'cargo', packages: expectedRecords }]);
  });

  it('returns nothing for executables without the section and for non-ELF files', async (t) => {
    assert.deepEqual(parseCargoAuditableBinary(Buffer.from('#!/bin/sh\n')), []);
    assert.deepEqual(await cargoAuditableAnalyzer.analyze(inputFor('usr/bin/script', Buffer.from('#!/bin/sh\nexit 0\n'))), []);
    if (!plainBinary) return t.skip('gcc or objcopy is not installed');
    assert.deepEqual(parseCargoAuditableBinary(readFileSync(plainBinary)), []);
    assert.deepEqual(await cargoAuditableAnalyzer.analyze(inputFor('usr/bin/plain', readFileSync(plainBinary))), []);
  });

  it('reads the section from big-endian and 32-bit files too', () => {
    const section = { name: '.dep-v0', address: 0x10100, bytes: deflateSync(Buffer.from(auditableJson)) };
    assert.deepEqual(parseCargoAuditableBinary(writeElf({ bits: 32, bigEndian: true, base: 0x10000, sections: [section] })), expectedRecords);
  });

  it('refuses data that is not zlib, inflates too far, or is not the expected JSON', async (t) => {
    if (!plainBinary) return t.skip('gcc or objcopy is not installed');
    await assert.rejects(async () => parseCargoAuditableBinary(await withSection('garbage', Buffer.from('not compressed at all'))), /cargo auditable data in \.dep-v0 is not zlib data: incorrect header check/);
    // 64 MiB of spaces compresses to 64 KiB: the reader must stop at its 8 MiB limit, not inflate it all.
    const bomb = deflateSync(Buffer.alloc(64 * 1024 * 1024, 0x20), { level: 9 });
    await assert.rejects(async () => parseCargoAuditableBinary(await withSection('bomb', bomb)), /cargo auditable data in \.dep-v0 inflates to more than 8388608 bytes/);
    await assert.rejects(async () => parseCargoAuditableBinary(await withSection('notjson', deflateSync(Buffer.from('{"packages": [')))), /cargo auditable data is not valid JSON/);
  });

  it('validates the JSON shape, naming the field', () => {
    assert.throws(() => parseAuditableJson('{"packages": [{"name": "x", "source": "crates.io"}]}'), /cargo auditable data has an unexpected shape: packages\.0\.version: Required/);
    assert.throws(() => parseAuditableJson('{"packages": [{"name": "x", "version": "1", "source": "crates.io", "kind": "dev"}]}'), /packages\.0\.kind: Invalid enum value/);
    assert.throws(() => parseAuditableJson('[]'), /\(top level\): Expected object, received array/);
    assert.deepEqual(parseAuditableJson('{"packages": [], "format": 1}'), []);
  });

  it('shares one read of an executable with the Go analyzer', async () => {
    const section = { name: '.dep-v0', address: 0x10100, bytes: deflateSync(Buffer.from(auditableJson)) };
    const bytes = writeElf({ bits: 32, bigEndian: true, base: 0x10000, sections: [section] });
    let reads = 0;
    // The collector hands every analyzer of one file the same read function.
    const read = async (): Promise<Buffer> => {
      reads++;
      return bytes;
    };
    const input = { ...inputFor('usr/local/bin/demo', bytes), read };
    assert.deepEqual(await goBinaryAnalyzer.analyze({ ...input }), []);
    assert.deepEqual(await cargoAuditableAnalyzer.analyze({ ...input }), [{ kind: 'packages', ecosystem: 'cargo', packages: expectedRecords }]);
    assert.equal(reads, 1);
    // Another file (another read function) is read on its own.
    assert.deepEqual(await cargoAuditableAnalyzer.analyze(inputFor('usr/local/bin/demo', bytes)), [{ kind: 'packages', ecosystem: 'cargo', packages: expectedRecords }]);
  });

  it('wants the same files as the other executable analyzers', () => {
    const info = { path: 'usr/bin/app', type: 'file' as const, mode: 0o755, size: 4096, uid: 0, gid: 0 };
    assert.equal(cargoAuditableAnalyzer.required('usr/bin/app', info), true);
    assert.equal(cargoAuditableAnalyzer.required('usr/bin/app', { ...info, mode: 0o644 }), false);
    assert.equal(cargoAuditableAnalyzer.required('usr/bin/app.py', info), false);
  });
});
