/**
 * What the analyzers of compiled executables share: which files may be binaries (decided from
 * the path and mode alone), a cheap check of the first bytes before a large file is read whole
 * (many files with an execute bit in an image are shell or Python scripts), and one read and
 * parse of each ELF file for all of them.
 */
import type { AnalyzerInput } from '../../core/analyzer.js';
import type { FileInfo } from '../../core/files.js';
import { ELF32_HEADER_SIZE, isElf, parseElf, type ElfFile } from './elf.js';

export const MiB = 1024 * 1024;
export const MAX_EXECUTABLE_SIZE = 256 * MiB;
const ELF_MAGIC_LENGTH = 4;

// Text and data that keep an execute bit through careless packaging (zip extraction, Windows
// copies): reading them would be wasted work.
const NOT_BINARY_EXTENSIONS = new Set([
  'sh', 'bash', 'zsh', 'csh', 'ksh', 'fish', 'py', 'pyc', 'pl', 'pm', 'rb', 'js', 'mjs', 'cjs', 'ts', 'php', 'lua', 'tcl', 'awk', 'sed',
  'txt', 'md', 'rst', 'html', 'htm', 'css', 'json', 'xml', 'yaml', 'yml', 'toml', 'ini', 'cfg', 'conf', 'properties',
  'h', 'hpp', 'c', 'cc', 'cpp', 'go', 'rs', 'java', 'class', 'jar', 'war', 'ear',
  'png', 'jpg', 'jpeg', 'gif', 'svg', 'ico', 'pdf', 'ttf', 'otf', 'woff', 'woff2',
  'gz', 'tgz', 'xz', 'bz2', 'zst', 'zip', 'tar', 'deb', 'rpm', 'apk', 'pem', 'crt', 'key', 'desktop', 'service', 'mo', 'po',
]); // prettier-ignore

const NOT_BINARY_FOLDERS = ['usr/share/doc/', 'usr/share/man/', 'usr/share/info/', 'usr/share/locale/', 'usr/include/', 'proc/', 'sys/'];

/** A regular file with an execute bit, of a size an executable can have, outside documentation and header folders. */
export function mayBeExecutable(path: string, info: FileInfo): boolean {
  if (info.type !== 'file' || (info.mode & 0o111) === 0) return false;
  if (info.size < ELF32_HEADER_SIZE || info.size >= MAX_EXECUTABLE_SIZE) return false;
  if (NOT_BINARY_FOLDERS.some((folder) => path.startsWith(folder))) return false;
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot <= 0 || !NOT_BINARY_EXTENSIONS.has(name.slice(dot + 1).toLowerCase());
}

/** The first bytes of the file, from its stream, so a large spilled file is not read whole to learn it is a script. */
export async function readHead(input: AnalyzerInput, length: number): Promise<Buffer> {
  const stream = input.open();
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream) {
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      chunks.push(bytes);
      total += bytes.length;
      if (total >= length) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, length);
}

export interface ElfExecutable {
  bytes: Buffer;
  elf: ElfFile;
}

/**
 * Files up to this size are read whole at once; larger ones have their first bytes checked from
 * the stream first. A script read whole costs less than opening a stream to learn that it is one.
 */
const HEAD_CHECK_SIZE = MiB;

/**
 * The ELF executable being analysed, read and parsed once for every analyzer of the file: the
 * collector hands each analyzer of one file the same `read`, so the Go and cargo-auditable
 * analyzers share the bytes and the parsed headers instead of reading each executable twice. An
 * input with a read of its own (a test's) is simply read again.
 */
const readsInProgress = new WeakMap<AnalyzerInput['read'], Promise<ElfExecutable | undefined>>();

/** The parsed ELF file, or undefined when the file is something else (a script, a PE or Mach-O file). */
export function readElfExecutable(input: AnalyzerInput): Promise<ElfExecutable | undefined> {
  let executable = readsInProgress.get(input.read);
  if (!executable) {
    executable = loadElfExecutable(input);
    readsInProgress.set(input.read, executable);
  }
  return executable;
}

async function loadElfExecutable(input: AnalyzerInput): Promise<ElfExecutable | undefined> {
  if (input.info.size > HEAD_CHECK_SIZE && !isElf(await readHead(input, ELF_MAGIC_LENGTH))) return undefined;
  const bytes = await input.read();
  if (!isElf(bytes)) return undefined;
  if (bytes.length > MAX_EXECUTABLE_SIZE) throw new Error(`executable is ${bytes.length} bytes, over the ${MAX_EXECUTABLE_SIZE} read from one file`);
  return { bytes, elf: parseElf(bytes) };
}
