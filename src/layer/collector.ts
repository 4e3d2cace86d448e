import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AnalyzerInput, FileAnalyzer } from '../core/analyzer.js';
import { CustomsError } from '../core/errors.js';
import type { FileInfo, LayerRef } from '../core/files.js';
import type { LayerAnalysis, LocatedResult } from './analysis.js';
import { formatBytes, type WalkLimits } from './limits.js';
import { parseWhiteout } from './paths.js';

export interface CollectorOptions {
  analyzers: readonly FileAnalyzer[];
  layer: LayerRef;
  limits: WalkLimits;
  /** Where files too large for memory are spilled while analyzers read them. */
  tempDir: string;
  signal?: AbortSignal | undefined;
}

/** Where a regular file's bytes come from: a tar entry read once, or a file on disk. */
export type ContentSource = { kind: 'stream'; stream: AsyncIterable<Buffer> } | { kind: 'disk'; path: string };

/**
 * Collects one layer's entries in order and hands the files analyzers ask for to them.
 * Shared by the tar walker and the directory walker, so both give the same LayerAnalysis.
 */
export class LayerCollector {
  private readonly files = new Map<string, FileInfo>();
  private readonly whiteouts = new Set<string>();
  private readonly opaqueDirs = new Set<string>();
  private readonly resultsByPath = new Map<string, LocatedResult[]>();
  private readonly analysis: Pick<LayerAnalysis, 'warnings' | 'analyzerFailures'> = { warnings: [], analyzerFailures: [] };
  /** Hard links whose target's results come late (finishLayer): copied once they are in. */
  private readonly lateLinks: Array<{ path: string; target: string; analyzer: string }> = [];
  private spillCount = 0;
  uncompressedSize = 0;

  constructor(private readonly options: CollectorOptions) {}

  /** Record one entry; for regular files, `content` must be consumed or drained before the next entry. */
  async add(info: FileInfo, content?: ContentSource): Promise<void> {
    const whiteout = parseWhiteout(info.path);
    if (whiteout) {
      if (whiteout.kind === 'opaque') this.opaqueDirs.add(whiteout.dir);
      else this.whiteouts.add(whiteout.path);
      await drain(content);
      return;
    }
    // A later entry for the same path replaces the earlier one, as extraction would.
    this.files.set(info.path, info);
    this.resultsByPath.delete(info.path);

    if (info.type === 'hardlink') {
      await drain(content);
      this.linkResults(info);
      return;
    }
    if (info.type !== 'file' || !content) {
      await drain(content);
      return;
    }
    const wanting = this.options.analyzers.filter((analyzer) => analyzer.required(info.path, info));
    if (wanting.length === 0) {
      await drain(content);
      return;
    }
    if (info.size > this.options.limits.maxFileSize) {
      this.analysis.warnings.push({
        file: info.path,
        message: `skipped: ${formatBytes(info.size)} is over the per-file limit of ${formatBytes(this.options.limits.maxFileSize)}`,
      });
      await drain(content);
      return;
    }
    const file = await this.materialise(info, content);
    try {
      for (const analyzer of wanting) await this.runAnalyzer(analyzer, info, file);
    } finally {
      await file.dispose();
    }
  }

  async finish(): Promise<LayerAnalysis> {
    for (const analyzer of this.options.analyzers) {
      if (!analyzer.finishLayer) continue;
      for (const { path, result } of await analyzer.finishLayer(this.options.layer, this.options.signal)) {
        this.resultsByPath.set(path, [...(this.resultsByPath.get(path) ?? []), { analyzer: analyzer.name, path, result }]);
      }
    }
    for (const link of this.lateLinks) {
      const copied = (this.resultsByPath.get(link.target) ?? []).filter((located) => located.analyzer === link.analyzer).map((located) => ({ ...located, path: link.path }));
      if (copied.length > 0) this.resultsByPath.set(link.path, [...(this.resultsByPath.get(link.path) ?? []), ...copied]);
    }
    return {
      files: [...this.files.values()],
      whiteouts: [...this.whiteouts],
      opaqueDirs: [...this.opaqueDirs],
      // By path, so the order does not depend on which analysis finished first.
      results: [...this.resultsByPath.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).flatMap(([, located]) => located),
      warnings: this.analysis.warnings,
      analyzerFailures: this.analysis.analyzerFailures,
      uncompressedSize: this.uncompressedSize,
    };
  }

  private async runAnalyzer(analyzer: FileAnalyzer, info: FileInfo, file: MaterialisedFile): Promise<void> {
    const input: AnalyzerInput = { path: info.path, info, layer: this.options.layer, read: file.read, open: file.open };
    try {
      const results = await analyzer.analyze(input, this.options.signal);
      if (results.length === 0) return;
      const located = results.map((result) => ({ analyzer: analyzer.name, path: info.path, result }));
      this.resultsByPath.set(info.path, [...(this.resultsByPath.get(info.path) ?? []), ...located]);
    } catch (error) {
      if (this.options.signal?.aborted) throw error;
      this.analysis.analyzerFailures.push({
        analyzer: analyzer.name,
        file: info.path,
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }

  /**
   * A hard link shares its target's bytes, which the tar stream has already passed. Results the
   * target produced are copied for analyzers that want the link's path too; an analyzer that
   * wants the link but did not read the target cannot be served, and a warning says so.
   */
  private linkResults(info: FileInfo): void {
    const target = info.linkname ?? '';
    const targetInfo = this.files.get(target);
    const wanting = this.options.analyzers.filter((analyzer) => analyzer.required(info.path, { ...info, type: 'file', size: targetInfo?.size ?? 0 }));
    if (wanting.length === 0) return;
    const targetResults = this.resultsByPath.get(target) ?? [];
    const copied: LocatedResult[] = [];
    for (const analyzer of wanting) {
      const readTarget = targetInfo !== undefined && analyzer.required(target, targetInfo);
      if (!readTarget) {
        this.analysis.warnings.push({ file: info.path, message: `hard link to ${target}: target was not read, ${analyzer.name} skipped it` });
        continue;
      }
      if (analyzer.finishLayer) this.lateLinks.push({ path: info.path, target, analyzer: analyzer.name });
      for (const located of targetResults) if (located.analyzer === analyzer.name) copied.push({ ...located, path: info.path });
    }
    if (copied.length > 0) this.resultsByPath.set(info.path, copied);
  }

  private async materialise(info: FileInfo, content: ContentSource): Promise<MaterialisedFile> {
    if (content.kind === 'disk') {
      const path = content.path;
      return {
        read: () => readFile(path),
        open: () => createReadStream(path),
        dispose: async () => {},
      };
    }
    if (info.size <= this.options.limits.inMemoryFileSize) {
      const bytes = await readAll(content.stream, info.path);
      return { read: async () => bytes, open: () => Readable.from([bytes]), dispose: async () => {} };
    }
    const spillPath = join(this.options.tempDir, `spill-${this.options.layer.index}-${this.spillCount++}`);
    await pipeline(content.stream, createWriteStream(spillPath, { mode: 0o600 }));
    return {
      read: () => readFile(spillPath),
      open: () => createReadStream(spillPath),
      dispose: () => rm(spillPath, { force: true }),
    };
  }
}

interface MaterialisedFile {
  read(): Promise<Buffer>;
  open(): Readable;
  dispose(): Promise<void>;
}

async function drain(content: ContentSource | undefined): Promise<void> {
  if (content?.kind !== 'stream') return;
  for await (const _chunk of content.stream) {
    // discard: the tar stream only moves on once the entry is consumed
  }
}

async function readAll(stream: AsyncIterable<Buffer>, path: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk as Buffer);
  } catch (error) {
    throw error instanceof CustomsError ? error : new CustomsError('CORRUPT_LAYER', (error as Error).message, { file: path });
  }
  return Buffer.concat(chunks);
}
