import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OsInfo } from '../core/os.js';
import type { PackageRecord } from '../core/package.js';
import { packageUrl } from './purl.js';

const debian: OsInfo = { family: 'debian', name: 'Debian GNU/Linux', version: '12.8', sources: [] };
const alpine: OsInfo = { family: 'alpine', name: 'Alpine Linux', version: '3.19.1', sources: [] };
const rocky: OsInfo = { family: 'rocky', name: 'Rocky Linux', version: '9.3', sources: [] };

describe('packageUrl', () => {
  const cases: Array<[PackageRecord, OsInfo | undefined, string]> = [
    [{ ecosystem: 'deb', name: 'libssl3', version: '3.0.15-1~deb12u1', arch: 'amd64', sourceName: 'openssl', sourceVersion: '3.0.15-1~deb12u1' }, debian, 'pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&distro=debian-12.8&upstream=openssl'],
    [{ ecosystem: 'apk', name: 'busybox', version: '1.36.1-r15', arch: 'x86_64', sourceName: 'busybox' }, alpine, 'pkg:apk/alpine/busybox@1.36.1-r15?arch=x86_64&distro=3.19.1'],
    [{ ecosystem: 'rpm', name: 'openssl-libs', version: '1:3.0.7-24.el9', arch: 'x86_64', sourceName: 'openssl', properties: { epoch: '1', sourceRpm: 'openssl-3.0.7-24.el9.src.rpm' } }, rocky, 'pkg:rpm/rocky/openssl-libs@3.0.7-24.el9?arch=x86_64&distro=rocky-9.3&epoch=1&upstream=openssl-3.0.7-24.el9.src.rpm'],
    [{ ecosystem: 'npm', name: '@babel/core', version: '7.24.0' }, undefined, 'pkg:npm/%40babel/core@7.24.0'],
    [{ ecosystem: 'pypi', name: 'Django_REST', version: '3.15.1' }, undefined, 'pkg:pypi/django-rest@3.15.1'],
    [{ ecosystem: 'golang', name: 'github.com/spf13/cobra', version: 'v1.8.0' }, undefined, 'pkg:golang/github.com/spf13/cobra@v1.8.0'],
    [{ ecosystem: 'golang', name: 'stdlib', version: '1.21.5' }, undefined, 'pkg:golang/stdlib@1.21.5'],
    [{ ecosystem: 'maven', name: 'org.apache.logging.log4j:log4j-core', version: '2.14.1' }, undefined, 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1'],
    [{ ecosystem: 'composer', name: 'symfony/http-kernel', version: 'v6.4.0' }, undefined, 'pkg:composer/symfony/http-kernel@v6.4.0'],
    [{ ecosystem: 'gem', name: 'rails', version: '7.1.3' }, undefined, 'pkg:gem/rails@7.1.3'],
    [{ ecosystem: 'cargo', name: 'serde', version: '1.0.197' }, undefined, 'pkg:cargo/serde@1.0.197'],
    [{ ecosystem: 'nuget', name: 'Newtonsoft.Json', version: '13.0.3' }, undefined, 'pkg:nuget/Newtonsoft.Json@13.0.3'],
  ];
  for (const [record, os, expected] of cases) {
    it(`${record.ecosystem} ${record.name}`, () => assert.equal(packageUrl(record, os), expected));
  }
});
