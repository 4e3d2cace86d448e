import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AnalyzerInput } from '../../core/analyzer.js';
import type { FileInfo } from '../../core/files.js';
import type { PackageRecord } from '../../core/package.js';
import { goBinaryAnalyzer, goStdlibVersion, parseGoBinary, parseGoModuleInfo } from './go-buildinfo.js';
import { headerFields, writeElf } from './testdata/elf-writer.js';
import { haveTool, run } from './testdata/tools.js';
import { analyzerInput } from '../../../test/support/analyzer-input.js';

const work = mkdtempSync(join(tmpdir(), 'customs-go-'));
after(() => rmSync(work, { recursive: true, force: true }));

// cmd/go's sentinels around the module text (modload.infoStart and infoEnd).
const INFO_START = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
const INFO_END = Buffer.from('f932433186182072008242104116d8f2', 'hex');
const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');

function framedModuleText(text: string): Buffer {
  return Buffer.concat([INFO_START, Buffer.from(text), INFO_END]);
}

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** A module served by a file:// GOPROXY, laid out as the proxy protocol wants it. */
async function publish(proxy: string, modulePath: string, version: string, files: Record<string, string>): Promise<void> {
  const staging = mkdtempSync(join(work, 'staging-'));
  for (const [name, text] of Object.entries(files)) write(join(staging, `${modulePath}@${version}`, name), text);
  const versions = join(proxy, modulePath, '@v');
  mkdirSync(versions, { recursive: true });
  write(join(versions, 'list'), `${version}\n`);
  write(join(versions, `${version}.info`), JSON.stringify({ Version: version, Time: '2023-01-02T03:04:05Z' }));
  write(join(versions, `${version}.mod`), files['go.mod'] ?? '');
  await run('zip', ['-qrX', join(versions, `${version}.zip`), `${modulePath}@${version}`], { cwd: staging });
}

/** What the Go programs built below contain; the toolchain is whichever Go is installed ("go1.19.8" on Debian 12). */
function goProgramRecords(goVersion: string): PackageRecord[] {
  return [
    { ecosystem: 'golang', name: 'example.com/hello', version: '(devel)', properties: { main: 'true' } },
    { ecosystem: 'golang', name: 'example.com/greeting', version: 'v0.1.0', properties: { replacedBy: '../greeting' } },
    { ecosystem: 'golang', name: 'example.com/libfork', version: 'v1.2.1', properties: { replaces: 'example.com/lib@v1.2.0' } },
    { ecosystem: 'golang', name: 'github.com/acme/strutil', version: 'v0.3.0' },
    { ecosystem: 'golang', name: 'stdlib', version: goStdlibVersion(goVersion) },
  ];
}

/**
 * Builds example.com/hello with the installed Go: a dependency replaced by a local directory, one
 * replaced by another module and one plain, the last two served by a file:// module proxy, so
 * nothing touches the network.
 */
async function buildGoPrograms(): Promise<{ goVersion: string; binaries: Map<string, string> }> {
  const proxy = join(work, 'proxy');
  await publish(proxy, 'example.com/lib', 'v1.2.0', { 'go.mod': 'module example.com/lib\n\ngo 1.19\n', 'lib.go': 'package lib\n\nfunc Name() string { return "lib" }\n' });
  await publish(proxy, 'example.com/libfork', 'v1.2.1', { 'go.mod': 'module example.com/libfork\n\ngo 1.19\n', 'lib.go': 'package lib\n\nfunc Name() string { return "libfork" }\n' });
  await publish(proxy, 'github.com/acme/strutil', 'v0.3.0', {
    'go.mod': 'module github.com/acme/strutil\n\ngo 1.19\n',
    'strutil.go': 'package strutil\n\nfunc Shout(s string) string { return s + "!" }\n',
  });
  write(join(work, 'greeting', 'go.mod'), 'module example.com/greeting\n\ngo 1.19\n');
  write(join(work, 'greeting', 'greeting.go'), 'package greeting\n\nfunc Hello() string { return "hello" }\n');
  write(
    join(work, 'hello', 'go.mod'),
    [
      'module example.com/hello',
      '',
      'go 1.19',
      '',
      'require (',
      '\texample.com/greeting v0.1.0',
      '\texample.com/lib v1.2.0',
      '\tgithub.com/acme/strutil v0.3.0',
      ')',
      '',
      'replace example.com/greeting => ../greeting',
      '',
      'replace example.com/lib v1.2.0 => example.com/libfork v1.2.1',
      '',
    ].join('\n'),
  );
  write(
    join(work, 'hello', 'main.go'),
    'package main\n\nimport (\n\t"example.com/greeting"\n\t"example.com/lib"\n\t"github.com/acme/strutil"\n)\n\nfunc main() { println(strutil.Shout(greeting.Hello()), lib.Name()) }\n',
  );
  const env = {
    ...process.env,
    GOFLAGS: '-mod=mod -buildvcs=false -modcacherw',
    GOPROXY: `file://${proxy}`,
    GOSUMDB: 'off',
    GOMODCACHE: join(work, 'modcache'),
    GOCACHE: process.env.GOCACHE ?? join(process.env.HOME ? homedir() : work, '.cache', 'go-build'),
    CGO_ENABLED: '0',
    GOTOOLCHAIN: 'local',
  };
  const builds: Record<string, { goarch: string; flags: string[] }> = {
    amd64: { goarch: 'amd64', flags: [] },
    '386': { goarch: '386', flags: [] },
    s390x: { goarch: 's390x', flags: [] },
    'amd64-trimpath-stripped': { goarch: 'amd64', flags: ['-trimpath', '-ldflags=-s -w'] },
  };
  const binaries = new Map<string, string>();
  // go.mod is rewritten by the first build (go.sum appears); resolve modules once before building in parallel.
  await run('go', ['mod', 'download'], { cwd: join(work, 'hello'), env });
  await Promise.all(
    Object.entries(builds).map(async ([name, build]) => {
      const output = join(work, `hello-${name}`);
      await run('go', ['build', ...build.flags, '-o', output, '.'], { cwd: join(work, 'hello'), env: { ...env, GOARCH: build.goarch } });
      binaries.set(name, output);
    }),
  );
  return { goVersion: (await run('go', ['env', 'GOVERSION'], { env })).trim(), binaries };
}

/** Go 1.17's layout: the header points at two Go string headers {data, len}, which point at the bytes. */
function oldFormatElf(bits: 32 | 64, bigEndian: boolean, goVersion: string, moduleText: Buffer): Buffer {
  const pointerSize = bits / 8;
  const base = 0x400000;
  const headerAddress = base + 0x1000;
  const rodataAddress = base + 0x2000;
  const versionAddress = rodataAddress + 0x40;
  const modulesAddress = rodataAddress + 0x80;
  const pointer = (value: number): Buffer => {
    const bytes = Buffer.alloc(pointerSize);
    if (pointerSize === 4) bigEndian ? bytes.writeUInt32BE(value) : bytes.writeUInt32LE(value);
    else bigEndian ? bytes.writeBigUInt64BE(BigInt(value)) : bytes.writeBigUInt64LE(BigInt(value));
    return bytes;
  };
  const header = Buffer.alloc(32);
  MAGIC.copy(header);
  header[14] = pointerSize;
  header[15] = bigEndian ? 1 : 0;
  Buffer.concat([pointer(rodataAddress), pointer(rodataAddress + 2 * pointerSize)]).copy(header, 16);
  const stringHeaders = Buffer.concat([pointer(versionAddress), pointer(goVersion.length), pointer(modulesAddress), pointer(moduleText.length)]);
  const rodata = Buffer.alloc(0x80 + moduleText.length);
  stringHeaders.copy(rodata);
  rodata.write(goVersion, 0x40, 'latin1');
  moduleText.copy(rodata, 0x80);
  return writeElf({
    bits,
    bigEndian,
    base,
    sections: [
      { name: '.go.buildinfo', address: headerAddress, bytes: header },
      { name: '.rodata', address: rodataAddress, bytes: rodata },
    ],
  });
}

/** Go 1.18+'s layout: flags bit 1 set, then the two strings inline, each after its uvarint length. */
function inlineFormatElf(goVersion: string, moduleText: Buffer, sectionName = '.go.buildinfo'): Buffer {
  const uvarint = (value: number): Buffer => {
    const bytes: number[] = [];
    while (value >= 0x80) {
      bytes.push((value & 0x7f) | 0x80);
      value = Math.floor(value / 128);
    }
    bytes.push(value);
    return Buffer.from(bytes);
  };
  const header = Buffer.alloc(32);
  MAGIC.copy(header);
  header[14] = 8;
  header[15] = 2;
  const blob = Buffer.concat([header, uvarint(goVersion.length), Buffer.from(goVersion), uvarint(moduleText.length), moduleText]);
  return writeElf({ bits: 64, bigEndian: false, base: 0x400000, sections: [{ name: sectionName, address: 0x401000, bytes: blob }] });
}

const oldModuleText = [
  'path\texample.com/legacy/cmd/server',
  'mod\texample.com/legacy\t(devel)\t',
  'dep\tgithub.com/pkg/errors\tv0.9.1\th1:FEBLx1zS214owpjy7qsBeixbURkuhQAwrK5UwLGTwt4=',
  'dep\tgolang.org/x/sys\tv0.0.0-20210510120138-977fb7262007',
  '=>\tgolang.org/x/sys\tv0.1.0\th1:kunALQeHf1/185U1i0GOB/fy1IPRDDpuoOOqRReG57U=',
  '',
].join('\n');

const oldModuleRecords: PackageRecord[] = [
  { ecosystem: 'golang', name: 'example.com/legacy', version: '(devel)', properties: { main: 'true' } },
  { ecosystem: 'golang', name: 'github.com/pkg/errors', version: 'v0.9.1' },
  { ecosystem: 'golang', name: 'golang.org/x/sys', version: 'v0.1.0', properties: { replaces: 'golang.org/x/sys@v0.0.0-20210510120138-977fb7262007' } },
  { ecosystem: 'golang', name: 'stdlib', version: '1.17.13' },
];

function cEscaped(bytes: Buffer): string {
  return [...bytes].map((byte) => `\\${byte.toString(8).padStart(3, '0')}`).join('');
}

const inputFor = (path: string, bytes: Buffer, mode = 0o755): AnalyzerInput => analyzerInput(path, bytes, { mode });

describe('Go build info', () => {
  let binaries: Map<string, string> | undefined;
  let expected: PackageRecord[] = [];
  let skipReason = '';
  before(async () => {
    if (!haveTool('go') || !haveTool('zip')) {
      skipReason = 'go or zip is not installed';
      return;
    }
    const built = await buildGoPrograms();
    binaries = built.binaries;
    expected = goProgramRecords(built.goVersion);
  });

  for (const [name, description] of [
    ['amd64', 'a 64-bit little-endian executable'],
    ['386', 'a 32-bit executable (GOARCH=386)'],
    ['s390x', 'a big-endian executable (GOARCH=s390x)'],
    ['amd64-trimpath-stripped', 'a -trimpath build stripped of symbols (-ldflags=-s -w)'],
  ] as const) {
    it(`reads the modules of ${description} built by Go 1.19 (inline strings)`, (t) => {
      const binary = binaries?.get(name);
      if (!binary) return t.skip(skipReason);
      assert.deepEqual(parseGoBinary(readFileSync(binary)), expected);
    });
  }

  it('finds the build info in the data segment when section headers are gone', (t) => {
    const binary = binaries?.get('amd64');
    if (!binary) return t.skip(skipReason);
    const bytes = readFileSync(binary);
    const fields = headerFields(64);
    bytes.writeBigUInt64LE(0n, fields.sectionTableOffset);
    bytes.writeUInt16LE(0, fields.sectionCount);
    bytes.writeUInt16LE(0, fields.sectionNamesIndex);
    assert.deepEqual(parseGoBinary(bytes), expected);
  });

  it('reads Go 1.17 pointer-based build info from a gcc-built executable', async (t) => {
    if (!haveTool('gcc')) return t.skip('gcc is not installed');
    // Non-PIE, so the pointers the linker writes are the final addresses, as in Go's own binaries.
    const source = [
      '#include <stdint.h>',
      'struct go_string { const char *data; uintptr_t length; };',
      `static const char version_text[] = "go1.17.13";`,
      `static const char module_text[] = "${cEscaped(framedModuleText(oldModuleText))}";`,
      'const struct go_string build_version = { version_text, sizeof version_text - 1 };',
      'const struct go_string module_info = { module_text, sizeof module_text - 1 };',
      'struct build_info_header { char magic[14]; unsigned char pointer_size; unsigned char flags; const struct go_string *version; const struct go_string *modules; };',
      '__attribute__((section(".go.buildinfo"), aligned(16), used))',
      `const struct build_info_header build_info = { "${cEscaped(MAGIC)}", sizeof(void *), 0, &build_version, &module_info };`,
      'int main(void) { return build_info.flags; }',
      '',
    ].join('\n');
    write(join(work, 'legacy.c'), source);
    await run('gcc', ['-O0', '-no-pie', '-o', join(work, 'legacy'), join(work, 'legacy.c')]);
    assert.deepEqual(parseGoBinary(readFileSync(join(work, 'legacy'))), oldModuleRecords);
  });

  for (const [bits, bigEndian] of [
    [32, true],
    [32, false],
    [64, true],
  ] as const) {
    it(`reads Go 1.17 pointer-based build info in a ${bits}-bit ${bigEndian ? 'big' : 'little'}-endian file`, () => {
      assert.deepEqual(parseGoBinary(oldFormatElf(bits, bigEndian, 'go1.17.13', framedModuleText(oldModuleText))), oldModuleRecords);
    });
  }

  it('reports only the standard library for builds without module information (GOPATH mode)', () => {
    assert.deepEqual(parseGoBinary(inlineFormatElf('go1.19.8', Buffer.alloc(0))), [{ ecosystem: 'golang', name: 'stdlib', version: '1.19.8' }]);
    assert.deepEqual(parseGoBinary(oldFormatElf(64, false, 'go1.12.17', Buffer.alloc(0))), [{ ecosystem: 'golang', name: 'stdlib', version: '1.12.17' }]);
  });

  it('returns nothing for files that are not Go executables', async (t) => {
    assert.deepEqual(parseGoBinary(Buffer.from('#!/bin/sh\necho hi\n')), []);
    assert.deepEqual(parseGoBinary(writeElf({ bits: 64, bigEndian: false, base: 0x10000, sections: [{ name: '.data', address: 0x10100, bytes: Buffer.alloc(64) }] })), []);
    if (!haveTool('gcc')) return t.skip('gcc is not installed');
    write(join(work, 'plain.c'), 'int counter = 1;\nint main(void) { return counter - 1; }\n');
    await run('gcc', ['-o', join(work, 'plain'), join(work, 'plain.c')]);
    assert.deepEqual(parseGoBinary(readFileSync(join(work, 'plain'))), []);
  });

  it('refuses broken build info with a message', () => {
    const modules = framedModuleText('path\tx\nmod\tx\t(devel)\t\n');
    assert.throws(() => parseGoBinary(inlineFormatElf('go1.19', modules, '.go.buildinfo').subarray(0, 0x1000 + 40)), /runs past the end of the file/);

    const noMagic = inlineFormatElf('go1.19', modules);
    noMagic.write('\xff Go buildinX', 0x1000, 'latin1');
    assert.throws(() => parseGoBinary(noMagic), /the \.go\.buildinfo section does not start with the build info header/);

    const longString = inlineFormatElf('go1.19', modules);
    longString[0x1000 + 32] = 0x7f; // the version's length: 127 bytes, beyond the section
    assert.throws(() => parseGoBinary(longString), /the Go version \(127 bytes\) runs past the end of the build info/);

    const badVarint = inlineFormatElf('go1.19', modules);
    badVarint.fill(0xff, 0x1000 + 32, 0x1000 + 32 + 10);
    assert.throws(() => parseGoBinary(badVarint), /Go build info: bad string length at offset 32 of the build info/);

    const badPointerSize = oldFormatElf(64, false, 'go1.17', modules);
    badPointerSize[0x1000 + 14] = 3;
    assert.throws(() => parseGoBinary(badPointerSize), /Go build info: pointer size 3 is neither 4 nor 8/);

    const danglingPointer = oldFormatElf(64, false, 'go1.17', modules);
    danglingPointer.writeBigUInt64LE(0x7fff0000n, 0x1000 + 16);
    assert.throws(() => parseGoBinary(danglingPointer), /ELF: address 0x7fff0000 is not in any loadable segment/);

    const hugeString = oldFormatElf(32, true, 'go1.17', modules);
    hugeString.writeUInt32BE(0xfffffff0, 0x2000 + 4); // the version string header's length
    assert.throws(() => parseGoBinary(hugeString), /the Go version claims 4294967280 bytes/);

    assert.throws(() => parseGoBinary(inlineFormatElf('', modules)), /the Go version is empty/);
    assert.throws(() => parseGoBinary(inlineFormatElf('go1.19', framedModuleText('dep\tx\n'))), /Go build info line 1: expected 2 or 3 tab-separated columns, got 1/);
  });

  describe('module text', () => {
    it('reads path, mod, dep and => lines and skips build settings and unknown lines', () => {
      const text = [
        'path\texample.com/tool/cmd/tool',
        'mod\texample.com/tool\tv1.4.0\th1:abc=',
        'dep\tgolang.org/x/text\tv0.14.0\th1:def=',
        'dep\tgithub.com/old/name\tv1.0.0',
        '=>\tgithub.com/new/name\tv1.0.1\th1:ghi=',
        'build\t-compiler=gc',
        'build\tvcs.revision=0123456789abcdef',
        'future\tsomething new',
        '',
      ].join('\n');
      assert.deepEqual(parseGoModuleInfo(text), {
        packagePath: 'example.com/tool/cmd/tool',
        main: { path: 'example.com/tool', version: 'v1.4.0', sum: 'h1:abc=' },
        deps: [
          { path: 'golang.org/x/text', version: 'v0.14.0', sum: 'h1:def=' },
          { path: 'github.com/old/name', version: 'v1.0.0', sum: '', replacement: { path: 'github.com/new/name', version: 'v1.0.1', sum: 'h1:ghi=' } },
        ],
      });
    });

    it('refuses replacements without a module and lines with the wrong column count', () => {
      assert.throws(() => parseGoModuleInfo('path\tx\n=>\ta\tv1\th1:x=\n'), /line 2: replacement with no module on the line before/);
      assert.throws(() => parseGoModuleInfo('dep\ta\tv1\n=>\ta\tv1\th1:x=\n=>\tb\tv2\th1:y=\n'), /line 3: replacement with no module on the line before/);
      assert.throws(() => parseGoModuleInfo('dep\ta\tv1\n=>\tb\tv2\n'), /line 2: expected 3 tab-separated columns for a replacement, got 2/);
      assert.throws(() => parseGoModuleInfo('dep\ta\tv1\th1:x=\textra\n'), /line 1: expected 2 or 3 tab-separated columns, got 4/);
      assert.throws(() => parseGoModuleInfo('mod\t\tv1\n'), /line 1: empty module path/);
    });
  });

  it('gives the toolchain version in the form OSV uses for stdlib', () => {
    assert.equal(goStdlibVersion('go1.21.5'), '1.21.5');
    assert.equal(goStdlibVersion('go1.20'), '1.20.0');
    assert.equal(goStdlibVersion('go1.22rc1'), '1.22.0-rc.1');
    assert.equal(goStdlibVersion('go1.19beta1'), '1.19.0-beta.1');
    assert.equal(goStdlibVersion('go1.21.5 X:boringcrypto'), '1.21.5');
    assert.equal(goStdlibVersion('go1.22.1-bigcorp'), '1.22.1');
    assert.equal(goStdlibVersion('devel go1.23-6ad27161f8 Thu Mar 7 00:00:00 2024 +0000'), 'devel go1.23-6ad27161f8 Thu Mar 7 00:00:00 2024 +0000');
    assert.equal(goStdlibVersion('go1.21.5x'), 'go1.21.5x');
  });

  describe('analyzer', () => {
    const info = (path: string, mode: number, size = 2_000_000): FileInfo => ({ path, type: 'file', mode, size, uid: 0, gid: 0 });

    it('wants executable regular files of executable sizes, outside documentation, by path and mode alone', () => {
      for (const path of ['usr/local/bin/app', 'app/server', 'usr/lib/libfoo.so.1', 'opt/tool/bin/tool.exe']) assert.equal(goBinaryAnalyzer.required(path, info(path, 0o755)), true, path);
      assert.equal(goBinaryAnalyzer.required('usr/bin/app', info('usr/bin/app', 0o100)), true);
      assert.equal(goBinaryAnalyzer.required('usr/bin/app', info('usr/bin/app', 0o644)), false);
      assert.equal(goBinaryAnalyzer.required('usr/bin/app', info('usr/bin/app', 0o755, 20)), false);
      assert.equal(goBinaryAnalyzer.required('usr/bin/app', info('usr/bin/app', 0o755, 256 * 1024 * 1024)), false);
      assert.equal(goBinaryAnalyzer.required('usr/bin/app', { ...info('usr/bin/app', 0o755), type: 'symlink' }), false);
      for (const path of ['usr/bin/configure.sh', 'opt/app/run.py', 'app/README.md', 'usr/share/doc/pkg/examples/tool', 'usr/include/x.h', 'srv/app.jar']) {
        assert.equal(goBinaryAnalyzer.required(path, info(path, 0o755)), false, path);
      }
    });

    it('reports the packages of a Go executable', async (t) => {
      const binary = binaries?.get('amd64');
      if (!binary) return t.skip(skipReason);
      assert.deepEqual(await goBinaryAnalyzer.analyze(inputFor('usr/local/bin/hello', readFileSync(binary))), [{ kind: 'packages', ecosystem: 'golang', packages: expected }]);
    });

    it('looks only at the first bytes of a large script', async () => {
      // Over a MiB: smaller files are read whole at once, which costs less than a stream for the first bytes.
      const script = Buffer.from(`#!/bin/sh\n${'echo hello\n'.repeat(100_000)}`);
      const input = { ...inputFor('usr/bin/hello', script), read: () => Promise.reject(new Error('read the whole script')) };
      assert.deepEqual(await goBinaryAnalyzer.analyze(input), []);
    });

    it('reads a small script whole and finds nothing in it', async () => {
      const script = Buffer.from(`#!/bin/sh\n${'echo hello\n'.repeat(100)}`);
      assert.deepEqual(await goBinaryAnalyzer.analyze(inputFor('usr/bin/hello', script)), []);
    });
  });
});
