import type { FileAnalyzer } from '../../core/analyzer.js';
import { alpineReleaseAnalyzer } from './alpine-release.js';
import { debianVersionAnalyzer } from './debian-version.js';
import { osReleaseAnalyzer } from './os-release.js';
import { redhatReleaseAnalyzer } from './redhat-release.js';

/** Analyzers for OS identification files. One line per analyzer; ../index.test.ts fails if one is missing. */
export const osAnalyzers: readonly FileAnalyzer[] = [osReleaseAnalyzer, alpineReleaseAnalyzer, debianVersionAnalyzer, redhatReleaseAnalyzer];
