import { z } from 'zod';
import type { PackageRecord } from '../../../core/package.js';
import { MiB, PackageList, packageFileAnalyzer, parseJson, validate } from '../common.js';
import { ComposerPackage, addComposerPackage } from './composer-lock.js';

export function isComposerInstalled(path: string): boolean {
  return path === 'vendor/composer/installed.json' || path.endsWith('/vendor/composer/installed.json');
}

// Checked one shape at a time: a union's error would not say which field is wrong.
const ComposerInstalled = z.union([z.array(z.unknown()), z.record(z.unknown())]);
const Composer1Installed = z.array(ComposerPackage);
const Composer2Installed = z.object({
  packages: z.array(ComposerPackage),
  'dev-package-names': z.array(z.string()).optional(),
});

/**
 * vendor/composer/installed.json, what `composer install` actually put in vendor/. Composer 1
 * writes a bare array; Composer 2 an object whose `dev-package-names` marks development-only
 * packages. Versions are kept as written, like composer.lock.
 */
export function parseComposerInstalled(text: string): PackageRecord[] {
  const document = parseJson(text, ComposerInstalled, 'installed.json');
  const list = new PackageList('composer');
  if (Array.isArray(document)) {
    for (const entry of validate(document, Composer1Installed, 'installed.json (Composer 1)')) addComposerPackage(list, entry, false);
    return list.records();
  }
  const installed = validate(document, Composer2Installed, 'installed.json (Composer 2)');
  const devNames = new Set(installed['dev-package-names'] ?? []);
  for (const entry of installed.packages) addComposerPackage(list, entry, devNames.has(entry.name));
  return list.records();
}

export const composerInstalledAnalyzer = packageFileAnalyzer({
  name: 'language/composer-installed',
  version: 1,
  ecosystem: 'composer',
  maxBytes: 32 * MiB,
  required: isComposerInstalled,
  parse: parseComposerInstalled,
});
