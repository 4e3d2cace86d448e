import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { isPipfileLock, parsePipfileLock } from './pipfile-lock.js';

const testdata = (name: string): string => readFileSync(new URL(`testdata/${name}`, import.meta.url), 'utf8');

describe('Pipfile.lock', () => {
  it('wants Pipfile.lock only', () => {
    assert.equal(isPipfileLock('srv/app/Pipfile.lock'), true);
    assert.equal(isPipfileLock('Pipfile.lock'), true);
    assert.equal(isPipfileLock('srv/app/Pipfile'), false);
    assert.equal(isPipfileLock('srv/app/pipfile.lock'), false);
  });

  it('reads default and develop packages; git entries have no version; a package in both is not dev', () => {
    assert.deepEqual(parsePipfileLock(testdata('Pipfile.lock')), [
      { ecosystem: 'pypi', name: 'certifi', version: '2023.7.22' },
      { ecosystem: 'pypi', name: 'flask', version: '2.3.3' },
      { ecosystem: 'pypi', name: 'werkzeug', version: '2.3.7' },
      { ecosystem: 'pypi', name: 'iniconfig', version: '2.0.0', dev: true },
      { ecosystem: 'pypi', name: 'pytest', version: '7.4.2', dev: true },
    ]);
  });

  it('throws on malformed files', () => {
    assert.throws(() => parsePipfileLock('{"default": '), /Pipfile\.lock is not valid JSON/);
    assert.throws(() => parsePipfileLock('{"default": {"flask": {"version": 2}}}'), /Pipfile\.lock has an unexpected shape: default\.flask\.version: Expected string/);
  });
});
