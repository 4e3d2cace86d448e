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
/** Files analysed at once in a directory walk: enough to keep the thread pool busy, few enough to bound memory. */
const MAX_PARALLEL_FILES = 16;

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
    // Stat a directory's children all at once: one await per file would leave the walk waiting on
    // the thread pool most of the time (a sequential walk of a Debian root spends 1 s idle).
    const entries = await Promise.all(
      children.map(async (name) => {
        const path = relative ? `${relative}/${name}` : name;
        const full = join(root, path);
        const stats = await lstat(full).catch(() => undefined); // vanished while walking
        const linkname = stats?.isSymbolicLink() ? await readlink(full).catch(() => '') : undefined;
        return { path, full, stats, linkname };
      }),
    );
    // Files of one directory are handed to the analyzers together: each add() records its entry
    // before its first await, so the listing keeps directory order while the reads overlap.
    const adds: Array<Promise<void>> = [];
    for (const { path, full, stats, linkname } of entries) {
      options.signal?.throwIfAborted();
      if (!stats) continue;
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
      if (linkname !== undefined) info.linkname = linkname;
      if (type === 'file') total += stats.size;
      adds.push(collector.add(info, type === 'file' ? { kind: 'disk', path: full } : undefined));
      if (adds.length >= MAX_PARALLEL_FILES) await Promise.all(adds.splice(0));
      if (type === 'dir') pending.push(path);
    }
    await Promise.all(adds);
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
