/**
 * `customs db update`: download osv.dev's per-ecosystem exports (`<mirror>/<Ecosystem>/all.zip`)
 * into `<dbDir>/downloads/`, then build the database from them.
 *
 * Downloads are resumable: bytes land in `<file>.partial` (with `<file>.partial.json` remembering
 * the URL, ETag, size and MD5 of the object being fetched); an interrupted download continues
 * with a Range request (206 appends; 200 starts over; an ETag that changed starts over). A finished
 * download is verified (size, the MD5 the bucket sends in `x-goog-hash`, and that the zip's central
 * directory reads) before it replaces the previous copy, whose ETag then makes the next update a
 * conditional request (304: nothing to download). When a download fails for good and a previous
 * verified copy exists, that copy is used with a warning; otherwise the update fails and the
 * database stays as it was.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Agent, request, type Dispatcher } from 'undici';
import yauzl from 'yauzl';
import { TOOL_VERSION } from '../cli/version.js';
import { CustomsError } from '../core/errors.js';
import { importOsv, type ImportInput, type ImportProgress, type ImportResult, type ImportWarning } from './build.js';
import { dbPath, defaultDbDir } from './store.js';

export const DEFAULT_OSV_MIRROR = 'https://osv-vulnerabilities.storage.googleapis.com';
export const MIRROR_ENV = 'CUSTOMS_OSV_MIRROR';

/** What `customs db update` fetches by default: the distributions and language ecosystems customs scans. */
export const DEFAULT_ECOSYSTEMS = [
  'Debian',
  'Ubuntu',
  'Alpine',
  'Red Hat',
  'Rocky Linux',
  'AlmaLinux',
  'SUSE',
  'openSUSE',
  'Wolfi',
  'Chainguard',
  'npm',
  'PyPI',
  'Go',
  'Maven',
  'crates.io',
  'RubyGems',
  'Packagist',
  'NuGet',
] as const;

/** Other osv.dev ecosystems, so `--ecosystems hex` finds "Hex"; names not listed are used as given. */
const OTHER_KNOWN_ECOSYSTEMS = ['Hex', 'Pub', 'Hackage', 'CRAN', 'Bioconductor', 'SwiftURL', 'GitHub Actions', 'Linux', 'Android', 'OSS-Fuzz', 'Photon OS', 'Mageia', 'openEuler', 'MinimOS', 'Bitnami', 'ConanCenter', 'GHC', 'Julia', 'opam', 'Echo'];

export type UpdateEvent =
  | { type: 'download-start'; ecosystem: string; url: string; resumeFrom: number }
  | { type: 'download-progress'; ecosystem: string; received: number; total: number | undefined }
  | { type: 'download-done'; ecosystem: string; bytes: number; upToDate: boolean }
  | { type: 'download-retry'; ecosystem: string; attempt: number; error: string }
  | { type: 'download-fallback'; ecosystem: string; error: string; fetchedAt: string }
  | { type: 'import-progress'; progress: ImportProgress }
  | { type: 'import-warning'; warning: ImportWarning };

export interface UpdateOptions {
  /** Default: `<cache dir>/db`. */
  dbDir?: string;
  /** Default: DEFAULT_ECOSYSTEMS. Names are matched case-insensitively against osv.dev's. */
  ecosystems?: readonly string[];
  /** Default: $CUSTOMS_OSV_MIRROR, else DEFAULT_OSV_MIRROR. */
  mirror?: string;
  /** Further attempts per download after a network error, a 5xx or a 429 (default 3); each resumes. */
  retries?: number;
  /** Downloads in parallel (default 3). */
  concurrency?: number;
  /** Idle timeout for headers and body, in ms (default 60 s). */
  timeoutMs?: number;
  onEvent?: (event: UpdateEvent) => void;
  signal?: AbortSignal;
  /** Milliseconds before retry n (default 1 s, 2 s, 4 s, ...). */
  backoffMs?: (attempt: number) => number;
}

export interface DownloadResult {
  ecosystem: string;
  url: string;
  path: string;
  bytes: number;
  /** Hex MD5 of the file (as verified against x-goog-hash when the server sent one). */
  md5: string;
  fetchedAt: string;
  /** The server answered 304: the previous copy is current. */
  upToDate: boolean;
  /** Bytes already present from an interrupted download. */
  resumedFrom: number;
  /** The download failed and the previous verified copy was used. */
  fallback?: string;
}

export interface UpdateResult {
  path: string;
  mirror: string;
  downloads: DownloadResult[];
  import: ImportResult;
}

interface FileMeta {
  url: string;
  etag?: string;
  /** Hex MD5 announced by the server. */
  md5?: string;
  size?: number;
  fetchedAt?: string;
}

/** Option, else $CUSTOMS_OSV_MIRROR, else osv.dev's bucket; without trailing slashes. */
export function resolveMirror(mirror?: string): string {
  const chosen = mirror ?? (process.env[MIRROR_ENV] || DEFAULT_OSV_MIRROR);
  let url: URL;
  try {
    url = new URL(chosen);
  } catch {
    throw new CustomsError('INVALID_INPUT', `"${chosen}" is not a URL (the OSV mirror, e.g. ${DEFAULT_OSV_MIRROR})`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new CustomsError('INVALID_INPUT', `the OSV mirror must be an http(s) URL, not ${chosen}`);
  return chosen.replace(/\/+$/, '');
}

/** "debian" -> "Debian", "red hat" -> "Red Hat"; unknown names are kept as given. Duplicates dropped. */
export function canonicalEcosystems(names: readonly string[]): string[] {
  const known = new Map([...DEFAULT_ECOSYSTEMS, ...OTHER_KNOWN_ECOSYSTEMS].map((name) => [name.toLowerCase(), name]));
  const result: string[] = [];
  for (const raw of names) {
    const name = raw.trim();
    if (name === '') continue;
    const canonical = known.get(name.toLowerCase()) ?? name;
    if (!result.includes(canonical)) result.push(canonical);
  }
  return result;
}

export function exportUrl(mirror: string, ecosystem: string): string {
  return `${mirror}/${encodeURIComponent(ecosystem)}/all.zip`;
}

/** The file name of an ecosystem's export in the downloads folder ("Red Hat" -> "Red_Hat.zip"). */
export function downloadFileName(ecosystem: string): string {
  return `${ecosystem.replace(/[^A-Za-z0-9._-]/g, '_')}.zip`;
}

/** Download the exports and rebuild the database from them. */
export async function updateDb(options: UpdateOptions = {}): Promise<UpdateResult> {
  const dbDir = options.dbDir ?? defaultDbDir();
  const mirror = resolveMirror(options.mirror);
  const requested = options.ecosystems && options.ecosystems.length > 0 ? canonicalEcosystems(options.ecosystems) : undefined;
  const ecosystems = requested ?? [...DEFAULT_ECOSYSTEMS];
  if (ecosystems.length === 0) throw new CustomsError('INVALID_INPUT', 'no ecosystems to update');
  const downloadsDir = join(dbDir, 'downloads');
  await mkdir(downloadsDir, { recursive: true });
  const releaseLock = await acquireLock(join(dbDir, 'update.lock'));
  const agent = new Agent({ connections: options.concurrency ?? 3 });
  try {
    const downloads = await mapLimit(ecosystems, options.concurrency ?? 3, (ecosystem) => downloadWithFallback(ecosystem, mirror, downloadsDir, agent, options));
    const inputs: ImportInput[] = downloads.map((download) => ({
      path: download.path,
      name: `${download.ecosystem}/all.zip`,
      url: download.url,
      md5: download.md5,
      fetchedAt: download.fetchedAt,
    }));
    const result = await importOsv(inputs, dbPath(dbDir), {
      ...(requested ? { ecosystems: requested } : {}),
      onProgress: (progress) => options.onEvent?.({ type: 'import-progress', progress }),
      onWarning: (warning) => options.onEvent?.({ type: 'import-warning', warning }),
    });
    return { path: result.path, mirror, downloads, import: result };
  } finally {
    await agent.close();
    await releaseLock();
  }
}

async function downloadWithFallback(ecosystem: string, mirror: string, downloadsDir: string, agent: Dispatcher, options: UpdateOptions): Promise<DownloadResult> {
  try {
    return await downloadExport(ecosystem, mirror, downloadsDir, { ...options, dispatcher: agent });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    const path = join(downloadsDir, downloadFileName(ecosystem));
    const previous = await readMeta(`${path}.meta.json`);
    if (!previous || !existsSync(path) || !previous.md5 || !previous.fetchedAt) throw error;
    const message = error instanceof Error ? error.message : String(error);
    options.onEvent?.({ type: 'download-fallback', ecosystem, error: message, fetchedAt: previous.fetchedAt });
    return {
      ecosystem,
      url: previous.url,
      path,
      bytes: previous.size ?? (await stat(path)).size,
      md5: previous.md5,
      fetchedAt: previous.fetchedAt,
      upToDate: false,
      resumedFrom: 0,
      fallback: message,
    };
  }
}

class RetryableError extends Error {}

/**
 * Download one ecosystem's export to `<downloadsDir>/<Ecosystem>.zip`, resuming and verifying as the
 * module comment describes. Retries network errors, 5xx and 429 (resuming each time).
 */
export async function downloadExport(
  ecosystem: string,
  mirror: string,
  downloadsDir: string,
  options: UpdateOptions & { dispatcher?: Dispatcher } = {},
): Promise<DownloadResult> {
  const url = exportUrl(mirror, ecosystem);
  const retries = options.retries ?? 3;
  const backoff = options.backoffMs ?? ((attempt: number) => 1000 * 2 ** (attempt - 1));
  for (let attempt = 0; ; attempt++) {
    try {
      return await attemptDownload(ecosystem, url, downloadsDir, options);
    } catch (error) {
      const retryable = error instanceof RetryableError || isNetworkError(error);
      if (!retryable || attempt >= retries || options.signal?.aborted) {
        if (error instanceof CustomsError) throw error;
        throw new CustomsError('NETWORK_ERROR', `${url}: ${(error as Error).message}`, {}, { cause: error });
      }
      options.onEvent?.({ type: 'download-retry', ecosystem, attempt: attempt + 1, error: (error as Error).message });
      await sleep(backoff(attempt + 1), options.signal);
    }
  }
}

function isNetworkError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (code.startsWith('UND_ERR') || ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENETUNREACH', 'ERR_STREAM_PREMATURE_CLOSE'].includes(code))) return true;
  return /terminated|socket|premature close|aborted/i.test(error.message) && error.name !== 'AbortError';
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** The MD5 in `x-goog-hash: crc32c=...,md5=<base64>`, as hex. */
export function md5FromGoogHash(value: string | undefined): string | undefined {
  if (!value) return undefined;
  for (const part of value.split(',')) {
    const match = /^\s*md5=(.+?)\s*$/.exec(part);
    if (match) return Buffer.from(match[1]!, 'base64').toString('hex');
  }
  return undefined;
}

async function readMeta(path: string): Promise<FileMeta | undefined> {
  try {
    const meta = JSON.parse(await readFile(path, 'utf8')) as FileMeta;
    return typeof meta.url === 'string' ? meta : undefined;
  } catch {
    return undefined;
  }
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

async function md5File(path: string): Promise<string> {
  const hash = createHash('md5');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

function checkZip(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false }, (error, zipfile) => {
      if (error || !zipfile) {
        reject(error ?? new Error('no zip file'));
        return;
      }
      const count = zipfile.entryCount;
      zipfile.close();
      resolve(count);
    });
  });
}

async function discard(...paths: string[]): Promise<void> {
  await Promise.all(paths.map((path) => rm(path, { force: true })));
}

async function attemptDownload(ecosystem: string, url: string, downloadsDir: string, options: UpdateOptions & { dispatcher?: Dispatcher }): Promise<DownloadResult> {
  const finalPath = join(downloadsDir, downloadFileName(ecosystem));
  const metaPath = `${finalPath}.meta.json`;
  const partialPath = `${finalPath}.partial`;
  const partialMetaPath = `${partialPath}.json`;

  const previous = existsSync(finalPath) ? await readMeta(metaPath) : undefined;
  let partial = existsSync(partialPath) ? await readMeta(partialMetaPath) : undefined;
  if (partial && partial.url !== url) partial = undefined;
  let offset = partial ? await fileSize(partialPath) : 0;
  if (!partial || offset === 0) {
    await discard(partialPath, partialMetaPath);
    partial = undefined;
    offset = 0;
  }

  const headers: Record<string, string> = { 'user-agent': `customs/${TOOL_VERSION}` };
  if (partial) {
    headers.range = `bytes=${offset}-`;
    if (partial.etag) headers['if-range'] = partial.etag;
  } else if (previous?.etag && previous.url === url) {
    headers['if-none-match'] = previous.etag;
  }
  options.onEvent?.({ type: 'download-start', ecosystem, url, resumeFrom: offset });
  const timeout = options.timeoutMs ?? 60_000;
  const response = await request(url, {
    method: 'GET',
    headers,
    headersTimeout: timeout,
    bodyTimeout: timeout,
    maxRedirections: 5,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
  });
  const status = response.statusCode;
  const etag = header(response.headers, 'etag');
  const announcedMd5 = md5FromGoogHash(header(response.headers, 'x-goog-hash'));

  if (status === 304 && previous) {
    await response.body.dump();
    const bytes = await fileSize(finalPath);
    options.onEvent?.({ type: 'download-done', ecosystem, bytes, upToDate: true });
    return { ecosystem, url, path: finalPath, bytes, md5: previous.md5 ?? (await md5File(finalPath)), fetchedAt: previous.fetchedAt ?? new Date().toISOString(), upToDate: true, resumedFrom: 0 };
  }
  if (status === 416) {
    // The partial file is not a prefix of the object any more (or already complete): start over.
    await response.body.dump();
    await discard(partialPath, partialMetaPath);
    throw new RetryableError('the server refused to resume (416): starting over');
  }
  if (status === 404) {
    await response.body.dump();
    throw new CustomsError('NOT_FOUND', `${url}: 404 Not Found (is "${ecosystem}" an osv.dev ecosystem? names are case-sensitive, e.g. Debian, PyPI, crates.io)`);
  }
  if (status === 429 || status >= 500) {
    await response.body.dump();
    throw new RetryableError(`HTTP ${status}`);
  }
  if (status !== 200 && status !== 206) {
    await response.body.dump();
    throw new CustomsError('NETWORK_ERROR', `${url}: unexpected HTTP ${status}`);
  }

  let meta: FileMeta;
  let append: boolean;
  let total: number | undefined;
  if (status === 206 && partial) {
    const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header(response.headers, 'content-range') ?? '');
    const sameObject = !partial.etag || !etag || partial.etag === etag;
    if (!range || Number(range[1]) !== offset || !sameObject) {
      await response.body.dump();
      await discard(partialPath, partialMetaPath);
      throw new RetryableError(!sameObject ? 'the export changed while it was being downloaded: starting over' : 'the server resumed at the wrong offset: starting over');
    }
    total = range[3] === '*' ? partial.size : Number(range[3]);
    meta = { ...partial, ...(partial.md5 ? {} : announcedMd5 ? { md5: announcedMd5 } : {}), ...(total !== undefined ? { size: total } : {}) };
    append = true;
  } else {
    // 200: the whole object (a fresh download, or the server ignored / refused the range).
    offset = 0;
    const length = header(response.headers, 'content-length');
    total = length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined;
    meta = { url, ...(etag ? { etag } : {}), ...(announcedMd5 ? { md5: announcedMd5 } : {}), ...(total !== undefined ? { size: total } : {}) };
    append = false;
  }
  await writeFile(partialMetaPath, JSON.stringify(meta));

  let received = offset;
  let lastEvent = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      const now = Date.now();
      if (now - lastEvent >= 100) {
        lastEvent = now;
        options.onEvent?.({ type: 'download-progress', ecosystem, received, total });
      }
      callback(null, chunk);
    },
  });
  await pipeline(response.body, counter, createWriteStream(partialPath, { flags: append ? 'a' : 'w' }));

  // Verify before the previous copy is replaced.
  const size = await fileSize(partialPath);
  if (total !== undefined && size !== total) {
    if (size > total) await discard(partialPath, partialMetaPath);
    throw new RetryableError(`received ${size} of ${total} bytes`);
  }
  const md5 = await md5File(partialPath);
  if (meta.md5 && md5 !== meta.md5) {
    await discard(partialPath, partialMetaPath);
    throw new CustomsError('DIGEST_MISMATCH', `${url}: the download's MD5 is ${md5}, the server announced ${meta.md5} (x-goog-hash); the partial file was deleted, try again`);
  }
  try {
    await checkZip(partialPath);
  } catch (error) {
    await discard(partialPath, partialMetaPath);
    throw new CustomsError('INVALID_INPUT', `${url}: the download is not a readable zip file: ${(error as Error).message}`, {}, { cause: error });
  }
  const fetchedAt = new Date().toISOString();
  await rename(partialPath, finalPath);
  await writeFile(metaPath, JSON.stringify({ url, ...(etag ? { etag } : {}), md5, size, fetchedAt } satisfies FileMeta));
  await discard(partialMetaPath);
  options.onEvent?.({ type: 'download-done', ecosystem, bytes: size, upToDate: false });
  return { ecosystem, url, path: finalPath, bytes: size, md5, fetchedAt, upToDate: false, resumedFrom: offset };
}

/** Run fn over items with at most `limit` in flight; results in input order; the first failure rejects (after the others settle). */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (next < items.length && !failure) {
      const index = next++;
      try {
        results[index] = await fn(items[index]!);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw failure.error;
  return results;
}

/** An exclusive lock file holding our pid; a lock left by a process that no longer runs is taken over. */
async function acquireLock(path: string): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return async () => {
        await unlink(path).catch(() => {});
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && (pid === process.pid || processAlive(pid))) {
        throw new CustomsError('INVALID_INPUT', `another \`customs db update\` (pid ${pid}) is running on ${path.replace(/\/update\.lock$/, '')}; wait for it, or delete ${path} if it is not running`);
      }
      await unlink(path).catch(() => {});
    }
  }
  throw new CustomsError('INVALID_INPUT', `cannot take the update lock ${path}`);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
