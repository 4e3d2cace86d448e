import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PackageRecord } from '../../../core/package.js';
import { headerNumber, headerString, headerValue, readRpmHeader, RpmTag, type RpmTagValue } from './header.js';
import { parseSourceRpmName, rpmPackageFromHeader, rpmPackagesFromBlobs } from './package.js';
import { encodeRpmHeader, type HeaderEntryValue } from './testdata/rpmdb-support.js';

const str = (value: string): HeaderEntryValue => ({ type: 'string', values: [value] });
const int32 = (...values: number[]): HeaderEntryValue => ({ type: 'int32', values });

/** The tags of an openssl-libs package as RHEL 9 installs it. */
function opensslLibs(overrides: ReadonlyArray<[number, HeaderEntryValue]> = []): Array<[number, HeaderEntryValue]> {
  const base: Array<[number, HeaderEntryValue]> = [
    [RpmTag.NAME, str('openssl-libs')],
    [RpmTag.VERSION, str('3.0.7')],
    [RpmTag.RELEASE, str('24.el9')],
    [RpmTag.EPOCH, int32(1)],
    [RpmTag.SIZE, int32(6264843)],
    [RpmTag.VENDOR, str('Red Hat, Inc.')],
    [RpmTag.LICENSE, str('ASL 2.0')],
    [RpmTag.ARCH, str('x86_64')],
    [RpmTag.SOURCERPM, str('openssl-3.0.7-24.el9.src.rpm')],
  ];
  const replaced = new Set(overrides.map(([tag]) => tag));
  return [...base.filter(([tag]) => !replaced.has(tag)), ...overrides];
}

/** Every package tag of a blob, decoded: what a reader touching everything would see. */
function decodeAll(blob: Buffer): Array<[number, RpmTagValue | undefined]> {
  const header = readRpmHeader(blob);
  return [...header.entries.keys()].map((tag) => [tag, headerValue(header, tag)]);
}

describe('rpm header blobs', () => {
  it('decodes every value type, skips region tags and lets a later (dribble) entry win', () => {
    const blob = encodeRpmHeader([
      [63, { type: 'bin', bytes: [0, 0, 0, 63, 0, 0, 0, 7, 255, 255, 255, 176, 0, 0, 0, 16] }],
      [RpmTag.NAME, str('bash')],
      [1016, { type: 'i18n', values: ['System Environment/Shells', 'Système'] }],
      [1117, { type: 'string-array', values: ['bash', 'bashbug', 'sh'] }],
      [1030, { type: 'int16', values: [0o100755, 0o120777] }],
      [1029, { type: 'char', values: [65, 66] }],
      [1035, { type: 'int8', values: [7] }],
      [RpmTag.LONGSIZE, { type: 'int64', values: [2 ** 40 + 5] }],
      [RpmTag.EPOCH, int32(4, 5)],
      [1012, { type: 'bin', bytes: [0xde, 0xad] }],
      [RpmTag.NAME, str('bash-dribble')],
    ]);
    assert.deepEqual(
      decodeAll(blob),
      [
        [RpmTag.NAME, { type: 'string', value: 'bash-dribble' }],
        [1016, { type: 'string', value: 'System Environment/Shells' }],
        [1117, { type: 'string-array', values: ['bash', 'bashbug', 'sh'] }],
        [1030, { type: 'int', values: [0o100755, 0o120777] }],
        [1029, { type: 'int', values: [65, 66] }],
        [1035, { type: 'int', values: [7] }],
        [RpmTag.LONGSIZE, { type: 'int', values: [2 ** 40 + 5] }],
        [RpmTag.EPOCH, { type: 'int', values: [4, 5] }],
        [1012, { type: 'bin', bytes: Buffer.from([0xde, 0xad]) }],
      ],
    );
    const header = readRpmHeader(blob);
    assert.equal(headerString(header, 1016), 'System Environment/Shells');
    assert.equal(headerNumber(header, RpmTag.EPOCH), 4);
    assert.equal(headerString(header, RpmTag.VENDOR), undefined);
    assert.throws(() => headerString(header, RpmTag.EPOCH), /^Error: rpm header tag 1003: type 4 where a string belongs$/);
    assert.throws(() => headerNumber(header, RpmTag.NAME), /^Error: rpm header tag 1000: type 6 where a number belongs$/);
  });

  it('refuses hostile blobs with a clear message instead of reading out of bounds', () => {
    // Entry 0 (NAME) at bytes 8-23, entry 1 (EPOCH) at 24-39: tag, type, offset, count; 12 bytes of data from 40.
    const good = encodeRpmHeader([[RpmTag.NAME, str('bash')], [RpmTag.EPOCH, int32(1)]]);
    const withWord = (at: number, value: number): Buffer => withWords(good, [[at, value]]);
    const cases: Array<[string, Buffer, RegExp]> = [
      ['too short', Buffer.from([0, 0, 0]), /3 bytes is too short/],
      ['no entries', withWord(0, 0), /0 index entries/],
      ['too many entries', withWord(0, 0x10000), /65536 index entries/],
      ['huge data store', withWord(4, 0x7fffffff), /over rpm's limit/],
      ['truncated', good.subarray(0, good.length - 1), /truncated: its index and data need 52 bytes, the blob has 51/],
      ['offset outside', withWord(16, 1000), /tag 1000: offset 1000 is outside the 12-byte data store/],
      ['count too big', withWord(36, 3), /tag 1003: 3 values of 4 bytes run past the data store/],
      ['count zero', withWord(36, 0), /tag 1003: count is 0/],
      ['unknown type', withWord(12, 42), /tag 1000: unknown type 42/],
      ['string array count too big', withWords(good, [[12, 8], [20, 100]]), /tag 1000: 100 strings cannot fit/],
      ['string with count 2', withWord(20, 2), /tag 1000: a STRING with count 2/],
    ];
    for (const [what, blob, message] of cases) assert.throws(() => decodeAll(blob), message, what);
    // The NUL of "bash" overwritten: the string would run into the epoch's bytes and off the end.
    const unterminated = Buffer.from(good);
    unterminated.fill(0x41, 40, unterminated.length);
    assert.throws(() => decodeAll(unterminated), /tag 1000: string is not NUL-terminated inside the data store/);
    assert.throws(() => decodeAll(withWord(12, 0)), /^Error: rpm header tag 1000: has the NULL type$/);
  });

  it('decodes a tag once however many index entries repeat it', () => {
    // 65535 entries all naming the same 4 MiB string: decoding each would scan 256 GiB.
    const entries = 0xffff;
    const data = Buffer.alloc(4 * 1024 * 1024, 0x61);
    data[data.length - 1] = 0;
    const blob = Buffer.alloc(8 + entries * 16 + data.length);
    blob.writeUInt32BE(entries, 0);
    blob.writeUInt32BE(data.length, 4);
    for (let entry = 0; entry < entries; entry++) {
      blob.writeUInt32BE(RpmTag.NAME, 8 + entry * 16);
      blob.writeUInt32BE(6, 8 + entry * 16 + 4);
      blob.writeUInt32BE(1, 8 + entry * 16 + 12);
    }
    data.copy(blob, 8 + entries * 16);
    const started = performance.now();
    assert.throws(() => rpmPackageFromHeader(blob), /^Error: rpm package a{80}… has no VERSION$/);
    assert.ok(performance.now() - started < 2000, 'decoded in well under two seconds');
  });

  it('maps a header to a package record: EVR, epoch property, source package, license, vendor, size', () => {
    assert.deepEqual(rpmPackageFromHeader(encodeRpmHeader(opensslLibs([[RpmTag.MODULARITYLABEL, str('openssl:3:9020020230101:abc')]]))), {
      ecosystem: 'rpm',
      name: 'openssl-libs',
      version: '1:3.0.7-24.el9',
      sourceName: 'openssl',
      sourceVersion: '1:3.0.7-24.el9',
      arch: 'x86_64',
      licenses: ['ASL 2.0'],
      properties: { epoch: '1', release: '24.el9', sourceRpm: 'openssl-3.0.7-24.el9.src.rpm', modularityLabel: 'openssl:3:9020020230101:abc', vendor: 'Red Hat, Inc.', size: '6264843' },
    });
    // Epoch 0 is kept as a fact but not written into the version, as rpm's %{EVR} does.
    assert.deepEqual(rpmPackageFromHeader(encodeRpmHeader(opensslLibs([[RpmTag.EPOCH, int32(0)]]))), {
      ecosystem: 'rpm',
      name: 'openssl-libs',
      version: '3.0.7-24.el9',
      sourceName: 'openssl',
      sourceVersion: '3.0.7-24.el9',
      arch: 'x86_64',
      licenses: ['ASL 2.0'],
      properties: { epoch: '0', release: '24.el9', sourceRpm: 'openssl-3.0.7-24.el9.src.rpm', vendor: 'Red Hat, Inc.', size: '6264843' },
    });
    // LONGSIZE (rpm writes it for packages over 4 GiB) wins over SIZE; no epoch, license, vendor or source rpm at all.
    const bare = encodeRpmHeader([
      [RpmTag.NAME, str('big-data')],
      [RpmTag.VERSION, str('1')],
      [RpmTag.RELEASE, str('1')],
      [RpmTag.SIZE, int32(1)],
      [RpmTag.LONGSIZE, { type: 'int64', values: [5_000_000_000] }],
    ]);
    assert.deepEqual(rpmPackageFromHeader(bare), { ecosystem: 'rpm', name: 'big-data', version: '1-1', properties: { release: '1', size: '5000000000' } });
  });

  it('skips gpg-pubkey pseudo packages and names the record of a broken header', () => {
    const pubkey = encodeRpmHeader([
      [RpmTag.NAME, str('gpg-pubkey')],
      [RpmTag.VERSION, str('fd431d51')],
      [RpmTag.RELEASE, str('4ae0493b')],
    ]);
    assert.equal(rpmPackageFromHeader(pubkey), undefined);
    const packages = rpmPackagesFromBlobs([
      { id: 7, blob: encodeRpmHeader(opensslLibs()) },
      { id: 3, blob: pubkey },
      { id: 2, blob: encodeRpmHeader(opensslLibs([[RpmTag.NAME, str('openssl')]])) },
    ]);
    const openssl = (name: string): PackageRecord => ({
      ecosystem: 'rpm',
      name,
      version: '1:3.0.7-24.el9',
      sourceName: 'openssl',
      sourceVersion: '1:3.0.7-24.el9',
      arch: 'x86_64',
      licenses: ['ASL 2.0'],
      properties: { epoch: '1', release: '24.el9', sourceRpm: 'openssl-3.0.7-24.el9.src.rpm', vendor: 'Red Hat, Inc.', size: '6264843' },
    });
    // In record-number order, which is the order rpm installed them in.
    assert.deepEqual(packages, [openssl('openssl'), openssl('openssl-libs')]);
    assert.throws(() => rpmPackagesFromBlobs([{ id: 12, blob: encodeRpmHeader([[RpmTag.VERSION, str('1')]]) }]), /^Error: rpmdb record 12: rpm header has no NAME$/);
    assert.throws(() => rpmPackagesFromBlobs([{ id: 13, blob: encodeRpmHeader([[RpmTag.NAME, str('x')], [RpmTag.VERSION, str('1')]]) }]), /^Error: rpmdb record 13: rpm package x has no RELEASE$/);
    assert.throws(() => rpmPackagesFromBlobs([{ id: 14, blob: encodeRpmHeader([[RpmTag.NAME, int32(5)]]) }]), /^Error: rpmdb record 14: rpm header tag 1000: type 4 where a string belongs$/);
    assert.throws(() => rpmPackagesFromBlobs([{ id: 15, blob: Buffer.from('garbage') }]), /^Error: rpmdb record 15: rpm header of 7 bytes is too short$/);
  });

  it('splits source rpm file names', () => {
    assert.deepEqual(parseSourceRpmName('util-linux-2.32.1-42.el8_8.src.rpm'), { name: 'util-linux', version: '2.32.1', release: '42.el8_8' });
    assert.deepEqual(parseSourceRpmName('ca-certificates-mozilla-prebuilt-2.44-21.1.src.rpm'), { name: 'ca-certificates-mozilla-prebuilt', version: '2.44', release: '21.1' });
    assert.deepEqual(parseSourceRpmName('kernel-5.14.0-1.nosrc.rpm'), { name: 'kernel', version: '5.14.0', release: '1' });
    assert.equal(parseSourceRpmName('notasourcerpm.rpm'), undefined);
    assert.equal(parseSourceRpmName('name-1.0.src.rpm'), undefined);
  });
});

function withWords(blob: Buffer, words: ReadonlyArray<[number, number]>): Buffer {
  const copy = Buffer.from(blob);
  for (const [at, value] of words) copy.writeUInt32BE(value, at);
  return copy;
}
