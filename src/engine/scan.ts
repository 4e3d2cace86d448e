import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FileAnalyzer } from '../core/analyzer.js';
import { inContext } from '../core/errors.js';
import type { LayerRef } from '../core/files.js';
import type { ImageSource, LayerDescriptor, ResolvedImage } from '../core/image.js';
import type { OsInfo } from '../core/os.js';
import { fileAnalyzers, imageAnalyzers } from '../analyzers/index.js';
import type { ImageMetadata } from '../analyzers/image/metadata.js';
import { detectOs, type OsEvidence } from '../analyzers/os/detect.js';
import { layerCacheKey, noCache, type LayerCache } from '../cache/layer-cache.js';
import type { LayerAnalysis } from '../layer/analysis.js';
import { walkDirectory } from '../layer/directory-walker.js';
import { FinalFilesystem } from '../layer/filesystem.js';
import { DEFAULT_LIMITS, type WalkLimits } from '../layer/limits.js';
import { walkTarLayer } from '../layer/tar-walker.js';
import { buildInventory } from '../inventory/inventory.js';
import type { Package } from '../core/package.js';

export type ScanEvent =
  | { type: 'resolved'; image: ResolvedImage }
  | { type: 'layer-start'; layer: LayerDescriptor }
  | { type: 'layer-progress'; layer: LayerDescriptor; bytes: number }
  | { type: 'layer-done'; layer: LayerDescriptor; cached: boolean };

export interface ScanOptions {
  analyzers?: readonly FileAnalyzer[] | undefined;
  cache?: LayerCache | undefined;
  limits?: Partial<WalkLimits> | undefined;
  /** Layers read at once; downloads overlap, analysis is cheap next to them. */
  layerConcurrency?: number | undefined;
  onEvent?: ((event: ScanEvent) => void) | undefined;
  signal?: AbortSignal | undefined;
}

export interface ScannedLayer {
  descriptor: LayerDescriptor;
  analysis: LayerAnalysis;
  cached: boolean;
}

export interface ImageScan {
  image: ResolvedImage;
  layers: ScannedLayer[];
  filesystem: FinalFilesystem;
  os: OsInfo | undefined;
  metadata: ImageMetadata;
  /** Every OS and application package, sorted by ecosystem, name, version and file. */
  packages: Package[];
}

/**
 * Resolve an image, analyse each layer that is not cached (streaming it once), then combine the
 * layers into the final filesystem and the image-level answers (OS, metadata).
 */
export async function scanImage(source: ImageSource, options: ScanOptions = {}): Promise<ImageScan> {
  const analyzers = options.analyzers ?? fileAnalyzers;
  const cache = options.cache ?? noCache;
  const limits: WalkLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const image = await source.resolve(options.signal);
  options.onEvent?.({ type: 'resolved', image });

  const tempDir = await mkdtemp(join(tmpdir(), 'customs-scan-'));
  try {
    const scanLayer = async (descriptor: LayerDescriptor, signal: AbortSignal): Promise<ScannedLayer> => {
      const layerRef: LayerRef = { index: descriptor.index, diffId: descriptor.diffId, digest: descriptor.digest };
      // Only what changes results goes into the key; the in-memory threshold does not.
      const key = descriptor.diffId ? layerCacheKey(descriptor.diffId, analyzers, { maxFileSize: limits.maxFileSize }) : undefined;
      const cached = key ? await cache.get(key) : undefined;
      if (cached) {
        options.onEvent?.({ type: 'layer-done', layer: descriptor, cached: true });
        return { descriptor, analysis: cached, cached: true };
      }
      options.onEvent?.({ type: 'layer-start', layer: descriptor });
      const collectorOptions = { analyzers, layer: layerRef, limits, tempDir, signal };
      let analysis: LayerAnalysis;
      try {
        const content = await source.openLayer(descriptor, signal);
        analysis =
          content.kind === 'directory'
            ? await walkDirectory(content.root, collectorOptions)
            : await walkTarLayer(content.stream, {
                ...collectorOptions,
                descriptor,
                verifyStoredDigest: content.storedDigestKnown !== false,
                onProgress: (bytes) => options.onEvent?.({ type: 'layer-progress', layer: descriptor, bytes }),
              });
      } catch (error) {
        throw inContext(error, { image: image.reference, layer: descriptor.digest || undefined });
      }
      if (key) await cache.put(key, analysis);
      options.onEvent?.({ type: 'layer-done', layer: descriptor, cached: false });
      return { descriptor, analysis, cached: false };
    };

    const layers = await mapLimit(image.layers, Math.max(1, options.layerConcurrency ?? 3), options.signal, scanLayer);
    const filesystem = new FinalFilesystem(layers.map((layer) => layer.analysis));
    const osEvidence: OsEvidence[] = filesystem
      .visibleResults()
      .flatMap((located) => (located.result.kind === 'os-release' ? [{ path: located.path, result: located.result }] : []));
    let os: OsInfo | undefined;
    try {
      os = detectOs(osEvidence, (path) => filesystem.resolve(path));
    } catch (error) {
      throw inContext(error, { image: image.reference });
    }
    const layerRefs = image.layers.map((layer) => ({ index: layer.index, diffId: layer.diffId, digest: layer.digest }));
    const metadata = imageAnalyzers.metadata.analyze({ config: image.config, layers: layerRefs });
    const packages = buildInventory({ filesystem, diffIds: image.layers.map((layer) => layer.diffId), os });
    return { image, layers, filesystem, os, metadata, packages };
  } finally {
    await rm(tempDir, { recursive: true, force: true });
  }
}

/**
 * Run `worker` over `items` with at most `limit` in flight. The first failure aborts the others
 * (through the signal the worker receives) and is thrown once every worker has stopped, so no
 * stream is left writing into a temp dir that is about to be removed.
 */
async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  outer: AbortSignal | undefined,
  worker: (item: T, signal: AbortSignal) => Promise<R>,
): Promise<R[]> {
  const controller = new AbortController();
  const forward = (): void => controller.abort(outer?.reason);
  outer?.addEventListener('abort', forward, { once: true });
  const results = new Array<R>(items.length);
  let next = 0;
  let firstError: { error: unknown } | undefined;
  const run = async (): Promise<void> => {
    while (!firstError && next < items.length) {
      const index = next++;
      try {
        results[index] = await worker(items[index]!, controller.signal);
      } catch (error) {
        if (!firstError) {
          firstError = { error };
          controller.abort(error);
        }
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
  } finally {
    outer?.removeEventListener('abort', forward);
  }
  if (firstError) throw firstError.error;
  return results;
}
