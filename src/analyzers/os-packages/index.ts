import type { FileAnalyzer } from '../../core/analyzer.js';
import { apkInstalledAnalyzer } from './apk.js';
import { dpkgCopyrightAnalyzer } from './dpkg-copyright.js';
import { dpkgDistrolessAnalyzer } from './dpkg-distroless.js';
import { dpkgStatusAnalyzer } from './dpkg.js';
import { rpmBdbAnalyzer } from './rpm/bdb.js';
import { rpmNdbAnalyzer } from './rpm/ndb.js';
import { rpmSqliteAnalyzer } from './rpm/sqlite.js';

/** Analyzers for OS package databases: dpkg, apk, rpm. One line per analyzer; ../index.test.ts fails if one is missing. */
export const osPackageAnalyzers: readonly FileAnalyzer[] = [
  dpkgStatusAnalyzer,
  dpkgDistrolessAnalyzer,
  dpkgCopyrightAnalyzer,
  apkInstalledAnalyzer,
  rpmSqliteAnalyzer,
  rpmBdbAnalyzer,
  rpmNdbAnalyzer,
];
