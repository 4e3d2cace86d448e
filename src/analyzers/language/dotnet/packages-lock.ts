import { z } from 'zod';
import type { PackageRecord } from '../../../core/package.js';
import { MiB, PackageList, baseName, packageFileAnalyzer, parseJson } from '../common.js';

export function isPackagesLock(path: string): boolean {
  return baseName(path) === 'packages.lock.json';
}

const PackagesLock = z.object({
  version: z.number().int(),
  // Target framework ("net8.0", "net8.0/linux-x64") -> package id -> entry.
  dependencies: z.record(z.record(z.object({ type: z.string(), resolved: z.string().optional() }))).optional(),
});

/**
 * NuGet's packages.lock.json: the packages resolved for each target framework and runtime,
 * Direct, Transitive or CentralTransitive; Project entries are other projects of the solution.
 * A package resolved for several targets is reported once per version.
 */
export function parsePackagesLock(text: string): PackageRecord[] {
  const lock = parseJson(text, PackagesLock, 'packages.lock.json');
  const list = new PackageList('nuget');
  for (const [framework, packages] of Object.entries(lock.dependencies ?? {})) {
    for (const [name, entry] of Object.entries(packages)) {
      if (entry.type === 'Project') continue;
      if (entry.resolved === undefined) throw new Error(`packages.lock.json: ${framework} ${name} (${entry.type}) has no resolved version`);
      list.add({ name, version: entry.resolved });
    }
  }
  return list.records();
}

export const packagesLockAnalyzer = packageFileAnalyzer({
  name: 'language/packages-lock',
  version: 1,
  ecosystem: 'nuget',
  maxBytes: 32 * MiB,
  required: isPackagesLock,
  parse: parsePackagesLock,
});
