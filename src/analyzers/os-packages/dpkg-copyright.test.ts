import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzerInput } from '../../../test/support/analyzer-input.js';
import { dpkgCopyrightAnalyzer, parseDebianCopyright } from './dpkg-copyright.js';

const MACHINE_READABLE = [
  'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/',
  'Upstream-Name: bash',
  'Source: ftp.gnu.org:/pub/gnu/bash',
  '',
  'Files: *',
  'Copyright: (C) 1987-2022 Free Software Foundation, Inc.',
  'License: GPL-3+',
  '',
  'Files: lib/readline/*',
  'Copyright: (C) 1987-2022 Free Software Foundation, Inc.',
  'License: GPL-3+',
  '',
  'Files: examples/loadables/*',
  'License: GPL-3+ with Bison exception',
  '',
  'Files: debian/*',
  'License: GPL-2+',
  '',
  'License: GPL-3+',
  ' This program is free software; you can redistribute it and/or modify',
  ' it under the terms of the GNU General Public License.',
  ' .',
  ' On Debian systems, the complete text of the GNU General Public License',
  " version 3 can be found in `/usr/share/common-licenses/GPL-3'.",
  '',
].join('\n');

const FREE_FORM = [
  'This is the Debian prepackaged version of the GNU C library.',
  '',
  'It is distributed under the GNU Lesser General Public License; on Debian systems its text is in',
  "/usr/share/common-licenses/LGPL-2.1, and parts are under /usr/share/common-licenses/GPL-2.",
  'The LGPL again: /usr/share/common-licenses/LGPL-2.1.',
].join('\n');

describe('Debian copyright files', () => {
  it('reads License fields of machine-readable files, first line only, deduplicated in order', () => {
    assert.deepEqual(parseDebianCopyright(MACHINE_READABLE), ['GPL-3+', 'GPL-3+ with Bison exception', 'GPL-2+']);
  });

  it('reads common-licenses references in free-form files, and nothing from files without either', () => {
    assert.deepEqual(parseDebianCopyright(FREE_FORM), ['LGPL-2.1', 'GPL-2']);
    assert.deepEqual(parseDebianCopyright('Copyright 2001 somebody. All rights reserved.\n'), []);
  });

  it('wants only /usr/share/doc/<package>/copyright, and reports the package by its folder', async () => {
    const file = { type: 'file' as const, mode: 0o644, size: 100, uid: 0, gid: 0 };
    const wants = (path: string): boolean => dpkgCopyrightAnalyzer.required(path, { ...file, path });
    assert.deepEqual(['usr/share/doc/bash/copyright', 'usr/share/doc/bash/changelog.gz', 'usr/share/doc/bash/examples/copyright', 'usr/share/doc/copyright'].map(wants), [true, false, false, false]);
    assert.deepEqual(await dpkgCopyrightAnalyzer.analyze(analyzerInput('usr/share/doc/bash/copyright', MACHINE_READABLE)), [
      { kind: 'package-licenses', ecosystem: 'deb', name: 'bash', licenses: ['GPL-3+', 'GPL-3+ with Bison exception', 'GPL-2+'] },
    ]);
    assert.deepEqual(await dpkgCopyrightAnalyzer.analyze(analyzerInput('usr/share/doc/x/copyright', 'no licence named here\n')), []);
  });
});
