import type { FileAnalyzer } from '../core/analyzer.js';
import { binaryAnalyzers } from './binary/index.js';
import { imageMetadataAnalyzer } from './image/metadata.js';
import { languageAnalyzers } from './language/index.js';
import { osPackageAnalyzers } from './os-packages/index.js';
import { osAnalyzers } from './os/index.js';

/**
 * Every file analyzer, listed explicitly by family (each family's index.ts lists its own): an
 * analyzer that is not listed does not run, and index.test.ts fails when one exists on disk
 * without being listed.
 */
export const fileAnalyzers: readonly FileAnalyzer[] = [...osAnalyzers, ...osPackageAnalyzers, ...languageAnalyzers, ...binaryAnalyzers];

export const imageAnalyzers = { metadata: imageMetadataAnalyzer } as const;
