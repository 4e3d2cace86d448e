import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertAllEqual, assertInvalid, assertOrderTable, assertStrictlyAscending } from '../test-helpers.js';
import { Invalid } from '../util.js';
import { maven, mavenCanonical, parseMavenVersion } from './index.js';

/** Maven's ComparableVersionTest (compat/maven-artifact), restated. */
const VERSIONS_QUALIFIER = ['1-alpha2snapshot', '1-alpha2', '1-alpha-123', '1-beta-2', '1-beta123', '1-m2', '1-m11', '1-rc', '1-cr2', '1-rc123', '1-SNAPSHOT', '1', '1-sp', '1-sp2', '1-sp123', '1-abc', '1-def', '1-pom-1', '1-1-snapshot', '1-1', '1-2', '1-123'];

const VERSIONS_NUMBER = ['2.0', '2.0.a', '2-1', '2.0.2', '2.0.123', '2.1.0', '2.1-a', '2.1b', '2.1-c', '2.1-1', '2.1.0.1', '2.2', '2.123', '11.a2', '11.a11', '11.b2', '11.b11', '11.m2', '11.m11', '11', '11.a', '11b', '11c', '11m'];

/** testVersionsEqual, testVersionsHaveSameOrderButAreNotEqual, testLocaleIndependent, testLexicographicASCIISortOrder, testCompareLowerCaseToUpperCase*. */
const EQUAL: [string, string][] = [
  ['1', '1'], ['1', '1.0'], ['1', '1.0.0'], ['1.0', '1.0.0'], ['1', '1-0'], ['1', '1.0-0'], ['1.0', '1.0-0'],
  ['1a', '1-a'], ['1a', '1.0-a'], ['1a', '1.0.0-a'], ['1.0a', '1-a'], ['1.0.0a', '1-a'],
  ['1x', '1-x'], ['1x', '1.0-x'], ['1x', '1.0.0-x'], ['1.0x', '1-x'], ['1.0.0x', '1-x'], ['1cr', '1rc'],
  ['1a1', '1-alpha-1'], ['1b2', '1-beta-2'], ['1m3', '1-milestone-3'],
  ['1X', '1x'], ['1A', '1a'], ['1B', '1b'], ['1M', '1m'], ['1Cr', '1Rc'], ['1cR', '1rC'], ['1m3', '1Milestone3'], ['1m3', '1MileStone3'], ['1m3', '1MILESTONE3'],
  ['1ga', '1'], ['1release', '1'], ['1final', '1'], ['1Ga', '1'], ['1GA', '1'], ['1RELEASE', '1'], ['1RELeaSE', '1'], ['1Final', '1'], ['1FinaL', '1'], ['1FINAL', '1'],
  ['1-abcdefghijklmnopqrstuvwxyz', '1-ABCDEFGHIJKLMNOPQRSTUVWXYZ'],
  ['1.0.0-alpha1', '1.0.0-ALPHA1'], ['1.a', '1.A'], ['1.é', '1.É'],
];

/** testVersionComparing, testLeadingZeroes, testMng5568, testMng6572, testMng6964, testDigitGreaterThan*, testLexicographicOrder. */
const LESS: [string, string][] = [
  ['1', '2'], ['1.5', '2'], ['1', '2.5'], ['1.0', '1.1'], ['1.1', '1.2'], ['1.0.0', '1.1'], ['1.0.1', '1.1'], ['1.1', '1.2.0'],
  ['1.0-alpha-1', '1.0'], ['1.0-alpha-1', '1.0-alpha-2'], ['1.0-alpha-1', '1.0-beta-1'],
  ['1.0-beta-1', '1.0-SNAPSHOT'], ['1.0-SNAPSHOT', '1.0'], ['1.0-alpha-1-SNAPSHOT', '1.0-alpha-1'],
  ['1.0', '1.0-1'], ['1.0-1', '1.0-2'], ['1.0.0', '1.0-1'],
  ['2.0-1', '2.0.1'], ['2.0.1-klm', '2.0.1-lmn'], ['2.0.1', '2.0.1-xyz'], ['2.0.1', '2.0.1-123'], ['2.0.1-xyz', '2.0.1-123'],
  ['0.7', '2'], ['0.2', '1.0.7'],
  ['6.1.0rc3', '6.1.0'], ['6.1.0rc3', '6.1H.5-beta'], ['6.1.0', '6.1H.5-beta'],
  ['20190126.230843', '1234567890.12345'], ['1234567890.12345', '123456789012345.1H.5-beta'], ['123456789012345.1H.5-beta', '12345678901234567890.1H.5-beta'],
  ['1-0.alpha', '1'], ['1-0.beta', '1'], ['1-0.alpha', '1-0.beta'],
  ['é', '1'], ['\uD835\uDFE4', '1'], ['J', '7'], ['c', '7'], ['\u0668', '1'], ['\u0668', '9'],
  ['aardvark', 'zebra'], ['zebra', 'ζέβρα'],
  ['1.0.final-redhat', '1.0-sp1-redhat'], ['1.0.final-redhat', '1.0-sp-1-redhat'], ['1.0.final-redhat', '1.0-sp.1-redhat'], // MNG-7714
];

/** testGetCanonical (MNG-7700) and the canonical forms the Maven tests print. */
const CANONICAL: [string, string][] = [
  ['0.x', 'x'], ['0.2', '0.2'], ['1.0.0', '1'], ['1-0', '1'], ['1a1', '1-alpha1'], ['1.0-SNAPSHOT', '1-snapshot'], ['2.0.a', '2-a'], ['1-1-snapshot', '1-1-snapshot'],
];

describe('maven', () => {
  it('orders as ComparableVersionTest requires', () => {
    assertStrictlyAscending(maven, VERSIONS_QUALIFIER);
    assertStrictlyAscending(maven, VERSIONS_NUMBER);
    assertOrderTable(maven, [...EQUAL.map(([a, b]) => [a, b, 0] as const), ...LESS.map(([a, b]) => [a, b, -1] as const)]);
  });

  it('equates versions with many leading zeroes (MNG-6572)', () => {
    assertAllEqual(maven, Array.from({ length: 19 }, (_, i) => `${'0'.repeat(i)}1`));
    assertAllEqual(maven, Array.from({ length: 19 }, (_, i) => '0'.repeat(i + 1)));
  });

  it('orders X1 below -X2 and equates -X, .X, .0.X (MNG-7644)', () => {
    for (const x of ['abc', 'alpha', 'a', 'beta', 'b', 'def', 'milestone', 'm', 'RC']) {
      assertOrderTable(maven, [
        [`1.0.0.${x}1`, `1.0.0-${x}2`, -1],
        [`2-${x}`, `2.0.${x}`, 0],
        [`2-${x}`, `2.0.0.${x}`, 0],
        [`2.0.${x}`, `2.0.0.${x}`, 0],
      ]);
    }
  });

  it('keeps the order transitive around release qualifiers with numbers', () => {
    // Maven 4 fixed 1-ga1 < 1-ga2 while both compared equal to 1.
    assertStrictlyAscending(maven, ['1-rc1', '1', '1-ga1', '1-ga2', '1-sp1']);
  });

  it('produces canonical forms that parse back to themselves', () => {
    for (const [version, canonical] of CANONICAL) {
      const parsed = parseMavenVersion(version);
      assert.ok(!(parsed instanceof Invalid));
      assert.equal(mavenCanonical(parsed), canonical, version);
    }
    for (const version of [...VERSIONS_QUALIFIER, ...VERSIONS_NUMBER, ...EQUAL.flat(), ...LESS.flat()]) {
      const parsed = parseMavenVersion(version);
      assert.ok(!(parsed instanceof Invalid), version);
      const canonical = mavenCanonical(parsed);
      const again = parseMavenVersion(canonical);
      assert.ok(!(again instanceof Invalid), canonical);
      assert.equal(mavenCanonical(again), canonical, `canonical(${version}) = ${canonical}`);
    }
  });

  it('refuses empty, blank and over-long versions', () => {
    assertInvalid(maven, ['', ' ', '1.0 ', '1 0', 'not a version!', '1'.repeat(257)]);
    assert.equal(maven.isValid('1'.repeat(256)), true);
  });
});
