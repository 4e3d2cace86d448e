import type { Readable } from 'node:stream';
import type { FileInfo, LayerRef } from './files.js';
import type { ImageConfigFile } from './image.js';
import type { AnalysisResult } from './results.js';

/** A file handed to an analyzer: read it whole (small files) or as a stream (large ones). */
export interface AnalyzerInput {
  path: string;
  info: FileInfo;
  layer: LayerRef;
  read(): Promise<Buffer>;
  open(): Readable;
}

/**
 * A file analyzer in the spirit of Trivy's fanal and osv-scalibr extractors. `required` decides
 * from the path and header alone, without I/O, so the walker opens only the files someone wants.
 * Bump `version` whenever the output for the same input changes: it is part of the layer cache key.
 */
export interface FileAnalyzer {
  readonly name: string;
  readonly version: number;
  /**
   * A digest of configuration that changes this analyzer's results (user rule files, disabled
   * rules), for analyzers built from options at run time. Part of the layer cache key.
   */
  readonly configDigest?: string | undefined;
  required(path: string, info: FileInfo): boolean;
  analyze(input: AnalyzerInput, signal?: AbortSignal): Promise<AnalysisResult[]>;
  /**
   * For analyzers that hand files to an outside engine and collect the answers later (a virus
   * scanner fed in batches): called once a layer's last entry has been analysed, it returns the
   * results that came in late, by path. A throw fails the layer, so nothing half-scanned is cached.
   */
  finishLayer?(layer: LayerRef, signal?: AbortSignal): Promise<Array<{ path: string; result: AnalysisResult }>>;
}

/** What image analyzers see: the configuration, without touching files. */
export interface ImageAnalyzerInput {
  config: ImageConfigFile;
  layers: LayerRef[];
}

export interface ImageAnalyzer<Output> {
  readonly name: string;
  readonly version: number;
  analyze(input: ImageAnalyzerInput): Output;
}
