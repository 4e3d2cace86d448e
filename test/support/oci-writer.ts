/**
 * Builds synthetic images for tests of bad and unusual input: layers with hostile paths, wrong
 * diff IDs, blobs stored under the wrong digest. Output is deterministic (fixed timestamps,
 * fixed key order) so a test may compare digests across runs.
 */
import { writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync, gunzipSync } from 'node:zlib';
import { pack as createTarPack } from 'tar-stream';
import {
  OCI_MEDIA_TYPES,
  blobPath,
  initLayout,
  runTool,
  setTag,
  sha256Of,
  writeBlob,
  type OciDescriptor,
  type OciImageConfig,
  type OciManifest,
  type OciPlatform,
} from './oci-layout-tools.js';

/** Every timestamp the writer produces; anything that varies would change digests between runs. */
export const FIXED_MTIME = new Date('2024-01-01T00:00:00Z');

export type TarEntryType = 'file' | 'dir' | 'symlink' | 'link' | 'char' | 'block' | 'fifo';

export interface TarEntry {
  /** Written verbatim: `../../etc/passwd` and `/abs/path` reach the archive unchanged. */
  path: string;
  type?: TarEntryType;
  content?: Buffer | string;
  mode?: number;
  /** Target of a symlink, or the earlier path a hard link (`link`) refers to. */
  linkname?: string;
  uid?: number;
  gid?: number;
  devmajor?: number;
  devminor?: number;
  /** Extra PAX records (e.g. xattrs as `SCHILY.xattr.*`). */
  pax?: Record<string, string>;
}

const TAR_STREAM_TYPES = {
  file: 'file',
  dir: 'directory',
  symlink: 'symlink',
  link: 'link',
  char: 'character-device',
  block: 'block-device',
  fifo: 'fifo',
} as const;

const DEFAULT_MODES: Record<TarEntryType, number> = {
  file: 0o644,
  dir: 0o755,
  symlink: 0o777,
  link: 0o644,
  char: 0o666,
  block: 0o660,
  fifo: 0o644,
};

/**
 * An uncompressed layer tar. tar-stream keeps names as given (no stripping of `/` or `..`),
 * switches to a PAX header for names over 100 bytes, and writes the mode bits including
 * setuid/setgid/sticky. Mode 0 cannot be written: tar-stream treats it as "use the default".
 */
export async function buildTarLayer(entries: TarEntry[]): Promise<Buffer> {
  const tar = createTarPack();
  const chunks: Buffer[] = [];
  const collected = new Promise<Buffer>((resolve, reject) => {
    tar.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
    tar.on('end', () => resolve(Buffer.concat(chunks)));
    tar.on('error', reject);
  });
  for (const entry of entries) {
    const type = entry.type ?? 'file';
    const content = type === 'file' ? Buffer.from(entry.content ?? '') : undefined;
    const isDevice = type === 'char' || type === 'block';
    await new Promise<void>((resolve, reject) => {
      const done = (error?: Error | null): void => (error ? reject(error) : resolve());
      const header: Parameters<typeof tar.entry>[0] = {
        name: entry.path,
        type: TAR_STREAM_TYPES[type],
        mode: entry.mode ?? DEFAULT_MODES[type],
        uid: entry.uid ?? 0,
        gid: entry.gid ?? 0,
        uname: '',
        gname: '',
        mtime: FIXED_MTIME,
        linkname: entry.linkname,
        devmajor: isDevice ? (entry.devmajor ?? 1) : 0,
        devminor: isDevice ? (entry.devminor ?? 3) : 0,
        pax: entry.pax,
        size: content?.length ?? 0,
      };
      if (content) tar.entry(header, content, done);
      else tar.entry(header, done);
    });
  }
  tar.finalize();
  return collected;
}

/** gzip with a fixed header (Node writes mtime 0), so equal input gives equal bytes. */
export function gzip(bytes: Buffer): Buffer {
  return gzipSync(bytes);
}

/** zstd through the CLI, independent of whatever zstd library the scanner uses. */
export async function zstdCompress(bytes: Buffer, level = 3): Promise<Buffer> {
  return (await runTool('zstd', ['-q', '-c', `-${level}`, '--no-progress'], { input: bytes })).stdout;
}

export async function zstdDecompress(bytes: Buffer): Promise<Buffer> {
  return (await runTool('zstd', ['-q', '-d', '-c', '--no-progress'], { input: bytes })).stdout;
}

export interface LayerInput {
  /** The layer as stored (compressed or not, valid or not). */
  bytes: Buffer;
  mediaType: string;
  /** Override the diff ID written to the config, e.g. to make it wrong. */
  diffId?: string;
  /** Override the digest the manifest names; the bytes are stored under this name too. */
  digest?: string;
}

export interface ImageInput {
  layers: LayerInput[];
  /** Merged over the generated config (shallowly); `rootfs` and `history` given here win. */
  config?: Partial<OciImageConfig>;
  /** Store these exact bytes as the config instead of generating one (invalid JSON, odd fields). */
  configBytes?: Buffer;
  configMediaType?: string;
  platform?: OciPlatform;
  /** Last chance to edit the manifest before it is written (unknown media types, missing fields). */
  transformManifest?: (manifest: OciManifest) => unknown;
}

export interface OciLayoutInput extends ImageInput {
  /** The ref name in index.json; `null` leaves index.json alone (for building indexes by hand). */
  tag?: string | null;
}

export interface WrittenLayer {
  digest: string;
  size: number;
  mediaType: string;
  diffId: string;
}

export interface WrittenImage {
  manifestDigest: string;
  manifestSize: number;
  manifestBytes: Buffer;
  configDigest: string;
  configBytes: Buffer;
  layers: WrittenLayer[];
  /** The index.json descriptor (without the tag annotation), for building indexes. */
  descriptor: OciDescriptor;
}

const DEFAULT_PLATFORM: OciPlatform = { os: 'linux', architecture: 'amd64' };

/**
 * The uncompressed digest of a layer. A layer that cannot be decompressed (a test's deliberately
 * corrupt gzip) gets the digest of its stored bytes: it is meant to fail, not to be described.
 */
async function computeDiffId(layer: LayerInput): Promise<string> {
  try {
    if (/gzip$/.test(layer.mediaType)) return sha256Of(gunzipSync(layer.bytes));
    if (/zstd$/.test(layer.mediaType)) return sha256Of(await zstdDecompress(layer.bytes));
  } catch {
    return sha256Of(layer.bytes);
  }
  return sha256Of(layer.bytes);
}

interface PreparedImage {
  layers: WrittenLayer[];
  configBytes: Buffer;
  configDigest: string;
}

async function prepareImage(input: ImageInput): Promise<PreparedImage> {
  const platform = input.platform ?? DEFAULT_PLATFORM;
  const layers: WrittenLayer[] = [];
  for (const layer of input.layers) {
    layers.push({
      digest: layer.digest ?? sha256Of(layer.bytes),
      size: layer.bytes.length,
      mediaType: layer.mediaType,
      diffId: layer.diffId ?? (await computeDiffId(layer)),
    });
  }
  const generated: OciImageConfig = {
    created: FIXED_MTIME.toISOString(),
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    config: {},
    rootfs: { type: 'layers', diff_ids: layers.map((layer) => layer.diffId) },
    history: layers.map((_, index) => ({ created: FIXED_MTIME.toISOString(), created_by: `synthetic layer ${index}` })),
  };
  const configBytes = input.configBytes ?? Buffer.from(JSON.stringify({ ...generated, ...input.config }));
  return { layers, configBytes, configDigest: sha256Of(configBytes) };
}

/**
 * Write one image into an OCI layout directory (created if needed). Other images already in the
 * layout stay; a tag already present moves to the new image.
 */
export async function writeOciLayout(dir: string, input: OciLayoutInput): Promise<WrittenImage> {
  await initLayout(dir);
  const prepared = await prepareImage(input);
  for (const [index, layer] of prepared.layers.entries()) {
    const target = blobPath(dir, layer.digest);
    await mkdir(path.dirname(target), { recursive: true });
    // Raw write, not writeBlob: an overridden digest must name bytes that do not match it.
    await writeFile(target, input.layers[index]!.bytes);
  }
  await writeBlob(dir, prepared.configBytes);
  const manifest: OciManifest = {
    schemaVersion: 2,
    mediaType: OCI_MEDIA_TYPES.manifest,
    config: { mediaType: input.configMediaType ?? OCI_MEDIA_TYPES.config, digest: prepared.configDigest, size: prepared.configBytes.length },
    layers: prepared.layers.map((layer) => ({ mediaType: layer.mediaType, digest: layer.digest, size: layer.size })),
  };
  const manifestValue = input.transformManifest ? input.transformManifest(manifest) : manifest;
  const manifestBytes = Buffer.from(JSON.stringify(manifestValue));
  const written = await writeBlob(dir, manifestBytes);
  const platform = input.platform ?? DEFAULT_PLATFORM;
  const descriptor: OciDescriptor = { mediaType: OCI_MEDIA_TYPES.manifest, digest: written.digest, size: written.size, platform };
  const tag = input.tag === undefined ? 'latest' : input.tag;
  if (tag !== null) {
    const { platform: _platform, ...withoutPlatform } = descriptor;
    await setTag(dir, withoutPlatform, tag);
  }
  return {
    manifestDigest: written.digest,
    manifestSize: written.size,
    manifestBytes,
    configDigest: prepared.configDigest,
    configBytes: prepared.configBytes,
    layers: prepared.layers,
    descriptor,
  };
}

export interface DockerArchiveInput extends ImageInput {
  /** RepoTags in manifest.json; default one tag, `[]` for an untagged image. */
  repoTags?: string[];
  /**
   * Store each layer once as `<hex>.tar` and name it in manifest.json through a symlink
   * `<hex>/layer.tar -> ../<hex>.tar`, as some docker save versions do: readers must follow it.
   */
  symlinkLayers?: boolean;
}

export interface WrittenDockerArchive {
  /** The image ID: the digest of the config file. */
  configDigest: string;
  configPath: string;
  layers: Array<WrittenLayer & { path: string }>;
  repoTags: string[];
  manifestJson: Buffer;
}

/**
 * Write a `docker save`-style archive (the pre-Docker-25 layout): `manifest.json`, the config as
 * `<hex>.json`, each layer as `<hex>/layer.tar` with the layer bytes as given (docker save stores
 * them uncompressed; pass compressed bytes to test readers that must cope anyway).
 */
export async function writeDockerArchive(file: string, input: DockerArchiveInput): Promise<WrittenDockerArchive> {
  const prepared = await prepareImage(input);
  const repoTags = input.repoTags ?? ['customs-test/synthetic:latest'];
  const configPath = `${prepared.configDigest.slice('sha256:'.length)}.json`;
  const layers = prepared.layers.map((layer) => ({ ...layer, path: `${layer.digest.slice('sha256:'.length)}/layer.tar` }));
  const manifestJson = Buffer.from(JSON.stringify([{ Config: configPath, RepoTags: repoTags, Layers: layers.map((layer) => layer.path) }]));

  const entries: TarEntry[] = [];
  for (const [index, layer] of layers.entries()) {
    const directory = path.posix.dirname(layer.path);
    const bytes = input.layers[index]!.bytes;
    if (input.symlinkLayers) {
      entries.push({ path: `${directory}.tar`, content: bytes });
      entries.push({ path: directory, type: 'dir' });
      entries.push({ path: layer.path, type: 'symlink', linkname: `../${directory}.tar` });
    } else {
      entries.push({ path: directory, type: 'dir' });
      entries.push({ path: layer.path, content: bytes });
    }
  }
  entries.push({ path: configPath, content: prepared.configBytes });
  entries.push({ path: 'manifest.json', content: manifestJson });
  const topLayer = layers.at(-1);
  if (repoTags.length > 0 && topLayer) {
    entries.push({ path: 'repositories', content: JSON.stringify(repositoriesFile(repoTags, topLayer.path)) });
  }
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, await buildTarLayer(entries));
  return { configDigest: prepared.configDigest, configPath, layers, repoTags, manifestJson };
}

/** The legacy `repositories` file: repository -> tag -> top layer id. */
function repositoriesFile(repoTags: string[], topLayerPath: string): Record<string, Record<string, string>> {
  const topLayerId = path.posix.dirname(topLayerPath);
  const repositories: Record<string, Record<string, string>> = {};
  for (const repoTag of repoTags) {
    const colon = repoTag.lastIndexOf(':');
    const repository = colon > repoTag.lastIndexOf('/') ? repoTag.slice(0, colon) : repoTag;
    const tag = colon > repoTag.lastIndexOf('/') ? repoTag.slice(colon + 1) : 'latest';
    repositories[repository] = { ...repositories[repository], [tag]: topLayerId };
  }
  return repositories;
}
