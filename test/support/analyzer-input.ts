import { Readable } from 'node:stream';
import type { AnalyzerInput } from '../../src/core/analyzer.js';

/** A regular file handed to an analyzer the way the layer walker hands it, for analyzer tests. */
export function analyzerInput(path: string, content: Buffer | string, options: { mode?: number; size?: number } = {}): AnalyzerInput {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  return {
    path,
    info: { path, type: 'file', mode: options.mode ?? 0o644, size: options.size ?? bytes.length, uid: 0, gid: 0 },
    layer: { index: 0, diffId: 'sha256:0', digest: 'sha256:0' },
    read: async () => bytes,
    open: () => Readable.from([bytes]),
  };
}
