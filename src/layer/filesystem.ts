import { CustomsError } from '../core/errors.js';
import type { FileInfo } from '../core/files.js';
import type { AnalysisResult } from '../core/results.js';
import type { LayerAnalysis, LocatedResult } from './analysis.js';
import { isWithin } from './paths.js';

export interface FinalFile extends FileInfo {
  /** Index of the layer the visible version of this path comes from. */
  layerIndex: number;
}

export interface LayerResultRef extends LocatedResult {
  layerIndex: number;
}

/** One analyzer result as a layer shipped it, and whether the final filesystem still shows that layer's copy. */
export interface ShippedResult<R extends AnalysisResult = AnalysisResult> {
  /** Path without a leading slash, as FileInfo has it. */
  path: string;
  layerIndex: number;
  layerDiffId: string;
  result: R;
  visible: boolean;
}

const MAX_SYMLINK_HOPS = 40;

/**
 * The image's filesystem as a container would see it: layers applied bottom to top, each
 * layer's whiteouts and opaque directories hiding what lies below, later entries replacing
 * earlier ones. Built from cached layer analyses, without reading any layer again.
 */
export class FinalFilesystem {
  private readonly files = new Map<string, FinalFile>();
  private readonly layers: readonly LayerAnalysis[];

  constructor(layers: readonly LayerAnalysis[]) {
    this.layers = layers;
    layers.forEach((layer, layerIndex) => this.apply(layer, layerIndex));
  }

  private apply(layer: LayerAnalysis, layerIndex: number): void {
    // Whiteouts only ever hide lower layers, so they are applied before this layer's own entries.
    for (const dir of layer.opaqueDirs) this.removeBelow(dir, false);
    for (const path of layer.whiteouts) this.removeBelow(path, true);
    for (const file of layer.files) {
      const existing = this.files.get(file.path);
      // A directory replaced by anything else takes its lower contents with it.
      if (existing?.type === 'dir' && file.type !== 'dir') this.removeBelow(file.path, false);
      this.files.set(file.path, { ...file, layerIndex });
    }
  }

  private removeBelow(path: string, includingSelf: boolean): void {
    if (includingSelf) this.files.delete(path);
    for (const candidate of this.files.keys()) if (isWithin(candidate, path)) this.files.delete(candidate);
  }

  get size(): number {
    return this.files.size;
  }

  get(path: string): FinalFile | undefined {
    return this.files.get(path);
  }

  /** Every visible file, sorted by path. */
  list(): FinalFile[] {
    return [...this.files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /** Analyzer results whose file is still visible in the final filesystem. */
  visibleResults(): LayerResultRef[] {
    const visible: LayerResultRef[] = [];
    this.layers.forEach((layer, layerIndex) => {
      for (const result of layer.results) {
        if (this.files.get(result.path)?.layerIndex === layerIndex) visible.push({ ...result, layerIndex });
      }
    });
    return visible;
  }

  /** Every analyzer result of every layer, deleted files included: a secret removed later still shipped. */
  allResults(): LayerResultRef[] {
    return this.layers.flatMap((layer, layerIndex) => layer.results.map((result) => ({ ...result, layerIndex })));
  }

  /**
   * Every layer's results of one kind, deleted and overwritten files included, with each one's
   * visibility: what a detector needs to report a secret or a sample that still ships in a layer.
   */
  shippedResults<K extends AnalysisResult['kind']>(kind: K, diffIds: readonly string[]): Array<ShippedResult<Extract<AnalysisResult, { kind: K }>>> {
    return this.allResults().flatMap((located) =>
      located.result.kind === kind
        ? [
            {
              path: located.path,
              layerIndex: located.layerIndex,
              layerDiffId: diffIds[located.layerIndex] ?? '',
              result: located.result as Extract<AnalysisResult, { kind: K }>,
              visible: this.files.get(located.path)?.layerIndex === located.layerIndex,
            },
          ]
        : [],
    );
  }

  /**
   * Follow symlinks, in every component, the way the kernel would inside the container root.
   * Returns the resolved path (which may not exist); throws SYMLINK_LOOP after too many hops.
   */
  resolve(path: string): string {
    let hops = 0;
    let pending = splitPath(path);
    const resolved: string[] = [];
    while (pending.length > 0) {
      const segment = pending.shift()!;
      if (segment === '..') {
        resolved.pop();
        continue;
      }
      const candidate = [...resolved, segment].join('/');
      const file = this.files.get(candidate);
      if (file?.type === 'symlink' && file.linkname !== undefined) {
        if (++hops > MAX_SYMLINK_HOPS) {
          throw new CustomsError('SYMLINK_LOOP', `too many levels of symbolic links resolving ${path}`, { file: path });
        }
        const target = file.linkname;
        if (target.startsWith('/')) resolved.length = 0;
        pending = [...splitPath(target), ...pending];
        continue;
      }
      resolved.push(segment);
    }
    return resolved.join('/');
  }
}

function splitPath(path: string): string[] {
  // ".." stays in the list: it climbs from wherever the walk has got to, which only resolve() knows.
  return path.split('/').filter((segment) => segment !== '' && segment !== '.');
}
