import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertInvalid, assertOrderTable, assertStrictlyAscending, assertValid } from '../test-helpers.js';
import { Invalid } from '../util.js';
import { isGemPrerelease, parseGemVersion, rubygems } from './index.js';

/** RubyGems' test/rubygems/test_gem_version.rb (test_spaceship, test_semver, test_equals2, test_hash, test_initialize, ...), restated. */
const ORDER: [string, string, number][] = [
  ['1.0', '1.0.0', 0],
  ['1.0', '1.0.a', 1],
  ['1.8.2', '0.0.0', 1],
  ['1.8.2', '1.8.2.a', 1],
  ['1.8.2.b', '1.8.2.a', 1],
  ['1.8.2.a', '1.8.2', -1],
  ['1.8.2.a10', '1.8.2.a9', 1],
  ['0.beta.1', '0.0.beta.1', 0],
  ['0.0.beta', '0.0.beta.1', -1],
  ['0.0.beta', '0.beta.1', -1],
  ['5.a', '5.0.0.rc2', -1],
  ['5.x', '5.0.0.rc2', 1],
  ['1.9.3', '1.9.3', 0],
  ['1.9.3', '1.9.2.99', 1],
  ['1.9.3', '1.9.3.1', -1],
  ['1.2', '1.2', 0],
  ['1.2', '1.3', -1],
  ['1.2.b1', '1.2.b.1', 0],
  ['1.2', '1.2.0', 0],
  ['1.2.pre.1', '1.2.0.pre.1.0', 0],
  ['1.0', ' 1.0 ', 0],
  ['1.0', '1.0\n', 0],
  ['1.0', '\n1.0\n', 0],
  ['1.0.0-1', '1', -1],
  ['1.0.0-rc1', '1.0.0', -1],
  ['1.freeze.test', '1', -1],
  ['1.0.0', '0.0.1.20220404083012', 1],
  ['0.7.0', '0.6.63000', 1],
  ['18.0.1', '18.0.2', -1],
  // Hyphen and dot pre-releases are the same version (rubygems issue 9910); a numeric one gets ".pre.".
  ['1.0.0.beta.1', '1.0.0-beta.1', 0],
  ['1.0.0.rc.1', '1.0.0-rc.1', 0],
  ['1.2.3.beta', '1.2.3-beta', 0],
  ['1.0.0.1', '1.0.0-1', 1],
  ['1.0.0.pre.1', '1.0.0-1', 0],
  ['1.0.0.beta.1', '1.0.0.pre.beta.1', 0],
  // More.
  ['1.0.a', '1.0.B', 1], // strings compare as bytes: "B" < "a"
  ['1.0.alpha', '1.0.beta', -1],
  ['1.0.rc1', '1.0.rc.1', 0],
  ['2.3422222.222.222222222', '2.3422222.222.222222221', 1],
  ['123456789012345678901234567890', '123456789012345678901234567891', -1],
  ['1.01', '1.1', 0],
];

/** test_semver: each is lower than the next. */
const SEMVER = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0'];

/** test_initialize_invalid ("junk", CVE-2013-4287's pathological string, ...), plus an empty version. */
const INVALID = ['junk', '1.0\n2.0', '1..2', '1.2 3.4', '2.3422222.222.222222222.22222.ads0as.dasd0.ddd2222.2.qd3e.', '', '   ', 'not a version!', 'v1.0', '1.0+build', '-1', '.1', '1.'];

describe('rubygems', () => {
  it('orders as Gem::Version#<=> does', () => {
    assertOrderTable(rubygems, ORDER);
    assertStrictlyAscending(rubygems, SEMVER);
    assertStrictlyAscending(rubygems, ['0.9', '1.0.a.2', '1.0.b1', '1.0']); // the order in version.rb's documentation
  });

  it('reads what Gem::Version.correct? accepts and refuses the rest', () => {
    assertValid(rubygems, ['5.1', '1.0 ', '1-1', '1-a', '1.0.0-x-y', '1.A']);
    assertInvalid(rubygems, INVALID);
  });

  it('computes canonical segments as Gem::Version#canonical_segments does', () => {
    const segments = (v: string) => {
      const parsed = parseGemVersion(v);
      assert.ok(!(parsed instanceof Invalid));
      return parsed.segments.map((s) => ('number' in s ? Number(s.number) : s.text));
    };
    assert.deepEqual(segments('1.0.0'), [1]);
    assert.deepEqual(segments('1.0.0.a.1.0'), [1, 'a', 1]);
    assert.deepEqual(segments('1.2.3-1'), [1, 2, 3, 'pre', 1]);
  });

  it('tells pre-releases apart as Gem::Version#prerelease? does', () => {
    for (const v of ['1.2.0.a', '2.9.b', '22.1.50.0.d', '1.2.d.42', '1.A']) assert.equal(isGemPrerelease(v), true, v);
    for (const v of ['1.2.0', '2.9', '22.1.50.0']) assert.equal(isGemPrerelease(v), false, v);
  });
});
