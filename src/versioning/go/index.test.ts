import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertInvalid, assertOrderTable } from '../test-helpers.js';
import { go } from './index.js';

/**
 * golang.org/x/mod/semver's semver_test.go table: [input, canonical form], in ascending order;
 * entries with the same canonical form compare equal. Its invalid entries are in INVALID.
 */
const TESTS: [string, string][] = [
  ['v1.0.0-alpha', 'v1.0.0-alpha'],
  ['v1.0.0-alpha.1', 'v1.0.0-alpha.1'],
  ['v1.0.0-alpha.beta', 'v1.0.0-alpha.beta'],
  ['v1.0.0-beta', 'v1.0.0-beta'],
  ['v1.0.0-beta.2', 'v1.0.0-beta.2'],
  ['v1.0.0-beta.11', 'v1.0.0-beta.11'],
  ['v1.0.0-rc.1', 'v1.0.0-rc.1'],
  ['v1', 'v1.0.0'],
  ['v1.0', 'v1.0.0'],
  ['v1.0.0', 'v1.0.0'],
  ['v1.2', 'v1.2.0'],
  ['v1.2.0', 'v1.2.0'],
  ['v1.2.3-456', 'v1.2.3-456'],
  ['v1.2.3-456.789', 'v1.2.3-456.789'],
  ['v1.2.3-456-789', 'v1.2.3-456-789'],
  ['v1.2.3-456a', 'v1.2.3-456a'],
  ['v1.2.3-pre', 'v1.2.3-pre'],
  ['v1.2.3-pre+meta', 'v1.2.3-pre'],
  ['v1.2.3-pre.1', 'v1.2.3-pre.1'],
  ['v1.2.3-zzz', 'v1.2.3-zzz'],
  ['v1.2.3', 'v1.2.3'],
  ['v1.2.3+meta', 'v1.2.3'],
  ['v1.2.3+meta-pre', 'v1.2.3'],
  ['v1.2.3+meta-pre.sha.256a', 'v1.2.3'],
];

/** Rows checked against x/mod/semver's Compare (the copy vendored in Go 1.19). */
const ORDER: [string, string, number][] = [
  ['v1', 'v1', 0],
  ['v2', 'v1', 1],
  ['v1', 'v2', -1],
  ['v1.19', 'v1.2', 1],
  // Pseudo-versions (go.dev/ref/mod#pseudo-versions) are pre-releases of the next version.
  ['v0.0.0-20191109021931-daa7c04131f5', 'v0.0.0-20200101000000-000000000000', -1],
  ['v0.0.0-20191109021931-daa7c04131f5', 'v0.0.1', -1],
  ['v1.2.3', 'v1.2.4-0.20191109021931-daa7c04131f5', -1],
  ['v1.2.4-0.20191109021931-daa7c04131f5', 'v1.2.4', -1],
  ['v1.2.4-pre.0.20191109021931-daa7c04131f5', 'v1.2.4-pre', 1],
  ['v1.2.4-pre.0.20191109021931-daa7c04131f5', 'v1.2.4-pre.1', -1],
  // +incompatible is build metadata.
  ['v2.0.0+incompatible', 'v2.0.0', 0],
  ['v2.0.1+incompatible', 'v2.0.0+incompatible', 1],
  // OSV's Go records drop the v.
  ['1.2.3', 'v1.2.3', 0],
  ['0.0.0-20191109021931-daa7c04131f5', 'v0.0.0-20191109021931-daa7c04131f5', 0],
];

const INVALID = ['bad', 'v1-alpha.beta.gamma', 'v1-pre', 'v1+meta', 'v1-pre+meta', 'v1.2-pre', 'v1.2+meta', 'v1.2-pre+meta', '', 'v', 'V1.2.3', 'v01.2.3', 'v1.02.3', 'v1.2.03', 'v1.2.3-01', 'v1.2.3-', 'v1.2.3+', 'v1.2.3-a..b', 'v1.2.3.4', '(devel)', 'not a version!'];

describe('go', () => {
  it('orders as golang.org/x/mod/semver does', () => {
    for (let i = 0; i < TESTS.length; i++) {
      for (let j = 0; j < TESTS.length; j++) {
        const [vi, ci] = TESTS[i]!;
        const [vj, cj] = TESTS[j]!;
        const expected = ci === cj ? 0 : i < j ? -1 : 1;
        assert.equal(Math.sign(go.compare(vi, vj)), expected, `compare(${vi}, ${vj})`);
      }
    }
    assertOrderTable(go, ORDER);
  });

  it('refuses what x/mod/semver refuses', () => {
    assertInvalid(go, INVALID);
  });
});
