import { z } from 'zod';
import type { PackageRecord } from '../../../core/package.js';
import { MiB, PackageList, baseName, packageFileAnalyzer, parseToml, validate } from '../common.js';

export function isUvLock(path: string): boolean {
  return baseName(path) === 'uv.lock';
}

/** `version` is only written when the lock holds several versions of the name; `extra` pulls in optional dependencies. */
const Dependency = z.object({ name: z.string(), version: z.string().optional(), extra: z.array(z.string()).optional() });

const UvPackage = z.object({
  name: z.string(),
  version: z.string().optional(),
  source: z.record(z.unknown()).optional(),
  dependencies: z.array(Dependency).optional(),
  'optional-dependencies': z.record(z.array(Dependency)).optional(),
  'dev-dependencies': z.record(z.array(Dependency)).optional(),
});

const UvLock = z.object({ version: z.number().int(), package: z.array(UvPackage).optional() });

type Package = z.output<typeof UvPackage>;
type DependencyRef = z.output<typeof Dependency>;

/** The project itself and workspace members: local code, not published packages. */
function isProjectSource(entry: Package): boolean {
  return entry.source !== undefined && ('editable' in entry.source || 'virtual' in entry.source);
}

/**
 * uv.lock (TOML `[[package]]`). The project and workspace members (editable or virtual
 * sources) are the roots, not packages; a package is development-only when only their
 * dependency groups (`dev-dependencies`) reach it.
 */
export function parseUvLock(text: string): PackageRecord[] {
  const lock = validate(parseToml(text, 'uv.lock'), UvLock, 'uv.lock');
  const packages = lock.package ?? [];
  const roots = packages.filter(isProjectSource);
  const prodRoots = roots.flatMap((root) => [...(root.dependencies ?? []), ...Object.values(root['optional-dependencies'] ?? {}).flat()]);
  const devRoots = roots.flatMap((root) => Object.values(root['dev-dependencies'] ?? {}).flat());
  const reachedFromProd = reachable(prodRoots, packages);
  const reachedFromDev = reachable(devRoots, packages);

  const list = new PackageList('pypi');
  for (const entry of packages) {
    if (isProjectSource(entry) || entry.version === undefined) continue;
    list.add({ name: entry.name, version: entry.version, dev: reachedFromDev.has(entry) && !reachedFromProd.has(entry) });
  }
  return list.records();
}

/** Packages reachable from some dependencies, following requested extras; iterative, each package and extra once. */
function reachable(roots: readonly DependencyRef[], packages: readonly Package[]): Set<Package> {
  const byName = new Map<string, Package[]>();
  for (const entry of packages) byName.set(entry.name, [...(byName.get(entry.name) ?? []), entry]);
  const resolve = (dependency: DependencyRef): Package | undefined => {
    const candidates = byName.get(dependency.name) ?? [];
    return dependency.version === undefined ? candidates[0] : candidates.find((candidate) => candidate.version === dependency.version);
  };
  const reached = new Set<Package>();
  const followedExtras = new Set<string>();
  const pending = [...roots];
  while (pending.length > 0) {
    const dependency = pending.pop()!;
    const target = resolve(dependency);
    if (!target) continue;
    if (!reached.has(target)) {
      reached.add(target);
      pending.push(...(target.dependencies ?? []));
    }
    for (const extra of dependency.extra ?? []) {
      const key = `${target.name}@${target.version ?? ''}[${extra}]`;
      if (followedExtras.has(key)) continue;
      followedExtras.add(key);
      pending.push(...(target['optional-dependencies']?.[extra] ?? []));
    }
  }
  return reached;
}

export const uvLockAnalyzer = packageFileAnalyzer({
  name: 'language/uv-lock',
  version: 1,
  ecosystem: 'pypi',
  maxBytes: 32 * MiB,
  required: isUvLock,
  parse: parseUvLock,
});
