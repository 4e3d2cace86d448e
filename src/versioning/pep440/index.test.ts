import { describe, it } from 'node:test';
import { assertInvalid, assertOrderTable, assertStrictlyAscending } from '../test-helpers.js';
import { pep440 } from './index.js';

/** pypa/packaging tests/test_version.py VERSIONS: "This list must be in the correct sorting order". */
const VERSIONS = [
  '1.0.dev0', '1.0.dev456', '1.0.dev456+local', '1.0a0', '1.0a0.post0.dev0', '1.0a0.post0', '1.0a1.dev1', '1.0a1.dev1+local', '1.0a1', '1.0a1+local',
  '1.0b0', '1.0b1.dev456', '1.0b2', '1.0b2.post345.dev456', '1.0b2.post345', '1.0b2-346', '1.0rc0', '1.0rc1.dev1', '1.0c1', '1.0rc2', '1.0',
  '1.0.post0.dev0', '1.0.post0', '1.0.post456.dev34', '1.0.post456', '1.0.post456+local', '1.0.1.dev1', '1.0.1a1', '1.0.1', '1.0.1+local',
  '1.0.1.post1', '1.1.dev1', '1.2+a', '1.2+abc', '1.2+abcdef', '1.2+def', '1.2+0', '1.2+1', '1.2+1.abc', '1.2+1.1', '1.2+1.1.0', '1.2+2',
  '1.2+123', '1.2+123456', '1.2.r32+123456', '1.2.rev33+123456',
];
const VERSIONS_EPOCH_1 = VERSIONS.map((v) => `1!${v}`);

/** test_normalized_versions: each input equals its normal form. */
const NORMALIZED: [string, string][] = [
  ['1.0dev', '1.0.dev0'], ['1.0.dev', '1.0.dev0'], ['1.0dev1', '1.0.dev1'], ['1.0-dev', '1.0.dev0'], ['1.0-dev1', '1.0.dev1'], ['1.0DEV', '1.0.dev0'], ['1.0.DEV1', '1.0.dev1'], ['1.0-DEV1', '1.0.dev1'],
  ['1.0a', '1.0a0'], ['1.0.a', '1.0a0'], ['1.0.a1', '1.0a1'], ['1.0-a', '1.0a0'], ['1.0-a1', '1.0a1'], ['1.0alpha', '1.0a0'], ['1.0.alpha1', '1.0a1'], ['1.0-alpha1', '1.0a1'], ['1.0A', '1.0a0'], ['1.0.ALPHA1', '1.0a1'],
  ['1.0b', '1.0b0'], ['1.0.b1', '1.0b1'], ['1.0-b', '1.0b0'], ['1.0beta', '1.0b0'], ['1.0.beta1', '1.0b1'], ['1.0-BETA1', '1.0b1'],
  ['1.0c', '1.0rc0'], ['1.0.c1', '1.0rc1'], ['1.0-c', '1.0rc0'], ['1.0rc', '1.0rc0'], ['1.0.rc1', '1.0rc1'], ['1.0-RC1', '1.0rc1'], ['1.0pre1', '1.0rc1'], ['1.0preview1', '1.0rc1'],
  ['1.0post', '1.0.post0'], ['1.0.post', '1.0.post0'], ['1.0post1', '1.0.post1'], ['1.0-post', '1.0.post0'], ['1.0-post1', '1.0.post1'], ['1.0POST', '1.0.post0'],
  ['1.0r', '1.0.post0'], ['1.0rev', '1.0.post0'], ['1.0.r1', '1.0.post1'], ['1.0.rev1', '1.0.post1'], ['1.0-5', '1.0.post5'], ['1.0-r5', '1.0.post5'], ['1.0-rev5', '1.0.post5'],
  ['1.0+AbC', '1.0+abc'], ['1.01', '1.1'], ['1.0a05', '1.0a5'], ['1.0b07', '1.0b7'], ['1.0c056', '1.0rc56'], ['1.0rc09', '1.0rc9'], ['1.0.post000', '1.0.post0'], ['1.1.dev09000', '1.1.dev9000'],
  ['00!1.2', '1.2'], ['0100!0.0', '100!0.0'], ['v1.0', '1.0'], ['   v1.0\t\n', '1.0'], ['\u202F1.0\t\u2029\n ', '1.0'],
  ['1.0.4+8.0', '1.0.4+8.0'], ['0!1.0.2', '1.0.2'],
];

const ORDER: [string, string, number][] = [
  // Release segments: trailing zeros do not count.
  ['1.0', '1.0.0', 0],
  ['1', '1.0.0.0', 0],
  ['0', '0.0', 0],
  ['1.0.0.1', '1.0', 1],
  ['1.9', '1.10', -1],
  // The ladder the brief names: dev < pre < final < post.
  ['1.0.dev1', '1.0a1.dev1', -1],
  ['1.0a1.dev1', '1.0a1', -1],
  ['1.0a1', '1.0a1.post1.dev1', -1],
  ['1.0a1.post1.dev1', '1.0a1.post1', -1],
  ['1.0a1.post1', '1.0', -1],
  ['1.0', '1.0.post1', -1],
  ['1!0.1', '2.0', 1], // epochs first
  // Local versions sort after the public version they label.
  ['1.0+ubuntu1', '1.0', 1],
  ['1.0+ubuntu1', '1.0.post1', -1],
  ['1.0+ubuntu1', '1.0+ubuntu2', -1],
  ['1.0+ubuntu.1', '1.0+ubuntu-1', 0],
  ['99999999999999999999.0', '99999999999999999998.9', 1],
];

/** test_invalid_versions, and more. */
const INVALID = [
  'french toast', '1.0+a+', '1.0++', '1.0+_foobar', '1.0+foo&asd', '1.0+1+1', '1. 0', '1 .0', '1. 0a1', '1 .0a1', '1.0 a1', '1.0a 1',
  '\u0660\u0661\u0662.\u0663\u0664\u0665.\u0666\u0667\u0668\u0669', '.', '..', '1..0', '1.0.', '.1.0', '1..2.3', '1.0+\u0130',
  '', 'not a version!', '1.0-', '1.0+', '!1.0', '1!', 'v', '1.0.dev1.post1', '1.0a1b1',
];

describe('pep440', () => {
  it('orders as packaging.version.Version does', () => {
    assertStrictlyAscending(pep440, [...VERSIONS, ...VERSIONS_EPOCH_1]);
    assertOrderTable(pep440, ORDER);
  });

  it('normalises alternate spellings as packaging does', () => {
    assertOrderTable(pep440, NORMALIZED.map(([input, normal]) => [input, normal, 0] as const));
  });

  it('refuses what packaging refuses', () => {
    assertInvalid(pep440, INVALID);
  });
});
