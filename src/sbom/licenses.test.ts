import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { combinedExpression, readLicense, type LicenseReading } from './licenses.js';

describe('readLicense', () => {
  const cases: Array<[string, LicenseReading]> = [
    ['MIT', { kind: 'id', id: 'MIT', text: 'MIT' }],
    // SPDX ids match case-insensitively; the canonical spelling is written.
    ['apache-2.0', { kind: 'id', id: 'Apache-2.0', text: 'apache-2.0' }],
    [' GPL-2.0-only ', { kind: 'id', id: 'GPL-2.0-only', text: 'GPL-2.0-only' }],
    // Deprecated ids are still on the list (and in CycloneDX's enum).
    ['GPL-2.0', { kind: 'id', id: 'GPL-2.0', text: 'GPL-2.0' }],
    ['Apache-2.0 OR MIT', { kind: 'expression', expression: 'Apache-2.0 OR MIT', text: 'Apache-2.0 OR MIT' }],
    ['mit or apache-2.0', { kind: 'expression', expression: 'MIT OR Apache-2.0', text: 'mit or apache-2.0' }],
    ['(MIT AND BSD-3-Clause)', { kind: 'expression', expression: '(MIT AND BSD-3-Clause)', text: '(MIT AND BSD-3-Clause)' }],
    ['GPL-2.0+', { kind: 'expression', expression: 'GPL-2.0+', text: 'GPL-2.0+' }],
    ['GPL-2.0-only WITH Classpath-exception-2.0', { kind: 'expression', expression: 'GPL-2.0-only WITH Classpath-exception-2.0', text: 'GPL-2.0-only WITH Classpath-exception-2.0' }],
    ['LicenseRef-Proprietary', { kind: 'expression', expression: 'LicenseRef-Proprietary', text: 'LicenseRef-Proprietary' }],
    // Debian copyright short names and free text are not SPDX.
    ['GPL-2+', { kind: 'name', text: 'GPL-2+' }],
    ['BSD', { kind: 'name', text: 'BSD' }],
    ['Public Domain', { kind: 'name', text: 'Public Domain' }],
    ['MIT OR', { kind: 'name', text: 'MIT OR' }],
  ];
  for (const [text, expected] of cases) {
    it(JSON.stringify(text), () => assert.deepEqual(readLicense(text), expected));
  }
});

describe('combinedExpression', () => {
  const combine = (...texts: string[]) => combinedExpression(texts.map(readLicense));
  it('keeps a single license or expression as it is', () => {
    assert.equal(combine('MIT'), 'MIT');
    assert.equal(combine('MIT OR Apache-2.0'), 'MIT OR Apache-2.0');
  });
  it('ANDs several, parenthesising compound parts, once each', () => {
    assert.equal(combine('MIT', 'Ruby'), 'MIT AND Ruby');
    assert.equal(combine('MIT', 'Apache-2.0 OR MIT', 'mit'), 'MIT AND (Apache-2.0 OR MIT)');
  });
  it('gives up when any recorded license is not SPDX, or none was recorded', () => {
    assert.equal(combine('MIT', 'GPL-2+'), undefined);
    assert.equal(combine(), undefined);
  });
});
