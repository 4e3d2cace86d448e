import type { FileAnalyzer } from '../../core/analyzer.js';

/** Analyzers for application package manifests and lockfiles. One line per analyzer; ../index.test.ts fails if one is missing. */
export const languageAnalyzers: readonly FileAnalyzer[] = [];
