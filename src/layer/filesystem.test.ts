import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CustomsError } from '../core/errors.js';
import type { FileInfo, FileType } from '../core/files.js';
import type { LayerAnalysis } from './analysis.js';
import { FinalFilesystem } from './filesystem.js';

const entry = (path: string, type: FileType = 'file', linkname?: string): FileInfo => ({ path, type, mode: 0o644, size: 1, uid: 0, gid: 0, linkname });
const layer = (files: FileInfo[], extra: Partial<LayerAnalysis> = {}): LayerAnalysis => ({
  files,
  whiteouts: [],
  opaqueDirs: [],
  results: [],
  warnings: [],
  analyzerFailures: [],
  uncompressedSize: 0,
  ...extra,
});
const paths = (fs: FinalFilesystem): string[] => fs.list().map((file) => `${file.path}@${file.layerIndex}`);

describe('FinalFilesystem', () => {
  it('applies whiteouts, opaque directories and replacements bottom to top', () => {
    const fs = new FinalFilesystem([
      layer([entry('etc', 'dir'), entry('etc/a'), entry('etc/b'), entry('app', 'dir'), entry('app/sub', 'dir'), entry('app/sub/old.txt'), entry('opt', 'dir'), entry('opt/x')]),
      layer([entry('etc/a'), entry('app/sub/new.txt')], { whiteouts: ['etc/b'], opaqueDirs: ['app/sub'] }),
      layer([entry('opt')]),
    ]);
    // app/sub/new.txt survives: an opaque marker hides only lower layers. opt became a file, hiding opt/x.
    assert.deepEqual(paths(fs), ['app@0', 'app/sub@0', 'app/sub/new.txt@1', 'etc@0', 'etc/a@1', 'opt@2']);
  });

  it('deletes a whole directory tree with one whiteout, and lets a later layer recreate it', () => {
    const fs = new FinalFilesystem([
      layer([entry('var', 'dir'), entry('var/cache', 'dir'), entry('var/cache/apt', 'dir'), entry('var/cache/apt/pkgcache.bin')]),
      layer([], { whiteouts: ['var/cache'] }),
      layer([entry('var/cache', 'dir'), entry('var/cache/fresh')]),
    ]);
    assert.deepEqual(paths(fs), ['var@0', 'var/cache@2', 'var/cache/fresh@2']);
  });

  it('keeps results only for files still visible, and all results on request', () => {
    const result = { kind: 'os-release' as const, source: 'os-release', fields: { ID: 'debian' } };
    const fs = new FinalFilesystem([
      layer([entry('etc/os-release'), entry('etc/secret')], {
        results: [
          { analyzer: 'a', path: 'etc/os-release', result },
          { analyzer: 'a', path: 'etc/secret', result },
        ],
      }),
      layer([], { whiteouts: ['etc/secret'] }),
    ]);
    assert.deepEqual(fs.visibleResults().map((r) => r.path), ['etc/os-release']);
    assert.deepEqual(fs.allResults().map((r) => `${r.path}@${r.layerIndex}`), ['etc/os-release@0', 'etc/secret@0']);
  });

  it('resolves relative, absolute and chained symlinks in any component', () => {
    const fs = new FinalFilesystem([
      layer([
        entry('usr/lib/os-release'),
        entry('etc/os-release', 'symlink', '../usr/lib/os-release'),
        entry('lib', 'symlink', 'usr/lib'),
        entry('etc/alt', 'symlink', '/lib/os-release'),
        entry('etc/chain', 'symlink', 'alt'),
        entry('etc/up', 'symlink', '../../../../usr/lib'),
      ]),
    ]);
    assert.equal(fs.resolve('etc/os-release'), 'usr/lib/os-release');
    assert.equal(fs.resolve('lib/os-release'), 'usr/lib/os-release');
    assert.equal(fs.resolve('etc/chain'), 'usr/lib/os-release');
    assert.equal(fs.resolve('etc/up/os-release'), 'usr/lib/os-release');
    assert.equal(fs.resolve('etc/missing'), 'etc/missing');
  });

  it('reports symlink loops as SYMLINK_LOOP naming the file', () => {
    const fs = new FinalFilesystem([layer([entry('etc/a', 'symlink', 'b'), entry('etc/b', 'symlink', '/etc/a')])]);
    assert.throws(() => fs.resolve('etc/a'), (error: unknown) => {
      assert.ok(error instanceof CustomsError);
      assert.equal(error.code, 'SYMLINK_LOOP');
      assert.equal(error.message, 'file etc/a: too many levels of symbolic links resolving etc/a');
      return true;
    });
  });
});
