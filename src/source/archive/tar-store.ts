import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createWriteStream } from 'node:fs';
import tar from 'tar-stream';
import { CustomsError } from '../../core/errors.js';
import { AutoDecompress, sniffCompression } from '../../layer/decompress.js';
import { normalizeEntryPath } from '../../layer/paths.js';
import type { FileStore } from './file-store.js';
import { missing } from './directory-store.js';

interface TarMember {
  type: 'file' | 'symlink' | 'hardlink' | 'other';
  /** Byte offset of the member's data in the (uncompressed) archive. */
  offset: number;
  size: number;
  linkname?: string | undefined;
}

const MAX_LINK_HOPS = 16;

/**
 * A FileStore over a tar archive (docker save output, oci-archive). One pass indexes where each
 * member's data lies; members are then read in place by offset, so nothing is extracted.
 * A compressed archive (`docker save | gzip`) is first decompressed into a temporary file.
 */
export class TarStore implements FileStore {
  private constructor(
    readonly location: string,
    private readonly tarPath: string,
    private readonly members: Map<string, TarMember>,
    private readonly tempDir: string | undefined,
  ) {}

  static async open(archive: string): Promise<TarStore> {
    let tarPath = archive;
    let tempDir: string | undefined;
    const head = Buffer.alloc(4);
    const handle = await open(archive, 'r').catch((error: NodeJS.ErrnoException) => {
      throw new CustomsError('INVALID_INPUT', `cannot open archive: ${error.code ?? error.message}`, { image: archive });
    });
    try {
      await handle.read(head, 0, 4, 0);
    } finally {
      await handle.close();
    }
    if (sniffCompression(head) !== 'none') {
      tempDir = await mkdtemp(join(tmpdir(), 'customs-archive-'));
      tarPath = join(tempDir, 'archive.tar');
      try {
        await pipeline(createReadStream(archive), new AutoDecompress(), createWriteStream(tarPath, { mode: 0o600 }));
      } catch (error) {
        await rm(tempDir, { recursive: true, force: true });
        throw error instanceof CustomsError ? error.withContext({ image: archive }) : error;
      }
    }
    try {
      return new TarStore(archive, tarPath, await indexTar(tarPath, archive), tempDir);
    } catch (error) {
      if (tempDir) await rm(tempDir, { recursive: true, force: true });
      throw error;
    }
  }

  /** Follow symlinks and hard links inside the archive: skopeo's docker-archive links <id>/layer.tar to ../<diffid>.tar. */
  private lookup(name: string): TarMember | undefined {
    let current = normalizeEntryPath(name);
    for (let hops = 0; hops <= MAX_LINK_HOPS; hops++) {
      const member = this.members.get(current);
      if (!member) return undefined;
      if (member.type === 'file') return member;
      if (member.type === 'other' || member.linkname === undefined) return undefined;
      const target =
        member.type === 'symlink' && !member.linkname.startsWith('/')
          ? posix.join(posix.dirname(current), member.linkname)
          : member.linkname;
      current = normalizeEntryPath(target.replace(/^\/+/, ''));
    }
    throw new CustomsError('SYMLINK_LOOP', 'too many levels of links inside the archive', { image: this.location, file: name });
  }

  has(name: string): boolean {
    return this.lookup(name) !== undefined;
  }

  size(name: string): number {
    const member = this.lookup(name);
    if (!member) throw missing(this.location, name);
    return member.size;
  }

  async readFile(name: string, maxSize: number): Promise<Buffer> {
    const member = this.lookup(name);
    if (!member) throw missing(this.location, name);
    if (member.size > maxSize) throw new CustomsError('INVALID_INPUT', `file is ${member.size} bytes, over the limit of ${maxSize}`, { file: name });
    const buffer = Buffer.alloc(member.size);
    const handle = await open(this.tarPath, 'r');
    try {
      await handle.read(buffer, 0, member.size, member.offset);
    } finally {
      await handle.close();
    }
    return buffer;
  }

  openFile(name: string): Readable {
    const member = this.lookup(name);
    if (!member) throw missing(this.location, name);
    if (member.size === 0) return createReadStream(this.tarPath, { start: 1, end: 0 });
    return createReadStream(this.tarPath, { start: member.offset, end: member.offset + member.size - 1, highWaterMark: 256 * 1024 });
  }

  async close(): Promise<void> {
    if (this.tempDir) await rm(this.tempDir, { recursive: true, force: true });
  }
}

async function indexTar(tarPath: string, archive: string): Promise<Map<string, TarMember>> {
  const members = new Map<string, TarMember>();
  const extract = tar.extract();
  const reading = pipeline(createReadStream(tarPath, { highWaterMark: 1024 * 1024 }), extract);
  try {
    for await (const entry of extract) {
      const header = entry.header as tar.Header & { byteOffset?: number };
      const name = normalizeEntryPath(header.name);
      const type = header.type === 'file' || header.type === 'contiguous-file' ? 'file' : header.type === 'symlink' ? 'symlink' : header.type === 'link' ? 'hardlink' : 'other';
      members.set(name, { type, offset: header.byteOffset ?? 0, size: header.size ?? 0, linkname: header.linkname ?? undefined });
      entry.resume();
    }
    await reading;
  } catch (error) {
    if (error instanceof CustomsError) throw error.withContext({ image: archive });
    throw new CustomsError('INVALID_INPUT', `not a valid tar archive: ${(error as Error).message}`, { image: archive }, { cause: error });
  }
  return members;
}
