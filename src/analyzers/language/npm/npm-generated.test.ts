import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isInstalledPackageJson, parseInstalledPackageJson } from './installed.js';
import { isPackageLock, parsePackageLock } from './package-lock.js';

/**
 * Files written by the real npm that ships with Node: a package packed to a tarball, then
 * installed offline into a project with a workspace, so no registry is needed.
 */
const npmWorks = spawnSync('npm', ['--version'], { encoding: 'utf8' }).status === 0;

describe('files written by npm itself', { skip: npmWorks ? false : 'npm is not installed' }, () => {
  let root = '';
  const npm = (cwd: string, ...args: string[]): void => {
    const result = spawnSync('npm', [...args, '--offline', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8', env: { ...process.env, npm_config_cache: join(root, 'cache') } });
    assert.equal(result.status, 0, `npm ${args.join(' ')}: ${result.stderr}`);
  };

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'customs-npm-'));
    const library = join(root, 'src', 'left-pad');
    const project = join(root, 'app');
    mkdirSync(library, { recursive: true });
    mkdirSync(join(project, 'packages', 'ui'), { recursive: true });
    writeFileSync(join(library, 'package.json'), JSON.stringify({ name: 'left-pad', version: '1.3.0', license: 'WTFPL', main: 'index.js' }));
    writeFileSync(join(library, 'index.js'), 'module.exports = (s) => s;\n');
    npm(library, 'pack', '--pack-destination', project);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'shop', version: '1.0.0', private: true, workspaces: ['packages/*'], dependencies: { 'left-pad': 'file:left-pad-1.3.0.tgz' }, devDependencies: { '@shop/ui': '*' } }),
    );
    writeFileSync(join(project, 'packages', 'ui', 'package.json'), JSON.stringify({ name: '@shop/ui', version: '0.2.0', license: 'MIT' }));
    npm(project, 'install');
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  it('reads the package-lock.json npm wrote, with the workspace through its link', () => {
    const lockPath = 'app/package-lock.json';
    assert.equal(isPackageLock(lockPath), true);
    assert.equal(isPackageLock('app/node_modules/.package-lock.json'), false);
    const records = parsePackageLock(readFileSync(join(root, lockPath), 'utf8'));
    // npm 11 copies licenses into the lockfile; older npm does not.
    const withoutLicenses = records.map(({ licenses: _licenses, ...record }) => record);
    assert.deepEqual(withoutLicenses, [
      { ecosystem: 'npm', name: '@shop/ui', version: '0.2.0' },
      { ecosystem: 'npm', name: 'left-pad', version: '1.3.0' },
    ]);
  });

  it('reads the package.json npm installed under node_modules', () => {
    const path = 'app/node_modules/left-pad/package.json';
    assert.equal(isInstalledPackageJson(path), true);
    assert.deepEqual(parseInstalledPackageJson(readFileSync(join(root, path), 'utf8')), [{ ecosystem: 'npm', name: 'left-pad', version: '1.3.0', licenses: ['WTFPL'] }]);
  });
});
