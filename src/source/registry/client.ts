/**
 * A client for the OCI distribution API (`/v2/`), on undici. It owns everything between "get me
 * this manifest" and bytes: the scheme (https, or http with --insecure), authentication,
 * redirects (the Authorization header never leaves the origin it was meant for), timeouts,
 * retries with backoff, resuming interrupted blob downloads, and turning registry answers into
 * CustomsErrors a user can act on.
 */
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request, type Dispatcher } from 'undici';
import { z } from 'zod';
import { TOOL_VERSION } from '../../cli/version.js';
import { digestOf, isDigest, parseDigest, sha256Digest } from '../../core/digest.js';
import { CustomsError, type ErrorCode } from '../../core/errors.js';
import { MANIFEST_ACCEPT, MEDIA_TYPES } from '../manifest.js';
import { CATALOG_SCOPE, pullScope, RegistryAuthenticator, type AuthorizationAttempt, type HttpExchange } from './auth.js';
import { cachedCredentialProvider, describeCredentials, type CredentialProvider, type RegistryCredentials } from './credentials.js';
import { isLoopbackRegistry, isValidRepository, isValidTag, registryApiHost } from './reference.js';

export interface RegistryTimeouts {
  /** TCP and TLS connection set-up. */
  connectMs?: number | undefined;
  /** From sending a request to receiving the whole response head. */
  headersMs?: number | undefined;
  /** The longest silence allowed between two chunks of a response body. */
  bodyIdleMs?: number | undefined;
}

export const DEFAULT_TIMEOUTS: Required<RegistryTimeouts> = { connectMs: 15_000, headersMs: 30_000, bodyIdleMs: 60_000 };

export interface RetryOptions {
  /** Further attempts after the first, on 429/5xx and dropped connections. */
  retries?: number | undefined;
  /** First backoff delay; it doubles per attempt, with jitter. */
  baseDelayMs?: number | undefined;
  maxDelayMs?: number | undefined;
  /** A Retry-After longer than this ends the retries: a scan should not sleep for an hour. */
  maxRetryAfterMs?: number | undefined;
}

export const DEFAULT_RETRIES: Required<RetryOptions> = { retries: 4, baseDelayMs: 500, maxDelayMs: 8_000, maxRetryAfterMs: 60_000 };

export interface RetryEvent {
  /** The attempt that failed, counting from 1. */
  attempt: number;
  delayMs: number;
  reason: string;
  url: string;
}

export interface RegistryClientOptions {
  /** Registry name as in references: "docker.io", "127.0.0.1:5000". */
  registry: string;
  credentials?: RegistryCredentials | CredentialProvider | undefined;
  /** Allow plain HTTP (tried after HTTPS fails) and skip TLS certificate verification. */
  insecure?: boolean | undefined;
  timeouts?: RegistryTimeouts | undefined;
  retry?: RetryOptions | undefined;
  userAgent?: string | undefined;
  maxRedirects?: number | undefined;
  onRetry?: ((event: RetryEvent) => void) | undefined;
  /** Page size asked of `_catalog` (`n`); registries cap it. */
  catalogPageSize?: number | undefined;
}

export interface FetchedManifest {
  bytes: Buffer;
  /** The Content-Type the registry sent, without parameters; may be empty. */
  mediaType: string;
  /** Digest of the exact bytes received (the algorithm of the requested digest, else sha256). */
  digest: string;
}

/** The distribution project refuses manifests over 4 MiB; leave room for other registries. */
export const MAX_MANIFEST_SIZE = 8 * 1024 * 1024;
const MAX_ERROR_BODY = 64 * 1024;
const MAX_LIST_PAGE = 16 * 1024 * 1024;
const MAX_PAGES = 10_000;
const RETRIABLE_STATUS = new Set([429, 500, 502, 503, 504]);
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
const SCHEMA1_TYPES = new Set<string>([MEDIA_TYPES.dockerSchema1, MEDIA_TYPES.dockerSchema1Signed]);

/** What a request is about, so an error can say "tag x not found in repo y" instead of "404". */
type Subject =
  | { kind: 'manifest'; repository: string; reference: string }
  | { kind: 'blob'; repository: string; digest: string }
  | { kind: 'tags'; repository: string }
  | { kind: 'catalog' }
  | { kind: 'ping' }
  | { kind: 'token'; realm: string }
  | { kind: 'url'; url: string };

interface Call {
  method: 'GET' | 'HEAD' | 'POST';
  /** Absolute URL. */
  url: string;
  headers?: Record<string, string>;
  body?: string | undefined;
  /** Registry auth scope; calls without one (foreign URLs, token servers) never get registry credentials. */
  scope?: string | undefined;
  authenticate: boolean;
  subject: Subject;
  signal?: AbortSignal | undefined;
  /** For resumed blob downloads: a previous failure already used some attempts. */
  firstAttempt?: number;
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
  url: string;
  attempts: number;
}

/** How a transport failure is reported and whether another attempt may help. */
interface NetworkFailure {
  code: Extract<ErrorCode, 'TIMEOUT' | 'NETWORK_ERROR'>;
  detail: string;
  retry: 'always' | 'when-retrying' | 'never';
}

const RegistryErrorBodySchema = z.object({
  errors: z
    .array(
      z
        .object({
          code: z.string().optional(),
          message: z.string().optional(),
        })
        .passthrough(),
    )
    .optional(),
});

const TagListSchema = z.object({ name: z.string().optional(), tags: z.array(z.string()).nullish() });
const CatalogSchema = z.object({ repositories: z.array(z.string()).nullish() });

export interface RegistryErrorEntry {
  code: string;
  message: string;
}

/** The distribution error body: `{"errors":[{"code":"MANIFEST_UNKNOWN","message":"...","detail":...}]}`. */
export function parseRegistryErrors(body: Buffer): RegistryErrorEntry[] {
  try {
    const parsed = RegistryErrorBodySchema.safeParse(JSON.parse(body.toString('utf8')));
    if (!parsed.success) return [];
    return (parsed.data.errors ?? []).map((entry) => ({ code: entry.code ?? '', message: entry.message ?? '' }));
  } catch {
    return [];
  }
}

/** The `rel="next"` target of a Link header (RFC 8288), resolved against the request URL. */
export function parseNextLink(header: string | undefined, base: string): string | undefined {
  if (!header) return undefined;
  for (const match of header.matchAll(/<([^>]*)>\s*((?:;\s*[^;,]+)*)/g)) {
    const params = match[2] ?? '';
    if (/;\s*rel\s*=\s*"?([^";]*\s)?next(\s[^";]*)?"?/i.test(params)) return new URL(match[1]!, base).toString();
  }
  return undefined;
}

/** Retry-After as delta-seconds or an HTTP date, in milliseconds from `now`. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential backoff with "equal jitter": half fixed, half random, so clients do not retry in lockstep. */
export function backoffDelay(attempt: number, options: Required<RetryOptions>, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

function firstHeader(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function errorCodeOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code.length > 0) return code;
    current = current.cause;
  }
  return undefined;
}

const TLS_CERT_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export class RegistryClient {
  readonly registry: string;
  private readonly apiHost: string;
  private readonly insecure: boolean;
  private readonly timeouts: Required<RegistryTimeouts>;
  private readonly retry: Required<RetryOptions>;
  private readonly userAgent: string;
  private readonly maxRedirects: number;
  private readonly agent: Agent;
  private readonly auth: RegistryAuthenticator;
  private readonly onRetry: ((event: RetryEvent) => void) | undefined;
  private readonly catalogPageSize: number;
  private baseUrlPromise: Promise<string> | undefined;

  constructor(options: RegistryClientOptions) {
    this.registry = options.registry;
    this.apiHost = registryApiHost(options.registry);
    this.insecure = options.insecure === true;
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...definedOnly(options.timeouts ?? {}) };
    this.retry = { ...DEFAULT_RETRIES, ...definedOnly(options.retry ?? {}) };
    this.userAgent = options.userAgent ?? `customs/${TOOL_VERSION}`;
    this.maxRedirects = options.maxRedirects ?? 5;
    this.onRetry = options.onRetry;
    this.catalogPageSize = options.catalogPageSize ?? 1000;
    this.agent = new Agent({
      connect: { rejectUnauthorized: !this.insecure, timeout: this.timeouts.connectMs },
      headersTimeout: this.timeouts.headersMs,
      bodyTimeout: this.timeouts.bodyIdleMs,
    });
    const given = options.credentials;
    const provider: CredentialProvider = typeof given === 'function' ? cachedCredentialProvider(given) : async () => given;
    this.auth = new RegistryAuthenticator({ credentials: provider, exchange: this.exchange });
  }

  /** Token requests made so far (each new scope, or an expired token, costs one). */
  get tokenRequests(): number {
    return this.auth.tokenRequests;
  }

  async getManifest(repository: string, reference: string, signal?: AbortSignal): Promise<FetchedManifest> {
    checkRepository(repository);
    if (!isDigest(reference) && !isValidTag(reference)) throw new CustomsError('INVALID_REFERENCE', `"${reference}" is neither a tag nor a digest`);
    const subject: Subject = { kind: 'manifest', repository, reference };
    const response = await this.send({
      method: 'GET',
      url: await this.apiUrl(`/v2/${repository}/manifests/${reference}`, signal),
      headers: { accept: MANIFEST_ACCEPT },
      scope: pullScope(repository),
      authenticate: true,
      subject,
      signal,
    });
    if (response.status !== 200) throw await this.statusError(response, subject, 'GET');
    const bytes = await readCapped(response.body, MAX_MANIFEST_SIZE, () => new CustomsError('INVALID_MANIFEST', `manifest is larger than ${MAX_MANIFEST_SIZE} bytes`));
    const mediaType = (firstHeader(response.headers, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();

    const requested = isDigest(reference) ? reference : undefined;
    const digest = requested ? digestOf(bytes, parseDigest(requested).algorithm) : sha256Digest(bytes);
    if (requested && digest !== requested) {
      throw new CustomsError('DIGEST_MISMATCH', `manifest digest mismatch: asked for ${requested}, the registry sent bytes with digest ${digest}`);
    }
    // Schema 1 digests cover the payload without its signatures, not the bytes; parseManifest rejects schema 1 anyway.
    const announced = firstHeader(response.headers, 'docker-content-digest');
    if (announced && isDigest(announced) && !SCHEMA1_TYPES.has(mediaType)) {
      const ours = announced.startsWith(digest.split(':')[0]!) ? digest : digestOf(bytes, parseDigest(announced).algorithm);
      if (ours !== announced) {
        throw new CustomsError('DIGEST_MISMATCH', `manifest digest mismatch: the registry announced ${announced}, the bytes received have ${ours}`);
      }
    }
    return { bytes, mediaType, digest };
  }

  /**
   * The blob's raw bytes as a stream, never buffered whole. A connection lost part-way is picked
   * up again with a Range request; the caller verifies the digest of everything it reads.
   */
  async getBlob(repository: string, digest: string, signal?: AbortSignal): Promise<Readable> {
    checkRepository(repository);
    if (!isDigest(digest)) throw new CustomsError('INVALID_INPUT', `invalid blob digest "${digest}"`);
    const url = await this.apiUrl(`/v2/${repository}/blobs/${digest}`, signal);
    return this.stream({ method: 'GET', url, scope: pullScope(repository), authenticate: true, subject: { kind: 'blob', repository, digest }, signal });
  }

  /** A small blob (a config) read whole, refused beyond `maxBytes`, checked against its digest. */
  async getBlobBytes(repository: string, digest: string, maxBytes: number, signal?: AbortSignal): Promise<Buffer> {
    checkRepository(repository);
    if (!isDigest(digest)) throw new CustomsError('INVALID_INPUT', `invalid blob digest "${digest}"`);
    const subject: Subject = { kind: 'blob', repository, digest };
    const response = await this.send({
      method: 'GET',
      url: await this.apiUrl(`/v2/${repository}/blobs/${digest}`, signal),
      scope: pullScope(repository),
      authenticate: true,
      subject,
      signal,
    });
    if (response.status !== 200) throw await this.statusError(response, subject, 'GET');
    const bytes = await readCapped(response.body, maxBytes, () => new CustomsError('INVALID_MANIFEST', `blob ${digest} is larger than ${maxBytes} bytes`));
    const actual = digestOf(bytes, parseDigest(digest).algorithm);
    if (actual !== digest) throw new CustomsError('DIGEST_MISMATCH', `blob digest mismatch: expected ${digest}, got ${actual}`);
    return bytes;
  }

  /**
   * A blob from a URL outside the registry (a foreign layer's `urls`). No registry credentials
   * go there; plain http only with --insecure.
   */
  async getExternalBlob(url: string, signal?: AbortSignal): Promise<Readable> {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && this.insecure)) {
      throw new CustomsError('UNSUPPORTED', `refusing to download ${redactUrl(url)}: only https URLs are fetched without --insecure`);
    }
    return this.stream({ method: 'GET', url, authenticate: false, subject: { kind: 'url', url }, signal });
  }

  async listTags(repository: string, signal?: AbortSignal): Promise<string[]> {
    checkRepository(repository);
    const pages = this.pages(await this.apiUrl(`/v2/${repository}/tags/list`, signal), pullScope(repository), { kind: 'tags', repository }, signal);
    const tags: string[] = [];
    for await (const page of pages) {
      const parsed = TagListSchema.safeParse(page);
      if (!parsed.success) throw new CustomsError('REGISTRY_ERROR', `the registry answered the tag list of ${repository} with an unexpected document`);
      tags.push(...(parsed.data.tags ?? []));
    }
    return tags;
  }

  /** Every repository, through the `_catalog` extension most self-hosted registries offer. */
  async catalog(signal?: AbortSignal): Promise<string[]> {
    const pages = this.pages(await this.apiUrl(`/v2/_catalog?n=${this.catalogPageSize}`, signal), CATALOG_SCOPE, { kind: 'catalog' }, signal);
    const repositories: string[] = [];
    for await (const page of pages) {
      const parsed = CatalogSchema.safeParse(page);
      if (!parsed.success) throw new CustomsError('REGISTRY_ERROR', `the registry answered the catalog request with an unexpected document`);
      repositories.push(...(parsed.data.repositories ?? []));
    }
    return repositories;
  }

  async close(): Promise<void> {
    // close() waits for bodies nobody reads any more; do not let an abandoned stream hang shutdown.
    await Promise.race([this.agent.close(), sleep(1000, undefined, { ref: false })]);
    await this.agent.destroy().catch(() => {});
  }

  private async *pages(firstUrl: string, scope: string, subject: Subject, signal?: AbortSignal): AsyncGenerator<unknown> {
    const seen = new Set<string>();
    for (let url: string | undefined = firstUrl; url !== undefined; ) {
      if (seen.has(url) || seen.size >= MAX_PAGES) throw new CustomsError('REGISTRY_ERROR', `the registry's Link pagination loops at ${url}`);
      seen.add(url);
      const response = await this.send({ method: 'GET', url, headers: { accept: 'application/json' }, scope, authenticate: true, subject, signal });
      if (response.status !== 200) throw await this.statusError(response, subject, 'GET');
      const bytes = await readCapped(response.body, MAX_LIST_PAGE, () => new CustomsError('REGISTRY_ERROR', 'a listing page is too large'));
      let json: unknown;
      try {
        json = JSON.parse(bytes.toString('utf8'));
      } catch {
        throw new CustomsError('REGISTRY_ERROR', `the registry answered ${new URL(url).pathname} with something that is not JSON`);
      }
      yield json;
      url = parseNextLink(firstHeader(response.headers, 'link'), response.url);
    }
  }

  /** The token server exchange: buffered, retried like everything else, never with registry credentials. */
  private readonly exchange: HttpExchange = async (exchangeRequest) => {
    const response = await this.send({
      method: exchangeRequest.method,
      url: exchangeRequest.url,
      headers: exchangeRequest.headers,
      body: exchangeRequest.body,
      authenticate: false,
      subject: { kind: 'token', realm: exchangeRequest.url.split('?')[0]! },
    });
    const body = await readCapped(response.body, 1024 * 1024, () => new CustomsError('REGISTRY_ERROR', 'token response too large'));
    const headers: Record<string, string | undefined> = {};
    for (const name of Object.keys(response.headers)) headers[name] = firstHeader(response.headers, name);
    return { status: response.status, headers, body };
  };

  private async apiUrl(path: string, signal?: AbortSignal): Promise<string> {
    return `${await this.baseUrl(signal)}${path}`;
  }

  /**
   * https, always, unless --insecure: then, like Docker with an insecure registry, https
   * without verification is tried first and plain http if that cannot connect.
   */
  private baseUrl(signal?: AbortSignal): Promise<string> {
    if (!this.insecure) return Promise.resolve(`https://${this.apiHost}`);
    this.baseUrlPromise ??= this.detectScheme(signal).catch((error: unknown) => {
      this.baseUrlPromise = undefined;
      throw error;
    });
    return this.baseUrlPromise;
  }

  private async detectScheme(signal?: AbortSignal): Promise<string> {
    const https = `https://${this.apiHost}`;
    try {
      const response = await request(`${https}/v2/`, {
        method: 'GET',
        dispatcher: this.agent,
        headers: { 'user-agent': this.userAgent },
        signal,
      });
      await response.body.dump();
      return https;
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      return `http://${this.apiHost}`;
    }
  }

  /**
   * One logical request: authentication (answering one challenge per request), redirects, and
   * retries of 429/5xx and dropped connections. Non-2xx answers are returned for the caller to
   * explain; transport failures are thrown as CustomsErrors.
   */
  private async send(call: Call): Promise<RawResponse> {
    const maxAttempts = this.retry.retries + 1;
    let attempt = (call.firstAttempt ?? 1) - 1;
    let challengeAnswered = false;
    // The answer to a challenge is kept for the rest of this call: it may carry a scope the cache does not file under ours.
    let answered: AuthorizationAttempt | undefined;
    for (;;) {
      attempt++;
      const authorization: AuthorizationAttempt =
        answered ?? (call.authenticate ? await this.auth.authorize(call.scope) : { header: undefined, fresh: false });
      let response: Omit<RawResponse, 'attempts'>;
      try {
        response = await this.followRedirects(call, authorization.header);
      } catch (error) {
        if (call.signal?.aborted) throw call.signal.reason;
        if (error instanceof CustomsError) throw error;
        const failure = this.describeFailure(error, call.url);
        const retriable = failure.retry === 'always' || (failure.retry === 'when-retrying' && attempt > 1);
        if (retriable && attempt < maxAttempts) {
          await this.pause(attempt, undefined, failure.detail, call);
          continue;
        }
        const tries = attempt > 1 ? ` (after ${attempt} attempts)` : '';
        throw new CustomsError(failure.code, `${failure.detail}${tries}`, {}, { cause: error });
      }

      if (response.status === 401 && call.authenticate && !challengeAnswered) {
        challengeAnswered = true;
        // Kept for the error message in case the challenge cannot be answered.
        const errorBody = await readCapped(response.body, MAX_ERROR_BODY, () => new Error('too large')).catch(() => Buffer.alloc(0));
        const header = await this.auth.answerChallenge(firstHeader(response.headers, 'www-authenticate'), call.scope, authorization);
        if (header !== undefined) {
          answered = { header, fresh: true };
          // Authenticating is not a failure: it does not use up an attempt.
          attempt--;
          continue;
        }
        return { ...response, attempts: attempt, body: Readable.from([errorBody]) };
      }

      const wait = parseRetryAfter(firstHeader(response.headers, 'retry-after'));
      // A registry asking for a longer pause than we allow (a rate limit for the hour) is an answer, not a hiccup.
      const waitTooLong = wait !== undefined && wait > this.retry.maxRetryAfterMs;
      if (RETRIABLE_STATUS.has(response.status) && attempt < maxAttempts && !waitTooLong) {
        await discard(response.body);
        await this.pause(attempt, wait, `HTTP ${response.status}`, call);
        continue;
      }
      return { ...response, attempts: attempt };
    }
  }

  private async pause(attempt: number, retryAfterMs: number | undefined, reason: string, call: Call): Promise<void> {
    const delayMs = retryAfterMs ?? backoffDelay(attempt, this.retry);
    this.onRetry?.({ attempt, delayMs, reason, url: call.url });
    await sleep(delayMs, undefined, { signal: call.signal });
  }

  /**
   * Follow redirects ourselves: storage backends redirect blob downloads to other hosts (S3,
   * CDNs), and those must never see the registry's Authorization header.
   */
  private async followRedirects(call: Call, authorization: string | undefined): Promise<Omit<RawResponse, 'attempts'>> {
    const origin = new URL(call.url).origin;
    let url = new URL(call.url);
    let method = call.method;
    let body = call.body;
    for (let hops = 0; ; hops++) {
      const headers: Record<string, string> = { 'user-agent': this.userAgent };
      const sameOrigin = url.origin === origin;
      for (const [name, value] of Object.entries(call.headers ?? {})) {
        if (name.toLowerCase() === 'authorization' && !sameOrigin) continue;
        headers[name.toLowerCase()] = value;
      }
      if (authorization !== undefined && sameOrigin) headers.authorization = authorization;
      const response = await request(url, {
        method,
        headers,
        body,
        dispatcher: this.agent,
        signal: call.signal,
        headersTimeout: this.timeouts.headersMs,
        bodyTimeout: this.timeouts.bodyIdleMs,
      });
      const location = firstHeader(response.headers, 'location');
      if (!REDIRECT_STATUS.has(response.statusCode) || !location) {
        return { status: response.statusCode, headers: response.headers, body: response.body, url: url.toString() };
      }
      await discard(response.body);
      if (hops >= this.maxRedirects) throw new CustomsError('REGISTRY_ERROR', `more than ${this.maxRedirects} redirects, last to ${redactUrl(location)}`);
      const next = new URL(location, url);
      if (next.protocol !== 'https:' && next.protocol !== 'http:') {
        throw new CustomsError('REGISTRY_ERROR', `redirect to unsupported URL scheme ${next.protocol}`);
      }
      if (url.protocol === 'https:' && next.protocol === 'http:' && !this.insecure) {
        throw new CustomsError('NETWORK_ERROR', `refusing a redirect from https to plain http (${redactUrl(next.toString())}); use --insecure to allow it`);
      }
      if (response.statusCode === 303) {
        method = 'GET';
        body = undefined;
      }
      url = next;
    }
  }

  private describeFailure(error: unknown, url: string): NetworkFailure {
    const code = errorCodeOf(error);
    const { host, pathname } = new URL(url);
    const message = error instanceof Error ? error.message : String(error);
    const seconds = (ms: number): string => `${ms / 1000} s`;
    switch (code) {
      case 'UND_ERR_HEADERS_TIMEOUT':
        return { code: 'TIMEOUT', detail: `no response from ${host} within ${seconds(this.timeouts.headersMs)} (GET ${pathname})`, retry: 'never' };
      case 'UND_ERR_BODY_TIMEOUT':
        return { code: 'TIMEOUT', detail: `${host} sent nothing for ${seconds(this.timeouts.bodyIdleMs)} (GET ${pathname})`, retry: 'always' };
      case 'UND_ERR_CONNECT_TIMEOUT':
        return { code: 'TIMEOUT', detail: `cannot connect to ${host} within ${seconds(this.timeouts.connectMs)}`, retry: 'when-retrying' };
      case 'ECONNRESET':
      case 'EPIPE':
      case 'UND_ERR_SOCKET':
      case 'UND_ERR_CLOSED':
        return { code: 'NETWORK_ERROR', detail: `connection to ${host} was closed unexpectedly (${message})`, retry: 'always' };
      case 'ECONNREFUSED':
        return { code: 'NETWORK_ERROR', detail: `cannot connect to ${host}: connection refused${this.insecureHint(url)}`, retry: 'when-retrying' };
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return { code: 'NETWORK_ERROR', detail: `cannot resolve host ${host}`, retry: code === 'EAI_AGAIN' ? 'when-retrying' : 'never' };
      default:
        break;
    }
    if (code && TLS_CERT_CODES.has(code)) {
      return {
        code: 'NETWORK_ERROR',
        detail: `the TLS certificate of ${host} is not trusted (${message}); add its CA with NODE_EXTRA_CA_CERTS, or use --insecure to skip verification`,
        retry: 'never',
      };
    }
    if (code === 'EPROTO' || code?.startsWith('ERR_SSL') || /wrong version number|ssl|tls/i.test(message)) {
      // OpenSSL messages carry file names and line numbers; the reason is the part users can search for.
      const reason = /SSL routines:[^:]*:([^:]+)/.exec(message)?.[1] ?? code ?? message;
      const hint = this.insecure ? '' : `; if ${host} serves plain HTTP, use --insecure`;
      return { code: 'NETWORK_ERROR', detail: `TLS handshake with ${host} failed (${reason})${hint}`, retry: 'never' };
    }
    return { code: 'NETWORK_ERROR', detail: `request to ${host} failed: ${message}`, retry: 'never' };
  }

  private insecureHint(url: string): string {
    // A loopback registry refusing https connections on port 443 is usually a plain-HTTP one on another port.
    return !this.insecure && url.startsWith('https:') && isLoopbackRegistry(this.registry) ? '; if it serves plain HTTP, use --insecure' : '';
  }

  /** Turn a non-2xx answer into the error a user can act on, using the registry's own error body. */
  private async statusError(response: RawResponse, subject: Subject, method: string): Promise<CustomsError> {
    const body = await readCapped(response.body, MAX_ERROR_BODY, () => new Error('too large')).catch(() => Buffer.alloc(0));
    const errors = parseRegistryErrors(body);
    const codes = new Set(errors.map((entry) => entry.code));
    const said = errors
      .map((entry) => entry.message || entry.code.toLowerCase().replace(/_/g, ' '))
      .filter(Boolean)
      .join('; ');
    const status = response.status;
    const path = new URL(response.url).pathname;
    if (status === 404) return new CustomsError('NOT_FOUND', notFoundMessage(subject, codes, path));
    if (status === 401) {
      const sent = describeCredentials(this.auth.lastCredentials);
      const hint = this.auth.lastCredentials ? '' : '; the repository may not exist, or it needs --username/--password or docker login';
      return new CustomsError('UNAUTHORIZED', `unauthorized: ${said || 'authentication required'} (${sent}${hint})`);
    }
    if (status === 403) {
      return new CustomsError('DENIED', `denied: ${said || 'access to the resource is denied'} (${describeCredentials(this.auth.lastCredentials)})`);
    }
    const attempts = response.attempts === 1 ? '1 attempt' : `${response.attempts} attempts`;
    if (RETRIABLE_STATUS.has(status)) {
      const retryAfter = firstHeader(response.headers, 'retry-after');
      const pause = retryAfter !== undefined ? ` (the registry asks to retry after ${retryAfter}${/^\d+$/.test(retryAfter.trim()) ? ' s' : ''})` : '';
      return new CustomsError('REGISTRY_ERROR', `registry error: HTTP ${status} for ${method} ${path} after ${attempts}${said ? `: ${said}` : ''}${pause}`);
    }
    return new CustomsError('REGISTRY_ERROR', `unexpected HTTP ${status} for ${method} ${path}${said ? `: ${said}` : ''}`);
  }

  /** Stream a body, resuming with a Range request when the connection drops part-way. */
  private async stream(call: Call): Promise<Readable> {
    const first = await this.send(call);
    if (first.status !== 200) throw await this.statusError(first, call.subject, call.method);
    const maxAttempts = this.retry.retries + 1;
    const client = this;

    async function* chunks(): AsyncGenerator<Buffer> {
      let body = first.body;
      let attempt = first.attempts;
      let received = 0;
      let skip = 0;
      try {
        for (;;) {
          try {
            for await (const chunk of body as AsyncIterable<Buffer>) {
              // A server that ignored our Range header starts from byte 0 again: drop what we already have.
              if (skip > 0) {
                const dropped = Math.min(skip, chunk.length);
                skip -= dropped;
                if (dropped === chunk.length) continue;
                received += chunk.length - dropped;
                yield chunk.subarray(dropped);
                continue;
              }
              received += chunk.length;
              yield chunk;
            }
            return;
          } catch (error) {
            if (call.signal?.aborted) throw call.signal.reason;
            if (error instanceof CustomsError) throw error;
            const failure = client.describeFailure(error, call.url);
            if (failure.retry === 'never' || attempt >= maxAttempts) {
              throw new CustomsError(failure.code, `${failure.detail} after ${received} bytes${attempt > 1 ? ` and ${attempt} attempts` : ''}`, {}, { cause: error });
            }
            await client.pause(attempt, undefined, failure.detail, call);
            const resumed = await client.send({ ...call, headers: { ...call.headers, range: `bytes=${received}-` }, firstAttempt: attempt + 1 });
            attempt = resumed.attempts;
            if (resumed.status === 206) {
              const start = /^bytes (\d+)-/.exec(firstHeader(resumed.headers, 'content-range') ?? '')?.[1];
              if (start === undefined || Number(start) !== received) {
                await discard(resumed.body);
                throw new CustomsError('REGISTRY_ERROR', `cannot resume the download at byte ${received}: the registry answered with range "${firstHeader(resumed.headers, 'content-range') ?? ''}"`);
              }
              skip = 0;
            } else if (resumed.status === 200) {
              skip = received;
            } else {
              throw await client.statusError(resumed, call.subject, call.method);
            }
            body = resumed.body;
          }
        }
      } finally {
        body.destroy();
      }
    }

    return Readable.from(chunks(), { objectMode: false });
  }
}

/** Names go into URL paths: anything outside the grammar is refused rather than escaped. */
function checkRepository(repository: string): void {
  if (!isValidRepository(repository)) throw new CustomsError('INVALID_REFERENCE', `invalid repository name "${repository}"`);
}

function notFoundMessage(subject: Subject, codes: Set<string>, path: string): string {
  if (codes.has('NAME_UNKNOWN') && 'repository' in subject) return `name unknown: repo ${subject.repository} not found`;
  switch (subject.kind) {
    case 'manifest': {
      const what = isDigest(subject.reference) ? 'digest' : 'tag';
      return `manifest unknown: ${what} ${subject.reference} not found in repo ${subject.repository}`;
    }
    case 'blob':
      return `blob unknown: ${subject.digest} not found in repo ${subject.repository}`;
    case 'tags':
      return `name unknown: repo ${subject.repository} not found`;
    case 'catalog':
      return 'the registry does not offer a catalog (GET /v2/_catalog answered 404)';
    case 'ping':
      return 'not a registry: GET /v2/ answered 404';
    case 'token':
      return `token server ${subject.realm} not found (HTTP 404)`;
    case 'url':
      return `${redactUrl(subject.url)} not found (HTTP 404)`;
  }
  return `not found: ${path}`;
}

/** Signed storage URLs carry credentials in their query string: never print it. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}${parsed.search ? '?…' : ''}`;
  } catch {
    return url.split('?')[0] ?? url;
  }
}

/** Let go of a body we do not need; undici can then reuse the connection. */
async function discard(body: Readable): Promise<void> {
  if ('dump' in body && typeof body.dump === 'function') await (body as Dispatcher.ResponseData['body']).dump().catch(() => {});
  else body.destroy();
}

/** Read a whole body, giving up (and closing the connection) past `limit` bytes. */
async function readCapped(body: Readable, limit: number, tooLarge: () => Error): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > limit) {
      body.destroy();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
