import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectOs, type OsEvidence } from './detect.js';

const evidence = (path: string, source: string, fields: Record<string, string>): OsEvidence => ({ path, result: { kind: 'os-release', source, fields } });
const identity = (path: string): string => path;

describe('detectOs', () => {
  it('takes the distro from os-release and the point release from debian_version, through the symlink', () => {
    const os = detectOs(
      [
        evidence('usr/lib/os-release', 'os-release', { ID: 'debian', NAME: 'Debian GNU/Linux', VERSION_ID: '12', VERSION_CODENAME: 'bookworm', PRETTY_NAME: 'Debian GNU/Linux 12 (bookworm)' }),
        evidence('etc/debian_version', 'debian_version', { VERSION: '12.8' }),
      ],
      (path) => (path === 'etc/os-release' ? 'usr/lib/os-release' : path),
    );
    assert.deepEqual(os, {
      family: 'debian',
      name: 'Debian GNU/Linux',
      version: '12.8',
      versionId: '12',
      codename: 'bookworm',
      prettyName: 'Debian GNU/Linux 12 (bookworm)',
      idLike: undefined,
      sources: ['usr/lib/os-release', 'etc/debian_version'],
    });
  });

  it('ignores a release file that disagrees with os-release (Ubuntu keeps a Debian codename there)', () => {
    const os = detectOs(
      [
        evidence('etc/os-release', 'os-release', { ID: 'ubuntu', NAME: 'Ubuntu', VERSION_ID: '22.04', ID_LIKE: 'debian' }),
        evidence('etc/debian_version', 'debian_version', { CODENAME: 'bookworm/sid' }),
      ],
      identity,
    );
    assert.equal(os?.family, 'ubuntu');
    assert.equal(os?.version, '22.04');
    assert.deepEqual(os?.idLike, ['debian']);
    assert.deepEqual(os?.sources, ['etc/os-release']);
  });

  it('refines Alpine and Rocky versions; prefers /etc/os-release over /usr/lib/os-release', () => {
    const alpine = detectOs(
      [evidence('etc/os-release', 'os-release', { ID: 'alpine', NAME: 'Alpine Linux', VERSION_ID: '3.19.1' }), evidence('etc/alpine-release', 'alpine-release', { VERSION: '3.19.1' })],
      identity,
    );
    assert.equal(alpine?.version, '3.19.1');
    const rocky = detectOs(
      [
        evidence('usr/lib/os-release', 'os-release', { ID: 'centos', VERSION_ID: '8' }),
        evidence('etc/os-release', 'os-release', { ID: 'rocky', NAME: 'Rocky Linux', VERSION_ID: '9.3' }),
        evidence('etc/rocky-release', 'redhat-release', { ID: 'rocky', VERSION: '9.3' }),
      ],
      identity,
    );
    assert.equal(rocky?.family, 'rocky');
    assert.equal(rocky?.version, '9.3');
  });

  it('falls back to distro files without os-release, and gives up without evidence', () => {
    assert.deepEqual(detectOs([evidence('etc/alpine-release', 'alpine-release', { VERSION: '3.12.0' })], identity), {
      family: 'alpine',
      name: 'Alpine Linux',
      version: '3.12.0',
      sources: ['etc/alpine-release'],
    });
    assert.equal(detectOs([evidence('etc/redhat-release', 'redhat-release', { ID: 'centos', NAME: 'CentOS Linux', VERSION: '7.9.2009' })], identity)?.version, '7.9.2009');
    assert.equal(detectOs([evidence('etc/debian_version', 'debian_version', { CODENAME: 'trixie/sid' })], identity), undefined);
    assert.equal(detectOs([], identity), undefined);
  });
});
