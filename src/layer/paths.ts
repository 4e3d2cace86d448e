import { posix } from 'node:path';
import { CustomsError } from '../core/errors.js';

/**
 * Normalise a tar entry name to a root-relative path ("./etc/x/" -> "etc/x"). Names that are
 * absolute or climb out of the root are refused: a layer that writes outside its root is either
 * broken or an attack, and extracting tools disagree on what it means.
 * Returns "" for the root directory itself.
 */
export function normalizeEntryPath(name: string): string {
  if (name.includes('\0')) throw new CustomsError('UNSAFE_PATH', `tar entry name contains a NUL byte`, { file: name });
  if (name.startsWith('/')) {
    throw new CustomsError('UNSAFE_PATH', 'tar entry has an absolute path', { file: name });
  }
  const segments: string[] = [];
  for (const segment of name.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (segments.length === 0) throw new CustomsError('UNSAFE_PATH', 'tar entry path escapes the image root', { file: name });
      segments.pop();
      continue;
    }
    segments.push(segment);
  }
  return segments.join('/');
}

export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_MARKER = '.wh..wh..opq';

export type Whiteout = { kind: 'opaque'; dir: string } | { kind: 'delete'; path: string };

/** Recognise the OCI whiteout files (image-spec layer.md). */
export function parseWhiteout(path: string): Whiteout | undefined {
  const base = posix.basename(path);
  if (!base.startsWith(WHITEOUT_PREFIX)) return undefined;
  const dir = posix.dirname(path) === '.' ? '' : posix.dirname(path);
  if (base === OPAQUE_MARKER) return { kind: 'opaque', dir };
  const name = base.slice(WHITEOUT_PREFIX.length);
  return { kind: 'delete', path: dir ? `${dir}/${name}` : name };
}

export function isWithin(path: string, dir: string): boolean {
  return dir === '' ? path !== '' : path.startsWith(`${dir}/`);
}
