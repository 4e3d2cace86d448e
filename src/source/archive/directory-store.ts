import { createReadStream, statSync, type Stats } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { CustomsError } from '../../core/errors.js';
import type { FileStore } from './file-store.js';

/** A FileStore over a directory (an OCI image layout on disk). Names never leave the directory. */
export class DirectoryStore implements FileStore {
  readonly location: string;

  constructor(dir: string) {
    this.location = resolve(dir);
  }

  private pathOf(name: string): string {
    const full = resolve(this.location, name);
    const rel = relative(this.location, full);
    if (rel.startsWith('..') || rel === '') throw new CustomsError('UNSAFE_PATH', `path escapes ${this.location}`, { file: name });
    return full;
  }

  private stat(name: string): Stats | undefined {
    try {
      const stats = statSync(this.pathOf(name));
      return stats.isFile() ? stats : undefined;
    } catch {
      return undefined;
    }
  }

  has(name: string): boolean {
    return this.stat(name) !== undefined;
  }

  size(name: string): number {
    const stats = this.stat(name);
    if (!stats) throw missing(this.location, name);
    return stats.size;
  }

  async readFile(name: string, maxSize: number): Promise<Buffer> {
    const size = this.size(name);
    if (size > maxSize) throw new CustomsError('INVALID_INPUT', `file is ${size} bytes, over the limit of ${maxSize}`, { file: name });
    return readFile(this.pathOf(name));
  }

  openFile(name: string): Readable {
    if (!this.has(name)) throw missing(this.location, name);
    return createReadStream(this.pathOf(name), { highWaterMark: 256 * 1024 });
  }

  async close(): Promise<void> {}
}

export function missing(location: string, name: string): CustomsError {
  return new CustomsError('INVALID_INPUT', `${join(location, name)} is missing`, { file: name });
}
