import { z } from 'zod';
import type { PackageRecord } from '../../../core/package.js';
import { MiB, PackageList, baseName, isInsideFolder, packageFileAnalyzer, parseJson, validate } from '../common.js';

/** Lockfiles under node_modules (npm's hidden .package-lock.json, ones shipped inside packages) describe nothing installed. */
export function isPackageLock(path: string): boolean {
  const name = baseName(path);
  return (name === 'package-lock.json' || name === 'npm-shrinkwrap.json') && !isInsideFolder(path, 'node_modules');
}

const PackageLock = z.object({
  lockfileVersion: z.number().int().optional(),
  packages: z.record(z.unknown()).optional(),
  dependencies: z.record(z.unknown()).optional(),
});

/** One entry of the v2/v3 `packages` map, keyed by its folder ("node_modules/a/node_modules/b"). */
const PackageEntry = z.object({
  name: z.string().optional(),
  version: z.string().optional(),
  dev: z.boolean().optional(),
  link: z.boolean().optional(),
  resolved: z.string().optional(),
  // Recent npm copies the package's license here; informative, so an odd value is dropped.
  license: z.string().optional().catch(undefined),
});

/** One entry of the v1 `dependencies` tree; its own `dependencies` nest the same way. */
const DependencyEntry = z.object({
  version: z.string(),
  dev: z.boolean().optional(),
  dependencies: z.record(z.unknown()).optional(),
});

/** A v1 tree deeper than this is not something npm wrote. */
const MAX_V1_DEPTH = 256;

/**
 * package-lock.json and npm-shrinkwrap.json. Versions 2 and 3 list every installed folder in
 * `packages` (version 2 also keeps the v1 tree for old npm; `packages` wins). Version 1 only has
 * the nested `dependencies` tree.
 */
export function parsePackageLock(text: string): PackageRecord[] {
  const lock = parseJson(text, PackageLock, 'package-lock.json');
  if (lock.packages) return parsePackagesMap(lock.packages);
  if (lock.lockfileVersion !== undefined && lock.lockfileVersion !== 1) {
    throw new Error(`package-lock.json: lockfileVersion ${lock.lockfileVersion} has no "packages" map`);
  }
  return parseDependencyTree(lock.dependencies ?? {});
}

function parsePackagesMap(packages: Record<string, unknown>): PackageRecord[] {
  const list = new PackageList('npm');
  const entry = (key: string): z.output<typeof PackageEntry> => validate(packages[key], PackageEntry, `package-lock.json packages["${key}"]`);
  for (const key of Object.keys(packages)) {
    // "" is the project itself; "packages/a" and the like are workspace folders, reported below
    // through the node_modules link that installs them.
    const installedName = nameFromFolder(key);
    if (installedName === undefined) continue;
    let found = entry(key);
    if (found.link) {
      if (found.resolved === undefined || !(found.resolved in packages)) continue;
      const target = entry(found.resolved);
      found = { ...target, dev: found.dev ?? target.dev };
    }
    if (!found.version) continue;
    list.add({ name: found.name ?? installedName, version: found.version, dev: found.dev, licenses: found.license ? [found.license] : undefined });
  }
  return list.records();
}

/** "node_modules/@a/b/node_modules/c" -> "c"; undefined for folders outside node_modules. */
function nameFromFolder(key: string): string | undefined {
  const marker = 'node_modules/';
  const at = key.lastIndexOf(marker);
  if (at < 0 || (at > 0 && key[at - 1] !== '/')) return undefined;
  const name = key.slice(at + marker.length);
  return name === '' ? undefined : name;
}

function parseDependencyTree(root: Record<string, unknown>): PackageRecord[] {
  const list = new PackageList('npm');
  // Iterative, so that a deep tree cannot exhaust the stack; still in the file's order.
  const pending: Array<{ dependencies: Record<string, unknown>; depth: number; where: string }> = [{ dependencies: root, depth: 1, where: 'dependencies' }];
  for (let next = 0; next < pending.length; next++) {
    const { dependencies, depth, where } = pending[next]!;
    if (depth > MAX_V1_DEPTH) throw new Error(`package-lock.json: dependencies nest more than ${MAX_V1_DEPTH} levels deep`);
    for (const [name, value] of Object.entries(dependencies)) {
      const dependency = validate(value, DependencyEntry, `package-lock.json ${where}["${name}"]`);
      const installed = resolveAlias(name, dependency.version);
      // A "file:" version is a local folder with no version of its own.
      if (!installed.version.startsWith('file:')) list.add({ ...installed, dev: dependency.dev });
      if (dependency.dependencies) pending.push({ dependencies: dependency.dependencies, depth: depth + 1, where: `${where}["${name}"].dependencies` });
    }
  }
  return list.records();
}

/** v1 writes an alias ("string-width-cjs") with the real package in its version: "npm:string-width@4.2.3". */
function resolveAlias(name: string, version: string): { name: string; version: string } {
  if (!version.startsWith('npm:')) return { name, version };
  const target = version.slice('npm:'.length);
  const at = target.lastIndexOf('@');
  return at > 0 ? { name: target.slice(0, at), version: target.slice(at + 1) } : { name, version };
}

export const packageLockAnalyzer = packageFileAnalyzer({
  name: 'language/package-lock',
  version: 1,
  ecosystem: 'npm',
  maxBytes: 64 * MiB,
  required: isPackageLock,
  parse: parsePackageLock,
});
