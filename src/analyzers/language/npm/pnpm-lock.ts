import { z } from 'zod';
import type { PackageRecord } from '../../../core/package.js';
import { MiB, PackageList, baseName, isInsideFolder, packageFileAnalyzer, parseLockfileYaml, validate } from '../common.js';

export function isPnpmLock(path: string): boolean {
  return baseName(path) === 'pnpm-lock.yaml' && !isInsideFolder(path, 'node_modules');
}

/** The sections that hold one entry per package or project, read entry by entry. */
const SPLIT_SECTIONS: ReadonlySet<string> = new Set(['importers', 'packages', 'snapshots']);

const PnpmLock = z.object({
  lockfileVersion: z.union([z.string(), z.number()], { errorMap: () => ({ message: 'Expected a string or a number' }) }),
  importers: z.record(z.unknown()).nullish(),
  packages: z.record(z.unknown()).nullish(),
  snapshots: z.record(z.unknown()).nullish(),
});

/** A `packages` entry: name and version appear only when the key does not spell them (tarballs, git, local folders). */
const PackageEntry = z
  .object({
    name: z.string().optional(),
    version: z.union([z.string(), z.number()]).transform(String).optional(),
    dev: z.boolean().optional(),
  })
  .nullish();

/** Dependency references: "1.2.3", "1.2.3(react@18.2.0)", "link:../a", or an alias "real-name@1.2.3". */
const References = z.record(z.union([z.string(), z.number()]).transform(String)).nullish();

const SnapshotEntry = z.object({ dependencies: References, optionalDependencies: References }).nullish();

/** An importer's dependency: { specifier, version } since the inline-specifiers format, a bare reference before. */
const ImporterReferences = z.record(z.union([z.string(), z.number()]).transform(String).or(z.object({ version: z.union([z.string(), z.number()]).transform(String) }).transform((dependency) => dependency.version))).nullish();

const Importer = z.object({ dependencies: ImporterReferences, optionalDependencies: ImporterReferences, devDependencies: ImporterReferences }).nullish();

/**
 * pnpm-lock.yaml. Lockfile versions 5.x key packages "/name/1.2.3_peers", 6.x "/name@1.2.3(peers)";
 * both mark development-only packages with `dev: true`. Version 9 keys `packages` "name@1.2.3"
 * without peers, moves the dependency graph to `snapshots`, and drops the dev flag: it is
 * recomputed from what each importer lists under devDependencies. pnpm 11 and later may put an
 * "env" document (config dependencies, pnpm itself) before the project's; those are installed
 * packages too, so every document is read.
 */
export function parsePnpmLock(text: string): PackageRecord[] {
  const list = new PackageList('npm');
  for (const document of parseLockfileYaml(text, 'pnpm-lock.yaml', SPLIT_SECTIONS)) {
    const lock = validate(document, PnpmLock, 'pnpm-lock.yaml');
    const major = Number.parseInt(String(lock.lockfileVersion), 10);
    if (!Number.isInteger(major) || major < 5) throw new Error(`pnpm-lock.yaml: unsupported lockfileVersion ${JSON.stringify(lock.lockfileVersion)}`);
    if (major >= 7) addV9(lock, list);
    else addV5V6(lock.packages ?? {}, major, list);
  }
  return list.records();
}

function addV5V6(packages: Record<string, unknown>, major: number, list: PackageList): void {
  for (const [key, value] of Object.entries(packages)) {
    // Local folders (file:, link:) are the project's own code, not a published version.
    if (/^(file|link):/.test(key)) continue;
    const entry = validate(value, PackageEntry, `pnpm-lock.yaml packages["${key}"]`);
    const spelled = major >= 6 ? splitAtVersion(stripPeers(key.replace(/^\//, ''))) : splitV5Key(key);
    const name = entry?.name ?? (key.startsWith('/') ? spelled?.name : undefined);
    const version = entry?.version ?? (key.startsWith('/') ? spelled?.version : undefined);
    if (name === undefined || version === undefined) continue;
    list.add({ name, version, dev: entry?.dev === true });
  }
}

/** "/@scope/name/1.2.3_peer@1.0.0+other@2.0.0" -> @scope/name, 1.2.3. */
function splitV5Key(key: string): { name: string; version: string } | undefined {
  if (!key.startsWith('/')) return undefined;
  const segments = key.slice(1).split('/');
  const nameLength = segments[0]?.startsWith('@') ? 2 : 1;
  if (segments.length <= nameLength) return undefined;
  const version = segments.slice(nameLength).join('/').split('_')[0]!;
  return version === '' ? undefined : { name: segments.slice(0, nameLength).join('/'), version };
}

/** "react-dom@18.2.0(react@18.2.0)" -> "react-dom@18.2.0" */
function stripPeers(key: string): string {
  const paren = key.indexOf('(');
  return paren < 0 ? key : key.slice(0, paren);
}

function splitAtVersion(key: string): { name: string; version: string } | undefined {
  const at = key.indexOf('@', 1);
  if (at < 0 || at === key.length - 1) return undefined;
  return { name: key.slice(0, at), version: key.slice(at + 1) };
}

function addV9(lock: z.output<typeof PnpmLock>, list: PackageList): void {
  const packages = lock.packages ?? {};
  const snapshots = new Map<string, Array<[string, string]>>();
  for (const [key, value] of Object.entries(lock.snapshots ?? {})) {
    const snapshot = validate(value, SnapshotEntry, `pnpm-lock.yaml snapshots["${key}"]`);
    snapshots.set(key, [...Object.entries(snapshot?.dependencies ?? {}), ...Object.entries(snapshot?.optionalDependencies ?? {})]);
  }
  const prodRoots: Array<[string, string]> = [];
  const devRoots: Array<[string, string]> = [];
  for (const [path, value] of Object.entries(lock.importers ?? {})) {
    const importer = validate(value, Importer, `pnpm-lock.yaml importers["${path}"]`);
    prodRoots.push(...Object.entries(importer?.dependencies ?? {}), ...Object.entries(importer?.optionalDependencies ?? {}));
    devRoots.push(...Object.entries(importer?.devDependencies ?? {}));
  }
  const reachedFromProd = reachablePackages(prodRoots, snapshots);
  const reachedFromDev = reachablePackages(devRoots, snapshots);

  for (const [key, value] of Object.entries(packages)) {
    const entry = validate(value, PackageEntry, `pnpm-lock.yaml packages["${key}"]`);
    const spelled = splitAtVersion(key);
    if (!spelled) throw new Error(`pnpm-lock.yaml: package key ${JSON.stringify(key)} is not "name@version"`);
    // Local folders (file:, link:) are the project's own code, not a published version.
    if (/^(file|link):/.test(spelled.version)) continue;
    const version = /^\d/.test(spelled.version) ? spelled.version : entry?.version;
    if (version === undefined) continue;
    const dev = reachedFromDev.has(key) && !reachedFromProd.has(key);
    list.add({ name: entry?.name ?? spelled.name, version, dev });
  }
}

/** The `packages` keys (peers stripped) reachable from some roots through `snapshots`; iterative, each snapshot once. */
function reachablePackages(roots: ReadonlyArray<[string, string]>, snapshots: ReadonlyMap<string, Array<[string, string]>>): Set<string> {
  const visited = new Set<string>();
  const pending = roots.map(([name, reference]) => snapshotKey(name, reference)).filter((key): key is string => key !== undefined);
  while (pending.length > 0) {
    const key = pending.pop()!;
    if (visited.has(key)) continue;
    visited.add(key);
    for (const [name, reference] of snapshots.get(key) ?? []) {
      const next = snapshotKey(name, reference);
      if (next !== undefined && !visited.has(next)) pending.push(next);
    }
  }
  return new Set([...visited].map(stripPeers));
}

function snapshotKey(name: string, reference: string): string | undefined {
  if (reference.startsWith('link:')) return undefined;
  // An alias ("string-width@4.2.3") refers to the real package by its full key.
  if (/^\d/.test(reference)) return `${name}@${reference}`;
  return /^(?:@[^@/:()]+\/)?[^@/:()]+@/.test(reference) ? reference : `${name}@${reference}`;
}

export const pnpmLockAnalyzer = packageFileAnalyzer({
  name: 'language/pnpm-lock',
  version: 1,
  ecosystem: 'npm',
  maxBytes: 32 * MiB,
  required: isPnpmLock,
  parse: parsePnpmLock,
});
