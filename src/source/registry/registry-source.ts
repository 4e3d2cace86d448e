/**
 * Images straight from a registry: the manifest (choosing a platform from an index), the config,
 * and each layer streamed as stored. Nothing is pulled to disk first.
 */
import { Readable } from 'node:stream';
import { CustomsError, inContext, type ErrorContext } from '../../core/errors.js';
import { DEFAULT_PLATFORM, type ImageSource, type LayerContent, type LayerDescriptor, type Platform, type ResolvedImage } from '../../core/image.js';
import { checkRequestedPlatform, describeLayers, parseImageConfig } from '../image-config.js';
import { parseManifest, selectPlatform, type Descriptor } from '../manifest.js';
import { RegistryClient, type RegistryClientOptions, type RegistryTimeouts, type RetryEvent, type RetryOptions } from './client.js';
import { resolveCredentials, type RegistryCredentials } from './credentials.js';
import { formatReference, formatRepository, manifestReference, parseReference, type ImageReference } from './reference.js';

/** Configs are small JSON; anything larger is not one. */
const MAX_CONFIG_SIZE = 16 * 1024 * 1024;
const MAX_INDEX_DEPTH = 4;

export interface RegistrySourceOptions {
  /** Which image to take from a multi-platform index; linux/amd64 when not given. */
  platform?: Platform | undefined;
  /** From the command line; otherwise the environment and the Docker config are consulted. */
  credentials?: RegistryCredentials | undefined;
  /** A Docker config.json to read instead of the default one. */
  dockerConfigPath?: string | undefined;
  /** Environment for credential lookup (tests); process.env by default. */
  env?: NodeJS.ProcessEnv | undefined;
  insecure?: boolean | undefined;
  timeouts?: RegistryTimeouts | undefined;
  /** Retries after the first attempt (the CLI's --retries). */
  retries?: number | undefined;
  /** Backoff tuning; `retries` above wins over `retry.retries`. */
  retry?: RetryOptions | undefined;
  onRetry?: ((event: RetryEvent) => void) | undefined;
  userAgent?: string | undefined;
}

export class RegistrySource implements ImageSource {
  readonly target: string;
  readonly reference: ImageReference;
  private readonly client: RegistryClient;
  private readonly platform: Platform | undefined;
  /** Foreign layers' download locations, by digest, from the manifest. */
  private readonly foreignUrls = new Map<string, string[]>();

  constructor(target: string, options: RegistrySourceOptions = {}) {
    this.target = target;
    try {
      this.reference = parseReference(target);
    } catch (error) {
      throw inContext(error, { image: target });
    }
    this.platform = options.platform;
    const registry = this.reference.registry;
    const clientOptions: RegistryClientOptions = {
      registry,
      credentials: () =>
        resolveCredentials(registry, { explicit: options.credentials, env: options.env, dockerConfigPath: options.dockerConfigPath }),
      insecure: options.insecure,
      timeouts: options.timeouts,
      retry: { ...options.retry, ...(options.retries !== undefined ? { retries: options.retries } : {}) },
      onRetry: options.onRetry,
      userAgent: options.userAgent,
    };
    this.client = new RegistryClient(clientOptions);
  }

  /** The normalised name, for messages: docker.io/library/alpine:3.19. */
  get name(): string {
    return formatReference(this.reference);
  }

  async resolve(signal?: AbortSignal): Promise<ResolvedImage> {
    try {
      return await this.resolveInner(signal);
    } catch (error) {
      if (signal?.aborted && !(error instanceof CustomsError)) throw error;
      throw inContext(error, { image: this.name });
    }
  }

  private async resolveInner(signal?: AbortSignal): Promise<ResolvedImage> {
    const repository = this.reference.repository;
    const wanted = this.platform ?? DEFAULT_PLATFORM;
    let fetched = await this.client.getManifest(repository, manifestReference(this.reference), signal);
    let manifest = parseManifest(fetched.bytes, fetched.mediaType);
    let indexDigest: string | undefined;
    for (let depth = 0; manifest.kind === 'index'; depth++) {
      if (depth >= MAX_INDEX_DEPTH) throw new CustomsError('INVALID_MANIFEST', 'image indexes nested too deeply');
      indexDigest ??= fetched.digest;
      const chosen: Descriptor = selectPlatform(manifest.manifests, wanted);
      fetched = await this.client.getManifest(repository, chosen.digest, signal);
      manifest = parseManifest(fetched.bytes, chosen.mediaType ?? fetched.mediaType);
    }

    const configBytes = await this.client.getBlobBytes(repository, manifest.config.digest, MAX_CONFIG_SIZE, signal);
    const config = parseImageConfig(configBytes, manifest.config.digest);
    const layers = describeLayers(manifest.layers, config);
    for (const layer of manifest.layers) {
      if (layer.urls && layer.urls.length > 0) this.foreignUrls.set(layer.digest, layer.urls);
    }

    if (indexDigest === undefined) checkRequestedPlatform(config, this.platform);

    const repositoryName = formatRepository(this.reference);
    return {
      reference: this.name,
      sourceKind: 'registry',
      manifestDigest: fetched.digest,
      manifestMediaType: manifest.mediaType,
      indexDigest,
      configDigest: manifest.config.digest,
      platform: { os: config.os, architecture: config.architecture, variant: config.variant },
      config,
      layers,
      repoTags: this.reference.tag !== undefined ? [`${repositoryName}:${this.reference.tag}`] : [],
      repoDigests: [`${repositoryName}@${fetched.digest}`],
    };
  }

  /**
   * The layer blob as stored. Foreign (non-distributable) layers are asked of the registry
   * first, as registries often hold them anyway, then of the URLs the manifest names.
   */
  async openLayer(layer: LayerDescriptor, signal?: AbortSignal): Promise<LayerContent> {
    const context = { image: this.name, layer: layer.digest };
    try {
      return { kind: 'tar', stream: withErrorContext(await this.openBlob(layer.digest, signal), context, signal) };
    } catch (error) {
      if (signal?.aborted && !(error instanceof CustomsError)) throw error;
      throw inContext(error, context);
    }
  }

  private async openBlob(digest: string, signal?: AbortSignal): Promise<Readable> {
    const urls = this.foreignUrls.get(digest) ?? [];
    try {
      return await this.client.getBlob(this.reference.repository, digest, signal);
    } catch (error) {
      if (urls.length === 0 || !(error instanceof CustomsError) || error.code !== 'NOT_FOUND') throw error;
    }
    const failures: string[] = [];
    for (const url of urls) {
      try {
        return await this.client.getExternalBlob(url, signal);
      } catch (error) {
        if (signal?.aborted) throw error;
        failures.push(error instanceof Error ? error.message : String(error));
      }
    }
    throw new CustomsError('NOT_FOUND', `foreign layer not in the registry and not downloadable from its URLs: ${failures.join('; ')}`);
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

/** Failures part-way through a download (timeouts, resets) name the image and layer like every other error. */
function withErrorContext(stream: Readable, context: ErrorContext, signal: AbortSignal | undefined): Readable {
  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) yield chunk;
    } catch (error) {
      if (signal?.aborted && !(error instanceof CustomsError)) throw error;
      throw inContext(error, context, 'NETWORK_ERROR');
    } finally {
      stream.destroy();
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}
