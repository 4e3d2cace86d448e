import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { isUvLock, parseUvLock } from './uv-lock.js';

const testdata = (name: string): string => readFileSync(new URL(`testdata/${name}`, import.meta.url), 'utf8');

describe('uv.lock', () => {
  it('wants uv.lock only', () => {
    assert.equal(isUvLock('srv/app/uv.lock'), true);
    assert.equal(isUvLock('uv.lock'), true);
    assert.equal(isUvLock('srv/app/uv.toml'), false);
  });

  it('skips the editable project; dev from its dependency groups; extras followed; several versions of one name', () => {
    assert.deepEqual(parseUvLock(testdata('uv.lock')), [
      { ecosystem: 'pypi', name: 'anyio', version: '4.6.2.post1' },
      { ecosystem: 'pypi', name: 'certifi', version: '2024.8.30' },
      { ecosystem: 'pypi', name: 'exceptiongroup', version: '1.2.2' },
      { ecosystem: 'pypi', name: 'h2', version: '4.1.0' },
      { ecosystem: 'pypi', name: 'hpack', version: '4.0.0' },
      { ecosystem: 'pypi', name: 'httpcore', version: '1.0.6' },
      { ecosystem: 'pypi', name: 'httpx', version: '0.27.2' },
      { ecosystem: 'pypi', name: 'idna', version: '3.10' },
      { ecosystem: 'pypi', name: 'iniconfig', version: '2.0.0', dev: true },
      { ecosystem: 'pypi', name: 'pytest', version: '8.3.3', dev: true },
      { ecosystem: 'pypi', name: 'sniffio', version: '1.3.1' },
      { ecosystem: 'pypi', name: 'tomli', version: '2.0.2', dev: true },
      { ecosystem: 'pypi', name: 'tomli', version: '2.2.1' },
      { ecosystem: 'pypi', name: 'toolbox', version: '0.4.0' },
    ]);
  });

  it('skips a virtual workspace root', () => {
    const lock = [
      'version = 1',
      'requires-python = ">=3.12"',
      '',
      '[manifest]',
      'members = ["api", "workers"]',
      '',
      '[[package]]',
      'name = "api"',
      'version = "0.1.0"',
      'source = { editable = "packages/api" }',
      'dependencies = [{ name = "six" }]',
      '',
      '[[package]]',
      'name = "monorepo"',
      'version = "0.0.0"',
      'source = { virtual = "." }',
      '',
      '[[package]]',
      'name = "six"',
      'version = "1.16.0"',
      'source = { registry = "https://pypi.org/simple" }',
      '',
    ].join('\n');
    assert.deepEqual(parseUvLock(lock), [{ ecosystem: 'pypi', name: 'six', version: '1.16.0' }]);
  });

  it('throws on malformed files', () => {
    assert.throws(() => parseUvLock('version = 1\n[[package]]\nname = \n'), /uv\.lock is not valid TOML/);
    assert.throws(() => parseUvLock('[[package]]\nname = "x"\n'), /uv\.lock has an unexpected shape: version: Required/);
    assert.throws(() => parseUvLock('version = 1\n[[package]]\nname = "x"\nversion = "1"\ndependencies = ["y"]\n'), /package\.0\.dependencies\.0: Expected object, received string/);
  });
});
