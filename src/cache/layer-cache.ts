import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { FileAnalyzer } from '../core/analyzer.js';
import type { LayerAnalysis } from '../layer/analysis.js';

/** Bumped when the walker's own output changes shape or meaning. */
export const WALKER_VERSION = 2;

export interface LayerCache {
  get(key: string): Promise<LayerAnalysis | undefined>;
  put(key: string, analysis: LayerAnalysis): Promise<void>;
}

/**
 * The cache key of a layer's analysis, as Trivy's fanal does it: the diff ID plus every
 * analyzer's name and version plus the options that change results. Bumping one analyzer's
 * version re-analyses cached layers; nothing else does.
 */
export function layerCacheKey(diffId: string, analyzers: readonly FileAnalyzer[], options: Record<string, unknown>): string {
  const identity = {
    diffId,
    walker: WALKER_VERSION,
    analyzers: analyzers.map((analyzer) => `${analyzer.name}@${analyzer.version}${analyzer.configDigest ? `#${analyzer.configDigest}` : ''}`).sort(),
    options: Object.fromEntries(Object.entries(options).sort(([a], [b]) => (a < b ? -1 : 1))),
  };
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex');
}

export function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'customs');
}

/** One JSON file per key under <dir>/layers, written to a temp name and renamed so readers never see half a file. */
export class DirectoryLayerCache implements LayerCache {
  private readonly dir: string;

  constructor(cacheDir: string) {
    this.dir = join(cacheDir, 'layers');
  }

  async get(key: string): Promise<LayerAnalysis | undefined> {
    let text: string;
    try {
      text = await readFile(this.path(key), 'utf8');
    } catch {
      return undefined;
    }
    try {
      return JSON.parse(text) as LayerAnalysis;
    } catch {
      // A damaged entry is a miss, not an error: the layer is simply analysed again.
      await rm(this.path(key), { force: true });
      return undefined;
    }
  }

  async put(key: string, analysis: LayerAnalysis): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const temp = `${this.path(key)}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(temp, JSON.stringify(analysis));
    await rename(temp, this.path(key));
  }

  private path(key: string): string {
    return join(this.dir, `${key}.json`);
  }
}

export const noCache: LayerCache = {
  get: async () => undefined,
  put: async () => {},
};
