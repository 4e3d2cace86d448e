import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnalyzerInput } from '../../core/analyzer.js';
import { apkInstalledAnalyzer, parseApkInstalled } from './apk.js';
import { analyzerInput } from '../../../test/support/analyzer-input.js';

const input = (path: string, text: string): AnalyzerInput => analyzerInput(path, text);

/** Shaped like lib/apk/db/installed of alpine:3.19: package facts, then folder (F), file (R), ACL (a, M) and checksum (Z) lines. */
const INSTALLED = `C:Q1dQ4zvJ5ghUWePSSMB8R0y4Y8eEE=
P:musl
V:1.2.4_git20230717-r4
A:x86_64
S:407278
I:662528
T:the musl c library (libc) implementation
U:https://musl.libc.org/
L:MIT
o:musl
m:Timo Teräs <timo.teras@iki.fi>
t:1700160318
c:a3d3e3a28c8b9dbc2dca9d7f6f1e4bf7a5b5a3e1
p:so:libc.musl-x86_64.so.1=1
F:lib
R:ld-musl-x86_64.so.1
a:0:0:755
Z:Q1mY9pR0dEv9/3eQk0wUbmB0cR3qA=
R:libc.musl-x86_64.so.1
a:0:0:777
Z:Q17yJ3JFNypA4mxhJJr0ou6CzsJVI=

C:Q1T7nN7IWcTb4mTsFQp/w0D7jT3Mg=
P:busybox
V:1.36.1-r15
A:x86_64
S:509488
I:926976
T:Size optimized toolbox of many common UNIX utilities
U:https://busybox.net/
L:GPL-2.0-only
o:busybox
m:Sören Tempel <soeren+alpine@soeren-tempel.net>
t:1700492030
c:ba0a1ab5cd6f80a1cebfb04a2a28b8e2edc0a05e
D:so:libc.musl-x86_64.so.1
p:/bin/sh cmd:busybox=1.36.1-r15 cmd:sh=1.36.1-r15
r:busybox-initscripts
F:bin
R:busybox
a:0:0:755
Z:Q1WUwBY0eOGgzgVxTZxJBZPyQUicI=
R:sh
a:0:0:777
Z:Q1pcfTfDNEbNKQc2s1tia7da05M8Q=
F:etc
R:securetty
Z:Q1mB95Hq2NUTZ599RDiSsj9w5FrOU=
F:usr
F:usr/share
F:usr/share/udhcpc
R:default.script
a:0:0:755
Z:Q1t9vir/ZqU2n8NkLmTBRgDk8Yp3Y=
M:0:0:755

C:Q1Zzo9d5bK5sHqwDaWdEUqGJ8gVt8=
P:ssl_client
V:1.36.1-r15
A:x86_64
S:4828
I:14208
T:EXternal ssl_client for busybox wget
U:https://busybox.net/
L:GPL-2.0-only
o:busybox
m:Sören Tempel <soeren+alpine@soeren-tempel.net>
t:1700492030
c:ba0a1ab5cd6f80a1cebfb04a2a28b8e2edc0a05e
D:so:libc.musl-x86_64.so.1 so:libcrypto.so.3 so:libssl.so.3
i:busybox=1.36.1-r15 libssl3
F:usr
F:usr/bin
R:ssl_client
a:0:0:755
Z:Q1Dcf3rmrpxlc5uQ5V5nk3hEH8kTQ=

C:Q1pS4t+0tU+ODq0B1pPlwr2vOwYXA=
P:libcrypto3
V:3.1.4-r2
A:x86_64
S:1719296
I:4206592
T:Crypto library from openssl
U:https://www.openssl.org/
L:Apache-2.0
o:openssl
m:Ariadne Conill <ariadne@dereferenced.org>
t:1701185441
c:a01b3d3e1d0b0b0b0f2d0a8b5c7e9f1a2b3c4d5e
D:so:libc.musl-x86_64.so.1
p:so:libcrypto.so.3=3
r:libressl
F:etc
F:etc/ssl
R:openssl.cnf.dist
Z:Q1ty6zRmakr0Y3pYz6Ak0V5XeqL2E=
F:usr
F:usr/lib
R:libcrypto.so.3
a:0:0:755
Z:Q1c4IVGIX9RRRbWqcPr5uMt7Wl0Rc=

C:Q1tFd9UM9x0bVZQwxYuXjUqZAq3Vk=
P:zlib
V:1.3.1-r0
A:x86_64
S:53346
I:100352
T:A compression/decompression Library
U:https://zlib.net/
L:Zlib
o:zlib
m:Natanael Copa <ncopa@alpinelinux.org>
t:1706267416
c:0d0f6ea7d0cad2b7b3b5d9e4ed8b1c3b6d4d7f3c
D:so:libc.musl-x86_64.so.1
p:so:libz.so.1=1.3.1
F:lib
R:libz.so.1
a:0:0:777
Z:Q1sPBnTGM5dAKnNQoX8q1vQJqMlRY=
R:libz.so.1.3.1
a:0:0:755
Z:Q1Zl1lxrRzO/cu6PBhMNtE8hV2GuI=

`;

const record = (name: string, version: string, sourceName: string, license: string) => ({ ecosystem: 'apk' as const, name, version, sourceName, sourceVersion: version, arch: 'x86_64', licenses: [license] });

describe('apk installed database', () => {
  it('reads name, version, arch, origin and license of each package and ignores the file lines', () => {
    assert.deepEqual(parseApkInstalled(INSTALLED, 'lib/apk/db/installed'), [
      record('musl', '1.2.4_git20230717-r4', 'musl', 'MIT'),
      record('busybox', '1.36.1-r15', 'busybox', 'GPL-2.0-only'),
      record('ssl_client', '1.36.1-r15', 'busybox', 'GPL-2.0-only'),
      record('libcrypto3', '3.1.4-r2', 'openssl', 'Apache-2.0'),
      record('zlib', '1.3.1-r0', 'zlib', 'Zlib'),
    ]);
  });

  it('reads CRLF files without a trailing blank line; a package without origin is its own source', () => {
    const text = 'P:wolfi-baselayout\r\nV:20230201-r7\r\nA:aarch64\r\nL:MIT AND BSD-2-Clause\r\n\r\nP:ca-certificates-bundle\r\nV:20240315-r0\r\no:ca-certificates\r\nF:etc/ssl/certs\r\nR:ca-certificates.crt';
    assert.deepEqual(parseApkInstalled(text, 'lib/apk/db/installed'), [
      { ecosystem: 'apk', name: 'wolfi-baselayout', version: '20230201-r7', sourceName: 'wolfi-baselayout', sourceVersion: '20230201-r7', arch: 'aarch64', licenses: ['MIT AND BSD-2-Clause'] },
      { ecosystem: 'apk', name: 'ca-certificates-bundle', version: '20240315-r0', sourceName: 'ca-certificates', sourceVersion: '20240315-r0' },
    ]);
    assert.deepEqual(parseApkInstalled('', 'lib/apk/db/installed'), []);
    assert.deepEqual(parseApkInstalled('\n\n\n', 'lib/apk/db/installed'), []);
  });

  it('names the package or line of malformed input', () => {
    const cases: Array<[string, RegExp]> = [
      ['P:musl\nA:x86_64\n\n', /^Error: package musl \(line 1\) has no V: version$/],
      ['P:musl\nV:\n', /^Error: package musl \(line 1\) has no V: version$/],
      ['P:musl\nV:1\n\nV:2\nA:x86_64\n', /^Error: the package at line 4 has no P: name$/],
      ['P:musl\nV:1\nthis is not a fact\n', /^Error: line 3: not an "X:value" line: "this is not a fact"$/],
      ['P:musl\nX\n', /^Error: line 2: not an "X:value" line: "X"$/],
    ];
    for (const [text, message] of cases) assert.throws(() => parseApkInstalled(text, 'lib/apk/db/installed'), message, text);
  });

  it('is the analyzer for lib/apk/db/installed', async () => {
    assert.equal(apkInstalledAnalyzer.name, 'os-packages/apk');
    const info = { path: '', type: 'file' as const, mode: 0o644, size: 1, uid: 0, gid: 0 };
    assert.deepEqual(
      ['lib/apk/db/installed', 'lib/apk/db/triggers', 'usr/lib/apk/db/installed', 'lib/apk/db/installed.new'].map((path) => apkInstalledAnalyzer.required(path, { ...info, path })),
      [true, false, false, false],
    );
    assert.deepEqual(await apkInstalledAnalyzer.analyze(input('lib/apk/db/installed', 'P:zlib\nV:1.3.1-r0\nA:x86_64\nL:Zlib\no:zlib\n')), [
      { kind: 'packages', ecosystem: 'apk', packages: [record('zlib', '1.3.1-r0', 'zlib', 'Zlib')] },
    ]);
    assert.deepEqual(await apkInstalledAnalyzer.analyze(input('lib/apk/db/installed', '')), []);
  });
});
