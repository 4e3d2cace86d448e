import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertInvalid, assertOrderTable, assertStrictlyAscending, assertValid, sharedVectorsDir } from '../test-helpers.js';
import { apk, apkVersionMatch } from './index.js';

/** [a, b, sign]: rows of apk-tools' test/unit/version.data restated, plus Alpine package versions. */
const ORDER: [string, string, number][] = [
  ['2.34', '0.1.0_alpha', 1],
  ['23_foo', '4_beta', 1], // compared up to the bad suffix, as apk does
  ['1.0', '1.0bc', -1], // 1.0bc is invalid; apk still compares it token by token
  ['0.1.0_alpha', '0.1.0_alpha', 0],
  ['0.1.0_alpha', '0.1.3_alpha', -1],
  ['0.1.0_alpha2', '0.1.0_alpha', 1],
  ['0.1.0_alpha', '2.2.39-r1', -1],
  ['2.2.39-r1', '1.0.4-r3', 1],
  ['1.0.4-r3', '1.0.4-r4', -1],
  ['1.0.4-r4', '1.6', -1],
  ['1.1', '1.1_alpha1', 1],
  ['1.2.1', '1.2', 1],
  ['1.3_alpha', '1.3_alpha2', -1],
  ['0.8_beta1', '0.8_beta2', -1],
  ['3.10.18-r1', '2.3.0b-r1', 1],
  ['2.3.0b-r1', '2.3.0b-r2', -1],
  ['0.12.3', '0.12', 1],
  ['1.2.9.1-r1', '1.2.9.1', 1],
  ['2.31-r1', '2.31', 1],
  ['1.3-r0', '1.3.1-r0', -1],
  ['1.3_pre1-r1', '1.3.2', -1],
  ['1.0_p10-r0', '1.0_p9-r0', 1],
  ['0.1.0_alpha_pre2', '0.1.0_alpha', -1],
  ['1.0.0_pre20191002222144-r0', '1.0.0_pre20210530193627-r0', -1],
  ['6.0_pre1', '6.0', -1],
  ['6.0_p1', '6.0', 1],
  ['8.2.0', '8.2.001', -1], // a leading zero makes it a string comparison
  ['8.2.0015', '8.2.002', -1],
  ['1.0~1234', '1.0~2345', -1],
  ['1.0~1234-r1', '1.0~2345-r0', -1],
  ['1.0~1234-r1', '1.0~1234-r0', 1],
  // Alpine package versions.
  ['3.1.4-r5', '3.1.4-r6', -1],
  ['3.0.12-r0', '3.0.8-r0', 1],
  ['1.36.1-r15', '1.36.1-r2', 1],
  ['2.9.14-r2', '2.9.14-r10', -1],
  ['1.2.13-r0', '1.2.13', 1], // an explicit -r0 still goes on past the end
  ['1.0', '1.0-r0', -1],
  ['9.4_p1-r2', '9.4-r9', 1],
  ['2.40_rc1', '2.40', -1],
  ['2.40_rc1', '2.40_beta9', 1],
  ['2.40_git20240101', '2.40', 1],
  ['2.40_git20240101', '2.40_p1', -1],
  ['2.40_cvs1', '2.40_svn1', -1],
  ['2.40_svn1', '2.40_git1', -1],
  ['2.40_git1', '2.40_hg1', -1],
  ['2.40_hg1', '2.40_p1', -1],
  ['1.1.1w-r1', '1.1.1v-r9', 1],
  ['1.1.1w', '1.1.1', 1],
  ['1.01', '1.1', -1],
  ['01.1', '1.1', 0], // the first number is always numeric
  ['18446744073709551616', '18446744073709551615', 1], // past uint64: compared exactly here
];

/** Strictly ascending: the suffix ladder and revision steps. */
const LADDER = ['1.0_alpha', '1.0_alpha1', '1.0_beta', '1.0_beta2', '1.0_pre1', '1.0_rc1', '1.0', '1.0-r0', '1.0-r1', '1.0_cvs1', '1.0_svn1', '1.0_git1', '1.0_hg1', '1.0_p1', '1.0a', '1.0.1_alpha', '1.0.1', '1.0.1-r2', '1.1'];

/** From version.data: versions apk accepts, and (marked "!" there) versions it refuses. */
const VALID = ['1.2', '0.1_pre2', '0.1_pre2~1234abcd', '0.1_p1_pre2', '0.1_alpha1_pre2', '0.1_git20240101_pre1', '2.3.0b-r1', '1.0-r0', '0.1~deadbeef-r1'];
const REFUSED = ['0.1bc', '0.1bc1', '0.1a1', '0.1a.1', '0.1_pre2~', '0.1_pre2~1234xbcd', '0.1_pre2~1234abcd_pre1', '0.1_pre2-r1~1234xbcd', '0.1_foobar', '0.1_foobar1', '0.1-pre1.1', '0.1-r', '0.1-r2_pre1', '0.1-r2_p3_pre1', '0.1-r2-r3', '0.1-r2.1', '0.1_', '0.1_-r0', '0.1__alpha', '0.1_1_alpha', '0.1~DEADBEEF', '0.1_constructor'];
/** Not even a leading number: apk cannot say anything about these, so compare throws. */
const UNREADABLE = ['', '.1', 'a', '_pre1', '-r1', 'not a version!'];

describe('apk', () => {
  it('orders as apk-tools does', () => {
    assertOrderTable(apk, ORDER);
    assertStrictlyAscending(apk, LADDER);
  });

  it('validates as apk-tools does', () => {
    assertValid(apk, VALID);
    for (const version of REFUSED) assert.equal(apk.isValid(version), false, version);
    assertInvalid(apk, UNREADABLE);
  });

  it('matches the fuzzy dependency operators', () => {
    const rows: [string, string, string, boolean][] = [
      ['3.6.0', '~', '3.6', true],
      ['3.6_pre1', '~', '3.6', true],
      ['3.6.9_post1', '~', '3.6', true], // the readable prefix 3.6.9 is enough for ~
      ['3.5', '<~', '3.6', true],
      ['3.7', '>~', '3.6', true],
      ['3.8', '~', '3.8.1', false],
      ['3.6.0', '!~', '3.8', true],
      ['3.6', '<', '3.7', true],
      ['3.6', '>=', '3.7', false],
    ];
    for (const [a, op, b, expected] of rows) assert.equal(apkVersionMatch(a, op, b), expected, `${a} ${op} ${b}`);
  });

  const vectors = sharedVectorsDir();
  it('agrees with every line of apk-tools version.data (shared/vectors)', { skip: vectors ? false : 'shared/vectors is not beside this checkout' }, () => {
    const text = readFileSync(join(vectors!, 'apk-version.data'), 'utf8');
    let checked = 0;
    for (const raw of text.split('\n')) {
      const line = raw.replace(/#.*/, '').trim();
      if (line === '') continue;
      const fields = line.split(/\s+/);
      if (fields.length === 1) {
        // A version alone is valid; "!version" is not.
        const field = fields[0]!;
        if (field.startsWith('!')) assert.equal(apk.isValid(field.slice(1)), false, line);
        else assert.equal(apk.isValid(field), true, line);
      } else {
        assert.equal(fields.length, 3, `unexpected line ${JSON.stringify(raw)}`);
        const [a, op, b] = fields as [string, string, string];
        if (op === '<' || op === '>' || op === '=') {
          const expected = op === '<' ? -1 : op === '>' ? 1 : 0;
          assert.equal(Math.sign(apk.compare(a, b)), expected, line);
          assert.equal(Math.sign(apk.compare(b, a)), 0 - expected, `${line} (reversed)`);
        } else {
          assert.equal(apkVersionMatch(a, op, b), true, line);
        }
      }
      checked++;
    }
    assert.ok(checked > 700, `only ${checked} lines checked`);
  });
});
