/**
 * Real test images, built with the same tools that make images in the wild (debootstrap, umoci,
 * skopeo) and cached between runs. Expected values are read back from what the tools wrote,
 * never hard-coded: umoci stamps the build time into every layer, so digests change per build.
 *
 * Layout of the cache (one directory per fixture, each with a stamp.json written last):
 *   debootstrap/            bookworm-minbase.tar, dpkg-packages.tsv
 *   rootfs/fs/              the same root filesystem, unpacked
 *   debian-layered/         oci/ (OCI layout), expected.json, final-files.json
 *   debian-multiarch/       oci/, expected.json
 *   debian-docker-archive/  debian-docker-archive.tar, expected.json
 *   debian-oci-archive/     debian-oci-archive.tar, expected.json
 *   debian-zstd/            oci/, expected.json
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, link, lstat, mkdir, readdir, readFile, readlink, realpath, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { extract as createTarExtract } from 'tar-stream';
import {
  OCI_MEDIA_TYPES,
  REF_NAME_ANNOTATION,
  copyBlobs,
  imageBlobDigests,
  initLayout,
  loadImage,
  readBlob,
  readIndex,
  readJsonBlob,
  replaceManifest,
  runTool,
  setTag,
  sha256Of,
  updateImageConfig,
  writeBlob,
  writeJsonBlob,
  type OciDescriptor,
  type OciImageConfig,
  type OciIndex,
  type OciManifest,
  type OciPlatform,
} from './oci-layout-tools.js';
import { buildTarLayer, gzip, writeOciLayout, zstdCompress } from './oci-writer.js';

/** Bump a fixture's number when its recipe changes: the cached copy is then rebuilt, and so is everything built from it. */
export const RECIPE_VERSIONS = {
  debootstrap: 1,
  rootfs: 1,
  'debian-layered': 1,
  'debian-multiarch': 1,
  'debian-docker-archive': 1,
  'debian-oci-archive': 1,
  'debian-zstd': 1,
} as const;
export type FixtureName = keyof typeof RECIPE_VERSIONS;

export const DEBIAN_MIRROR = 'http://deb.debian.org/debian';
export const DEBIAN_SUITE = 'bookworm';
export const LAYERED_TAG = 'latest';
export const DOCKER_ARCHIVE_TAG = 'customs-test/debian:layered';

/** What the debian-layered recipe puts into the image, for tests to look for (paths without a leading slash). */
export const DEBIAN_LAYERED = {
  helloPath: 'app/hello.txt',
  helloContent: 'hello from customs\n',
  dataPath: 'app/sub/data.bin',
  dataSize: 5000,
  confPath: 'etc/customs-test.conf',
  confContent: 'secret_mode = on\n',
  hostnameContent: 'customs-fixture\n',
  symlinkPath: 'app/link',
  symlinkTarget: 'hello.txt',
  hardLinkPath: 'app/hard',
  /** One path component over 100 bytes: forces a PAX header (a plain ustar name/prefix split cannot hold it). */
  longNamePath: `app/${'long-file-name-'.repeat(8)}end.txt`,
  longNameContent: 'a file with a long name\n',
  suidPath: 'usr/local/bin/suid-tool',
  suidMode: 0o4755,
  opaqueDirectory: 'app/sub',
  opaqueNewFile: 'app/sub/new.txt',
  opaqueNewContent: 'new\n',
  historyCreatedBy: [
    'debootstrap bookworm minbase',
    'COPY app /app',
    'RUN rm /etc/customs-test.conf',
    'RUN rm -rf /app/sub && mkdir /app/sub && echo new > /app/sub/new.txt',
  ],
  user: '1000:1000',
  env: 'APP_MODE=test',
  entrypoint: ['/bin/sh', '-c'],
  cmd: ['echo hello'],
  exposedPort: '8080/tcp',
  labels: { 'org.opencontainers.image.title': 'customs-fixture' },
  workingDir: '/app',
  healthcheck: { Test: ['CMD-SHELL', 'test -f /app/hello.txt'], Interval: 30_000_000_000 },
} as const;

/** The second image of debian-multiarch. */
export const TINY_ARM64 = {
  platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
  files: { 'hello-arm64.txt': 'hello from arm64\n', 'etc/customs-arch': 'arm64\n' },
} as const;

export interface DpkgPackage {
  name: string;
  version: string;
  sourceName: string;
  sourceVersion: string;
}

export type FinalFileType = 'file' | 'dir' | 'symlink' | 'char' | 'block' | 'fifo' | 'socket';

/** One path of the final image as `umoci unpack` lays it out. */
export interface FinalFile {
  /** Relative to the root, no leading slash or `./`. */
  path: string;
  type: FinalFileType;
  /** Permission bits including setuid/setgid/sticky (mode & 0o7777). */
  mode: number;
  uid: number;
  gid: number;
  /** Link count after unpacking (umoci 0.4.7 keeps hard links within a layer as links: app/hard and app/hello.txt show 2). */
  nlink: number;
  size?: number;
  sha256?: string;
  linkTarget?: string;
}

export interface ExpectedLayer {
  index: number;
  mediaType: string;
  digest: string;
  size: number;
  diffId: string;
  /** From the config history entry of this layer (entries with empty_layer are skipped). */
  createdBy?: string;
}

export interface ExpectedImage {
  manifestDigest: string;
  manifestMediaType: string;
  manifestSize: number;
  configDigest: string;
  configSize: number;
  platform: OciPlatform;
  layers: ExpectedLayer[];
  /** The config blob as written. */
  config: OciImageConfig;
}

export interface DockerArchiveExpectation {
  file: string;
  /** As written into manifest.json (skopeo qualifies them: docker.io/...). */
  repoTags: string[];
  configDigest: string;
  configPath: string;
  /** manifest.json's Layers, in order. skopeo 1.9 names the top-level `<diffid>.tar` files here, not the symlinks. */
  layerPaths: string[];
  /** Whether each of layerPaths is a symlink inside the archive. */
  layerPathIsSymlink: boolean[];
  /** Every symlink in the archive (e.g. legacy `<id>/layer.tar -> ../<diffid>.tar`), path -> target. */
  symlinks: Record<string, string>;
  diffIds: string[];
  config: OciImageConfig;
}

export interface Fixtures {
  dir: string;
  debootstrap: {
    /** `tar --numeric-owner -cp` of the debootstrap target; member names start with `./`. */
    tar: string;
    /** Package, Version, source:Package, source:Version per line, from dpkg-query. */
    packagesTsv: string;
    packages: DpkgPackage[];
  };
  /** An unpacked bookworm minbase root filesystem. */
  rootfs: string;
  debianLayered: {
    layout: string;
    tag: string;
    image: ExpectedImage;
    finalFilesJson: string;
    finalFiles: FinalFile[];
  };
  debianMultiarch: {
    layout: string;
    tag: string;
    indexDigest: string;
    indexSize: number;
    /** In index order: the debian-layered image (amd64), then the tiny arm64/v8 image. */
    manifests: ExpectedImage[];
  };
  debianDockerArchive: DockerArchiveExpectation;
  debianOciArchive: { file: string; tag: string; image: ExpectedImage };
  debianZstd: { layout: string; tag: string; image: ExpectedImage };
}

export interface EnsureFixturesOptions {
  /** Progress lines (one per fixture, with its time). Silent by default so test output stays clean. */
  log?: (line: string) => void;
}

export function fixturesDir(): string {
  return path.resolve(process.env.CUSTOMS_TEST_FIXTURES ?? path.join(os.homedir(), '.cache', 'customs-test', 'fixtures'));
}

/** Build whatever is missing or out of date, then describe all fixtures. Safe to call from several processes at once. */
export async function ensureFixtures(options: EnsureFixturesOptions = {}): Promise<Fixtures> {
  const log = options.log ?? (() => undefined);
  const root = fixturesDir();
  await mkdir(root, { recursive: true });
  const release = await acquireLock(root, log);
  try {
    await removeLeftovers(root);
    await buildAll(root, log);
    return await loadFixtures(root);
  } finally {
    await release();
  }
}

// ---------------------------------------------------------------------------------------------
// Build orchestration

interface Stamp {
  recipe: number;
  /** Build IDs of the fixtures this one was made from: a rebuilt input means a stale output. */
  inputs: Record<string, string>;
  buildId: string;
  builtAt: string;
  seconds: number;
}

type Log = (line: string) => void;

async function buildAll(root: string, log: Log): Promise<void> {
  const debootstrap = await ensureFixture(root, 'debootstrap', {}, log, ['bookworm-minbase.tar', 'dpkg-packages.tsv'], buildDebootstrap);
  const fromDebootstrap = { debootstrap: debootstrap.buildId };
  const debootstrapTar = path.join(root, 'debootstrap', 'bookworm-minbase.tar');

  const [, layered] = await settleAll([
    ensureFixture(root, 'rootfs', fromDebootstrap, log, ['fs/etc/os-release'], (work) => buildRootfs(work, debootstrapTar)),
    ensureFixture(root, 'debian-layered', fromDebootstrap, log, ['oci/index.json', 'expected.json', 'final-files.json'], (work) =>
      buildDebianLayered(work, debootstrapTar),
    ),
  ]);

  const fromLayered = { 'debian-layered': layered.buildId };
  const layeredLayout = path.join(root, 'debian-layered', 'oci');
  await settleAll([
    ensureFixture(root, 'debian-multiarch', fromLayered, log, ['oci/index.json', 'expected.json'], (work) => buildMultiarch(work, layeredLayout)),
    ensureFixture(root, 'debian-docker-archive', fromLayered, log, ['debian-docker-archive.tar', 'expected.json'], (work) =>
      buildDockerArchive(work, layeredLayout),
    ),
    ensureFixture(root, 'debian-oci-archive', fromLayered, log, ['debian-oci-archive.tar', 'expected.json'], (work) =>
      buildOciArchive(work, layeredLayout),
    ),
    ensureFixture(root, 'debian-zstd', fromLayered, log, ['oci/index.json', 'expected.json'], (work) => buildZstd(work, layeredLayout)),
  ]);
}

/** Like Promise.all, but waits for every build to stop before failing: no build may outlive the lock. */
async function settleAll<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(promises);
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) throw failure.reason;
  return results.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

async function ensureFixture(
  root: string,
  name: FixtureName,
  inputs: Record<string, string>,
  log: Log,
  requiredFiles: string[],
  build: (work: string) => Promise<void>,
): Promise<Stamp> {
  const started = performance.now();
  const target = path.join(root, name);
  const current = await readStamp(target);
  if (current && current.recipe === RECIPE_VERSIONS[name] && sameInputs(current.inputs, inputs) && (await allExist(target, requiredFiles))) {
    log(`fixture ${name}: up to date (${formatSeconds(performance.now() - started)})`);
    return current;
  }
  if (process.getuid?.() !== 0) {
    // debootstrap, device nodes and umoci's ownership-preserving unpack all need real root.
    throw new Error(`fixture ${name} must be (re)built, which needs root; run the tests as root once, or point CUSTOMS_TEST_FIXTURES at a built cache`);
  }
  const work = path.join(root, `.build-${name}-${randomBytes(4).toString('hex')}`);
  await mkdir(work);
  try {
    await build(work);
    const stamp: Stamp = {
      recipe: RECIPE_VERSIONS[name],
      inputs,
      buildId: `${new Date().toISOString()}-${randomBytes(4).toString('hex')}`,
      builtAt: new Date().toISOString(),
      seconds: Math.round(performance.now() - started) / 1000,
    };
    await writeFile(path.join(work, 'stamp.json'), `${JSON.stringify(stamp, null, 2)}\n`);
    await replaceDirectory(work, target);
    log(`fixture ${name}: built in ${formatSeconds(performance.now() - started)}`);
    return stamp;
  } catch (error) {
    await safeRemove(work).catch(() => undefined);
    throw new Error(`building fixture ${name} failed: ${(error as Error).message}`, { cause: error });
  }
}

async function readStamp(dir: string): Promise<Stamp | undefined> {
  try {
    return JSON.parse(await readFile(path.join(dir, 'stamp.json'), 'utf8')) as Stamp;
  } catch {
    return undefined;
  }
}

function sameInputs(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((key) => a[key] === b[key]);
}

async function allExist(dir: string, files: string[]): Promise<boolean> {
  for (const file of files) {
    try {
      await lstat(path.join(dir, file));
    } catch {
      return false;
    }
  }
  return true;
}

/** Swap a freshly built directory into place; the old one is moved aside first because rename cannot replace a non-empty directory. */
async function replaceDirectory(fresh: string, target: string): Promise<void> {
  const trash = path.join(path.dirname(target), `.trash-${path.basename(target)}-${randomBytes(4).toString('hex')}`);
  let hadOld = true;
  try {
    await rename(target, trash);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    hadOld = false;
  }
  await rename(fresh, target);
  if (hadOld) await safeRemove(trash);
}

/** Work and trash directories of a run that crashed; only called while holding the lock, so nobody is using them. */
async function removeLeftovers(root: string): Promise<void> {
  for (const entry of await readdir(root)) {
    if (entry.startsWith('.build-') || entry.startsWith('.trash-')) await safeRemove(path.join(root, entry));
  }
}

function formatSeconds(milliseconds: number): string {
  return `${(milliseconds / 1000).toFixed(1)} s`;
}

// ---------------------------------------------------------------------------------------------
// Recipes

/** debootstrap and umoci live in /usr/sbin, which a non-login PATH may lack. */
const TOOL_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  PATH: [process.env.PATH ?? '', '/usr/local/sbin', '/usr/sbin', '/sbin'].filter(Boolean).join(':'),
};

function tool(command: string, args: string[], input?: Buffer): ReturnType<typeof runTool> {
  return runTool(command, args, input ? { env: TOOL_ENV, input } : { env: TOOL_ENV });
}

async function buildDebootstrap(work: string): Promise<void> {
  const target = path.join(work, 'root');
  await mkdir(target);
  try {
    const result = await tool('debootstrap', ['--variant=minbase', DEBIAN_SUITE, target, DEBIAN_MIRROR]);
    await writeFile(path.join(work, 'debootstrap.log'), result.stdout);
    // debootstrap unmounts /proc and /sys itself, but a target with a mount left in it must never be archived or deleted.
    await unmountUnder(target);
    const packages = await tool('dpkg-query', [
      `--admindir=${path.join(target, 'var/lib/dpkg')}`,
      '-W',
      '-f=${Package}\\t${Version}\\t${source:Package}\\t${source:Version}\\n',
    ]);
    await writeFile(path.join(work, 'dpkg-packages.tsv'), packages.stdout);
    await tool('tar', ['--numeric-owner', '-cpf', path.join(work, 'bookworm-minbase.tar'), '-C', target, '.']);
  } finally {
    await safeRemove(target);
  }
}

async function buildRootfs(work: string, debootstrapTar: string): Promise<void> {
  const target = path.join(work, 'fs');
  await mkdir(target);
  await tool('tar', ['--numeric-owner', '-xpf', debootstrapTar, '-C', target]);
}

/** Bytes that look random but are the same in every build, so data.bin's digest is a constant of the recipe. */
export function deterministicBytes(length: number, seed: string): Buffer {
  const blocks: Buffer[] = [];
  for (let counter = 0; blocks.length * 32 < length; counter++) {
    blocks.push(createHash('sha256').update(`${seed}:${counter}`).digest());
  }
  return Buffer.concat(blocks).subarray(0, length);
}

async function buildDebianLayered(work: string, debootstrapTar: string): Promise<void> {
  const layout = path.join(work, 'oci');
  const bundle = path.join(work, 'bundle');
  const image = `${layout}:${LAYERED_TAG}`;
  const d = DEBIAN_LAYERED;
  try {
    await tool('umoci', ['init', '--layout', layout]);
    await tool('umoci', ['new', '--image', image]);
    await tool('umoci', ['unpack', '--image', image, bundle]);
    const rootfs = path.join(bundle, 'rootfs');
    const at = (relative: string): string => path.join(rootfs, relative);

    // Layer 1: the whole root filesystem. --refresh-bundle makes the next repack diff against this layer, not the empty image.
    await tool('tar', ['--numeric-owner', '-xpf', debootstrapTar, '-C', rootfs]);
    await repack(image, bundle, d.historyCreatedBy[0]);

    // Layer 2: additions of every kind a layer reader must get right.
    await mkdir(at('app/sub'), { recursive: true });
    await writeFile(at(d.helloPath), d.helloContent);
    await writeFile(at(d.dataPath), deterministicBytes(d.dataSize, 'customs data.bin'));
    await writeFile(at(d.confPath), d.confContent);
    await writeFile(at('etc/hostname'), d.hostnameContent);
    await symlink(d.symlinkTarget, at(d.symlinkPath));
    await link(at(d.helloPath), at(d.hardLinkPath));
    await writeFile(at(d.longNamePath), d.longNameContent);
    await mkdir(path.dirname(at(d.suidPath)), { recursive: true });
    await writeFile(at(d.suidPath), '#!/bin/sh\necho "running as $(id -u)"\n');
    // chmod, not writeFile's mode: the umask would strip bits, and setuid must be exact.
    await chmod(at(d.suidPath), d.suidMode);
    await repack(image, bundle, d.historyCreatedBy[1]);

    // Layer 3: a deletion, which umoci records as a real `.wh.` whiteout.
    await rm(at(d.confPath));
    await repack(image, bundle, d.historyCreatedBy[2]);

    // Layer 4: umoci never writes opaque whiteouts (replacing a directory gives one `.wh.` per old
    // file), so this layer is written by hand, the way Docker and BuildKit write it.
    const opaqueLayer = path.join(work, 'opaque-layer.tar');
    await writeFile(
      opaqueLayer,
      await buildTarLayer([
        { path: `${d.opaqueDirectory}/`, type: 'dir' },
        { path: `${d.opaqueDirectory}/.wh..wh..opq` },
        { path: d.opaqueNewFile, content: d.opaqueNewContent },
      ]),
    );
    await tool('umoci', ['raw', 'add-layer', '--image', image, '--history.created_by', d.historyCreatedBy[3], opaqueLayer]);
    await rm(opaqueLayer);

    // Config last: a repack from the bundle would drop these settings.
    await tool('umoci', [
      'config',
      '--image',
      image,
      '--no-history',
      '--config.user',
      d.user,
      '--config.env',
      d.env,
      ...d.entrypoint.flatMap((part) => ['--config.entrypoint', part]),
      ...d.cmd.flatMap((part) => ['--config.cmd', part]),
      '--config.exposedports',
      d.exposedPort,
      ...Object.entries(d.labels).flatMap(([key, value]) => ['--config.label', `${key}=${value}`]),
      '--config.workingdir',
      d.workingDir,
    ]);
    // umoci cannot set HEALTHCHECK (a Docker extension of the config), so patch the blob.
    await updateImageConfig(layout, LAYERED_TAG, (config) => {
      config.config = { ...config.config, Healthcheck: { Test: [...d.healthcheck.Test], Interval: d.healthcheck.Interval } };
    });
    await tool('umoci', ['gc', '--layout', layout]);
    // umoci writes blobs 0600; tests running as another user must still read the fixtures.
    await makeReadable(layout);

    const loaded = await loadImage(layout, LAYERED_TAG);
    await writeJson(path.join(work, 'expected.json'), { layout: 'oci', tag: LAYERED_TAG, image: await describeImage(layout, loaded.descriptor) });

    const finalBundle = path.join(work, 'final');
    await tool('umoci', ['unpack', '--image', image, finalBundle]);
    try {
      await writeJson(path.join(work, 'final-files.json'), await listTree(path.join(finalBundle, 'rootfs')));
    } finally {
      await safeRemove(finalBundle);
    }
  } finally {
    await safeRemove(bundle);
  }
}

async function repack(image: string, bundle: string, createdBy: string): Promise<void> {
  await tool('umoci', ['repack', '--refresh-bundle', '--image', image, '--history.created_by', createdBy, bundle]);
}

async function makeReadable(layout: string): Promise<void> {
  const blobs = path.join(layout, 'blobs', 'sha256');
  for (const entry of await readdir(blobs)) await chmod(path.join(blobs, entry), 0o644);
}

async function buildMultiarch(work: string, layeredLayout: string): Promise<void> {
  const layout = path.join(work, 'oci');
  await initLayout(layout);
  const amd64 = await loadImage(layeredLayout, LAYERED_TAG);
  await copyBlobs(layeredLayout, layout, imageBlobDigests(amd64.descriptor, amd64.manifest));
  const amd64Platform = platformOf(amd64.config);

  const arm64Layer = gzip(
    await buildTarLayer([{ path: 'etc/', type: 'dir' }, ...Object.entries(TINY_ARM64.files).map(([file, content]) => ({ path: file, content }))]),
  );
  const arm64 = await writeOciLayout(layout, {
    layers: [{ bytes: arm64Layer, mediaType: OCI_MEDIA_TYPES.layerGzip }],
    platform: { ...TINY_ARM64.platform },
    config: {
      config: { Cmd: ['/bin/cat', '/hello-arm64.txt'], Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] },
      history: [{ created: '2024-01-01T00:00:00Z', created_by: 'COPY hello-arm64.txt etc/customs-arch /' }],
    },
    tag: null,
  });

  const index: OciIndex = {
    schemaVersion: 2,
    mediaType: OCI_MEDIA_TYPES.index,
    manifests: [
      { mediaType: OCI_MEDIA_TYPES.manifest, digest: amd64.descriptor.digest, size: amd64.descriptor.size, platform: amd64Platform },
      { mediaType: OCI_MEDIA_TYPES.manifest, digest: arm64.manifestDigest, size: arm64.manifestSize, platform: { ...TINY_ARM64.platform } },
    ],
  };
  const written = await writeJsonBlob(layout, index);
  // Like `skopeo copy --all` writes it: index.json tags a nested image index.
  await setTag(layout, { mediaType: OCI_MEDIA_TYPES.index, digest: written.digest, size: written.size }, LAYERED_TAG);

  const manifests: ExpectedImage[] = [];
  for (const entry of index.manifests) manifests.push(await describeImage(layout, entry));
  await writeJson(path.join(work, 'expected.json'), {
    layout: 'oci',
    tag: LAYERED_TAG,
    indexDigest: written.digest,
    indexSize: written.size,
    manifests,
  });
}

async function buildDockerArchive(work: string, layeredLayout: string): Promise<void> {
  const file = path.join(work, 'debian-docker-archive.tar');
  await tool('skopeo', ['copy', '--quiet', `oci:${layeredLayout}:${LAYERED_TAG}`, `docker-archive:${file}:${DOCKER_ARCHIVE_TAG}`]);
  const members = await readTarMembers(file);
  const manifestEntry = members.get('manifest.json');
  if (!manifestEntry?.content) throw new Error('skopeo wrote a docker archive without manifest.json');
  const manifest = JSON.parse(manifestEntry.content.toString('utf8')) as Array<{ Config: string; RepoTags: string[] | null; Layers: string[] }>;
  const first = manifest[0];
  if (!first || manifest.length !== 1) throw new Error(`expected one image in manifest.json, found ${manifest.length}`);
  const configBytes = members.get(first.Config)?.content;
  if (!configBytes) throw new Error(`config ${first.Config} missing from the docker archive`);
  const config = JSON.parse(configBytes.toString('utf8')) as OciImageConfig;
  const symlinks: Record<string, string> = {};
  for (const [name, member] of members) if (member.type === 'symlink') symlinks[name] = member.linkname ?? '';
  const expectation: DockerArchiveExpectation = {
    file: path.basename(file),
    repoTags: first.RepoTags ?? [],
    configDigest: sha256Of(configBytes),
    configPath: first.Config,
    layerPaths: first.Layers,
    layerPathIsSymlink: first.Layers.map((layer) => members.get(layer)?.type === 'symlink'),
    symlinks,
    diffIds: config.rootfs.diff_ids,
    config,
  };
  await writeJson(path.join(work, 'expected.json'), expectation);
}

async function buildOciArchive(work: string, layeredLayout: string): Promise<void> {
  const file = path.join(work, 'debian-oci-archive.tar');
  await tool('skopeo', ['copy', '--quiet', `oci:${layeredLayout}:${LAYERED_TAG}`, `oci-archive:${file}:${LAYERED_TAG}`]);
  // Read back from the archive itself: skopeo may rewrite the manifest on the way.
  const members = await readTarMembers(file);
  const blob = (digest: string): Buffer => {
    const content = members.get(`blobs/${digest.replace(':', '/')}`)?.content;
    if (!content) throw new Error(`blob ${digest} missing from the OCI archive`);
    return content;
  };
  const indexBytes = members.get('index.json')?.content;
  if (!indexBytes) throw new Error('skopeo wrote an OCI archive without index.json');
  const index = JSON.parse(indexBytes.toString('utf8')) as OciIndex;
  const descriptor = index.manifests.find((entry) => entry.annotations?.[REF_NAME_ANNOTATION] === LAYERED_TAG);
  if (!descriptor) throw new Error(`no tag ${LAYERED_TAG} in the OCI archive`);
  const manifestBytes = blob(descriptor.digest);
  const manifest = JSON.parse(manifestBytes.toString('utf8')) as OciManifest;
  const config = JSON.parse(blob(manifest.config.digest).toString('utf8')) as OciImageConfig;
  await writeJson(path.join(work, 'expected.json'), {
    file: path.basename(file),
    tag: LAYERED_TAG,
    image: expectImage(descriptor, manifestBytes, manifest, config),
  });
}

async function buildZstd(work: string, layeredLayout: string): Promise<void> {
  const layout = path.join(work, 'oci');
  await tool('skopeo', [
    'copy',
    '--quiet',
    '--dest-compress-format',
    'zstd',
    `oci:${layeredLayout}:${LAYERED_TAG}`,
    `oci:${layout}:${LAYERED_TAG}`,
  ]);
  let image = await loadImage(layout, LAYERED_TAG);
  // Older skopeo silently keeps gzip; then recompress by hand so the fixture is what its name says.
  if (image.manifest.layers.some((layer) => layer.mediaType !== OCI_MEDIA_TYPES.layerZstd)) {
    const layers: OciDescriptor[] = [];
    for (const layer of image.manifest.layers) {
      if (layer.mediaType === OCI_MEDIA_TYPES.layerZstd) {
        layers.push(layer);
        continue;
      }
      const raw = await readBlob(layout, layer.digest);
      const tar = layer.mediaType === OCI_MEDIA_TYPES.layerGzip ? gunzipSync(raw) : raw;
      const written = await writeBlob(layout, await zstdCompress(tar));
      layers.push({ mediaType: OCI_MEDIA_TYPES.layerZstd, digest: written.digest, size: written.size });
    }
    await replaceManifest(layout, LAYERED_TAG, { ...image.manifest, layers });
    await tool('umoci', ['gc', '--layout', layout]);
    image = await loadImage(layout, LAYERED_TAG);
  }
  await makeReadable(layout);
  await writeJson(path.join(work, 'expected.json'), { layout: 'oci', tag: LAYERED_TAG, image: await describeImage(layout, image.descriptor) });
}

// ---------------------------------------------------------------------------------------------
// Reading back what was built

function platformOf(config: OciImageConfig): OciPlatform {
  return { os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) };
}

async function describeImage(layout: string, descriptor: OciDescriptor): Promise<ExpectedImage> {
  const manifestBytes = await readBlob(layout, descriptor.digest);
  const manifest = JSON.parse(manifestBytes.toString('utf8')) as OciManifest;
  const config = await readJsonBlob<OciImageConfig>(layout, manifest.config.digest);
  return expectImage(descriptor, manifestBytes, manifest, config);
}

function expectImage(descriptor: OciDescriptor, manifestBytes: Buffer, manifest: OciManifest, config: OciImageConfig): ExpectedImage {
  const layerHistory = (config.history ?? []).filter((entry) => !entry.empty_layer);
  return {
    manifestDigest: sha256Of(manifestBytes),
    manifestMediaType: manifest.mediaType ?? descriptor.mediaType,
    manifestSize: manifestBytes.length,
    configDigest: manifest.config.digest,
    configSize: manifest.config.size,
    platform: platformOf(config),
    layers: manifest.layers.map((layer, index) => ({
      index,
      mediaType: layer.mediaType,
      digest: layer.digest,
      size: layer.size,
      diffId: config.rootfs.diff_ids[index] ?? '',
      ...(layerHistory[index]?.created_by !== undefined ? { createdBy: layerHistory[index]!.created_by } : {}),
    })),
    config,
  };
}

interface TarMember {
  type: string;
  size: number;
  linkname?: string;
  /** Kept only for small members (JSON documents, configs); layers are skipped. */
  content?: Buffer;
}

const SMALL_MEMBER_LIMIT = 1024 * 1024;

async function readTarMembers(file: string): Promise<Map<string, TarMember>> {
  const members = new Map<string, TarMember>();
  const extractor = createTarExtract();
  const done = new Promise<void>((resolve, reject) => {
    extractor.on('entry', (header, stream, next) => {
      const name = header.name.replace(/^\.\//, '');
      const member: TarMember = { type: header.type ?? 'file', size: header.size ?? 0, ...(header.linkname ? { linkname: header.linkname } : {}) };
      members.set(name, member);
      const keep = member.type === 'file' && member.size <= SMALL_MEMBER_LIMIT;
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: unknown) => {
        if (keep) chunks.push(chunk as Buffer);
      });
      stream.on('end', () => {
        if (keep) member.content = Buffer.concat(chunks);
        next();
      });
      stream.on('error', reject);
    });
    extractor.on('finish', resolve);
    extractor.on('error', reject);
  });
  createReadStream(file).on('error', (error) => extractor.destroy(error)).pipe(extractor);
  await done;
  return members;
}

async function listTree(root: string): Promise<FinalFile[]> {
  const files: FinalFile[] = [];
  const walk = async (relativeDir: string): Promise<void> => {
    const entries = await readdir(path.join(root, relativeDir));
    for (const name of entries.sort()) {
      const relative = relativeDir ? `${relativeDir}/${name}` : name;
      const absolute = path.join(root, relative);
      const info = await lstat(absolute);
      const entry: FinalFile = {
        path: relative,
        type: fileType(info),
        mode: info.mode & 0o7777,
        uid: info.uid,
        gid: info.gid,
        nlink: info.nlink,
      };
      if (info.isFile()) {
        entry.size = info.size;
        entry.sha256 = await hashFile(absolute);
      } else if (info.isSymbolicLink()) {
        entry.linkTarget = await readlink(absolute);
      }
      files.push(entry);
      if (info.isDirectory()) await walk(relative);
    }
  };
  await walk('');
  return files;
}

function fileType(info: Awaited<ReturnType<typeof lstat>>): FinalFileType {
  if (info.isFile()) return 'file';
  if (info.isDirectory()) return 'dir';
  if (info.isSymbolicLink()) return 'symlink';
  if (info.isCharacterDevice()) return 'char';
  if (info.isBlockDevice()) return 'block';
  if (info.isFIFO()) return 'fifo';
  return 'socket';
}

async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

async function writeJson(file: string, value: unknown): Promise<void> {
  await writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
}

async function loadFixtures(root: string): Promise<Fixtures> {
  const readJson = async <T>(relative: string): Promise<T> => JSON.parse(await readFile(path.join(root, relative), 'utf8')) as T;
  const packagesTsv = path.join(root, 'debootstrap', 'dpkg-packages.tsv');
  const packages = (await readFile(packagesTsv, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line): DpkgPackage => {
      const [name = '', version = '', sourceName = '', sourceVersion = ''] = line.split('\t');
      return { name, version, sourceName, sourceVersion };
    });

  const layered = await readJson<{ layout: string; tag: string; image: ExpectedImage }>('debian-layered/expected.json');
  const multiarch = await readJson<{ layout: string; tag: string; indexDigest: string; indexSize: number; manifests: ExpectedImage[] }>(
    'debian-multiarch/expected.json',
  );
  const dockerArchive = await readJson<DockerArchiveExpectation>('debian-docker-archive/expected.json');
  const ociArchive = await readJson<{ file: string; tag: string; image: ExpectedImage }>('debian-oci-archive/expected.json');
  const zstd = await readJson<{ layout: string; tag: string; image: ExpectedImage }>('debian-zstd/expected.json');
  const finalFilesJson = path.join(root, 'debian-layered', 'final-files.json');

  return {
    dir: root,
    debootstrap: { tar: path.join(root, 'debootstrap', 'bookworm-minbase.tar'), packagesTsv, packages },
    rootfs: path.join(root, 'rootfs', 'fs'),
    debianLayered: {
      layout: path.join(root, 'debian-layered', layered.layout),
      tag: layered.tag,
      image: layered.image,
      finalFilesJson,
      finalFiles: JSON.parse(await readFile(finalFilesJson, 'utf8')) as FinalFile[],
    },
    debianMultiarch: { ...multiarch, layout: path.join(root, 'debian-multiarch', multiarch.layout) },
    debianDockerArchive: { ...dockerArchive, file: path.join(root, 'debian-docker-archive', dockerArchive.file) },
    debianOciArchive: { ...ociArchive, file: path.join(root, 'debian-oci-archive', ociArchive.file) },
    debianZstd: { ...zstd, layout: path.join(root, 'debian-zstd', zstd.layout) },
  };
}

// ---------------------------------------------------------------------------------------------
// Locking and safe deletion

interface LockOwner {
  pid: number;
  host: string;
  startedAt: number;
  token: string;
}

/** No fixture build takes this long; a lock this old belongs to a hung or killed run on another machine. */
const LOCK_STALE_AFTER_MS = 60 * 60 * 1000;
/** A lock directory without its owner file is someone between mkdir and writeFile, unless it has been like that for a while. */
const OWNERLESS_GRACE_MS = 30 * 1000;
const LOCK_WAIT_LIMIT_MS = 30 * 60 * 1000;
const LOCK_POLL_MS = 500;

/**
 * A lock directory (mkdir is atomic) with an owner file. A lock whose owner process is gone
 * (same host) or that is older than any real build is stale and taken over; the takeover renames
 * the directory away first, so two waiters cannot both delete it and then both build.
 */
async function acquireLock(root: string, log: Log): Promise<() => Promise<void>> {
  const lockDir = path.join(root, '.lock');
  const owner: LockOwner = { pid: process.pid, host: os.hostname(), startedAt: Date.now(), token: randomBytes(8).toString('hex') };
  const waitStarted = Date.now();
  let reportedWait = false;
  for (;;) {
    try {
      await mkdir(lockDir);
      await writeFile(path.join(lockDir, 'owner.json'), JSON.stringify(owner));
      return async () => {
        const current = await readLockOwner(lockDir);
        if (current?.token === owner.token) await rm(lockDir, { recursive: true, force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readLockOwner(lockDir);
    if (await isStale(lockDir, holder)) {
      await takeOverStaleLock(lockDir, holder);
      log(`fixtures: removed a stale lock${holder ? ` of pid ${holder.pid} on ${holder.host}` : ''}`);
      continue;
    }
    if (Date.now() - waitStarted > LOCK_WAIT_LIMIT_MS) {
      throw new Error(`fixtures: gave up waiting for ${lockDir} (held by pid ${holder?.pid ?? '?'} on ${holder?.host ?? '?'}); remove it if no build is running`);
    }
    if (!reportedWait) {
      log(`fixtures: waiting for another build (pid ${holder?.pid ?? '?'} on ${holder?.host ?? '?'})`);
      reportedWait = true;
    }
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
  }
}

async function readLockOwner(lockDir: string): Promise<LockOwner | undefined> {
  try {
    return JSON.parse(await readFile(path.join(lockDir, 'owner.json'), 'utf8')) as LockOwner;
  } catch {
    return undefined;
  }
}

async function isStale(lockDir: string, holder: LockOwner | undefined): Promise<boolean> {
  if (!holder) {
    try {
      return Date.now() - (await stat(lockDir)).mtimeMs > OWNERLESS_GRACE_MS;
    } catch {
      return false; // released meanwhile: just retry
    }
  }
  if (Date.now() - holder.startedAt > LOCK_STALE_AFTER_MS) return true;
  return holder.host === os.hostname() && !isProcessAlive(holder.pid);
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function takeOverStaleLock(lockDir: string, judged: LockOwner | undefined): Promise<void> {
  const aside = `${lockDir}.stale-${randomBytes(4).toString('hex')}`;
  try {
    await rename(lockDir, aside);
  } catch {
    return; // someone else moved it first
  }
  const moved = await readLockOwner(aside);
  if (moved?.token !== judged?.token) {
    // Between our look and our rename the stale lock was replaced by a live one: put it back.
    await rename(aside, lockDir).catch(() => undefined);
    return;
  }
  await rm(aside, { recursive: true, force: true });
}

/** Mount points at or below a path, deepest first (from /proc/self/mountinfo, whose paths escape spaces as \040). */
async function mountPointsUnder(target: string): Promise<string[]> {
  let mountinfo: string;
  try {
    mountinfo = await readFile('/proc/self/mountinfo', 'utf8');
  } catch {
    return [];
  }
  const prefix = target.endsWith('/') ? target : `${target}/`;
  return mountinfo
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((field): field is string => field !== undefined)
    .map((field) => field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8))))
    .filter((mountPoint) => mountPoint === target || mountPoint.startsWith(prefix))
    .sort((a, b) => b.length - a.length);
}

async function unmountUnder(target: string): Promise<void> {
  const resolved = await realpath(target).catch(() => path.resolve(target));
  for (const mountPoint of await mountPointsUnder(resolved)) {
    await runTool('umount', [mountPoint]).catch(() => runTool('umount', ['-l', mountPoint]));
  }
}

/**
 * rm -rf that refuses to descend into mounts: a debootstrap killed half-way leaves the host's
 * /proc and /sys mounted in its target, and deleting through them would be a disaster.
 */
async function safeRemove(target: string): Promise<void> {
  let resolved: string;
  try {
    resolved = await realpath(target);
  } catch {
    return; // already gone
  }
  await unmountUnder(resolved);
  const remaining = await mountPointsUnder(resolved);
  if (remaining.length > 0) throw new Error(`refusing to delete ${resolved}: still mounted: ${remaining.join(', ')}`);
  await rm(resolved, { recursive: true, force: true });
}
