import { z } from 'zod';
import type { PackageRecord } from '../../../core/package.js';
import { MiB, packageFileAnalyzer, parseJson } from '../common.js';

/**
 * A package folder's own package.json directly under node_modules, scoped or not. Deeper
 * package.json files (lib/, test fixtures) describe nothing installed, and dot folders
 * (.bin, .cache, .pnpm itself) are not packages.
 */
const INSTALLED_MANIFEST = /(?:^|\/)node_modules\/(?:@[^/.][^/]*\/)?[^/.@][^/]*\/package\.json$/;

export function isInstalledPackageJson(path: string): boolean {
  return INSTALLED_MANIFEST.test(path);
}

// Licenses are informative; a shape nobody documented is dropped rather than failing the package.
const licenseEntry = z.union([z.string(), z.object({ type: z.string() }).transform((license) => license.type)]);
const licenseField = z.union([licenseEntry.transform((license) => [license]), z.array(licenseEntry.catch(''))]).optional().catch(undefined);

const PackageJson = z.object({
  name: z.string().optional(),
  version: z.string().optional(),
  license: licenseField,
  licenses: licenseField,
});

/**
 * An installed package's package.json: name, version and the license in any of its historical
 * forms ("MIT", { type: "MIT" }, licenses: [{ type }]). A package.json without a name or version
 * is a private folder, not a package, and yields nothing.
 */
export function parseInstalledPackageJson(text: string): PackageRecord[] {
  const manifest = parseJson(text, PackageJson, 'package.json');
  if (!manifest.name || !manifest.version) return [];
  const record: PackageRecord = { ecosystem: 'npm', name: manifest.name, version: manifest.version };
  const licenses = [...(manifest.license ?? []), ...(manifest.licenses ?? [])].map((license) => license.trim()).filter((license) => license !== '');
  if (licenses.length > 0) record.licenses = licenses;
  return [record];
}

export const npmInstalledAnalyzer = packageFileAnalyzer({
  name: 'language/npm-installed',
  version: 1,
  ecosystem: 'npm',
  maxBytes: 8 * MiB,
  required: isInstalledPackageJson,
  parse: parseInstalledPackageJson,
});
