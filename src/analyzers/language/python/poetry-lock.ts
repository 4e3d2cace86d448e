import { z } from 'zod';
import type { PackageRecord } from '../../../core/package.js';
import { MiB, PackageList, baseName, packageFileAnalyzer, parseToml, validate } from '../common.js';

export function isPoetryLock(path: string): boolean {
  return baseName(path) === 'poetry.lock';
}

const PoetryLock = z.object({
  package: z
    .array(
      z.object({
        name: z.string(),
        version: z.string(),
        category: z.string().optional(),
        groups: z.array(z.string()).optional(),
      }),
    )
    .optional(),
});

/**
 * poetry.lock (TOML `[[package]]`). Lock format 1.x marks development packages with
 * `category = "dev"`; 2.0 (Poetry 1.5 to 1.8) records neither category nor group, so nothing is
 * marked; 2.1 (Poetry 2) lists `groups`, and a package outside the "main" group is development-only.
 */
export function parsePoetryLock(text: string): PackageRecord[] {
  const lock = validate(parseToml(text, 'poetry.lock'), PoetryLock, 'poetry.lock');
  const list = new PackageList('pypi');
  for (const entry of lock.package ?? []) {
    const dev = entry.category === 'dev' || (entry.groups !== undefined && !entry.groups.includes('main'));
    list.add({ name: entry.name, version: entry.version, dev });
  }
  return list.records();
}

export const poetryLockAnalyzer = packageFileAnalyzer({
  name: 'language/poetry-lock',
  version: 1,
  ecosystem: 'pypi',
  maxBytes: 32 * MiB,
  required: isPoetryLock,
  parse: parsePoetryLock,
});
