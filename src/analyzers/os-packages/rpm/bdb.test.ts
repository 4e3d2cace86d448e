import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseRpmBdb, readBdbHash, rpmBdbAnalyzer } from './bdb.js';
import { RpmTag } from './header.js';
import type { RpmHeaderBlob } from './package.js';
import { readRpmSqliteBlobs } from './sqlite.js';
import {
  buildTestRpms,
  databaseDirectoryWith,
  encodeRpmHeader,
  installIntoSqliteRpmdb,
  missingTools,
  queryRpmdb,
  readExpectedTsv,
  recordFromQuery,
  sharedRpmdb,
  TEST_PACKAGE_RECORDS,
  tsvView,
  writeBdbPackages,
} from './testdata/rpmdb-support.js';

let work: string;
/** Header blobs of the test packages as rpm wrote them, or why they could not be made here. */
let testBlobs: RpmHeaderBlob[] | string;

before(() => {
  work = mkdtempSync(join(tmpdir(), 'customs-rpm-bdb-'));
  const missing = missingTools(['rpmbuild', 'rpm', 'perl-db-file']);
  testBlobs = missing ?? readRpmSqliteBlobs(readFileSync(join(installIntoSqliteRpmdb(work, buildTestRpms(work)), 'rpmdb.sqlite')));
});
after(() => rmSync(work, { recursive: true, force: true }));

const tinyHeader = (name: string): Buffer =>
  encodeRpmHeader([
    [RpmTag.NAME, { type: 'string', values: [name] }],
    [RpmTag.VERSION, { type: 'string', values: ['1.0'] }],
    [RpmTag.RELEASE, { type: 'string', values: ['1'] }],
    [RpmTag.ARCH, { type: 'string', values: ['s390x'] }],
  ]);
const tinyRecord = (name: string) => ({ ecosystem: 'rpm' as const, name, version: '1.0-1', arch: 's390x', properties: { release: '1' } });

/**
 * A hash database written by hand, for what Berkeley DB on this machine will not write: the
 * big-endian byte order of s390x and POWER hosts. Page 0 is the metadata, page 1 bucket 0's only
 * page with two key/data pairs (one value inline, one off page), page 2 the overflow page.
 */
function handBuiltBigEndian(): Buffer {
  const pageSize = 512;
  const file = Buffer.alloc(pageSize * 3);
  const meta = file.subarray(0, pageSize);
  meta.writeUInt32BE(0x061561, 12);
  meta.writeUInt32BE(9, 16);
  meta.writeUInt32BE(pageSize, 20);
  meta[25] = 8;
  meta.writeUInt32BE(2, 32);
  meta.writeUInt32BE(0, 72);
  meta.writeUInt32BE(1, 96); // spares[0]: bucket 0 lives on page 0 + 1
  const inlineBlob = tinyHeader('inline');
  const overflowBlob = tinyHeader('off-page');
  const key = (id: number): Buffer => Buffer.concat([Buffer.from([1]), Buffer.from([0, 0, 0, id])]);
  const offPage = Buffer.alloc(12);
  offPage[0] = 3;
  offPage.writeUInt32BE(2, 4);
  offPage.writeUInt32BE(overflowBlob.length, 8);
  const items = [key(1), Buffer.concat([Buffer.from([1]), inlineBlob]), key(2), offPage];
  const page = file.subarray(pageSize, 2 * pageSize);
  page.writeUInt32BE(1, 8);
  page.writeUInt16BE(items.length, 20);
  page[25] = 13;
  let end = pageSize;
  items.forEach((item, index) => {
    end -= item.length;
    item.copy(page, end);
    page.writeUInt16BE(end, 26 + 2 * index);
  });
  page.writeUInt16BE(end, 22);
  const overflow = file.subarray(2 * pageSize);
  overflow.writeUInt32BE(2, 8);
  overflow.writeUInt16BE(overflowBlob.length, 22);
  overflow[25] = 7;
  overflowBlob.copy(overflow, 26);
  return file;
}

/** Where the off-page item (the fourth on page 1) of handBuiltBigEndian starts. */
const offPageItem = (bytes: Buffer): number => 512 + bytes.readUInt16BE(512 + 26 + 2 * 3);

describe('rpm Berkeley DB database (Packages)', () => {
  it('reads the CentOS 8 libuuid database as expected.tsv and rpm (bdb_ro) list it', (t) => {
    const file = sharedRpmdb('centos8-libuuid-bdb/Packages');
    if (!file) return t.skip('../shared/rpmdb is not present');
    const records = parseRpmBdb(readFileSync(file), 'var/lib/rpm/Packages');
    assert.deepEqual(records, [
      {
        ecosystem: 'rpm',
        name: 'libuuid',
        version: '2.32.1-42.el8_8',
        sourceName: 'util-linux',
        sourceVersion: '2.32.1-42.el8_8',
        arch: 'x86_64',
        licenses: ['BSD'],
        properties: { release: '42.el8_8', sourceRpm: 'util-linux-2.32.1-42.el8_8.src.rpm', vendor: 'Red Hat, Inc.', size: '35104' },
      },
    ]);
    assert.deepEqual(tsvView(records), readExpectedTsv(join(dirname(file), 'expected.tsv')));
    const missing = missingTools(['rpm']);
    if (missing) return t.diagnostic(`not compared with rpm -qa: ${missing}`);
    assert.deepEqual(records, queryRpmdb(databaseDirectoryWith(work, file, 'Packages'), 'bdb_ro').map(recordFromQuery));
  });

  it('reads a Packages file the Berkeley DB library wrote (through Perl DB_File) from real headers', (t) => {
    if (typeof testBlobs === 'string') return t.skip(testBlobs);
    const file = writeBdbPackages(work, testBlobs);
    const bytes = readFileSync(file);
    const records = parseRpmBdb(bytes, 'var/lib/rpm/Packages');
    assert.deepEqual(records, TEST_PACKAGE_RECORDS);
    assert.deepEqual(records, queryRpmdb(databaseDirectoryWith(join(work, 'generated'), file, 'Packages'), 'bdb_ro').map(recordFromQuery));
    assert.throws(() => parseRpmBdb(bytes.subarray(0, Math.floor(bytes.length / 2 / 4096) * 4096), 'x'), /^Error: Berkeley DB hash: page \d+ is past the end of the file \(\d+ pages\): truncated\?$/);
  });

  it('walks every bucket of a grown hash table, with small pages and long overflow chains', (t) => {
    if (typeof testBlobs === 'string') return t.skip(testBlobs);
    const blobs = testBlobs;
    // 160 records with 4 keys per bucket split the table many times; 512-byte pages put each header on a chain of overflow pages.
    const many = Array.from({ length: 160 }, (_, index) => ({ id: index + 1, blob: blobs[index % blobs.length]!.blob }));
    for (const pageSize of [512, 4096]) {
      const bytes = readFileSync(writeBdbPackages(join(work, `many-${pageSize}`), many, { pageSize, fillFactor: 4 }));
      const contents = readBdbHash(bytes);
      assert.equal(contents.items.length, 161, 'the 160 packages and the record counter');
      assert.ok(bytes.readUInt32LE(72) >= 32, `page size ${pageSize}: the table has grown to ${bytes.readUInt32LE(72) + 1} buckets`);
      assert.deepEqual(parseRpmBdb(bytes, 'x'), many.map((_, index) => TEST_PACKAGE_RECORDS[index % TEST_PACKAGE_RECORDS.length]));
    }
  });

  it('reads big-endian files, with values inline on the hash page and on overflow pages', () => {
    assert.deepEqual(parseRpmBdb(handBuiltBigEndian(), 'x'), [tinyRecord('inline'), tinyRecord('off-page')]);
  });

  it('reads small headers that Berkeley DB stores inline on the hash page', (t) => {
    const missing = missingTools(['perl-db-file']);
    if (missing) return t.skip(missing);
    const bytes = readFileSync(writeBdbPackages(join(work, 'inline'), [{ id: 2, blob: tinyHeader('small-two') }, { id: 1, blob: tinyHeader('small-one') }]));
    assert.deepEqual(parseRpmBdb(bytes, 'x'), [tinyRecord('small-one'), tinyRecord('small-two')]);
  });

  it('refuses damaged and foreign files with a message, without looping', () => {
    const handBuilt = handBuiltBigEndian();
    const damaged = (change: (bytes: Buffer) => void, source = handBuilt): Buffer => {
      const copy = Buffer.from(source);
      change(copy);
      return copy;
    };
    const cases: Array<[string, Buffer, RegExp]> = [
      ['short', Buffer.alloc(100), /^Error: not a Berkeley DB database: 100 bytes is shorter than its metadata page$/],
      ['no magic', Buffer.alloc(1024, 0x41), /^Error: not a Berkeley DB hash database \(no 0x061561 magic\)$/],
      ['B-tree', damaged((bytes) => bytes.writeUInt32BE(0x053162, 12)), /^Error: a Berkeley DB B-tree database, not the hash database rpm writes$/],
      ['version', damaged((bytes) => bytes.writeUInt32BE(3, 16)), /^Error: Berkeley DB hash version 3 is not supported$/],
      ['page size', damaged((bytes) => bytes.writeUInt32BE(1000, 20)), /^Error: Berkeley DB hash: page size 1000 is not a power of two from 512 to 65536$/],
      ['encrypted', damaged((bytes) => (bytes[24] = 1)), /^Error: Berkeley DB hash database is encrypted$/],
      ['meta type', damaged((bytes) => (bytes[25] = 9)), /^Error: Berkeley DB hash: page 0 has type 9, not hash metadata$/],
      ['buckets', damaged((bytes) => bytes.writeUInt32BE(5, 72)), /^Error: Berkeley DB hash: max_bucket 5 exceeds the 3 pages in the file$/],
      ['bucket page type', damaged((bytes) => (bytes[512 + 25] = 5)), /^Error: Berkeley DB hash: bucket 0 leads to page 1 of type 5, not a hash page$/],
      ['loop', damaged((bytes) => bytes.writeUInt32BE(1, 512 + 16)), /^Error: Berkeley DB hash: page 1 is linked twice \(bucket 0\)$/],
      ['next past the end', damaged((bytes) => bytes.writeUInt32BE(40, 512 + 16)), /^Error: Berkeley DB hash: page 40 is past the end of the file \(3 pages\): truncated\?$/],
      ['truncated', handBuilt.subarray(0, 1024), /^Error: Berkeley DB hash: page 2 is past the end of the file \(2 pages\): truncated\?$/],
      ['odd entries', damaged((bytes) => bytes.writeUInt16BE(3, 512 + 20)), /^Error: Berkeley DB hash: page 1 has a bad entry count 3$/],
      ['item offset', damaged((bytes) => bytes.writeUInt16BE(10, 512 + 26)), /^Error: Berkeley DB hash: page 1 item 0 has a bad offset 10$/],
      ['item kind', damaged((bytes) => (bytes[1024 - 5] = 9)), /^Error: Berkeley DB hash: page 1 has an item of unknown kind 9$/],
      ['duplicates', damaged((bytes) => (bytes[1024 - 5] = 2)), /^Error: Berkeley DB hash: page 1 holds duplicate items, which rpm's Packages database never has$/],
      ['overflow type', damaged((bytes) => (bytes[1024 + 25] = 13)), /^Error: Berkeley DB hash: page 2 in an overflow chain has type 13$/],
      ['overflow length', damaged((bytes) => bytes.writeUInt16BE(0, 1024 + 22)), /^Error: Berkeley DB hash: overflow page 2 has a bad length 0$/],
      [
        'overflow loop',
        damaged((bytes) => {
          bytes.writeUInt16BE(1, 1024 + 22);
          bytes.writeUInt32BE(2, 1024 + 16);
        }),
        /^Error: Berkeley DB hash: overflow page 2 is used twice \(a loop, or a chain shared by two items\)$/,
      ],
      [
        'shared chain',
        damaged((bytes) => {
          // The inline item (the second on page 1) turned into a second reference to page 2's chain.
          const inline = 512 + bytes.readUInt16BE(512 + 26 + 2);
          bytes.copy(bytes, inline, offPageItem(bytes), offPageItem(bytes) + 12);
        }),
        /^Error: Berkeley DB hash: overflow page 2 is used twice \(a loop, or a chain shared by two items\)$/,
      ],
      ['overflow chain short', damaged((bytes) => bytes.writeUInt16BE(10, 1024 + 22)), /^Error: Berkeley DB hash: overflow chain from page 2 ends after 10 of \d+ bytes$/],
      ['overflow too long', damaged((bytes) => bytes.writeUInt32BE(1e6, offPageItem(bytes) + 8)), /^Error: Berkeley DB hash: an overflow item claims 1000000 bytes, more than the file holds$/],
    ];
    for (const [what, bytes, message] of cases) assert.throws(() => parseRpmBdb(bytes, 'x'), message, what);
  });

  it('is the analyzer for Packages in both rpmdb directories', () => {
    assert.equal(rpmBdbAnalyzer.name, 'os-packages/rpm-bdb');
    const info = { path: '', type: 'file' as const, mode: 0o644, size: 1, uid: 0, gid: 0 };
    assert.deepEqual(
      ['var/lib/rpm/Packages', 'usr/lib/sysimage/rpm/Packages', 'var/lib/rpm/Packages.db', 'var/lib/rpm/Name', 'srv/var/lib/rpm/Packages'].map((path) => rpmBdbAnalyzer.required(path, { ...info, path })),
      [true, true, false, false, false],
    );
  });
});
