import { z } from 'zod';
import type { PackageRecord } from '../../../core/package.js';
import { MiB, PackageList, baseName, packageFileAnalyzer, parseToml, validate } from '../common.js';

export function isCargoLock(path: string): boolean {
  return baseName(path) === 'Cargo.lock';
}

const CargoLock = z.object({
  version: z.number().int().optional(),
  package: z.array(z.object({ name: z.string(), version: z.string(), source: z.string().optional() })).optional(),
});

/**
 * Cargo.lock, all formats: v1 (no `version` key, checksums under [metadata]), v2 (no key
 * either, checksums inline), v3 and v4 (`version = 3` / `4`). The `[[package]]` list is the same
 * in all. Packages without a `source` are workspace members or path dependencies: the
 * project's own code, not crates.
 */
export function parseCargoLock(text: string): PackageRecord[] {
  const lock = validate(parseToml(text, 'Cargo.lock'), CargoLock, 'Cargo.lock');
  if (lock.version !== undefined && (lock.version < 3 || lock.version > 4)) throw new Error(`Cargo.lock: unknown lockfile version ${lock.version}`);
  const list = new PackageList('cargo');
  for (const entry of lock.package ?? []) {
    if (entry.source !== undefined) list.add({ name: entry.name, version: entry.version });
  }
  return list.records();
}

export const cargoLockAnalyzer = packageFileAnalyzer({
  name: 'language/cargo-lock',
  version: 1,
  ecosystem: 'cargo',
  maxBytes: 32 * MiB,
  required: isCargoLock,
  parse: parseCargoLock,
});
