import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Stats } from 'node:fs';
import { CustomsError } from '../core/errors.js';
import type { FileInfo, FileType } from '../core/files.js';
import type { LayerAnalysis } from './analysis.js';
import { LayerCollector, type CollectorOptions } from './collector.js';

/** Files analysed at once in a directory walk: enough to keep the thread pool busy, few enough to bound memory. */
const MAX_PARALLEL_FILES = 16;

interface DirectoryEntry {
  path: string;
  full: string;
  stats: Stats;
  linkname: string | undefined;
}

/**
 * Walk an unpacked root filesystem as one layer. Symlinks are recorded, never followed, so a
 * link pointing at "/" or a loop cannot take the walk outside the root or around in circles.
 *
 * Directories are listed and their entries stat'ed synchronously: on a local file system (what a
 * root filesystem to scan is) a synchronous lstat takes a few microseconds, where each promise
 * round trip through the thread pool costs tens, so the listing of a Debian root takes ~40 ms
 * instead of ~350 ms. The files analyzers want are still read asynchronously, up to
 * MAX_PARALLEL_FILES at a time, and the event loop gets a turn at least once per directory.
 */
export async function walkDirectory(root: string, options: CollectorOptions): Promise<LayerAnalysis> {
  const collector = new LayerCollector(options);
  let total = 0;
  // Files being analysed. Each add() records its entry before its first await, so the listing
  // keeps directory order while the reads overlap.
  const inFlight = new Set<Promise<void>>();
  const pending: string[] = [''];
  while (pending.length > 0) {
    const relative = pending.pop()!;
    for (const { path, full, stats, linkname } of listDirectory(root, relative)) {
      options.signal?.throwIfAborted();
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
      const added: Promise<void> = collector.add(info, type === 'file' ? { kind: 'disk', path: full } : undefined).finally(() => inFlight.delete(added));
      // Failures surface through the race or the final Promise.all; this only keeps one that is
      // still running when the walk has already failed from counting as unhandled.
      added.catch(() => undefined);
      inFlight.add(added);
      if (inFlight.size >= MAX_PARALLEL_FILES) await Promise.race(inFlight);
      if (type === 'dir') pending.push(path);
    }
    // One turn of the event loop per directory, even when no file in it was read, so a timeout fires.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  await Promise.all(inFlight);
  collector.uncompressedSize = total;
  return collector.finish();
}

/** The entries of one directory, sorted by name; entries that vanish while being listed are left out. */
function listDirectory(root: string, relative: string): DirectoryEntry[] {
  const directory = join(root, relative);
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new CustomsError('INVALID_INPUT', `cannot read directory: ${code ?? message}`, { file: relative || '/' });
  }
  names.sort();
  const prefix = directory.endsWith('/') ? directory : `${directory}/`;
  const entries: DirectoryEntry[] = [];
  for (const name of names) {
    const full = prefix + name;
    let stats: Stats | undefined;
    try {
      stats = lstatSync(full);
    } catch {
      continue; // vanished while walking
    }
    let linkname: string | undefined;
    if (stats.isSymbolicLink()) {
      try {
        linkname = readlinkSync(full);
      } catch {
        linkname = '';
      }
    }
    entries.push({ path: relative ? `${relative}/${name}` : name, full, stats, linkname });
  }
  return entries;
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
