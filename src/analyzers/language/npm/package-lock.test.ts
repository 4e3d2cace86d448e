import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { isPackageLock, parsePackageLock } from './package-lock.js';

const testdata = (name: string): string => readFileSync(new URL(`testdata/${name}`, import.meta.url), 'utf8');

describe('package-lock.json', () => {
  it('wants package-lock.json and npm-shrinkwrap.json outside node_modules', () => {
    for (const path of ['app/package-lock.json', 'package-lock.json', 'srv/api/npm-shrinkwrap.json', 'usr/lib/node_modules_backup/package-lock.json']) {
      assert.equal(isPackageLock(path), true, path);
    }
    for (const path of ['app/node_modules/.package-lock.json', 'app/node_modules/foo/package-lock.json', 'usr/lib/node_modules/npm/npm-shrinkwrap.json', 'app/package-lock.json.orig', 'app/package.json']) {
      assert.equal(isPackageLock(path), false, path);
    }
  });

  it('walks the nested dependencies tree of lockfile v1 (npm 5 and 6)', () => {
    assert.deepEqual(parsePackageLock(testdata('package-lock-v1.json')), [
      { ecosystem: 'npm', name: '@types/node', version: '14.14.37', dev: true },
      { ecosystem: 'npm', name: 'debug', version: '2.6.9' },
      { ecosystem: 'npm', name: 'lodash', version: '4.17.20' },
      { ecosystem: 'npm', name: 'mocha', version: '8.3.2', dev: true },
      { ecosystem: 'npm', name: 'ms', version: '2.1.3' },
      { ecosystem: 'npm', name: 'string-width', version: '4.2.3' },
      { ecosystem: 'npm', name: 'ms', version: '2.0.0' },
      { ecosystem: 'npm', name: 'debug', version: '4.3.1', dev: true },
      { ecosystem: 'npm', name: 'ms', version: '2.1.2', dev: true },
    ]);
  });

  it('reads the packages map of lockfile v2, following workspace links and ignoring the v1 copy', () => {
    assert.deepEqual(parsePackageLock(testdata('package-lock-v2.json')), [
      { ecosystem: 'npm', name: '@storefront/ui', version: '0.3.1' },
      { ecosystem: 'npm', name: 'axios', version: '0.21.1' },
      { ecosystem: 'npm', name: 'follow-redirects', version: '1.14.8' },
      { ecosystem: 'npm', name: 'jest', version: '27.5.1', dev: true },
      { ecosystem: 'npm', name: 'import-local', version: '3.1.0', dev: true },
      { ecosystem: 'npm', name: 'classnames', version: '2.3.1' },
    ]);
  });

  it('reads lockfile v3: nested and scoped folders, aliases, one record per version with dev only when every copy is dev', () => {
    assert.deepEqual(parsePackageLock(testdata('package-lock-v3.json')), [
      { ecosystem: 'npm', name: '@isaacs/cliui', version: '8.0.2' },
      { ecosystem: 'npm', name: 'ansi-regex', version: '6.0.1' },
      { ecosystem: 'npm', name: 'ansi-regex', version: '5.0.1' },
      { ecosystem: 'npm', name: 'fsevents', version: '2.3.3' },
      { ecosystem: 'npm', name: 'lru-cache', version: '6.0.0' },
      { ecosystem: 'npm', name: 'semver', version: '7.5.4' },
      { ecosystem: 'npm', name: 'string-width', version: '5.1.2' },
      { ecosystem: 'npm', name: 'string-width', version: '4.2.3' },
      { ecosystem: 'npm', name: 'typescript', version: '5.2.2', dev: true },
      { ecosystem: 'npm', name: 'yallist', version: '4.0.0' },
    ]);
  });

  it('reads npm-shrinkwrap.json the same way', () => {
    assert.deepEqual(parsePackageLock(testdata('npm-shrinkwrap.json')), [{ ecosystem: 'npm', name: 'minimist', version: '1.2.5' }]);
  });

  it('throws on malformed lockfiles, naming the entry', () => {
    assert.throws(() => parsePackageLock('{"lockfileVersion": 3, "packages": {'), /package-lock\.json is not valid JSON/);
    assert.throws(() => parsePackageLock('{"lockfileVersion": 3, "packages": {"node_modules/a": {"version": 3}}}'), /package-lock\.json packages\["node_modules\/a"\] has an unexpected shape: version: Expected string/);
    assert.throws(() => parsePackageLock('{"lockfileVersion": 1, "dependencies": {"a": {"resolved": "x"}}}'), /package-lock\.json dependencies\["a"\] has an unexpected shape: version: Required/);
    assert.throws(() => parsePackageLock('{"lockfileVersion": 3}'), /lockfileVersion 3 has no "packages" map/);
    assert.throws(() => parsePackageLock('{"lockfileVersion": "3"}'), /lockfileVersion: Expected number/);
  });

  it('refuses a v1 tree nested deeper than npm ever writes', () => {
    let tree = '{"version":"1.0.0"}';
    for (let depth = 0; depth < 300; depth++) tree = `{"version":"1.0.0","dependencies":{"a":${tree}}}`;
    assert.throws(() => parsePackageLock(`{"lockfileVersion":1,"dependencies":{"a":${tree}}}`), /nest more than 256 levels/);
  });
});
