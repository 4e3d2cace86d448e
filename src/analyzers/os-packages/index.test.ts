import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { osPackageAnalyzers } from './index.js';

describe('OS package analyzers', () => {
  it('each database path is wanted by exactly one analyzer, decided from the path alone', () => {
    const info = { path: '', type: 'file' as const, mode: 0o644, size: 100, uid: 0, gid: 0 };
    const wanting = (path: string): string[] => osPackageAnalyzers.filter((analyzer) => analyzer.required(path, { ...info, path })).map((analyzer) => analyzer.name);
    const table: Array<[string, string[]]> = [
      ['var/lib/dpkg/status', ['os-packages/dpkg']],
      ['var/lib/dpkg/status.d/libc6', ['os-packages/dpkg-distroless']],
      ['var/lib/dpkg/status.d/libc6.md5sums', []],
      ['lib/apk/db/installed', ['os-packages/apk']],
      ['var/lib/rpm/rpmdb.sqlite', ['os-packages/rpm-sqlite']],
      ['usr/lib/sysimage/rpm/rpmdb.sqlite', ['os-packages/rpm-sqlite']],
      ['var/lib/rpm/Packages', ['os-packages/rpm-bdb']],
      ['usr/lib/sysimage/rpm/Packages', ['os-packages/rpm-bdb']],
      ['var/lib/rpm/Packages.db', ['os-packages/rpm-ndb']],
      ['usr/lib/sysimage/rpm/Packages.db', ['os-packages/rpm-ndb']],
      ['var/lib/rpm/Name', []],
      ['var/lib/dpkg/status-old', []],
      ['etc/os-release', []],
    ];
    assert.deepEqual(
      table.map(([path]) => [path, wanting(path)]),
      table,
    );
  });
});
