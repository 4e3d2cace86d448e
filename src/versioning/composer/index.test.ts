import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertInvalid, assertOrderTable, assertStrictlyAscending } from '../test-helpers.js';
import { ComposerBranch, composer, isComposerBranch, normalizeComposerVersion, phpVersionCompare } from './index.js';

/** composer/semver tests/VersionParserTest.php successfulNormalizedVersions, restated (Composer 2: branches stay branches). */
const NORMALIZED: [string, string][] = [
  ['1.0.0', '1.0.0.0'],
  ['1.2.3.4', '1.2.3.4'],
  ['1.0.0RC1dev', '1.0.0.0-RC1-dev'],
  ['1.0.0-rC15-dev', '1.0.0.0-RC15-dev'],
  ['1.0.0.RC.15-dev', '1.0.0.0-RC15-dev'],
  ['1.0.0-rc1', '1.0.0.0-RC1'],
  ['1.0.0.pl3-dev', '1.0.0.0-patch3-dev'],
  ['1.0-dev', '1.0.0.0-dev'],
  ['0', '0.0.0.0'],
  ['10.4.13-beta', '10.4.13.0-beta'],
  ['10.4.13beta2', '10.4.13.0-beta2'],
  ['10.4.13beta.2', '10.4.13.0-beta2'],
  ['10.4.13-b', '10.4.13.0-beta'],
  ['10.4.13-b5', '10.4.13.0-beta5'],
  ['v1.0.0', '1.0.0.0'],
  ['2010.01', '2010.01.0.0'],
  ['2010.01.02', '2010.01.02.0'],
  ['2010.1.555', '2010.1.555.0'],
  ['2010.10.200', '2010.10.200.0'],
  ['v20100102', '20100102'],
  ['2010-01-02', '2010.01.02'],
  ['2010-01-02.5', '2010.01.02.5'],
  ['20100102-203040', '20100102.203040'],
  ['20150920.0.0', '20150920.0.0'],
  ['20100102203040-10', '20100102203040.10'],
  ['20100102-203040-p1', '20100102.203040-patch1'],
  ['1.x-dev', '1.9999999.9999999.9999999-dev'],
  ['v1.0.x-dev', '1.0.9999999.9999999-dev'],
  ['2.1.3.*-dev', '2.1.3.9999999-dev'],
  ['1.0.0-beta.5+foo', '1.0.0.0-beta5'],
  ['1.0.0+foo', '1.0.0.0'],
  ['1.0.0-alpha.3.1+foo', '1.0.0.0-alpha3.1'],
  ['1.0.0-alpha2.1+foo', '1.0.0.0-alpha2.1'],
  ['1.0.0-alpha-2.1-3+foo', '1.0.0.0-alpha2.1-3'],
  ['1.0.0+foo as 2.0', '1.0.0.0'],
  ['1.0.0@beta', '1.0.0.0'],
  ['1.0.0-stable', '1.0.0.0'],
  [' 1.0.0 ', '1.0.0.0'],
  ['123456.0', '123456.0'], // too long for the classical form: read as a date
];

const BRANCHES = ['dev-master', 'dev-trunk', 'master', 'trunk', 'default', 'dev-feature-foo', 'DEV-FOOBAR', 'dev-feature/foo', 'dev-feature+issue-1', 'dev-master as 1.0.0'];

/** failingNormalizedVersions, and more. */
const INVALID = ['', 'a', '1.0.0-meh', '1.0.0.0.0', 'feature-foo', '1.0.0+foo bar', 'not a version!', '12345x', '1.0.0-0.3.7', '1.0.0-x.7.z.92', ...BRANCHES];

/** composer/semver tests/ComparatorTest.php compareProvider and friends (non-branch rows). */
const ORDER: [string, string, number][] = [
  ['1.25.0', '1.24.0', 1],
  ['1.25.0', '1.25.0', 0],
  ['1.25.0', '1.26.0', -1],
  ['1.0.0', '1.2-dev', -1],
  ['1.25.0-beta2.1', '1.25.0-b.3', -1],
  ['1.25.0-b2.1', '1.25.0beta.3', -1],
  ['1.25.0-b-2.1', '1.25.0-rc', -1],
  ['1.25.0-beta2.1', '1.25.0-b.2.1', 0],
  ['1.25.0beta2.1', '1.25.0-b2.1', 0],
  // Normalisation: missing parts are zeros, v is dropped.
  ['1', '1.0.0.0', 0],
  ['v1.2', '1.2.0', 0],
  ['1.2.3.4', '1.2.3', 1],
  ['1.10.0', '1.9.0', 1],
  ['1.0.0-RC1', '1.0.0-rc1', 0],
  ['1.0.0-p1', '1.0.0-patch1', 0],
  ['1.0.0-alpha1-dev', '1.0.0-alpha1', -1],
  ['2.x-dev', '2.99.0', 1],
  ['2.1.x-dev', '2.2.0', -1],
];

/** Stabilities: dev < alpha < beta < RC < stable < patch. */
const LADDER = ['1.0.0-dev', '1.0.0-alpha', '1.0.0-alpha1', '1.0.0-alpha2', '1.0.0-beta1', '1.0.0-beta2', '1.0.0-RC1', '1.0.0-RC2', '1.0.0', '1.0.0-patch1', '1.0.0-patch2', '1.0.1-dev', '1.0.1', '1.0.x-dev', '1.1.0'];

describe('composer', () => {
  it('normalises as VersionParser::normalize() does', () => {
    for (const [input, normalized] of NORMALIZED) assert.equal(normalizeComposerVersion(input), normalized, input);
    for (const branch of BRANCHES) {
      assert.ok(normalizeComposerVersion(branch) instanceof ComposerBranch, branch);
      assert.equal(isComposerBranch(branch), true, branch);
    }
    assert.deepEqual(normalizeComposerVersion('DEV-FOOBAR'), new ComposerBranch('dev-FOOBAR'));
  });

  it('orders as Comparator (version_compare on normalised versions) does', () => {
    assertOrderTable(composer, ORDER);
    assertStrictlyAscending(composer, LADDER);
  });

  it('refuses invalid versions and branch names', () => {
    assertInvalid(composer, INVALID);
    assert.throws(() => composer.compare('dev-main', '1.0.0'), /dev-main is a branch/);
  });

  it('implements PHP version_compare() itself', () => {
    // php.net's version_compare examples and special forms.
    const rows: [string, string, number][] = [
      ['5.2', '5.2.0', -1],
      ['1.0.0', '1.0.0', 0],
      ['1.0rc1', '1.0', -1],
      ['1.0', '1.0pl1', -1],
      ['1.0-dev', '1.0a1', -1],
      ['1.0a1', '1.0b1', -1],
      ['1.0b1', '1.0RC1', -1],
      ['1.0RC1', '1.0', -1],
      ['1.0', '1.0.1', -1],
      ['1.0foo', '1.0dev', -1], // unknown strings sort below dev
      ['1.0alpha', '1.0a', 0],
      ['1.0-1', '1.0.1', 0],
      ['1.0', '1.0.', 1],
      ['', '1', -1],
      ['', '', 0],
    ];
    for (const [a, b, expected] of rows) {
      assert.equal(phpVersionCompare(a, b), expected, `version_compare(${a}, ${b})`);
      assert.equal(phpVersionCompare(b, a), 0 - expected, `version_compare(${b}, ${a})`);
    }
  });
});
