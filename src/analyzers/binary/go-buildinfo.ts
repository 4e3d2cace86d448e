/**
 * Go module build information embedded in Go executables, as `go version -m` shows it: the
 * toolchain version, the main module and every module linked in. The layout follows Go's
 * debug/buildinfo: a 32-byte header aligned to 16 bytes starting with "\xff Go buildinf:",
 * found at the start of the `.go.buildinfo` section (or of the data segment when section
 * headers are gone), then either two varint-prefixed strings (Go 1.18+) or two pointers to Go
 * string headers (Go 1.13 to 1.17).
 */
import type { FileAnalyzer } from '../../core/analyzer.js';
import type { PackageRecord } from '../../core/package.js';
import { isElf, parseElf, type ElfFile } from './elf.js';
import { MiB, mayBeExecutable, readElfExecutable } from './executable.js';

const BUILD_INFO_MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const BUILD_INFO_HEADER_SIZE = 32;
const BUILD_INFO_ALIGNMENT = 16;
/** Go itself looks no further than this into the data segment. */
const BUILD_INFO_SEARCH_LIMIT = 64 * 1024;
const FLAG_BIG_ENDIAN = 1;
const FLAG_INLINE_STRINGS = 2;
const MAX_GO_STRING = 16 * MiB;
/** cmd/go wraps the module text in 16-byte sentinels so the linker can find it; they carry nothing. */
const MODULE_INFO_SENTINEL_SIZE = 16;

export interface GoModule {
  path: string;
  version: string;
  sum: string;
  replacement?: { path: string; version: string; sum: string } | undefined;
}

export interface GoModuleInfo {
  /** The main package's import path (`path` line), e.g. "example.com/cmd/tool" or "command-line-arguments". */
  packagePath?: string | undefined;
  main?: GoModule | undefined;
  deps: GoModule[];
}

export interface GoBuildInfo {
  goVersion: string;
  modules: GoModuleInfo;
}

/**
 * The toolchain version in the form OSV's Go ecosystem gives the standard library ("stdlib"):
 * "go1.21.5" -> "1.21.5", "go1.20" -> "1.20.0", "go1.22rc1" -> "1.22.0-rc.1", with GOEXPERIMENT
 * suffixes (" X:boringcrypto") dropped. Development toolchains ("devel go1.22-abc123 ...") have
 * no release number and are returned unchanged.
 */
export function goStdlibVersion(goVersion: string): string {
  const match = /^go(\d+)\.(\d+)(?:\.(\d+))?(?:(alpha|beta|rc)(\d+))?(?=$|[\s+-])/.exec(goVersion);
  if (!match) return goVersion;
  const [, major, minor, patch, preKind, preNumber] = match;
  const release = `${major}.${minor}.${patch ?? '0'}`;
  return preKind ? `${release}-${preKind}.${preNumber}` : release;
}

function isLocalDirectory(path: string): boolean {
  return path === '.' || path === '..' || path.startsWith('./') || path.startsWith('../') || path.startsWith('/') || path.startsWith('.\\') || path.startsWith('..\\') || /^[A-Za-z]:[\\/]/.test(path);
}

function readModuleColumns(columns: string[], lineNumber: number): GoModule {
  if (columns.length !== 2 && columns.length !== 3) throw new Error(`Go build info line ${lineNumber}: expected 2 or 3 tab-separated columns, got ${columns.length}`);
  const [path = '', version = '', sum = ''] = columns;
  if (path === '') throw new Error(`Go build info line ${lineNumber}: empty module path`);
  return { path, version, sum };
}

/** The module text of `runtime/debug.BuildInfo`, read as Go's ParseBuildInfo reads it: unknown lines (future additions) are skipped. */
export function parseGoModuleInfo(text: string): GoModuleInfo {
  const info: GoModuleInfo = { deps: [] };
  let last: GoModule | undefined;
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    const lineNumber = index + 1;
    const tab = line.indexOf('\t');
    const keyword = tab < 0 ? line : line.slice(0, tab);
    const columns = tab < 0 ? [] : line.slice(tab + 1).split('\t');
    switch (keyword) {
      case 'path':
        info.packagePath = tab < 0 ? '' : line.slice(tab + 1);
        break;
      case 'mod':
        info.main = readModuleColumns(columns, lineNumber);
        last = info.main;
        break;
      case 'dep':
        last = readModuleColumns(columns, lineNumber);
        info.deps.push(last);
        break;
      case '=>': {
        if (columns.length !== 3) throw new Error(`Go build info line ${lineNumber}: expected 3 tab-separated columns for a replacement, got ${columns.length}`);
        if (!last) throw new Error(`Go build info line ${lineNumber}: replacement with no module on the line before`);
        const [path = '', version = '', sum = ''] = columns;
        last.replacement = { path, version, sum };
        last = undefined;
        break;
      }
      default:
        break;
    }
  }
  return info;
}

function decodeVarint(data: Buffer, offset: number): { value: number; next: number } {
  let value = 0;
  let scale = 1;
  for (let index = 0; index < 8; index++) {
    const byte = data[offset + index];
    if (byte === undefined) break;
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return { value, next: offset + index + 1 };
    scale *= 128;
  }
  throw new Error(`Go build info: bad string length at offset ${offset} of the build info`);
}

function readInlineString(data: Buffer, offset: number, what: string): { value: Buffer; next: number } {
  const { value: length, next } = decodeVarint(data, offset);
  if (length > MAX_GO_STRING || next + length > data.length) throw new Error(`Go build info: the ${what} (${length} bytes) runs past the end of the build info`);
  return { value: data.subarray(next, next + length), next: next + length };
}

function readPointer(bytes: Buffer, offset: number, pointerSize: 4 | 8, bigEndian: boolean): number {
  if (pointerSize === 4) return bigEndian ? bytes.readUInt32BE(offset) : bytes.readUInt32LE(offset);
  const value = bigEndian ? bytes.readBigUInt64BE(offset) : bytes.readBigUInt64LE(offset);
  // No file maps an address beyond 2^53: clamping makes the segment lookup fail with a clear error.
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
}

/** A Go string through its header {data pointer, length}, both pointer-sized, as Go 1.17 and older store them. */
function readPointedString(elf: ElfFile, pointerSize: 4 | 8, bigEndian: boolean, headerAddress: number, what: string): Buffer {
  const header = elf.readAddress(headerAddress, pointerSize * 2);
  const dataAddress = readPointer(header, 0, pointerSize, bigEndian);
  const length = readPointer(header, pointerSize, pointerSize, bigEndian);
  if (length === 0) return Buffer.alloc(0);
  if (length > MAX_GO_STRING) throw new Error(`Go build info: the ${what} claims ${length} bytes, over ${MAX_GO_STRING}`);
  return elf.readAddress(dataAddress, length);
}

/** Where the header sits: the first aligned copy of the magic near the start of the data. */
function findHeader(data: Buffer): Buffer | undefined {
  const searched = data.subarray(0, BUILD_INFO_SEARCH_LIMIT + BUILD_INFO_HEADER_SIZE);
  for (let from = 0; from < searched.length; ) {
    const at = searched.indexOf(BUILD_INFO_MAGIC, from);
    if (at < 0 || searched.length - at < BUILD_INFO_HEADER_SIZE) return undefined;
    if (at % BUILD_INFO_ALIGNMENT === 0) return data.subarray(at);
    from = at + 1;
  }
  return undefined;
}

/** The raw build info of an ELF file, or undefined when it is not a Go executable. */
export function readGoBuildInfo(elf: ElfFile): GoBuildInfo | undefined {
  const section = elf.section('.go.buildinfo');
  let data: Buffer | undefined;
  if (section) {
    data = findHeader(elf.sectionBytes(section));
    if (!data) throw new Error('Go build info: the .go.buildinfo section does not start with the build info header');
  } else {
    const segment = elf.dataSegment();
    if (!segment || segment.fileSize === 0) return undefined;
    // The whole segment, not just the searched start: the inline strings may run past it.
    data = findHeader(elf.readAddress(segment.address, segment.fileSize));
    if (!data) return undefined;
  }
  const pointerSize = data[14];
  const flags = data[15] ?? 0;
  let version: Buffer;
  let moduleText: Buffer;
  if ((flags & FLAG_INLINE_STRINGS) !== 0) {
    const versionString = readInlineString(data, BUILD_INFO_HEADER_SIZE, 'Go version');
    version = versionString.value;
    moduleText = readInlineString(data, versionString.next, 'module information').value;
  } else {
    if (pointerSize !== 4 && pointerSize !== 8) throw new Error(`Go build info: pointer size ${String(pointerSize)} is neither 4 nor 8`);
    const bigEndian = (flags & FLAG_BIG_ENDIAN) !== 0;
    version = readPointedString(elf, pointerSize, bigEndian, readPointer(data, 16, pointerSize, bigEndian), 'Go version');
    moduleText = readPointedString(elf, pointerSize, bigEndian, readPointer(data, 16 + pointerSize, pointerSize, bigEndian), 'module information');
  }
  if (version.length === 0) throw new Error('Go build info: the Go version is empty');
  // Without the sentinels (GOPATH builds, Go before 1.13) there is no module information at all.
  const framed = moduleText.length >= 2 * MODULE_INFO_SENTINEL_SIZE + 1 && moduleText[moduleText.length - MODULE_INFO_SENTINEL_SIZE - 1] === 0x0a;
  const modules = framed ? moduleText.subarray(MODULE_INFO_SENTINEL_SIZE, moduleText.length - MODULE_INFO_SENTINEL_SIZE).toString('utf8') : '';
  return { goVersion: version.toString('utf8'), modules: parseGoModuleInfo(modules) };
}

/**
 * One record per module: the main module (its version as recorded, usually "(devel)", with
 * properties.main), each dependency and the standard library as "stdlib". A dependency
 * replaced by another module is reported as the replacement (that is the code linked in), with
 * properties.replaces naming the original "path@version"; one replaced by a local directory
 * keeps its own path and version, with properties.replacedBy naming the directory.
 */
export function goBuildInfoRecords(buildInfo: GoBuildInfo): PackageRecord[] {
  const records: PackageRecord[] = [];
  const { main, deps } = buildInfo.modules;
  if (main) records.push({ ecosystem: 'golang', name: main.path, version: main.version, properties: { main: 'true' } });
  for (const dep of deps) {
    const replacement = dep.replacement;
    if (!replacement) {
      records.push({ ecosystem: 'golang', name: dep.path, version: dep.version });
    } else if (isLocalDirectory(replacement.path) || replacement.version === '' || replacement.version === '(devel)') {
      records.push({ ecosystem: 'golang', name: dep.path, version: dep.version, properties: { replacedBy: replacement.path } });
    } else {
      records.push({ ecosystem: 'golang', name: replacement.path, version: replacement.version, properties: { replaces: `${dep.path}@${dep.version}` } });
    }
  }
  records.push({ ecosystem: 'golang', name: 'stdlib', version: goStdlibVersion(buildInfo.goVersion) });
  return records;
}

/** The Go modules of an executable; [] for anything that is not a Go ELF executable. */
export function parseGoBinary(bytes: Buffer): PackageRecord[] {
  if (!isElf(bytes)) return [];
  const buildInfo = readGoBuildInfo(parseElf(bytes));
  return buildInfo ? goBuildInfoRecords(buildInfo) : [];
}

export const goBinaryAnalyzer: FileAnalyzer = {
  name: 'binary/go-buildinfo',
  version: 1,
  required: mayBeExecutable,
  async analyze(input) {
    const executable = await readElfExecutable(input);
    if (!executable) return [];
    const buildInfo = readGoBuildInfo(executable.elf);
    if (!buildInfo) return [];
    return [{ kind: 'packages', ecosystem: 'golang', packages: goBuildInfoRecords(buildInfo) }];
  },
};
