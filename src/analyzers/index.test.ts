import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FileAnalyzer } from '../core/analyzer.js';
import { fileAnalyzers } from './index.js';

const here = fileURLToPath(new URL('.', import.meta.url));

function isFileAnalyzer(value: unknown): value is FileAnalyzer {
  const candidate = value as Partial<FileAnalyzer> | null;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.name === 'string' && typeof candidate.required === 'function' && typeof candidate.analyze === 'function';
}

describe('analyzer registry', () => {
  it('has unique names and integer versions', () => {
    const names = fileAnalyzers.map((analyzer) => analyzer.name);
    assert.equal(new Set(names).size, names.length, names.join(', '));
    for (const analyzer of fileAnalyzers) assert.ok(Number.isInteger(analyzer.version) && analyzer.version > 0, analyzer.name);
  });

  it('lists every file analyzer exported anywhere under src/analyzers', async () => {
    // One missing from its family's index.ts would silently never run.
    const registered = new Set<FileAnalyzer>(fileAnalyzers);
    const files = readdirSync(here, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('index.ts'));
    let exported = 0;
    for (const file of files) {
      const module = (await import(pathToFileURL(join(here, file)).href)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(module)) {
        if (!isFileAnalyzer(value)) continue;
        exported++;
        assert.ok(registered.has(value), `${relative(here, join(here, file))} exports ${name} (${value.name}), which no index.ts lists`);
      }
    }
    assert.equal(exported, fileAnalyzers.length, 'every registered analyzer is exported from its own file');
  });

  it('decides from the path alone, without I/O', () => {
    const info = { path: '', type: 'file' as const, mode: 0o644, size: 100, uid: 0, gid: 0 };
    const wanting = (path: string): string[] => fileAnalyzers.filter((a) => a.required(path, { ...info, path })).map((a) => a.name);
    assert.deepEqual(wanting('etc/os-release'), ['os/os-release']);
    assert.deepEqual(wanting('usr/lib/os-release'), ['os/os-release']);
    assert.deepEqual(wanting('etc/alpine-release'), ['os/alpine-release']);
    assert.deepEqual(wanting('etc/debian_version'), ['os/debian-version']);
    assert.deepEqual(wanting('etc/rocky-release'), ['os/redhat-release']);
    assert.deepEqual(wanting('usr/share/doc/os-release'), []);
  });
});
