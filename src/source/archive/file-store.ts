import type { Readable } from 'node:stream';

/** Named files inside an archive or directory: what image layouts are read from. */
export interface FileStore {
  /** For messages: the archive or directory path. */
  readonly location: string;
  has(name: string): boolean;
  size(name: string): number;
  /** Read a small file whole; refuses files over `maxSize`. */
  readFile(name: string, maxSize: number): Promise<Buffer>;
  openFile(name: string): Readable;
  close(): Promise<void>;
}

/** Manifests, configs and index files are small; anything larger is not one of them. */
export const MAX_METADATA_SIZE = 16 * 1024 * 1024;
