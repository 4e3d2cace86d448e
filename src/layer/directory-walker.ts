import { lstat, opendir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Stats } from 'node:fs';
import { CustomsError } from '../core/errors.js';
import type { FileInfo, FileType } from '../core/files.js';
import type { LayerAnalysis } from './analysis.js';
import { LayerCollector, type CollectorOptions } from './collector.js';

/**
 * Walk an unpacked root filesystem as one layer. Symlinks are recorded, never followed, so a
 * link pointing at "/" or a loop cannot take the walk outside the root or around in circles.
 */
export async function walkDirectory(root: string, options: CollectorOptions): Promise<LayerAnalysis> {
  const collector = new LayerCollector(options);
  let total = 0;
  const pending: string[] = [''];
  while (pending.length > 0) {
    const relative = pending.pop()!;
    const dir = await opendir(join(root, relative)).catch((error: NodeJS.ErrnoException) => {
      throw new CustomsError('INVALID_INPUT', `cannot read directory: ${error.code ?? error.message}`, { file: relative || '/' });
    });
    const children: string[] = [];
    for await (const dirent of dir) children.push(dirent.name);
    children.sort();
    for (const name of children) {
      options.signal?.throwIfAborted();
      const path = relative ? `${relative}/${name}` : name;
      const full = join(root, path);
      let stats: Stats;
      try {
        stats = await lstat(full);
      } catch {
        continue; // vanished while walking
      }
      const type = fileType(stats);
      if (!type) continue;
      const info: FileInfo = {
        path,
        type,
        mode: stats.mode & 0o7777,
        size: type === 'file' ? stats.size : 0,
        uid: stats.uid,
        gid: stats.gid,
      };
      if (type === 'symlink') info.linkname = await readlink(full);
      if (type === 'file') total += stats.size;
      await collector.add(info, type === 'file' ? { kind: 'disk', path: full } : undefined);
      if (type === 'dir') pending.push(path);
    }
  }
  collector.uncompressedSize = total;
  return collector.finish();
}

function fileType(stats: Stats): FileType | undefined {
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'dir';
  if (stats.isSymbolicLink()) return 'symlink';
  if (stats.isCharacterDevice()) return 'char';
  if (stats.isBlockDevice()) return 'block';
  if (stats.isFIFO()) return 'fifo';
  return undefined;
}
