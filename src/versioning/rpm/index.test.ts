import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertInvalid, assertOrderTable, assertValid, sharedVectorsDir } from '../test-helpers.js';
import { parseRpmEvr, rpm, rpmvercmp } from './index.js';

/** rpm's tests/rpmvercmp.at, restated: [a, b, rpmvercmp(a, b)]. */
const VERCMP: [string, string, number][] = [
  ['1.0', '1.0', 0],
  ['1.0', '2.0', -1],
  ['2.0.1', '2.0', 1],
  ['2.0.1a', '2.0.1', 1],
  ['5.5p1', '5.5p2', -1],
  ['5.5p10', '5.5p1', 1],
  ['10xyz', '10.1xyz', -1],
  ['xyz10', 'xyz10.1', -1],
  ['xyz.4', '8', -1],
  ['xyz.4', '2', -1],
  ['5.5p2', '5.6p1', -1],
  ['6.0.rc1', '6.0', 1],
  ['10b2', '10a1', 1],
  ['10a2', '10b2', -1],
  ['1.0a', '1.0aa', -1],
  ['10.0001', '10.1', 0],
  ['10.0001', '10.0039', -1],
  ['4.999.9', '5.0', -1],
  ['20101121', '20101122', -1],
  ['2.0', '2_0', 0],
  ['a+', 'a_', 0],
  ['+a', '_a', 0],
  ['_+', '+_', 0],
  ['+', '_', 0],
  ['1.0~rc1', '1.0', -1],
  ['1.0~rc1', '1.0~rc2', -1],
  ['1.0~rc1~git123', '1.0~rc1', -1],
  ['1.0^', '1.0', 1],
  ['1.0^git1', '1.0', 1],
  ['1.0^git1', '1.0^git2', -1],
  ['1.0^git1', '1.01', -1],
  ['1.0^20160101', '1.0.1', -1],
  ['1.0^20160102', '1.0^20160101^git1', 1],
  ['1.0~rc1^git1', '1.0~rc1', 1],
  ['1.0^git1', '1.0^git1~pre', 1],
];

/** [a, b, sign]: EVR comparisons, every row checked against rpm 4.18's `rpm.vercmp` (rpmverCmp). */
const EVR: [string, string, number][] = [
  ["1.0", "1.0-1", -1],
  ["1.0-1", "1.0-2", -1],
  ["1.0-1", "1.0-1.el8", -1],
  ["1.0-1.el8", "1.0-1.el8_2", -1],
  ["1.0-1.el8_2.1", "1.0-1.el8_2", 1],
  ["1:1.0", "2.0", 1],
  ["0:1.0", "1.0", 0],
  ["1:1.0-1", "1:1.0-1", 0],
  ["01:1.0", "1:1.0", 0],
  [":1.0", "0:1.0", 0],
  ["a:1", "1", -1],
  ["1:", "1", 1],
  ["1.0-", "1.0", 1],
  ["1.0-1-2", "1.0-1", 1],
  ["2.17-326.el7_9", "2.17-326.el7_9.3", -1],
  ["2.28-225.el8_8.6", "2.28-211.el8", 1],
  ["1.1.1k-12.el8_9", "1.1.1k-9.el8_7", 1],
  ["3.0.7-25.el9_3", "3.0.7-27.el9", -1],
  ["7.61.1-34.el8_10.2", "7.61.1-34.el8", 1],
  ["1.2.11-40.el9", "1.2.13-5.el9", -1],
  ["5.2.15-3.el9", "5.2.15-3.el9.x", -1],
  ["4.18.0-553.el8_10", "4.18.0-80.el8", 1],
  ["1.0~rc1-1", "1.0-1", -1],
  ["1.0^20200101-1", "1.0-1", 1],
  ["1.0^20200101-1", "1.0.1-1", -1],
  ["2.0.0-0.1.rc1.fc39", "2.0.0-1.fc39", -1],
  ["1.2.3-1.fc38", "1.2.3-1.fc39", -1],
  ["1.2.3-1.fc39", "1.2.3-1.fc39.1", -1],
  ["5.5p1", "5.5p10", -1],
  ["1.0a", "1.0.a", 0],
  ["1.0", "1.0.0", -1],
  ["1.0.0", "1.0", 1],
  ["10xyz", "10.1xyz", -1],
  ["abc", "abd", -1],
  ["abc", "ABC", 1],
  ["1.0_1", "1.0.1", 0],
  ["2.4.6-1.el7", "2.4.6-1.el7_0", -1],
  ["1:2.02-150.el8", "2.06-70.el9", 1],
  ["1.0é", "1.0", 0],
  ["20240101", "2024.01.01", 1],
  ["1.0+git", "1.0", 1],
  ["1.0-1.1.1", "1.0-1.1", 1],
  ["1.0-r1", "1.0-1", -1],
];

describe('rpm', () => {
  it('compares version strings as rpmvercmp() does', () => {
    for (const [a, b, expected] of VERCMP) {
      assert.equal(rpmvercmp(a, b), expected, `rpmvercmp(${a}, ${b})`);
      assert.equal(rpmvercmp(b, a), 0 - expected, `rpmvercmp(${b}, ${a})`);
    }
    assertOrderTable(rpm, VERCMP);
  });

  it('compares [epoch:]version[-release] as rpm.vercmp does', () => {
    assertOrderTable(rpm, EVR);
  });

  it('splits EVR as parseEVR() does', () => {
    assert.deepEqual(parseRpmEvr('1:2.3-4.el9'), { epoch: '1', version: '2.3', release: '4.el9' });
    assert.deepEqual(parseRpmEvr('2.3'), { epoch: undefined, version: '2.3', release: undefined });
    assert.deepEqual(parseRpmEvr(':2.3-'), { epoch: '0', version: '2.3', release: '' });
    assert.deepEqual(parseRpmEvr('a:2-3-4'), { epoch: undefined, version: 'a:2-3', release: '4' });
  });

  it('reads any string but empty ones and ones with blanks or control characters', () => {
    assertValid(rpm, ['1', 'a', '~', '^', '1.0é', '1:', ':1', '-']);
    assertInvalid(rpm, ['', ' ', '1.0 ', '1.0\n', 'not a version!']);
  });

  const vectors = sharedVectorsDir();
  it('agrees with every case of rpm tests/rpmvercmp.at (shared/vectors)', { skip: vectors ? false : 'shared/vectors is not beside this checkout' }, () => {
    const text = readFileSync(join(vectors!, 'rpmvercmp.at'), 'utf8');
    let checked = 0;
    for (const line of text.split('\n')) {
      // Cases after "dnl" are commented out upstream (documented oddities); the macro definition has $1, $2.
      const match = /^RPMVERCMP\(([^,]*), ([^,]*), (-?[01])\)$/.exec(line.trim());
      if (!match) continue;
      const [, a, b, result] = match as unknown as [string, string, string, string];
      assert.equal(rpmvercmp(a, b), Number(result), line);
      assert.equal(Math.sign(rpm.compare(a, b)), Number(result), line);
      checked++;
    }
    assert.ok(checked >= 90, `only ${checked} cases checked`);
  });
});
