import { existsSync, statSync } from 'node:fs';
import { CustomsError } from '../core/errors.js';
import type { ImageSource, Platform } from '../core/image.js';
import { DirectoryStore } from './archive/directory-store.js';
import { TarStore } from './archive/tar-store.js';
import { DockerArchiveSource } from './docker-archive.js';
import { OciLayoutSource } from './oci-layout.js';
import type { RegistrySourceOptions } from './registry/registry-source.js';
import { RootfsSource } from './rootfs.js';

export interface OpenSourceOptions {
  platform?: Platform | undefined;
  registry?: Omit<RegistrySourceOptions, 'platform'> | undefined;
}

type Transport = 'registry' | 'docker-archive' | 'oci' | 'oci-archive' | 'rootfs';

const PREFIXES: ReadonlyArray<[string, Transport]> = [
  ['docker://', 'registry'],
  ['registry:', 'registry'],
  ['docker-archive:', 'docker-archive'],
  ['oci-archive:', 'oci-archive'],
  ['oci:', 'oci'],
  ['dir:', 'rootfs'],
  ['rootfs:', 'rootfs'],
];

/**
 * Turn what the user typed into an image source. Explicit transports (`oci:`, `docker-archive:`,
 * `dir:`, `docker://`, as skopeo spells them) always win; otherwise an existing path is read as a
 * local image and anything else is a registry reference.
 */
export async function openSource(target: string, options: OpenSourceOptions = {}): Promise<ImageSource> {
  const prefixed = PREFIXES.find(([prefix]) => target.startsWith(prefix));
  if (prefixed) return openTransport(target, prefixed[1], target.slice(prefixed[0].length), options);
  if (existsSync(target)) {
    const stats = statSync(target);
    if (stats.isDirectory()) return openTransport(target, existsSync(`${target}/oci-layout`) ? 'oci' : 'rootfs', target, options);
    return openArchive(target, target, undefined, options);
  }
  return openTransport(target, 'registry', target, options);
}

async function openTransport(target: string, transport: Transport, rest: string, options: OpenSourceOptions): Promise<ImageSource> {
  switch (transport) {
    case 'registry': {
      // Loaded on demand: local scans never pay for the HTTP stack.
      const { RegistrySource } = await import('./registry/registry-source.js');
      return new RegistrySource(rest, { ...options.registry, platform: options.platform });
    }
    case 'rootfs':
      return new RootfsSource(rest);
    case 'oci': {
      const { path, ref } = splitPathRef(rest);
      return new OciLayoutSource(target, new DirectoryStore(path), { ref, platform: options.platform });
    }
    case 'oci-archive': {
      const { path, ref } = splitPathRef(rest);
      return new OciLayoutSource(target, await TarStore.open(path), { ref, platform: options.platform });
    }
    case 'docker-archive': {
      const { path, ref } = splitPathRef(rest);
      return openArchive(target, path, ref, options, 'docker-archive');
    }
  }
}

/** A tar file: docker save output has manifest.json, an OCI archive has index.json (Docker 25+ has both). */
async function openArchive(
  target: string,
  path: string,
  ref: string | undefined,
  options: OpenSourceOptions,
  forced?: 'docker-archive',
): Promise<ImageSource> {
  const store = await TarStore.open(path);
  if (forced === 'docker-archive' || store.has('manifest.json')) return new DockerArchiveSource(target, store, ref);
  if (store.has('index.json')) return new OciLayoutSource(target, store, { ref, platform: options.platform });
  await store.close();
  throw new CustomsError('INVALID_INPUT', 'not an image archive: neither manifest.json (docker save) nor index.json (OCI) found', { image: target });
}

/** "path:tag" -> path and tag, where the whole string is not itself an existing path. */
function splitPathRef(value: string): { path: string; ref: string | undefined } {
  if (existsSync(value)) return { path: value, ref: undefined };
  // The reference may itself hold colons (docker-archive:x.tar:repo:tag), so the path ends at the first colon that names a file.
  for (let colon = value.indexOf(':'); colon > 0; colon = value.indexOf(':', colon + 1)) {
    if (existsSync(value.slice(0, colon))) return { path: value.slice(0, colon), ref: value.slice(colon + 1) };
  }
  throw new CustomsError('NOT_FOUND', 'no such file or directory', { image: value });
}
