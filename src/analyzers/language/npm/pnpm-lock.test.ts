import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { isPnpmLock, parsePnpmLock } from './pnpm-lock.js';

const testdata = (name: string): string => readFileSync(new URL(`testdata/${name}`, import.meta.url), 'utf8');

describe('pnpm-lock.yaml', () => {
  it('wants pnpm-lock.yaml outside node_modules', () => {
    assert.equal(isPnpmLock('app/pnpm-lock.yaml'), true);
    assert.equal(isPnpmLock('pnpm-lock.yaml'), true);
    assert.equal(isPnpmLock('app/node_modules/.pnpm/lock.yaml'), false);
    assert.equal(isPnpmLock('app/node_modules/some-lib/pnpm-lock.yaml'), false);
    assert.equal(isPnpmLock('app/pnpm-workspace.yaml'), false);
  });

  it('reads lockfile 5.4: "/name/version_peers" keys, dev flags, non-registry entries by their name and version', () => {
    assert.deepEqual(parsePnpmLock(testdata('pnpm-lock-v5.yaml')), [
      { ecosystem: 'npm', name: '@ampproject/remapping', version: '2.2.0', dev: true },
      { ecosystem: 'npm', name: '@babel/core', version: '7.21.0', dev: true },
      { ecosystem: 'npm', name: 'debug', version: '4.3.4', dev: true },
      { ecosystem: 'npm', name: 'js-tokens', version: '4.0.0' },
      { ecosystem: 'npm', name: 'loose-envify', version: '1.4.0' },
      { ecosystem: 'npm', name: 'ms', version: '2.1.2', dev: true },
      { ecosystem: 'npm', name: 'react-dom', version: '18.2.0' },
      { ecosystem: 'npm', name: 'react', version: '18.2.0' },
      { ecosystem: 'npm', name: 'scheduler', version: '0.23.0' },
      { ecosystem: 'npm', name: 'typescript', version: '4.9.5', dev: true },
      { ecosystem: 'npm', name: '@acme/icons', version: '1.8.0' },
    ]);
  });

  it('reads lockfile 6.0: "/name@version(peers)" keys, peer variants merged', () => {
    assert.deepEqual(parsePnpmLock(testdata('pnpm-lock-v6.yaml')), [
      { ecosystem: 'npm', name: '@tanstack/query-core', version: '4.29.5' },
      { ecosystem: 'npm', name: '@tanstack/react-query', version: '4.29.5' },
      { ecosystem: 'npm', name: 'js-tokens', version: '4.0.0' },
      { ecosystem: 'npm', name: 'loose-envify', version: '1.4.0' },
      { ecosystem: 'npm', name: 'react-dom', version: '18.2.0' },
      { ecosystem: 'npm', name: 'react', version: '18.2.0' },
      { ecosystem: 'npm', name: 'scheduler', version: '0.23.0' },
      { ecosystem: 'npm', name: 'use-sync-external-store', version: '1.2.0' },
      { ecosystem: 'npm', name: 'vitest', version: '0.31.1', dev: true },
    ]);
  });

  it('reads lockfile 9.0: packages plus snapshots, dev computed from every importer through aliases and peers', () => {
    assert.deepEqual(parsePnpmLock(testdata('pnpm-lock-v9.yaml')), [
      { ecosystem: 'npm', name: '@types/prop-types', version: '15.7.12', dev: true },
      { ecosystem: 'npm', name: '@types/react', version: '18.3.3', dev: true },
      { ecosystem: 'npm', name: 'csstype', version: '3.1.3', dev: true },
      { ecosystem: 'npm', name: 'eslint-plugin-react', version: '7.34.2', dev: true },
      { ecosystem: 'npm', name: 'eslint', version: '8.57.0', dev: true },
      { ecosystem: 'npm', name: 'js-tokens', version: '4.0.0' },
      { ecosystem: 'npm', name: 'loose-envify', version: '1.4.0' },
      { ecosystem: 'npm', name: 'react-dom', version: '18.3.1' },
      { ecosystem: 'npm', name: 'react', version: '18.3.1' },
      { ecosystem: 'npm', name: 'scheduler', version: '0.23.2' },
      { ecosystem: 'npm', name: 'string-width', version: '4.2.3' },
      { ecosystem: 'npm', name: 'tiny-emitter', version: '2.1.0' },
    ]);
  });

  it('reads both documents of a pnpm 11+ lockfile: the env document (config dependencies, pnpm itself) and the project', () => {
    assert.deepEqual(parsePnpmLock(testdata('pnpm-lock-v9-env.yaml')), [
      { ecosystem: 'npm', name: '@pnpm/plugin-better-defaults', version: '0.2.1' },
      { ecosystem: 'npm', name: 'pnpm', version: '11.1.2' },
      { ecosystem: 'npm', name: 'is-number', version: '6.0.0' },
      { ecosystem: 'npm', name: 'is-number', version: '7.0.0', dev: true },
      { ecosystem: 'npm', name: 'is-odd', version: '3.0.1' },
    ]);
  });

  it('throws on malformed lockfiles', () => {
    assert.throws(() => parsePnpmLock('lockfileVersion: 5.4\npackages:\n  /a/1.0.0: {dev: maybe}\n'), /pnpm-lock\.yaml packages\["\/a\/1\.0\.0"\] has an unexpected shape: dev: Expected boolean/);
    assert.throws(() => parsePnpmLock('packages: {}\n'), /pnpm-lock\.yaml has an unexpected shape: lockfileVersion: Expected a string or a number/);
    assert.throws(() => parsePnpmLock("lockfileVersion: '3.9'\n"), /unsupported lockfileVersion "3\.9"/);
    assert.throws(() => parsePnpmLock("lockfileVersion: '9.0'\npackages:\n  left-pad: {}\n"), /package key "left-pad" is not "name@version"/);
    assert.throws(() => parsePnpmLock("lockfileVersion: '9.0'\npackages: [\n"), /pnpm-lock\.yaml is not valid YAML/);
  });

  it('refuses hostile nesting before the YAML parser recurses into it', () => {
    assert.throws(() => parsePnpmLock(`lockfileVersion: '9.0'\nx: ${'['.repeat(100_000)}`), /nests more than 64 levels deep \(line 2\)/);
    assert.throws(() => parsePnpmLock(`lockfileVersion: '9.0'\n${' '.repeat(2000)}x: 1\n`), /indented more than 1000 columns \(line 2\)/);
  });
});
