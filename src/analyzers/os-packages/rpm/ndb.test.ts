import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RpmTag } from './header.js';
import { parseRpmNdb, rpmNdbAnalyzer } from './ndb.js';
import { readRpmSqliteBlobs } from './sqlite.js';
import { buildTestRpms, encodeRpmHeader, installIntoSqliteRpmdb, missingTools, readExpectedTsv, sharedRpmdb, TEST_PACKAGE_RECORDS, tsvView, writeNdbPackages } from './testdata/rpmdb-support.js';

let work: string;
before(() => {
  work = mkdtempSync(join(tmpdir(), 'customs-rpm-ndb-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

const tinyHeader = (name: string): Buffer =>
  encodeRpmHeader([
    [RpmTag.NAME, { type: 'string', values: [name] }],
    [RpmTag.VERSION, { type: 'string', values: ['15.0'] }],
    [RpmTag.RELEASE, { type: 'string', values: ['11.3.2'] }],
    [RpmTag.ARCH, { type: 'string', values: ['aarch64'] }],
  ]);
const tinyRecord = (name: string) => ({ ecosystem: 'rpm' as const, name, version: '15.0-11.3.2', arch: 'aarch64', properties: { release: '11.3.2' } });

describe('rpm ndb database (Packages.db)', () => {
  it('reads the SLE 15 BCI database: the packages expected.tsv lists, with every field', (t) => {
    const file = sharedRpmdb('sle15-bci-ndb/Packages.db');
    if (!file) return t.skip('../shared/rpmdb is not present');
    const records = parseRpmNdb(readFileSync(file), 'var/lib/rpm/Packages.db');
    assert.equal(records.length, 35);
    assert.deepEqual(tsvView(records), readExpectedTsv(join(dirname(file), 'expected.tsv')));
    assert.deepEqual(
      records.filter((record) => record.name === 'libstdc++6' || record.name === 'file-magic'),
      [
        {
          ecosystem: 'rpm',
          name: 'libstdc++6',
          version: '11.2.1+git610-1.3.9',
          sourceName: 'gcc11',
          sourceVersion: '11.2.1+git610-1.3.9',
          arch: 'x86_64',
          licenses: ['GPL-3.0-or-later WITH GCC-exception-3.1'],
          properties: { release: '1.3.9', sourceRpm: 'gcc11-11.2.1+git610-1.3.9.src.rpm', vendor: 'SUSE LLC <https://www.suse.com/>', size: '2161776' },
        },
        {
          ecosystem: 'rpm',
          name: 'file-magic',
          version: '5.32-7.14.1',
          sourceName: 'file',
          sourceVersion: '5.32-7.14.1',
          arch: 'noarch',
          licenses: ['BSD-2-Clause'],
          properties: { release: '7.14.1', sourceRpm: 'file-5.32-7.14.1.src.rpm', vendor: 'SUSE LLC <https://www.suse.com/>', size: '5916442' },
        },
      ],
    );
  });

  it('reads an ndb file laid out as rpmpkg.c writes it, from headers rpm wrote, in package-index order', (t) => {
    const missing = missingTools(['rpmbuild', 'rpm']);
    if (missing) return t.skip(missing);
    const blobs = readRpmSqliteBlobs(readFileSync(join(installIntoSqliteRpmdb(work, buildTestRpms(work)), 'rpmdb.sqlite')));
    assert.deepEqual(parseRpmNdb(writeNdbPackages(blobs), 'x'), TEST_PACKAGE_RECORDS);
    // Slots are reused after deletions, so slot order says nothing: a freed slot first, blobs in reverse.
    assert.deepEqual(parseRpmNdb(writeNdbPackages([...blobs].reverse(), { freeSlotFirst: true }), 'x'), TEST_PACKAGE_RECORDS);
  });

  it('reads slots from every slot page', () => {
    // 300 packages need two slot pages of 254 and 256 slots.
    const names = Array.from({ length: 300 }, (_, index) => `pkg-${index + 1}`);
    const bytes = writeNdbPackages(names.map((name, index) => ({ id: index + 1, blob: tinyHeader(name) })));
    assert.equal(bytes.readUInt32LE(12), 2);
    assert.deepEqual(parseRpmNdb(bytes, 'x'), names.map(tinyRecord));
  });

  it('refuses damaged files with a message naming the package', () => {
    const good = writeNdbPackages([
      { id: 1, blob: tinyHeader('filesystem') },
      { id: 2, blob: tinyHeader('glibc') },
    ]);
    assert.deepEqual(parseRpmNdb(good, 'x'), [tinyRecord('filesystem'), tinyRecord('glibc')]);
    // Slot 2 (bytes 32-47) describes package 1, slot 3 (48-63) package 2; blobs start at byte 4096.
    const firstBlobEnd = 4096 + 16 * good.readUInt32LE(44);
    const damaged = (change: (bytes: Buffer) => void): Buffer => {
      const copy = Buffer.from(good);
      change(copy);
      return copy;
    };
    const cases: Array<[string, Buffer, RegExp]> = [
      ['empty', Buffer.alloc(0), /^Error: not an rpm ndb Packages.db \(no "RpmP" magic\)$/],
      ['magic', damaged((bytes) => bytes.write('RpmX', 0, 'latin1')), /^Error: not an rpm ndb Packages.db \(no "RpmP" magic\)$/],
      ['version', damaged((bytes) => bytes.writeUInt32LE(1, 4)), /^Error: rpm ndb version 1 is not supported$/],
      ['slot pages', damaged((bytes) => bytes.writeUInt32LE(100, 12)), /^Error: rpm ndb: 100 slot pages do not fit in the \d+-byte file$/],
      ['no slot pages', damaged((bytes) => bytes.writeUInt32LE(0, 12)), /^Error: rpm ndb: 0 slot pages do not fit/],
      ['slot magic', damaged((bytes) => bytes.write('Slop', 48, 'latin1')), /^Error: rpm ndb: slot at byte 48 has no "Slot" magic$/],
      ['package index 0', damaged((bytes) => bytes.writeUInt32LE(0, 36)), /^Error: rpm ndb package 0: bad slot \(block 256, \d+ blocks\)$/],
      ['inside the slot pages', damaged((bytes) => bytes.writeUInt32LE(3, 40)), /^Error: rpm ndb package 1: bad slot \(block 3, \d+ blocks\)$/],
      ['past the end', damaged((bytes) => bytes.writeUInt32LE(100000, 44)), /^Error: rpm ndb package 1: blocks 256\+100000 are past the end of the file: truncated\?$/],
      ['two slots', damaged((bytes) => bytes.writeUInt32LE(1, 52)), /^Error: rpm ndb package 1: two slots for one package$/],
      ['overlap', damaged((bytes) => bytes.writeUInt32LE(bytes.readUInt32LE(40) + 1, 56)), /^Error: rpm ndb package 2: its blob overlaps the one of package 1$/],
      ['blob magic', damaged((bytes) => bytes.write('BlbX', 4096, 'latin1')), /^Error: rpm ndb package 1: blob has no "BlbS" magic$/],
      ['blob owner', damaged((bytes) => bytes.writeUInt32LE(7, 4100)), /^Error: rpm ndb package 1: blob belongs to package 7$/],
      ['blob length', damaged((bytes) => bytes.writeUInt32LE(5000, 4108)), /^Error: rpm ndb package 1: blob length 5000 does not match its \d+ blocks$/],
      ['tail', damaged((bytes) => bytes.write('BlbX', firstBlobEnd - 4, 'latin1')), /^Error: rpm ndb package 1: blob tail is damaged$/],
      ['header', damaged((bytes) => bytes.writeUInt32LE(0, 4096 + 16)), /^Error: rpmdb record 1: rpm header has 0 index entries/],
    ];
    for (const [what, bytes, message] of cases) assert.throws(() => parseRpmNdb(bytes, 'x'), message, what);
  });

  it('is the analyzer for Packages.db in both rpmdb directories', async () => {
    assert.equal(rpmNdbAnalyzer.name, 'os-packages/rpm-ndb');
    const info = { path: '', type: 'file' as const, mode: 0o644, size: 1, uid: 0, gid: 0 };
    assert.deepEqual(
      ['usr/lib/sysimage/rpm/Packages.db', 'var/lib/rpm/Packages.db', 'usr/lib/sysimage/rpm/Index.db', 'var/lib/rpm/Packages'].map((path) => rpmNdbAnalyzer.required(path, { ...info, path })),
      [true, true, false, false],
    );
  });
});
