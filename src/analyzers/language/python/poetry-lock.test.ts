import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { isPoetryLock, parsePoetryLock } from './poetry-lock.js';

const testdata = (name: string): string => readFileSync(new URL(`testdata/${name}`, import.meta.url), 'utf8');

describe('poetry.lock', () => {
  it('wants poetry.lock only', () => {
    assert.equal(isPoetryLock('srv/app/poetry.lock'), true);
    assert.equal(isPoetryLock('srv/app/pyproject.toml'), false);
    assert.equal(isPoetryLock('srv/app/poetry.lock.old'), false);
  });

  it('reads lock format 1.1: category "dev" marks development packages', () => {
    assert.deepEqual(parsePoetryLock(testdata('poetry-1.1.lock')), [
      { ecosystem: 'pypi', name: 'certifi', version: '2022.12.7' },
      { ecosystem: 'pypi', name: 'colorama', version: '0.4.6', dev: true },
      { ecosystem: 'pypi', name: 'pytest', version: '7.2.0', dev: true },
      { ecosystem: 'pypi', name: 'requests', version: '2.28.1' },
    ]);
  });

  it('reads lock format 2.0, which records no groups', () => {
    assert.deepEqual(parsePoetryLock(testdata('poetry-2.0.lock')), [
      { ecosystem: 'pypi', name: 'idna', version: '3.7' },
      { ecosystem: 'pypi', name: 'mylib', version: '0.1.0' },
      { ecosystem: 'pypi', name: 'urllib3', version: '2.2.2' },
    ]);
  });

  it('reads lock format 2.1: packages outside the main group are development-only', () => {
    assert.deepEqual(parsePoetryLock(testdata('poetry-2.1.lock')), [
      { ecosystem: 'pypi', name: 'anyio', version: '4.8.0' },
      { ecosystem: 'pypi', name: 'coverage', version: '7.6.10', dev: true },
      { ecosystem: 'pypi', name: 'idna', version: '3.10' },
      { ecosystem: 'pypi', name: 'mypy', version: '1.14.1', dev: true },
      { ecosystem: 'pypi', name: 'sniffio', version: '1.3.1' },
    ]);
  });

  it('throws on malformed files', () => {
    assert.throws(() => parsePoetryLock('[[package]\nname = "x"\n'), /poetry\.lock is not valid TOML/);
    assert.throws(() => parsePoetryLock('[[package]]\nname = "x"\n'), /poetry\.lock has an unexpected shape: package\.0\.version: Required/);
  });
});
