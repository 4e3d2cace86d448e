import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CustomsError } from '../core/errors.js';
import type { ImageSource, LayerContent, LayerDescriptor, ResolvedImage } from '../core/image.js';

/**
 * An unpacked root filesystem: one pseudo-layer, no config. It has no diff ID, so its
 * analysis is never cached (the directory can change between scans).
 */
export class RootfsSource implements ImageSource {
  private readonly root: string;

  constructor(readonly target: string) {
    this.root = resolve(target);
  }

  async resolve(): Promise<ResolvedImage> {
    const stats = await stat(this.root).catch(() => undefined);
    if (!stats?.isDirectory()) throw new CustomsError('NOT_FOUND', 'not a directory', { image: this.target });
    return {
      reference: this.root,
      sourceKind: 'rootfs',
      platform: { os: 'linux', architecture: '' },
      config: { architecture: '', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } },
      layers: [{ index: 0, mediaType: 'directory', digest: '', size: -1, diffId: '' }],
      repoTags: [],
      repoDigests: [],
    };
  }

  async openLayer(_layer: LayerDescriptor): Promise<LayerContent> {
    return { kind: 'directory', root: this.root };
  }

  async close(): Promise<void> {}
}
