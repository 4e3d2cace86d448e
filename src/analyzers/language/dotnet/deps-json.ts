import { z } from 'zod';
import type { PackageRecord } from '../../../core/package.js';
import { MiB, PackageList, packageFileAnalyzer, parseJson } from '../common.js';

/** `App.deps.json`, written next to every framework-dependent or self-contained .NET application. */
export function isDepsJson(path: string): boolean {
  return path.endsWith('.deps.json');
}

const DepsJson = z.object({
  libraries: z.record(z.object({ type: z.string() })).optional(),
});

/**
 * A .NET application's deps.json: the `libraries` of type "package" (NuGet packages), keyed
 * "Id/Version". Projects and runtime packs are the application and the runtime, not packages.
 */
export function parseDepsJson(text: string): PackageRecord[] {
  const deps = parseJson(text, DepsJson, 'deps.json');
  const list = new PackageList('nuget');
  for (const [key, library] of Object.entries(deps.libraries ?? {})) {
    if (library.type !== 'package') continue;
    const slash = key.lastIndexOf('/');
    if (slash <= 0 || slash === key.length - 1) throw new Error(`deps.json: library key ${JSON.stringify(key)} is not "Name/Version"`);
    list.add({ name: key.slice(0, slash), version: key.slice(slash + 1) });
  }
  return list.records();
}

export const depsJsonAnalyzer = packageFileAnalyzer({
  name: 'language/deps-json',
  version: 1,
  ecosystem: 'nuget',
  maxBytes: 32 * MiB,
  required: isDepsJson,
  parse: parseDepsJson,
});
