import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Readable } from 'node:stream';
import type { AnalyzerInput, FileAnalyzer } from '../../core/analyzer.js';
import type { FileInfo } from '../../core/files.js';
import { languageAnalyzers } from './index.js';

const fileInfo = (path: string, size = 1000): FileInfo => ({ path, type: 'file', mode: 0o644, size, uid: 0, gid: 0 });

function wanting(path: string): string[] {
  return languageAnalyzers.filter((analyzer) => analyzer.required(path, fileInfo(path))).map((analyzer) => analyzer.name);
}

function analyzerNamed(name: string): FileAnalyzer {
  const found = languageAnalyzers.find((analyzer) => analyzer.name === name);
  assert.ok(found, name);
  return found;
}

function input(path: string, bytes: Buffer, size = bytes.length): AnalyzerInput {
  return {
    path,
    info: fileInfo(path, size),
    layer: { index: 0, diffId: 'sha256:0', digest: 'sha256:0' },
    read: async () => bytes,
    open: () => Readable.from([bytes]),
  };
}

const testdata = (file: string): Buffer => readFileSync(new URL(file, import.meta.url));

describe('language analyzers', () => {
  it('each file in an image is wanted by exactly the analyzer for its format', () => {
    const table: Array<[string, string[]]> = [
      ['srv/app/node_modules/express/package.json', ['language/npm-installed']],
      ['srv/app/package-lock.json', ['language/package-lock']],
      ['srv/app/npm-shrinkwrap.json', ['language/package-lock']],
      ['srv/app/yarn.lock', ['language/yarn-lock']],
      ['srv/app/pnpm-lock.yaml', ['language/pnpm-lock']],
      ['usr/lib/python3/dist-packages/six-1.16.0.egg-info', ['language/python-metadata']],
      ['usr/local/lib/python3.12/site-packages/idna-3.7.dist-info/METADATA', ['language/python-metadata']],
      ['srv/app/requirements.txt', ['language/requirements']],
      ['srv/app/Pipfile.lock', ['language/pipfile-lock']],
      ['srv/app/poetry.lock', ['language/poetry-lock']],
      ['srv/app/uv.lock', ['language/uv-lock']],
      ['usr/local/bundle/specifications/rake-13.0.6.gemspec', ['language/gemspec']],
      ['srv/app/Gemfile.lock', ['language/gemfile-lock']],
      ['var/www/vendor/composer/installed.json', ['language/composer-installed']],
      ['var/www/composer.lock', ['language/composer-lock']],
      ['app/WebApi.deps.json', ['language/deps-json']],
      ['src/WebApi/packages.lock.json', ['language/packages-lock']],
      ['src/tool/Cargo.lock', ['language/cargo-lock']],
      // What the analyzers must leave alone.
      ['srv/app/package.json', []],
      ['srv/app/node_modules/.package-lock.json', []],
      ['srv/app/node_modules/left-pad/yarn.lock', []],
      ['var/www/vendor/acme/lib/composer.lock', []],
      ['etc/os-release', []],
      ['usr/bin/node', []],
    ];
    for (const [path, expected] of table) assert.deepEqual(wanting(path), expected, path);
  });

  it('analyze() returns a packages result, or nothing for a file without packages', async () => {
    const lock = analyzerNamed('language/cargo-lock');
    assert.deepEqual(await lock.analyze(input('src/tool/Cargo.lock', testdata('rust/testdata/Cargo-v4.lock'))), [
      {
        kind: 'packages',
        ecosystem: 'cargo',
        packages: [
          { ecosystem: 'cargo', name: 'itoa', version: '1.0.11' },
          { ecosystem: 'cargo', name: 'ryu', version: '1.0.18' },
          { ecosystem: 'cargo', name: 'serde_json', version: '1.0.128' },
        ],
      },
    ]);
    const installed = analyzerNamed('language/npm-installed');
    assert.deepEqual(await installed.analyze(input('srv/app/node_modules/@acme/internal-tools/package.json', testdata('npm/testdata/installed-no-version.json'))), []);
  });

  it('analyze() strips the byte order mark dotnet writes', async () => {
    const [result] = await analyzerNamed('language/packages-lock').analyze(input('src/WebApi/packages.lock.json', testdata('dotnet/testdata/packages.lock.json')));
    assert.equal(result?.kind === 'packages' ? result.packages.length : 0, 7);
  });

  it('analyze() refuses a file over its size limit without reading it', async () => {
    let read = false;
    const huge: AnalyzerInput = { ...input('srv/app/yarn.lock', Buffer.alloc(0), 33 * 1024 * 1024), read: async () => ((read = true), Buffer.alloc(0)) };
    await assert.rejects(analyzerNamed('language/yarn-lock').analyze(huge), /33\.0 MiB is over the 32\.0 MiB that language\/yarn-lock reads from one file/);
    assert.equal(read, false);
  });

  it('analyze() passes parser errors on for the collector to record against the file', async () => {
    await assert.rejects(analyzerNamed('language/package-lock').analyze(input('srv/app/package-lock.json', Buffer.from('{"lockfileVersion": 3, "packages": '))), /package-lock\.json is not valid JSON/);
  });
});
