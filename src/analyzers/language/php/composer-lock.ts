import { z } from 'zod';
import type { PackageRecord } from '../../../core/package.js';
import { MiB, PackageList, baseName, isInsideFolder, packageFileAnalyzer, parseJson } from '../common.js';

/** A composer.lock shipped inside an installed package (vendor/a/b/composer.lock) describes nothing installed. */
export function isComposerLock(path: string): boolean {
  return baseName(path) === 'composer.lock' && !isInsideFolder(path, 'vendor');
}

/** Licenses are SPDX identifiers in an array; very old packages wrote one string. */
export const ComposerPackage = z.object({
  name: z.string(),
  version: z.string(),
  license: z.union([z.array(z.string()), z.string().transform((license) => [license])]).optional().catch(undefined),
});

export type ComposerPackageEntry = z.output<typeof ComposerPackage>;

const ComposerLock = z.object({
  packages: z.array(ComposerPackage).nullish(),
  'packages-dev': z.array(ComposerPackage).nullish(),
});

/**
 * composer.lock: `packages`, then `packages-dev` as development-only. Versions are kept as
 * written, tags with their "v" included ("v6.3.0"), as Trivy and Syft report them; Composer
 * itself treats "v1.2.3" and "1.2.3" alike, so the version comparison must too.
 */
export function parseComposerLock(text: string): PackageRecord[] {
  const lock = parseJson(text, ComposerLock, 'composer.lock');
  const list = new PackageList('composer');
  for (const entry of lock.packages ?? []) addComposerPackage(list, entry, false);
  for (const entry of lock['packages-dev'] ?? []) addComposerPackage(list, entry, true);
  return list.records();
}

export function addComposerPackage(list: PackageList, entry: ComposerPackageEntry, dev: boolean): void {
  list.add({ name: entry.name, version: entry.version, licenses: entry.license?.filter((license) => license.trim() !== ''), dev });
}

export const composerLockAnalyzer = packageFileAnalyzer({
  name: 'language/composer-lock',
  version: 1,
  ecosystem: 'composer',
  maxBytes: 32 * MiB,
  required: isComposerLock,
  parse: parseComposerLock,
});
