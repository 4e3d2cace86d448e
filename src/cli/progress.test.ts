import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LayerDescriptor, ResolvedImage } from '../core/image.js';
import { ProgressLine } from './progress.js';

const layer = (index: number, size: number): LayerDescriptor => ({ index, mediaType: 'x', digest: `sha256:${index}`, size, diffId: `sha256:d${index}` });
const image = { layers: [layer(0, 2 * 1024 * 1024), layer(1, 1024 * 1024)] } as ResolvedImage;

function capture(): { stream: NodeJS.WriteStream; writes: string[] } {
  const writes: string[] = [];
  return { stream: { write: (text: string) => writes.push(text) } as unknown as NodeJS.WriteStream, writes };
}

describe('ProgressLine', () => {
  it('redraws one status line with layers done, cached and bytes, and clears it at the end', () => {
    const { stream, writes } = capture();
    const progress = new ProgressLine(stream, true);
    progress.handle({ type: 'resolved', image });
    progress.handle({ type: 'layer-done', layer: image.layers[1]!, cached: true });
    progress.handle({ type: 'layer-start', layer: image.layers[0]! });
    progress.handle({ type: 'layer-done', layer: image.layers[0]!, cached: false });
    progress.finish();
    assert.deepEqual(writes, [
      '\r\x1b[2KLayers 0/2 0 B / 3.0 MiB',
      '\r\x1b[2KLayers 1/2, 1 cached 1.0 MiB / 3.0 MiB',
      '\r\x1b[2KLayers 1/2, 1 cached 1.0 MiB / 3.0 MiB',
      '\r\x1b[2KLayers 2/2, 1 cached 3.0 MiB / 3.0 MiB',
      '\r\x1b[2K',
    ]);
  });

  it('writes nothing when disabled (not a terminal, or --quiet)', () => {
    const { stream, writes } = capture();
    const progress = new ProgressLine(stream, false);
    progress.handle({ type: 'resolved', image });
    progress.handle({ type: 'layer-progress', layer: image.layers[0]!, bytes: 10 });
    progress.finish();
    assert.deepEqual(writes, []);
  });
});
