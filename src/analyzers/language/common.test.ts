import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse as parseWholeYaml } from 'yaml';
import { PackageList, baseName, decodeText, isInsideFolder, parseLockfileYaml, parseToml } from './common.js';

describe('language analyzer helpers', () => {
  it('PackageList keeps the first occurrence of each name and version; dev only when every occurrence is dev', () => {
    const list = new PackageList('npm');
    list.add({ name: 'a', version: '1.0.0', dev: true });
    list.add({ name: 'b', version: '2.0.0' });
    list.add({ name: 'a', version: '1.0.0' });
    list.add({ name: 'b', version: '2.0.0', dev: true, licenses: ['MIT'] });
    list.add({ name: 'c', version: '3.0.0', dev: true });
    list.add({ name: 'c', version: '3.0.0', dev: true });
    list.add({ name: 'a', version: '1.0.1', licenses: [] });
    assert.deepEqual(list.records(), [
      { ecosystem: 'npm', name: 'a', version: '1.0.0' },
      { ecosystem: 'npm', name: 'b', version: '2.0.0', licenses: ['MIT'] },
      { ecosystem: 'npm', name: 'c', version: '3.0.0', dev: true },
      { ecosystem: 'npm', name: 'a', version: '1.0.1' },
    ]);
  });

  it('decodes UTF-8 with or without a byte order mark', () => {
    assert.equal(decodeText(Buffer.from('\ufeff{"a":1}', 'utf8')), '{"a":1}');
    assert.equal(decodeText(Buffer.from('{"a":1}', 'utf8')), '{"a":1}');
  });

  it('matches folders and base names on whole path segments', () => {
    assert.equal(baseName('a/b/yarn.lock'), 'yarn.lock');
    assert.equal(baseName('yarn.lock'), 'yarn.lock');
    assert.equal(isInsideFolder('node_modules/a/yarn.lock', 'node_modules'), true);
    assert.equal(isInsideFolder('app/node_modules/a/yarn.lock', 'node_modules'), true);
    assert.equal(isInsideFolder('app/my_node_modules/yarn.lock', 'node_modules'), false);
    assert.equal(isInsideFolder('app/node_modules', 'node_modules'), false);
  });

  it('reads lockfile YAML entry by entry into the same objects as a whole-document parse', () => {
    const text = [
      '# comment before anything',
      "lockfileVersion: '9.0'",
      '',
      'settings:',
      '  autoInstallPeers: true',
      '',
      'packages:',
      '',
      "  '@types/react@18.3.3':",
      '    resolution: {integrity: sha512-abc==}',
      '    # a comment inside an entry',
      '',
      '  csstype@3.1.3:',
      '    resolution:',
      '      integrity: sha512-def==',
      '    os: [darwin, linux]',
      '    cpu:',
      '      - x64',
      '',
      'snapshots: {}',
      'overrides:',
      '  - a',
      '',
    ].join('\r\n');
    const documents = parseLockfileYaml(text, 'x.yaml', new Set(['packages', 'snapshots', 'overrides']));
    assert.deepEqual(documents, [parseWholeYaml(text)]);
    assert.deepEqual(documents, [
      {
        lockfileVersion: '9.0',
        settings: { autoInstallPeers: true },
        packages: {
          '@types/react@18.3.3': { resolution: { integrity: 'sha512-abc==' } },
          'csstype@3.1.3': { resolution: { integrity: 'sha512-def==' }, os: ['darwin', 'linux'], cpu: ['x64'] },
        },
        snapshots: {},
        overrides: ['a'],
      },
    ]);
  });

  it('returns each document of a multi-document file, and none for an empty one', () => {
    assert.deepEqual(parseLockfileYaml("---\nlockfileVersion: '9.0'\nimporters:\n  .: {}\n\n---\nlockfileVersion: '9.0'\n...\n", 'x.yaml', new Set(['importers'])), [
      { lockfileVersion: '9.0', importers: { '.': {} } },
      { lockfileVersion: '9.0' },
    ]);
    assert.deepEqual(parseLockfileYaml('# nothing\n\n', 'x.yaml'), []);
  });

  it('reports YAML errors with the line in the whole file', () => {
    const text = 'a: 1\npackages:\n  x@1.0.0:\n    resolution: {integrity: x}\n  y@1.0.0:\n    resolution: {integrity: [}\n';
    assert.throws(() => parseLockfileYaml(text, 'x.yaml', new Set(['packages'])), /x\.yaml is not valid YAML \(line 6\)/);
    assert.throws(() => parseLockfileYaml('  indented: 1\n', 'x.yaml'), /x\.yaml line 1: indented content before any key/);
    assert.throws(() => parseLockfileYaml('just a scalar\n', 'x.yaml'), /x\.yaml line 1: expected "key: value" entries/);
    assert.throws(() => parseLockfileYaml('packages:\n    a: 1\n  b: 2\n', 'x.yaml', new Set(['packages'])), /x\.yaml is not valid YAML \(line [23]\)|unexpected indentation/);
  });

  it('refuses hostile nesting before YAML and TOML parsers see it; brackets in ordinary files are fine', () => {
    assert.throws(() => parseLockfileYaml(`a: ${'{b: '.repeat(70)}1${'}'.repeat(70)}`, 'x.yaml'), /x\.yaml nests more than 64 levels deep \(line 1\)/);
    assert.throws(() => parseToml(`a = ${'['.repeat(65)}${']'.repeat(65)}`, 'x.toml'), /x\.toml nests more than 64 levels deep/);
    assert.deepEqual(parseLockfileYaml('a: [1, [2, {b: 3}]]\nc: "]]]]"\n', 'x.yaml'), [{ a: [1, [2, { b: 3 }]], c: ']]]]' }]);
    // Brackets inside strings do not count, however many lines have them; a quote inside a word opens no string.
    const descriptions = Array.from({ length: 100 }, (_, n) => `[[package]]\nname = "p${n}"\ndescription = "Bindings [beta, see {docs"\nmarker = 'x [y'\n`).join('\n');
    assert.equal((parseToml(descriptions, 'poetry.lock') as { package: unknown[] }).package.length, 100);
    assert.throws(() => parseLockfileYaml(`x: [a'b, ${'['.repeat(70)}${']'.repeat(70)}]\n`, 'x.yaml'), /nests more than 64 levels deep/);
    assert.throws(() => parseLockfileYaml(`x: "a\\" ${'['.repeat(70)}"\ny: ${'['.repeat(70)}${']'.repeat(70)}\n`, 'x.yaml'), /nests more than 64 levels deep \(line 2\)/);
  });

  it('stops YAML alias expansion (billion laughs)', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (const [name, previous] of [['b', 'a'], ['c', 'b'], ['d', 'c'], ['e', 'd'], ['f', 'e'], ['g', 'f']] as const) {
      lines.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
    }
    // Anchors only reach within one entry, so put them all under one key.
    const text = `root:\n${lines.map((line) => `  ${line}`).join('\n')}\n`;
    assert.throws(() => parseLockfileYaml(text, 'pnpm-lock.yaml'), /pnpm-lock\.yaml is not valid YAML \(line \d+\): .*alias/i);
  });
});
