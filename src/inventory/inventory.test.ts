import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FileInfo } from '../core/files.js';
import type { PackageRecord } from '../core/package.js';
import type { LayerAnalysis } from '../layer/analysis.js';
import { FinalFilesystem } from '../layer/filesystem.js';
import { buildInventory } from './inventory.js';

const file = (path: string): FileInfo => ({ path, type: 'file', mode: 0o644, size: 1, uid: 0, gid: 0 });
const deb = (name: string, version: string): PackageRecord => ({ ecosystem: 'deb', name, version, sourceName: name, sourceVersion: version, arch: 'amd64' });
const layer = (files: string[], results: LayerAnalysis['results'], whiteouts: string[] = []): LayerAnalysis => ({
  files: files.map(file),
  whiteouts,
  opaqueDirs: [],
  results,
  warnings: [],
  analyzerFailures: [],
  uncompressedSize: 0,
});
const status = 'var/lib/dpkg/status';
const dpkg = (...packages: PackageRecord[]) => ({ analyzer: 'os-packages/dpkg', path: status, result: { kind: 'packages' as const, ecosystem: 'deb' as const, packages } });
const npm = (path: string, name: string, version: string) => ({ analyzer: 'language/npm-installed', path, result: { kind: 'packages' as const, ecosystem: 'npm' as const, packages: [{ ecosystem: 'npm' as const, name, version }] } });
const os = { family: 'debian', name: 'Debian GNU/Linux', version: '12.8', sources: [] };

describe('buildInventory', () => {
  it('attributes each OS package to the layer that introduced it at its version', () => {
    const fs = new FinalFilesystem([
      layer([status], [dpkg(deb('base-files', '12.4'), deb('libc6', '2.36-9'))]),
      layer([], []), // touches nothing: the database is unchanged here
      layer([status], [dpkg(deb('base-files', '12.4'), deb('libc6', '2.36-9+deb12u4'), deb('curl', '7.88.1-10'))]),
      layer([status], [dpkg(deb('base-files', '12.4'), deb('libc6', '2.36-9+deb12u4'), deb('curl', '7.88.1-10'), deb('jq', '1.6-2.1'))]),
    ]);
    const packages = buildInventory({ filesystem: fs, diffIds: ['sha256:l0', 'sha256:l1', 'sha256:l2', 'sha256:l3'], os });
    assert.deepEqual(
      packages.map((p) => [p.name, p.version, p.layerIndex, p.layerDiffId, p.file, p.purl]),
      [
        ['base-files', '12.4', 0, 'sha256:l0', status, 'pkg:deb/debian/base-files@12.4?arch=amd64&distro=debian-12.8'],
        ['curl', '7.88.1-10', 2, 'sha256:l2', status, 'pkg:deb/debian/curl@7.88.1-10?arch=amd64&distro=debian-12.8'],
        ['jq', '1.6-2.1', 3, 'sha256:l3', status, 'pkg:deb/debian/jq@1.6-2.1?arch=amd64&distro=debian-12.8'],
        // Upgraded in layer 2: that layer introduced this version.
        ['libc6', '2.36-9+deb12u4', 2, 'sha256:l2', status, 'pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&distro=debian-12.8'],
      ],
    );
  });

  it('adds licenses a package declares in its own file (Debian copyright) to its record', () => {
    const copyright = { analyzer: 'os-packages/dpkg-copyright', path: 'usr/share/doc/bash/copyright', result: { kind: 'package-licenses' as const, ecosystem: 'deb' as const, name: 'bash', licenses: ['GPL-3+'] } };
    const fs = new FinalFilesystem([layer([status, 'usr/share/doc/bash/copyright'], [dpkg(deb('bash', '5.2.15-2+b2'), deb('jq', '1.6-2.1')), copyright])]);
    const packages = buildInventory({ filesystem: fs, diffIds: ['sha256:l0'], os });
    assert.deepEqual(packages.map((p) => [p.name, p.licenses]), [['bash', ['GPL-3+']], ['jq', undefined]]);
  });

  it('reports application packages from visible files only, each from its own layer', () => {
    const fs = new FinalFilesystem([
      layer(['app/node_modules/a/package.json', 'app/node_modules/gone/package.json'], [npm('app/node_modules/a/package.json', 'a', '1.0.0'), npm('app/node_modules/gone/package.json', 'gone', '2.0.0')]),
      layer(['app/node_modules/b/package.json'], [npm('app/node_modules/b/package.json', '@scope/b', '3.0.0')], ['app/node_modules/gone']),
    ]);
    const packages = buildInventory({ filesystem: fs, diffIds: ['sha256:a', 'sha256:b'], os: undefined });
    assert.deepEqual(
      packages.map((p) => [p.name, p.layerIndex, p.file, p.purl, p.analyzer]),
      [
        ['@scope/b', 1, 'app/node_modules/b/package.json', 'pkg:npm/%40scope/b@3.0.0', 'language/npm-installed'],
        ['a', 0, 'app/node_modules/a/package.json', 'pkg:npm/a@1.0.0', 'language/npm-installed'],
      ],
    );
  });
});
