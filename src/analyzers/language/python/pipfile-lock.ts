import { z } from 'zod';
import type { PackageRecord } from '../../../core/package.js';
import { MiB, PackageList, baseName, packageFileAnalyzer, parseJson } from '../common.js';

export function isPipfileLock(path: string): boolean {
  return baseName(path) === 'Pipfile.lock';
}

/** Git, path and editable entries carry no version and are skipped. */
const Section = z.record(z.object({ version: z.string().optional() })).optional();

const PipfileLock = z.object({ default: Section, develop: Section });

/** Pipfile.lock (pipenv): `default` packages, then `develop` ones as development-only. Versions are written "==1.2.3". */
export function parsePipfileLock(text: string): PackageRecord[] {
  const lock = parseJson(text, PipfileLock, 'Pipfile.lock');
  const list = new PackageList('pypi');
  const addSection = (section: z.output<typeof Section>, dev: boolean): void => {
    for (const [name, entry] of Object.entries(section ?? {})) {
      if (entry.version === undefined) continue;
      const version = entry.version.replace(/^===?/, '').trim();
      if (version !== '') list.add({ name, version, dev });
    }
  };
  addSection(lock.default, false);
  addSection(lock.develop, true);
  return list.records();
}

export const pipfileLockAnalyzer = packageFileAnalyzer({
  name: 'language/pipfile-lock',
  version: 1,
  ecosystem: 'pypi',
  maxBytes: 32 * MiB,
  required: isPipfileLock,
  parse: parsePipfileLock,
});
