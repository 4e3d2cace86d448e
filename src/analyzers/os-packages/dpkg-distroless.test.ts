import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnalyzerInput } from '../../core/analyzer.js';
import { dpkgDistrolessAnalyzer, isDistrolessStatusEntry, parseDistrolessStatus } from './dpkg-distroless.js';
import { analyzerInput } from '../../../test/support/analyzer-input.js';

const input = (path: string, text: string): AnalyzerInput => analyzerInput(path, text);

/** var/lib/dpkg/status.d/ as gcr.io/distroless/base-debian12 ships it: one control paragraph per package, no Status. */
const LIBC6 = `Package: libc6
Version: 2.36-9+deb12u4
Architecture: amd64
Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>
Installed-Size: 12986
Depends: libgcc-s1
Recommends: libidn2-0 (>= 2.0.5~)
Suggests: glibc-doc, debconf | debconf-2.0, libc-l10n, locales, libnss-nis, libnss-nisplus
Breaks: busybox (<< 1.30.1-6), fakeroot (<< 1.25.3-1.1), hurd (<< 1:0.9.git20220301-2)
Section: libs
Priority: optional
Multi-Arch: same
Homepage: https://www.gnu.org/software/libc/libc.html
Description: GNU C Library: Shared libraries
 Contains the standard libraries that are used by nearly all programs on
 the system.
Source: glibc
`;
const LIBSSL3 = `Package: libssl3
Version: 3.0.11-1~deb12u2
Architecture: amd64
Maintainer: Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>
Installed-Size: 6296
Depends: libc6 (>= 2.34)
Section: libs
Priority: optional
Multi-Arch: same
Homepage: https://www.openssl.org/
Description: Secure Sockets Layer toolkit - shared libraries
Source: openssl
`;
const TZDATA = `Package: tzdata
Version: 2024a-0+deb12u1
Architecture: all
Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>
Installed-Size: 2405
Section: localization
Priority: required
Multi-Arch: foreign
Description: time zone and daylight-saving time data
`;

describe('distroless dpkg status.d', () => {
  it('picks package entries, not their md5sums files or anything deeper', () => {
    assert.deepEqual(
      [
        'var/lib/dpkg/status.d/libc6',
        'var/lib/dpkg/status.d/libssl3',
        'var/lib/dpkg/status.d/libc6.md5sums',
        'var/lib/dpkg/status.d/',
        'var/lib/dpkg/status.d/nested/libc6',
        'var/lib/dpkg/status',
        'opt/var/lib/dpkg/status.d/libc6',
      ].map(isDistrolessStatusEntry),
      [true, true, false, false, false, false, false],
    );
    const info = { path: '', type: 'file' as const, mode: 0o644, size: 1, uid: 0, gid: 0 };
    assert.equal(dpkgDistrolessAnalyzer.required('var/lib/dpkg/status.d/tzdata', { ...info, path: 'var/lib/dpkg/status.d/tzdata' }), true);
  });

  it('treats every entry without a Status as installed', () => {
    assert.deepEqual(parseDistrolessStatus(LIBC6, 'var/lib/dpkg/status.d/libc6'), [
      { ecosystem: 'deb', name: 'libc6', version: '2.36-9+deb12u4', sourceName: 'glibc', sourceVersion: '2.36-9+deb12u4', arch: 'amd64' },
    ]);
    assert.deepEqual(parseDistrolessStatus(TZDATA, 'var/lib/dpkg/status.d/tzdata'), [
      { ecosystem: 'deb', name: 'tzdata', version: '2024a-0+deb12u1', sourceName: 'tzdata', sourceVersion: '2024a-0+deb12u1', arch: 'all' },
    ]);
    // Should a file carry a Status after all, it is honoured.
    assert.deepEqual(parseDistrolessStatus(`${LIBSSL3}Status: deinstall ok config-files\n`, 'var/lib/dpkg/status.d/libssl3'), []);
    assert.throws(() => parseDistrolessStatus('Package: libssl3\nArchitecture: amd64\n', 'var/lib/dpkg/status.d/libssl3'), /^Error: package libssl3 \(line 1\) has no Version field$/);
  });

  it('reports one package per file through the analyzer', async () => {
    assert.equal(dpkgDistrolessAnalyzer.name, 'os-packages/dpkg-distroless');
    assert.deepEqual(await dpkgDistrolessAnalyzer.analyze(input('var/lib/dpkg/status.d/libssl3', LIBSSL3)), [
      {
        kind: 'packages',
        ecosystem: 'deb',
        packages: [{ ecosystem: 'deb', name: 'libssl3', version: '3.0.11-1~deb12u2', sourceName: 'openssl', sourceVersion: '3.0.11-1~deb12u2', arch: 'amd64' }],
      },
    ]);
    assert.deepEqual(await dpkgDistrolessAnalyzer.analyze(input('var/lib/dpkg/status.d/empty', '\n')), []);
  });
});
