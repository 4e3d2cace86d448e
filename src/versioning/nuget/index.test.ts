import { describe, it } from 'node:test';
import { assertAllEqual, assertInvalid, assertOrderTable, assertStrictlyAscending, assertValid } from '../test-helpers.js';
import { nuget } from './index.js';

/** NuGet.Versioning.Test's VersionComparerTests (Default comparer) and VersionParsingTests, restated. */
const ORDER: [string, string, number][] = [
  ['1.0.0', '1.0.0', 0],
  ['1.0.0-BETA', '1.0.0-beta', 0],
  ['1.0.0-BETA+AA', '1.0.0-beta+aa', 0],
  ['1.0.0-BETA.X.y.5.77.0+AA', '1.0.0-beta.x.y.5.77.0+aa', 0],
  ['0.0.0', '1.0.0', -1],
  ['1.0.0', '1.1.0', -1],
  ['1.0.0', '1.0.1', -1],
  ['1.999.9999', '2.1.1', -1],
  ['1.0.0-BETA', '1.0.0-beta2', -1],
  ['1.0.0-beta+AA', '1.0.0+aa', -1],
  ['1.0.0-BETA', '1.0.0-beta.1+AA', -1],
  ['1.0.0-BETA.X.y.5.77.0+AA', '1.0.0-beta.x.y.5.79.0+aa', -1],
  ['1.0.0-BETA.X.y.5.79.0+AA', '1.0.0-beta.x.y.5.790.0+abc', -1],
  // Four parts, trailing zeros equal.
  ['1.0', '1.0.0.0', 0],
  ['1', '1.0.0', 0],
  ['1.2.3.4', '1.2.3', 1],
  ['1.2.3.4', '1.2.4', -1],
  ['1.2.3.10', '1.2.3.9', 1],
  ['01.002.0003', '1.2.3', 0], // leading zeros are read numerically (System.Version)
  [' 1.2.3 ', '1.2.3', 0], // trimmed
  // Labels: numbers below text, numbers numerically, text case-insensitively.
  ['1.0.0-1', '1.0.0-alpha', -1],
  ['1.0.0-2', '1.0.0-10', -1],
  ['1.0.0-alpha.2', '1.0.0-alpha.10', -1],
  ['1.0.0-alpha', '1.0.0-alpha.1', -1],
  ['1.0.0-rc.1', '1.0.0-RC.1', 0],
  ['1.0.0-a-b', '1.0.0-a', 1],
  ['1.0.0-2147483648', '1.0.0-3', 1], // past Int32 a label is text, and text sorts above numbers
  ['1.0.0-beta.-1', '1.0.0-beta.0', -1], // int.TryParse reads "-1"
];

const ASCENDING = ['0.9.9', '1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-beta', '1.0.0-rc.1', '1.0.0', '1.0.0.1-beta', '1.0.0.1', '1.0.1', '1.1', '2'];

const INVALID = ['', 'not a version!', 'v1.0.0', '1.0.0.0.0', '1.0.0-', '1.0.0+', '1.0.0-beta..1', '1.0.0-01', '1.0.0-beta_1', '1..0', '1.0.', 'a.b', '2147483648.0.0', '-1.0.0', '1.0.0-beta+a+b'];

describe('nuget', () => {
  it('orders as NuGet.Versioning VersionComparer.Default does', () => {
    assertOrderTable(nuget, ORDER);
    assertStrictlyAscending(nuget, ASCENDING);
    assertAllEqual(nuget, ['2', '2.0', '2.0.0', '2.0.0.0', '2.0.0+meta']);
  });

  it('reads and refuses as NuGetVersion.TryParse does', () => {
    assertValid(nuget, ['1.0.0-Beta', '1.0.0-Beta.2', '1.0.0+MetaOnly', '1.0.0-RC.X.35.A.3455+Meta-A-B-C', '1.0.0+0001', '2147483647.0.0']);
    assertInvalid(nuget, INVALID);
  });
});
