import type { OsInfo } from '../core/os.js';
import { OS_ECOSYSTEMS, type Package, type PackageRecord } from '../core/package.js';
import type { PackagesResult } from '../core/results.js';
import type { FinalFilesystem, LayerResultRef } from '../layer/filesystem.js';
import { packageUrl } from './purl.js';

export interface InventoryInput {
  filesystem: FinalFilesystem;
  /** Diff IDs by layer index. */
  diffIds: readonly string[];
  os: OsInfo | undefined;
}

type PackagesRef = LayerResultRef & { result: PackagesResult };

const identity = (record: PackageRecord): string => `${record.name}\u0000${record.version}\u0000${record.arch ?? ''}`;

/**
 * Every package in the final image, each with the file it was read from, its purl and the layer
 * that introduced it. A package database (dpkg status, rpmdb) is rewritten by every layer that
 * installs something, so its visible copy sits in the top such layer; a package was introduced
 * by the lowest layer of the unbroken run of database versions, counting down from the top, that
 * list it at the same version.
 */
export function buildInventory({ filesystem, diffIds, os }: InventoryInput): Package[] {
  const all = filesystem.allResults().filter((ref): ref is PackagesRef => ref.result.kind === 'packages');
  const versionsByFile = new Map<string, PackagesRef[]>();
  for (const ref of all) {
    const key = `${ref.analyzer}\u0000${ref.path}`;
    versionsByFile.set(key, [...(versionsByFile.get(key) ?? []), ref]);
  }
  // Licenses some ecosystems record outside the package database (Debian copyright files), by package name.
  const declaredLicenses = new Map<string, string[]>();
  for (const ref of filesystem.visibleResults()) {
    if (ref.result.kind === 'package-licenses') declaredLicenses.set(`${ref.result.ecosystem}\u0000${ref.result.name}`, ref.result.licenses);
  }
  const packages: Package[] = [];
  for (const ref of filesystem.visibleResults()) {
    if (ref.result.kind !== 'packages') continue;
    const history = (versionsByFile.get(`${ref.analyzer}\u0000${ref.path}`) ?? []).filter((older) => older.layerIndex < ref.layerIndex).sort((a, b) => b.layerIndex - a.layerIndex);
    const olderSets = history.map((older) => ({ layerIndex: older.layerIndex, present: new Set(older.result.packages.map(identity)) }));
    for (const record of ref.result.packages) {
      let layerIndex = ref.layerIndex;
      if (OS_ECOSYSTEMS.has(record.ecosystem)) {
        for (const older of olderSets) {
          if (!older.present.has(identity(record))) break;
          layerIndex = older.layerIndex;
        }
      }
      const licenses = record.licenses ?? declaredLicenses.get(`${record.ecosystem}\u0000${record.name}`);
      packages.push({ ...record, ...(licenses ? { licenses } : {}), purl: packageUrl(record, os), file: ref.path, layerIndex, layerDiffId: diffIds[layerIndex] ?? '', analyzer: ref.analyzer });
    }
  }
  return packages.sort(comparePackages);
}

function comparePackages(a: Package, b: Package): number {
  return compare(a.ecosystem, b.ecosystem) || compare(a.name, b.name) || compare(a.version, b.version) || compare(a.file, b.file) || compare(a.innerPath ?? '', b.innerPath ?? '');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
