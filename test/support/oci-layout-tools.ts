/**
 * Small helpers for reading and editing OCI image layouts on disk (image-spec "image-layout"),
 * and for running the external tools that build them. Test support only: these helpers are
 * deliberately independent of the scanner's own parsing, so that fixtures and their expected
 * values never share a bug with the code under test.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile, copyFile, access } from 'node:fs/promises';
import path from 'node:path';

export const OCI_MEDIA_TYPES = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layerTar: 'application/vnd.oci.image.layer.v1.tar',
  layerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  layerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
} as const;

export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';

export interface OciPlatform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface OciDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: OciPlatform;
}

export interface OciIndex {
  schemaVersion: 2;
  mediaType?: string;
  manifests: OciDescriptor[];
  annotations?: Record<string, string>;
}

export interface OciManifest {
  schemaVersion: 2;
  mediaType?: string;
  config: OciDescriptor;
  layers: OciDescriptor[];
  annotations?: Record<string, string>;
}

/** The parts of an image config (image-spec config.md plus Docker's Healthcheck) the fixtures set or check. */
export interface OciImageConfig {
  created?: string;
  author?: string;
  architecture: string;
  os: string;
  variant?: string;
  config?: {
    User?: string;
    ExposedPorts?: Record<string, object>;
    Env?: string[];
    Entrypoint?: string[];
    Cmd?: string[];
    Volumes?: Record<string, object>;
    WorkingDir?: string;
    Labels?: Record<string, string>;
    StopSignal?: string;
    Healthcheck?: { Test?: string[]; Interval?: number; Timeout?: number; StartPeriod?: number; Retries?: number };
    [key: string]: unknown;
  };
  rootfs: { type: string; diff_ids: string[] };
  history?: Array<{ created?: string; created_by?: string; author?: string; comment?: string; empty_layer?: boolean }>;
  [key: string]: unknown;
}

export function sha256Of(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export function blobPath(layout: string, digest: string): string {
  const [algorithm, hex] = digest.split(':');
  if (!algorithm || !hex) throw new Error(`not a digest: ${digest}`);
  return path.join(layout, 'blobs', algorithm, hex);
}

/** Create the layout skeleton unless it already exists; an existing index.json is kept. */
export async function initLayout(layout: string): Promise<void> {
  await mkdir(path.join(layout, 'blobs', 'sha256'), { recursive: true });
  await writeFile(path.join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  if (!(await exists(path.join(layout, 'index.json')))) {
    await writeIndex(layout, { schemaVersion: 2, mediaType: OCI_MEDIA_TYPES.index, manifests: [] });
  }
}

/** Store bytes under their digest. Written to a temporary name first so a crash never leaves a blob whose bytes disagree with its name. */
export async function writeBlob(layout: string, bytes: Buffer | string): Promise<{ digest: string; size: number }> {
  const data = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  const digest = sha256Of(data);
  const target = blobPath(layout, digest);
  await mkdir(path.dirname(target), { recursive: true });
  const temporary = `${target}.tmp-${randomBytes(4).toString('hex')}`;
  await writeFile(temporary, data, { mode: 0o644 });
  await rename(temporary, target);
  return { digest, size: data.length };
}

export async function writeJsonBlob(layout: string, value: unknown): Promise<{ digest: string; size: number; bytes: Buffer }> {
  const bytes = Buffer.from(JSON.stringify(value));
  return { ...(await writeBlob(layout, bytes)), bytes };
}

/** Read a blob and check it against its name: fixtures must never hand tests a silently corrupted blob. */
export async function readBlob(layout: string, digest: string): Promise<Buffer> {
  const bytes = await readFile(blobPath(layout, digest));
  const actual = sha256Of(bytes);
  if (actual !== digest) throw new Error(`${layout}: blob ${digest} has digest ${actual}`);
  return bytes;
}

export async function readJsonBlob<T>(layout: string, digest: string): Promise<T> {
  return JSON.parse((await readBlob(layout, digest)).toString('utf8')) as T;
}

export async function readIndex(layout: string): Promise<OciIndex> {
  return JSON.parse(await readFile(path.join(layout, 'index.json'), 'utf8')) as OciIndex;
}

export async function writeIndex(layout: string, index: OciIndex): Promise<void> {
  const target = path.join(layout, 'index.json');
  const temporary = `${target}.tmp-${randomBytes(4).toString('hex')}`;
  await writeFile(temporary, JSON.stringify(index));
  await rename(temporary, target);
}

/** The index.json entry carrying this tag (the ref.name annotation), or undefined. */
export async function findTag(layout: string, tag: string): Promise<OciDescriptor | undefined> {
  const index = await readIndex(layout);
  return index.manifests.find((entry) => entry.annotations?.[REF_NAME_ANNOTATION] === tag);
}

export async function requireTag(layout: string, tag: string): Promise<OciDescriptor> {
  const found = await findTag(layout, tag);
  if (!found) throw new Error(`${layout}: no tag "${tag}" in index.json`);
  return found;
}

/** Point a tag at a descriptor, replacing whatever carried that tag before (tags are unique in a layout). */
export async function setTag(layout: string, descriptor: OciDescriptor, tag: string): Promise<void> {
  const index = await readIndex(layout);
  const others = index.manifests.filter((entry) => entry.annotations?.[REF_NAME_ANNOTATION] !== tag);
  const tagged: OciDescriptor = { ...descriptor, annotations: { ...descriptor.annotations, [REF_NAME_ANNOTATION]: tag } };
  await writeIndex(layout, { ...index, manifests: [...others, tagged] });
}

export interface LoadedImage {
  descriptor: OciDescriptor;
  manifest: OciManifest;
  config: OciImageConfig;
}

/** Follow a tag to a single-platform image manifest and its config. */
export async function loadImage(layout: string, tag: string): Promise<LoadedImage> {
  const descriptor = await requireTag(layout, tag);
  if (descriptor.mediaType !== OCI_MEDIA_TYPES.manifest) {
    throw new Error(`${layout}:${tag} is a ${descriptor.mediaType}, not an image manifest`);
  }
  const manifest = await readJsonBlob<OciManifest>(layout, descriptor.digest);
  const config = await readJsonBlob<OciImageConfig>(layout, manifest.config.digest);
  return { descriptor, manifest, config };
}

/**
 * Store a new manifest for a tag. The old manifest and config blobs stay behind: run
 * `umoci gc` (or ignore them) when the layout must hold only reachable blobs.
 */
export async function replaceManifest(layout: string, tag: string, manifest: OciManifest): Promise<OciDescriptor> {
  const previous = await requireTag(layout, tag);
  const written = await writeJsonBlob(layout, manifest);
  const { annotations: _previousAnnotations, ...rest } = previous;
  const descriptor: OciDescriptor = { ...rest, mediaType: OCI_MEDIA_TYPES.manifest, digest: written.digest, size: written.size };
  await setTag(layout, descriptor, tag);
  return descriptor;
}

/**
 * Edit the image config of a tagged image: for settings no tool here can make (umoci has no
 * HEALTHCHECK). Writes the new config, a manifest pointing at it, and moves the tag.
 */
export async function updateImageConfig(
  layout: string,
  tag: string,
  edit: (config: OciImageConfig) => OciImageConfig | void,
): Promise<{ manifest: OciDescriptor; config: OciDescriptor }> {
  const image = await loadImage(layout, tag);
  const draft = structuredClone(image.config);
  const edited = edit(draft) ?? draft;
  const written = await writeJsonBlob(layout, edited);
  const configDescriptor: OciDescriptor = { ...image.manifest.config, digest: written.digest, size: written.size };
  const manifest = await replaceManifest(layout, tag, { ...image.manifest, config: configDescriptor });
  return { manifest, config: configDescriptor };
}

/** Copy blobs between layouts (copies, not links: a test that damages one layout must not damage another). */
export async function copyBlobs(fromLayout: string, toLayout: string, digests: Iterable<string>): Promise<void> {
  for (const digest of new Set(digests)) {
    const target = blobPath(toLayout, digest);
    await mkdir(path.dirname(target), { recursive: true });
    await copyFile(blobPath(fromLayout, digest), target);
  }
}

/** Every blob an image manifest needs: itself, its config, its layers. */
export function imageBlobDigests(descriptor: OciDescriptor, manifest: OciManifest): string[] {
  return [descriptor.digest, manifest.config.digest, ...manifest.layers.map((layer) => layer.digest)];
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

export interface ToolResult {
  stdout: Buffer;
  stderr: string;
}

export interface ToolOptions {
  cwd?: string;
  input?: Buffer;
  env?: NodeJS.ProcessEnv;
}

/**
 * Run an external tool and fail with its command line and the tail of its stderr: when umoci or
 * skopeo refuses something, the reason is in the last lines, and the fixture log is all a CI
 * reader gets.
 */
export function runTool(command: string, args: string[], options: ToolOptions = {}): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => reject(new Error(`cannot run ${command}: ${error.message}`)));
    child.on('close', (code, signal) => {
      const errorText = Buffer.concat(stderr).toString('utf8');
      if (code === 0) {
        resolve({ stdout: Buffer.concat(stdout), stderr: errorText });
        return;
      }
      const tail = errorText.trim().split('\n').slice(-15).join('\n');
      const status = signal ? `signal ${signal}` : `exit code ${code}`;
      reject(new Error(`${command} ${args.join(' ')} failed with ${status}${tail ? `:\n${tail}` : ''}`));
    });
    // A tool that exits before reading all its input would otherwise crash us with EPIPE; its exit code tells the story.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input);
  });
}
