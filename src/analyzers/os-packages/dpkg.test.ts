import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ensureFixtures } from '../../../test/support/fixtures.js';
import type { AnalyzerInput } from '../../core/analyzer.js';
import { dpkgStatusAnalyzer, parseControlParagraphs, parseDpkgStatus } from './dpkg.js';
import { analyzerInput } from '../../../test/support/analyzer-input.js';

const input = (path: string, bytes: Buffer, size = bytes.length): AnalyzerInput => analyzerInput(path, bytes, { size });

/** Stanzas shaped like a Debian bookworm status file, one per case the parser must handle. */
const STATUS = `Package: libc6
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 12988
Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>
Architecture: amd64
Multi-Arch: same
Source: glibc
Version: 2.36-9+deb12u4
Replaces: libc6-amd64
Depends: libgcc-s1
Recommends: libidn2-0 (>= 2.0.5~)
Conffiles:
 /etc/ld.so.conf.d/x86_64-linux-gnu.conf d4e7a7b88a71b5ffd9e2644e71a0cfab
Description: GNU C Library: Shared libraries
 Contains the standard libraries that are used by nearly all programs on
 the system. This package includes shared versions of the standard C library
 and the standard math library, as well as many others.
Homepage: https://www.gnu.org/software/libc/libc.html

Package: libc6
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 11504
Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>
Architecture: i386
Multi-Arch: same
Source: glibc
Version: 2.36-9+deb12u4
Description: GNU C Library: Shared libraries

Package: bsdutils
Essential: yes
Status: install ok installed
Priority: required
Section: utils
Installed-Size: 335
Maintainer: util-linux packagers <util-linux@packages.debian.org>
Architecture: amd64
Multi-Arch: foreign
Source: util-linux (2.38.1-5+deb12u3)
Version: 1:2.38.1-5+deb12u3
Description: basic utilities from 4.4BSD-Lite
 This package contains the bare minimum of BSD utilities needed for a
 Debian system: logger, renice, script, scriptlive, scriptreplay and wall.

Package: bash
Essential: yes
Status: hold ok installed
Priority: required
Architecture: amd64
Source: bash (5.2.15-2)
Version: 5.2.15-2+b7
Description: GNU Bourne Again SHell

Package: base-files
Status: install ok installed
Architecture: amd64
Version: 12.4+deb12u5
Description: Debian base system miscellaneous files

Package: tzdata
Status: deinstall ok installed
Architecture: all
Version: 2024a-0+deb12u1
Description: time zone and daylight-saving time data

Package: man-db
Status: install ok triggers-pending
Architecture: amd64
Version: 2.11.2-2
Triggers-Pending: /usr/share/man

Package: vim-tiny
Status: deinstall ok config-files
Priority: important
Architecture: amd64
Source: vim
Version: 2:9.0.1378-2
Config-Version: 2:9.0.1378-2
Conffiles:
 /etc/vim/vimrc.tiny 5ad1a3f5e4ee3a6a1f9b5e9dbeb57bc4

Package: curl
Status: install reinstreq half-installed
Architecture: amd64
Version: 7.88.1-10+deb12u5

Package: wget
Status: install ok unpacked
Architecture: amd64
Version: 1.21.3-1+b2

Package: nano
Status: purge ok not-installed
Architecture: amd64
`;

describe('dpkg status', () => {
  it('lists installed packages with source names and versions, in file order', () => {
    assert.deepEqual(parseDpkgStatus(STATUS, 'var/lib/dpkg/status'), [
      { ecosystem: 'deb', name: 'libc6', version: '2.36-9+deb12u4', sourceName: 'glibc', sourceVersion: '2.36-9+deb12u4', arch: 'amd64' },
      { ecosystem: 'deb', name: 'libc6', version: '2.36-9+deb12u4', sourceName: 'glibc', sourceVersion: '2.36-9+deb12u4', arch: 'i386' },
      // The epoch stays in the binary version; the source version is as the Source field gives it.
      { ecosystem: 'deb', name: 'bsdutils', version: '1:2.38.1-5+deb12u3', sourceName: 'util-linux', sourceVersion: '2.38.1-5+deb12u3', arch: 'amd64' },
      // A binNMU: the binary version has +b7, the source version does not.
      { ecosystem: 'deb', name: 'bash', version: '5.2.15-2+b7', sourceName: 'bash', sourceVersion: '5.2.15-2', arch: 'amd64' },
      { ecosystem: 'deb', name: 'base-files', version: '12.4+deb12u5', sourceName: 'base-files', sourceVersion: '12.4+deb12u5', arch: 'amd64' },
      // Selected for removal but still on disk.
      { ecosystem: 'deb', name: 'tzdata', version: '2024a-0+deb12u1', sourceName: 'tzdata', sourceVersion: '2024a-0+deb12u1', arch: 'all' },
      { ecosystem: 'deb', name: 'man-db', version: '2.11.2-2', sourceName: 'man-db', sourceVersion: '2.11.2-2', arch: 'amd64' },
    ]);
  });

  it('reads CRLF line ends, lower-case field names, tab continuations and a missing architecture', () => {
    const text = 'package: zlib1g\r\nstatus: install ok installed\r\nVERSION: 1:1.2.13.dfsg-1\r\nsource: zlib\r\nDescription: compression library - runtime\r\n\tzlib is a library implementing the deflate compression method\r\n\r\n \r\nPackage: e2fsprogs\r\nStatus: install ok installed\r\nVersion: 1.47.0-2\r\n';
    assert.deepEqual(parseDpkgStatus(text, 'var/lib/dpkg/status'), [
      { ecosystem: 'deb', name: 'zlib1g', version: '1:1.2.13.dfsg-1', sourceName: 'zlib', sourceVersion: '1:1.2.13.dfsg-1' },
      { ecosystem: 'deb', name: 'e2fsprogs', version: '1.47.0-2', sourceName: 'e2fsprogs', sourceVersion: '1.47.0-2' },
    ]);
    assert.deepEqual(parseDpkgStatus('', 'var/lib/dpkg/status'), []);
    assert.deepEqual(parseDpkgStatus('\n\n', 'var/lib/dpkg/status'), []);
  });

  it('splits paragraphs and keeps the first line of each field', () => {
    assert.deepEqual(parseControlParagraphs('A: 1\nLong:\n more\n .\n end\n\n\nB-2: two  \n'), [
      { line: 1, fields: new Map([['a', '1'], ['long', '']]) },
      { line: 8, fields: new Map([['b-2', 'two']]) },
    ]);
  });

  it('names the package or line of malformed input', () => {
    const cases: Array<[string, RegExp]> = [
      ['Package: libssl3\nStatus: install ok installed\nArchitecture: amd64\n', /^Error: package libssl3 \(line 1\) has no Version field$/],
      ['Package: libssl3\nStatus: install ok installed\nVersion:\n', /^Error: package libssl3 \(line 1\) has no Version field$/],
      ['Package: a\nStatus: install ok installed\nVersion: 1\n\nPackage: libssl3\nVersion: 3.0.11-1~deb12u2\n', /^Error: package libssl3 \(line 5\) has no Status field$/],
      ['Package: libssl3\nStatus: installed\nVersion: 1\n', /^Error: package libssl3 has a malformed Status: "installed"$/],
      ['Package: libssl3\nStatus: install ok exploded\nVersion: 1\n', /^Error: package libssl3 has a malformed Status: "install ok exploded"$/],
      ['Package: libssl3\nStatus: install ok installed\nVersion: 1 2\n', /^Error: package libssl3 \(line 1\) has a malformed Version: "1 2"$/],
      ['Package: libssl3\nStatus: install ok installed\nVersion: 1\nSource: openssl (3.0\n', /^Error: package libssl3 \(line 1\) has a malformed Source: "openssl \(3.0"$/],
      ['Status: install ok installed\nVersion: 1\n', /^Error: the paragraph at line 1 has no Package field$/],
      [' continued\n', /^Error: line 1: continuation line without a field before it$/],
      ['Package: a\n\n continued\n', /^Error: line 3: continuation line without a field before it$/],
      ['Package: a\nthis is not a field\n', /^Error: line 2: not a "Field: value" line: "this is not a field"$/],
      ['Package: a\n#comment: no\n', /^Error: line 2: not a "Field: value" line: "#comment: no"$/],
      ['Package: a\nVersion: 1\nversion: 2\n', /^Error: line 3: duplicate field version in the paragraph starting at line 1$/],
    ];
    for (const [text, message] of cases) assert.throws(() => parseDpkgStatus(text, 'var/lib/dpkg/status'), message, text);
  });

  it('matches dpkg-query on a real Debian bookworm root filesystem exactly', async () => {
    const fixtures = await ensureFixtures();
    const records = parseDpkgStatus(readFileSync(join(fixtures.rootfs, 'var/lib/dpkg/status'), 'utf8'), 'var/lib/dpkg/status');
    // dpkg-query -W lists packages sorted by name; the status file keeps them in its own order.
    const byName = (a: { name: string }, b: { name: string }): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    assert.deepEqual(
      records.map(({ name, version, sourceName, sourceVersion }) => ({ name, version, sourceName, sourceVersion })).sort(byName),
      [...fixtures.debootstrap.packages].sort(byName),
    );
    assert.ok(records.length >= 80, `${records.length} packages in a minbase system`);
    assert.ok(records.every((record) => record.arch === 'amd64' || record.arch === 'all'));
  });

  it('is the analyzer for var/lib/dpkg/status only, and refuses an oversized file', async () => {
    assert.equal(dpkgStatusAnalyzer.name, 'os-packages/dpkg');
    const info = { path: '', type: 'file' as const, mode: 0o644, size: 1, uid: 0, gid: 0 };
    assert.deepEqual(
      ['var/lib/dpkg/status', 'var/lib/dpkg/status-old', 'var/lib/dpkg/available', 'var/lib/dpkg/status.d/libc6', 'usr/var/lib/dpkg/status'].map((path) => dpkgStatusAnalyzer.required(path, { ...info, path })),
      [true, false, false, false, false],
    );
    const bytes = Buffer.from(STATUS.split('\n\n').slice(3, 5).join('\n\n'));
    assert.deepEqual(await dpkgStatusAnalyzer.analyze(input('var/lib/dpkg/status', bytes)), [
      {
        kind: 'packages',
        ecosystem: 'deb',
        packages: [
          { ecosystem: 'deb', name: 'bash', version: '5.2.15-2+b7', sourceName: 'bash', sourceVersion: '5.2.15-2', arch: 'amd64' },
          { ecosystem: 'deb', name: 'base-files', version: '12.4+deb12u5', sourceName: 'base-files', sourceVersion: '12.4+deb12u5', arch: 'amd64' },
        ],
      },
    ]);
    assert.deepEqual(await dpkgStatusAnalyzer.analyze(input('var/lib/dpkg/status', Buffer.from('Package: nano\nStatus: purge ok not-installed\n'))), []);
    await assert.rejects(dpkgStatusAnalyzer.analyze(input('var/lib/dpkg/status', Buffer.alloc(0), 65 * 1024 * 1024)), /^Error: 65.0 MiB is over the 64.0 MiB that os-packages\/dpkg reads from one file$/);
  });
});
