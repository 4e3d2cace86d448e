import type { FileAnalyzer } from '../core/analyzer.js';
import { imageMetadataAnalyzer } from './image/metadata.js';
import { alpineReleaseAnalyzer } from './os/alpine-release.js';
import { debianVersionAnalyzer } from './os/debian-version.js';
import { osReleaseAnalyzer } from './os/os-release.js';
import { redhatReleaseAnalyzer } from './os/redhat-release.js';

/**
 * Every file analyzer, listed explicitly: a file that is not named here does not run, and
 * index.test.ts fails when an analyzer file exists on disk without a line here.
 */
export const fileAnalyzers: readonly FileAnalyzer[] = [
  osReleaseAnalyzer,
  alpineReleaseAnalyzer,
  debianVersionAnalyzer,
  redhatReleaseAnalyzer,
];

export const imageAnalyzers = { metadata: imageMetadataAnalyzer } as const;
