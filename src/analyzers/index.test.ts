import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { fileAnalyzers } from './index.js';

const here = fileURLToPath(new URL('.', import.meta.url));

describe('analyzer registry', () => {
  it('has unique names and integer versions', () => {
    const names = fileAnalyzers.map((analyzer) => analyzer.name);
    assert.equal(new Set(names).size, names.length);
    for (const analyzer of fileAnalyzers) assert.ok(Number.isInteger(analyzer.version) && analyzer.version > 0, analyzer.name);
  });

  it('lists every file analyzer defined on disk', () => {
    // An analyzer file exports a FileAnalyzer constant; one missing from index.ts would silently never run.
    const defined: string[] = [];
    for (const folder of readdirSync(here, { withFileTypes: true }).filter((entry) => entry.isDirectory())) {
      for (const file of readdirSync(join(here, folder.name)).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))) {
        const text = readFileSync(join(here, folder.name, file), 'utf8');
        for (const match of text.matchAll(/export const (\w+Analyzer)\b(?!\s*:\s*ImageAnalyzer)/g)) defined.push(match[1]!);
      }
    }
    const indexText = readFileSync(join(here, 'index.ts'), 'utf8');
    const listed = /fileAnalyzers[^=]*=\s*\[([^\]]*)\]/s.exec(indexText)?.[1] ?? '';
    for (const name of defined) assert.match(listed, new RegExp(`\\b${name}\\b`), `${name} is not listed in analyzers/index.ts`);
    assert.ok(defined.length >= 4);
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
    assert.deepEqual(wanting('etc/passwd'), []);
  });
});
