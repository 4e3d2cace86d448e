import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertInvalid, assertOrderTable, assertValid } from '../test-helpers.js';
import { Invalid } from '../util.js';
import { dpkg, parseDpkgVersion, verrevcmp } from './index.js';

/**
 * [a, b, sign of compare(a, b)]. Every row was checked against `dpkg --compare-versions`
 * (dpkg 1.21.22); the first rows restate lib/dpkg/t/t-version.c.
 */
const ORDER: [string, string, number][] = [
  ["0", "0:0", 0],
  ["0", "0:0-0", 0],
  ["0:0.0-0.0", "0.0-0.0", 0],
  ["1:0", "0:9", 1],
  ["1:0", "9", 1],
  ["5:1", "4:99", 1],
  ["0:0-0-0", "0-0-0", 0],
  ["0:0:0-0", "0:0:0-0", 0],
  ["0:0:0-0", "0:0-0", 1],
  ["0:09azAZ.-+~:-0", "0:09azAZ.-+~:-0", 0],
  ["0:0-azAZ09.+~", "0:0-azAZ09.+~", 0],
  ["1.0~rc1", "1.0", -1],
  ["1.0~~", "1.0~", -1],
  ["1.0~", "1.0", -1],
  ["1.0~~a", "1.0~~", 1],
  ["1.0~rc1", "1.0~rc2", -1],
  ["1.0~rc1~git123", "1.0~rc1", -1],
  ["1.0", "1.0a", -1],
  ["1.0", "1.0+b1", -1],
  ["1.0a", "1.0+b1", -1],
  ["1.0", "1.0-0", 0],
  ["1.0", "1.00", 0],
  ["1.0", "1.0.0", -1],
  ["1.0.0", "1.0+0", 1],
  ["2.30-2", "2.30-10", -1],
  ["1:1.0", "2.0", 1],
  ["a", "b", -1],
  ["1.2.3-1ubuntu1", "1.2.3-1", 1],
  ["1.2.3-1+deb11u1", "1.2.3-1", 1],
  ["1.2.3-1~deb10u1", "1.2.3-1", -1],
  ["7.4.052-1ubuntu3", "7.4.052-1ubuntu3.1", -1],
  ["2:8.2.3995-1ubuntu2.15", "2:8.2.3995-1ubuntu2.9", 1],
  ["1.0-1", "1.0-1.1", -1],
  ["1.18.4-2+deb11u2", "1.18.4-2+deb11u10", -1],
  ["3.0.7-1", "3.0.7-1+b1", -1],
  ["abc", "ABC", 1],
  ["1.0a", "1.0A", 1],
  ["1.0+", "1.0.", -1],
  ["1.0.", "1.0~", 1],
  ["00:1", "0:1", 0],
  ["1.01", "1.1", 0],
  ["1.001", "1.1", 0],
  ["9", "10", -1],
  ["1.10", "1.9", 1],
  ["1.0é", "1.0z", 1],
  ["1.0é", "1.0~", 1],
  ["2.36-9+deb12u4", "2.36-9+deb12u10", -1],
  ["1:2.36-9", "2.37", 1],
  ["0.0.0+git20190101-1", "0.0.0+git20181231-3", 1],
  ["1.2.3+dfsg-1", "1.2.3-1", 1],
  ["1.2.3+dfsg-1", "1.2.3+dfsg1-1", -1],
  ["7.88.1-10+deb12u5", "7.88.1-10+deb12u12", -1],
  ["5.2.15-2+b2", "5.2.15-2+b7", -1],
  ["1.1.1n-0+deb11u5", "1.1.1n-0+deb11u4", 1],
  ["1.1.1w-0+deb11u1", "1.1.1n-0+deb11u5", 1],
  ["252.22-1~deb12u1", "252.22-1", -1],
  ["3.0.11-1~deb12u2", "3.0.11-1~deb12u1", 1],
  ["2.4.57-2", "2.4.57-2ubuntu1", -1],
  ["1:9.18.19-1~deb12u1", "1:9.18.24-1", -1],
  [" 1.0", "1.0", 0],
  ["1.0\t", "1.0", 0],
  ["1.0 ", "1.0-0", 0],
  ["0:abc3-0", "0:abc4-0", -1],
  ["+1:1", "1:1", 0],
  ["-0:1", "0:1", 0],
  ["1.2-3-4", "1.2-3-5", -1],
  ["1.2-3-4", "1.2-4-1", -1],
  ["1.2.3~beta.1", "1.2.3~beta.1+git1", -1],
  ["12345678901234567890", "12345678901234567891", -1],
  ["1.0~alpha", "1.0~beta", -1],
  ["1.0-~", "1.0-0", -1],
  ["1.0+~", "1.0+", -1],
];

/** t-version.c's parse cases: the version string and the epoch, upstream and revision dpkg reads. */
const PARSED: [string, number, string, string][] = [
  ['0', 0, '0', ''],
  ['0:0', 0, '0', ''],
  ['0:0-0', 0, '0', '0'],
  ['0:0.0-0.0', 0, '0.0', '0.0'],
  ['1:0', 1, '0', ''],
  ['5:1', 5, '1', ''],
  ['0:0-0-0', 0, '0-0', '0'],
  ['0:0-0-0-0', 0, '0-0-0', '0'],
  ['0:0:0-0', 0, '0:0', '0'],
  ['0:0:0:0-0', 0, '0:0:0', '0'],
  ['0:0:0-0-0', 0, '0:0-0', '0'],
  ['0:0-0:0-0', 0, '0-0:0', '0'],
  ['0:09azAZ.-+~:-0', 0, '09azAZ.-+~:', '0'],
  ['0:0-azAZ09.+~', 0, '0', 'azAZ09.+~'],
  ['  \t0:0-1', 0, '0', '1'],
  ['0:0-1\t  ', 0, '0', '1'],
  ['\t  0:0-1  \t', 0, '0', '1'],
  ['2147483647:1', 2147483647, '1', ''],
];

/** Versions dpkg refuses with an error (t-version.c and `dpkg --compare-versions`). */
const INVALID = ['', '  ', '0:', '0:0 0-1', '-1:0-1', '999999999999999999999999:0-1', '2147483648:1', 'a:0-0', 'A:0-0', '-0', '0:-0', '1.0-', '1:2:3-', ':1', '+:1', '1.0 1', 'not a version!'];

/** Non-ASCII bytes, checked against dpkg on amd64 (where char is signed). */
const NON_ASCII: [string, string, number][] = [
  ['1é', '1.0beta', -1],
  ['1é', '1.0A', -1],
  ['1.2.3.0', '1é01+', 1],
  ['1érc1ubuntu1', '1.2.3+b1', -1],
  ['1éa', '1éb', -1],
  ['1é', '1z', 1],
];

/** Versions dpkg only warns about (bad first character, bad characters): it still orders them. */
const WARNED = ['0:abc3-0', '0:0!-0', '0:0#-0', '0:0_-0', '0:0-0:0', '0:0-0_', 'é1'];

describe('dpkg', () => {
  it('orders like dpkg --compare-versions', () => {
    assertOrderTable(dpkg, ORDER);
    assertOrderTable(dpkg, NON_ASCII);
  });

  it('splits epoch, upstream and revision as parseversion() does', () => {
    for (const [input, epoch, upstream, revision] of PARSED) {
      assert.deepEqual(parseDpkgVersion(input), { epoch, upstream, revision }, JSON.stringify(input));
    }
  });

  it('refuses what dpkg refuses, naming the version and the scheme', () => {
    assertInvalid(dpkg, INVALID);
    for (const version of INVALID) assert.ok(parseDpkgVersion(version) instanceof Invalid);
  });

  it('accepts what dpkg only warns about', () => {
    assertValid(dpkg, WARNED);
  });

  it('sorts ~ before everything, the end of a part next, letters, non-ASCII bytes, then punctuation', () => {
    const sorted = ['1.0~~', '1.0~~a', '1.0~', '1.0', '1.0A', '1.0a', '1.0é', '1.0+', '1.0.'];
    for (let i = 1; i < sorted.length; i++) assert.ok(verrevcmp(sorted[i - 1]!, sorted[i]!) < 0, `${sorted[i - 1]} < ${sorted[i]}`);
  });

  it('compares digit runs of any length numerically', () => {
    assert.equal(verrevcmp('123456789012345678901234567890', '123456789012345678901234567891'), -1);
    assert.equal(verrevcmp('000123', '123'), 0);
  });
});
