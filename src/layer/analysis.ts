import type { FileInfo } from '../core/files.js';
import type { AnalysisResult } from '../core/results.js';

export interface LocatedResult {
  analyzer: string;
  path: string;
  result: AnalysisResult;
}

export interface LayerWarning {
  file?: string | undefined;
  message: string;
}

export interface AnalyzerFailure {
  analyzer: string;
  file: string;
  message: string;
}

/**
 * Everything learnt from one layer: its files, its whiteouts and what the analyzers found.
 * Plain data, so it can be cached by diff ID and merged into the final filesystem without
 * reading the layer again.
 */
export interface LayerAnalysis {
  files: FileInfo[];
  /** Paths deleted from lower layers by `.wh.<name>` files. */
  whiteouts: string[];
  /** Directories whose lower-layer contents are hidden by `.wh..wh..opq`. */
  opaqueDirs: string[];
  results: LocatedResult[];
  warnings: LayerWarning[];
  analyzerFailures: AnalyzerFailure[];
  /** Bytes of the uncompressed tar (or of the files, for a directory). */
  uncompressedSize: number;
}
