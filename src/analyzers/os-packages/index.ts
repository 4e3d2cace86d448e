import type { FileAnalyzer } from '../../core/analyzer.js';

/** Analyzers for OS package databases: dpkg, apk, rpm. One line per analyzer; ../index.test.ts fails if one is missing. */
export const osPackageAnalyzers: readonly FileAnalyzer[] = [];
