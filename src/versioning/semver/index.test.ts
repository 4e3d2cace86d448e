import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertAllEqual, assertInvalid, assertOrderTable, assertStrictlyAscending } from '../test-helpers.js';
import { isStrictSemver, semver } from './index.js';

/** semver.org item 11's examples, in order. */
const SPEC_ORDER = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0', '2.0.0', '2.1.0', '2.1.1'];

const ORDER: [string, string, number][] = [
  ['1.0.0', '1.0.0+build.1', 0], // build metadata is ignored (item 10)
  ['1.0.0-alpha+001', '1.0.0-alpha+002', 0],
  ['1.0.0+20130313144700', '1.0.0', 0],
  ['1.0.0-beta+exp.sha.5114f85', '1.0.0-beta', 0],
  ['1.0.0-rc.1', '1.0.0-rc.1+build.1', 0],
  ['1.0.0-1', '1.0.0-a', -1], // numeric identifiers sort below alphanumeric ones
  ['1.0.0-a', '1.0.0-A', 1], // ASCII order
  ['1.0.0-Z', '1.0.0-a', -1],
  ['1.0.0-x-y', '1.0.0-x', 1],
  ['1.0.0-2', '1.0.0-10', -1],
  ['1.0.0-alpha10', '1.0.0-alpha9', -1], // alphanumeric identifiers compare as strings
  ['1.9.0', '1.10.0', -1],
  ['1.0.0-0.3.7', '1.0.0-x.7.z.92', -1],
  ['99999999999999999999.0.0', '99999999999999999998.0.0', 1],
  ['1.0.0-99999999999999999999', '1.0.0-99999999999999999998', 1],
  // Tolerated forms.
  ['v1.2.3', '1.2.3', 0],
  ['V1.2.3', '1.2.3', 0],
  ['1.2', '1.2.0', 0],
  ['1', '1.0.0', 0],
  ['1.2-rc.1', '1.2.0-rc.1', 0],
  ['01.02.03', '1.2.3', 0],
];

const INVALID = ['', 'not a version!', 'v', '1.2.3.4', '1.2.x', '1..2', '1.2.3-', '1.2.3+', '1.2.3-a..b', '1.2.3-a_b', '1.2.3+a+b', '-1.2.3', ' 1.2.3', 'a.b.c', '=1.2.3', '^1.2.3'];

describe('semver', () => {
  it('orders as semver.org item 11 does', () => {
    assertStrictlyAscending(semver, SPEC_ORDER);
    assertOrderTable(semver, ORDER);
    assertAllEqual(semver, ['1.0.0', 'v1.0.0', '1.0', '1', '1.0.0+a', '1.0.0+b.c']);
  });

  it('refuses what it cannot read', () => {
    assertInvalid(semver, INVALID);
  });

  it('tells the strict SemVer 2.0.0 grammar apart', () => {
    for (const v of ['1.2.3', '0.0.0', '1.0.0-0.3.7', '1.0.0-x-y.1+b.01', '10.20.30']) assert.equal(isStrictSemver(v), true, v);
    for (const v of ['v1.2.3', '1.2', '01.2.3', '1.2.3-01', '1.2.3-', 'x']) assert.equal(isStrictSemver(v), false, v);
  });
});
