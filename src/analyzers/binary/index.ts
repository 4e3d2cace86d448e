import type { FileAnalyzer } from '../../core/analyzer.js';

/** Analyzers for executables and archives: Go build info, cargo auditable, Java archives. One line per analyzer; ../index.test.ts fails if one is missing. */
export const binaryAnalyzers: readonly FileAnalyzer[] = [];
