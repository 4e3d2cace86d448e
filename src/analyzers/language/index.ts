import type { FileAnalyzer } from '../../core/analyzer.js';
import { depsJsonAnalyzer } from './dotnet/deps-json.js';
import { packagesLockAnalyzer } from './dotnet/packages-lock.js';
import { npmInstalledAnalyzer } from './npm/installed.js';
import { packageLockAnalyzer } from './npm/package-lock.js';
import { pnpmLockAnalyzer } from './npm/pnpm-lock.js';
import { yarnLockAnalyzer } from './npm/yarn-lock.js';
import { composerInstalledAnalyzer } from './php/composer-installed.js';
import { composerLockAnalyzer } from './php/composer-lock.js';
import { pythonMetadataAnalyzer } from './python/dist-info.js';
import { pipfileLockAnalyzer } from './python/pipfile-lock.js';
import { poetryLockAnalyzer } from './python/poetry-lock.js';
import { requirementsAnalyzer } from './python/requirements.js';
import { uvLockAnalyzer } from './python/uv-lock.js';
import { gemfileLockAnalyzer } from './ruby/gemfile-lock.js';
import { gemspecAnalyzer } from './ruby/gemspec.js';
import { cargoLockAnalyzer } from './rust/cargo-lock.js';

/** Analyzers for application package manifests and lockfiles. One line per analyzer; ../index.test.ts fails if one is missing. */
export const languageAnalyzers: readonly FileAnalyzer[] = [
  npmInstalledAnalyzer,
  packageLockAnalyzer,
  yarnLockAnalyzer,
  pnpmLockAnalyzer,
  pythonMetadataAnalyzer,
  requirementsAnalyzer,
  pipfileLockAnalyzer,
  poetryLockAnalyzer,
  uvLockAnalyzer,
  gemspecAnalyzer,
  gemfileLockAnalyzer,
  composerInstalledAnalyzer,
  composerLockAnalyzer,
  depsJsonAnalyzer,
  packagesLockAnalyzer,
  cargoLockAnalyzer,
];
