import type { FileAnalyzer } from '../../core/analyzer.js';
import { cargoAuditableAnalyzer } from './cargo-auditable.js';
import { goBinaryAnalyzer } from './go-buildinfo.js';
import { goModAnalyzer } from './go-mod.js';
import { javaArchiveAnalyzer } from './java-archive.js';

/** Analyzers for executables and archives: Go build info, cargo auditable, Java archives. One line per analyzer; ../index.test.ts fails if one is missing. */
export const binaryAnalyzers: readonly FileAnalyzer[] = [goBinaryAnalyzer, goModAnalyzer, cargoAuditableAnalyzer, javaArchiveAnalyzer];
