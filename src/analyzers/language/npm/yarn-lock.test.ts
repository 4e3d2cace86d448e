import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { isYarnLock, parseYarnLock } from './yarn-lock.js';

const testdata = (name: string): string => readFileSync(new URL(`testdata/${name}`, import.meta.url), 'utf8');

describe('yarn.lock', () => {
  it('wants yarn.lock outside node_modules', () => {
    assert.equal(isYarnLock('app/yarn.lock'), true);
    assert.equal(isYarnLock('yarn.lock'), true);
    assert.equal(isYarnLock('app/node_modules/left-pad/yarn.lock'), false);
    assert.equal(isYarnLock('app/yarn.lock.bak'), false);
    assert.equal(isYarnLock('app/.yarn/install-state.gz'), false);
  });

  it('reads Yarn 1 lockfiles: grouped and quoted specifiers, scopes, aliases; local and git sources skipped', () => {
    assert.deepEqual(parseYarnLock(testdata('yarn-v1.lock')), [
      { ecosystem: 'npm', name: '@babel/code-frame', version: '7.12.13' },
      { ecosystem: 'npm', name: '@babel/highlight', version: '7.13.10' },
      { ecosystem: 'npm', name: 'chalk', version: '2.4.2' },
      { ecosystem: 'npm', name: 'js-tokens', version: '4.0.0' },
      { ecosystem: 'npm', name: 'loose-envify', version: '1.4.0' },
      { ecosystem: 'npm', name: 'react', version: '17.0.2' },
      { ecosystem: 'npm', name: 'string-width', version: '4.2.3' },
    ]);
  });

  it('reads Yarn 2/3 lockfiles (metadata version 6): resolutions, aliases; workspaces, patches and git skipped', () => {
    assert.deepEqual(parseYarnLock(testdata('yarn-berry-v6.lock')), [
      { ecosystem: 'npm', name: '@types/prop-types', version: '15.7.5' },
      { ecosystem: 'npm', name: '@types/react', version: '18.2.21' },
      { ecosystem: 'npm', name: 'csstype', version: '3.1.2' },
      { ecosystem: 'npm', name: 'resolve', version: '1.22.4' },
      { ecosystem: 'npm', name: 'strip-ansi', version: '6.0.1' },
    ]);
  });

  it('reads Yarn 4 lockfiles (metadata version 8)', () => {
    assert.deepEqual(parseYarnLock(testdata('yarn-berry-v8.lock')), [
      { ecosystem: 'npm', name: '@colors/colors', version: '1.5.0' },
      { ecosystem: 'npm', name: 'semver', version: '7.6.3' },
    ]);
  });

  it('throws on malformed Yarn 1 lockfiles with the line number', () => {
    assert.throws(() => parseYarnLock('# yarn lockfile v1\n\nleft-pad@^1.3.0\n  version "1.3.0"\n'), /yarn\.lock line 3: expected a "package@range:" header/);
    assert.throws(() => parseYarnLock('  version "1.3.0"\n'), /yarn\.lock line 1: indented line before any package header/);
    assert.throws(() => parseYarnLock('left-pad@^1.3.0:\n  resolved "https://registry.yarnpkg.com/left-pad/-/left-pad-1.3.0.tgz"\n'), /yarn\.lock line 1: entry left-pad@\^1\.3\.0 has no version/);
    assert.throws(() => parseYarnLock('<<<<<<< HEAD\n'), /line 1: expected a "package@range:" header, found "<<<<<<< HEAD"/);
  });

  it('throws on malformed Yarn 2+ lockfiles, naming the entry', () => {
    assert.throws(() => parseYarnLock('__metadata:\n  version: 6\n"a@npm:^1": [\n'), /yarn\.lock is not valid YAML/);
    assert.throws(() => parseYarnLock('__metadata:\n  version: 6\n"a@npm:^1":\n  version: 1.0.0\n'), /yarn\.lock entry "a@npm:\^1" has an unexpected shape: resolution: Required/);
    assert.throws(() => parseYarnLock('__metadata:\n  version: 6\n"a@npm:^1":\n  resolution: "a"\n'), /resolution "a" names no package/);
  });
});
