import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { isInstalledPackageJson, parseInstalledPackageJson } from './installed.js';

const testdata = (name: string): string => readFileSync(new URL(`testdata/${name}`, import.meta.url), 'utf8');

describe('npm installed package.json', () => {
  it('wants only the package.json at the top of an installed package folder', () => {
    const wanted = [
      'app/node_modules/express/package.json',
      'node_modules/express/package.json',
      'usr/lib/node_modules/npm/package.json',
      'app/node_modules/@sindresorhus/is/package.json',
      'app/node_modules/express/node_modules/debug/package.json',
      'app/node_modules/.pnpm/react@18.2.0/node_modules/react/package.json',
      'app/node_modules/.pnpm/node_modules/@types/node/package.json',
    ];
    const unwanted = [
      'app/package.json',
      'app/node_modules/express/lib/package.json',
      'app/node_modules/@sindresorhus/package.json',
      'app/node_modules/package.json',
      'app/node_modules/.package-lock.json',
      'app/node_modules/.bin/package.json',
      'app/node_modules/.pnpm/lock.yaml',
      'app/node_modules/express/package.json.bak',
      'app/my_node_modules/express/package.json',
      'app/node_modules/express/test/fixtures/node_modules/@x/package.json',
    ];
    for (const path of wanted) assert.equal(isInstalledPackageJson(path), true, path);
    for (const path of unwanted) assert.equal(isInstalledPackageJson(path), false, path);
  });

  it('reads name, version and a license string', () => {
    assert.deepEqual(parseInstalledPackageJson(testdata('installed-express.json')), [{ ecosystem: 'npm', name: 'express', version: '4.18.2', licenses: ['MIT'] }]);
  });

  it('reads the legacy { type, url } license of an npm 2 install, scoped name', () => {
    assert.deepEqual(parseInstalledPackageJson(testdata('installed-scoped-npm2.json')), [{ ecosystem: 'npm', name: '@sindresorhus/is', version: '0.7.0', licenses: ['MIT'] }]);
  });

  it('reads a licenses array', () => {
    assert.deepEqual(parseInstalledPackageJson(testdata('installed-licenses-array.json')), [
      { ecosystem: 'npm', name: 'node-forge', version: '0.10.0', licenses: ['BSD-3-Clause', 'GPL-2.0'] },
    ]);
  });

  it('yields nothing for a package.json without a version, and no licenses field when none is recorded', () => {
    assert.deepEqual(parseInstalledPackageJson(testdata('installed-no-version.json')), []);
    assert.deepEqual(parseInstalledPackageJson('{"name":"ms","version":"2.1.3","license":{"url":"x"}}'), [{ ecosystem: 'npm', name: 'ms', version: '2.1.3' }]);
  });

  it('throws on broken JSON and on fields of the wrong type', () => {
    assert.throws(() => parseInstalledPackageJson('{"name": "x", "version": '), /package\.json is not valid JSON/);
    assert.throws(() => parseInstalledPackageJson('["express"]'), /package\.json has an unexpected shape: \(top level\): Expected object, received array/);
    assert.throws(() => parseInstalledPackageJson('{"name": "x", "version": 1}'), /package\.json has an unexpected shape: version: Expected string, received number/);
  });
});
