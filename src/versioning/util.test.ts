import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Invalid, compareDigits, memoParser } from './util.js';

describe('version helpers', () => {
  it('compares digit runs of any length exactly', () => {
    assert.equal(compareDigits('0', '0000'), 0);
    assert.equal(compareDigits('007', '7'), 0);
    assert.equal(compareDigits('9', '10'), -1);
    assert.equal(compareDigits('18446744073709551616', '18446744073709551615'), 1);
    assert.equal(compareDigits('123456789012345678901234567890', '123456789012345678901234567890'), 0);
  });

  it('memoises parses, bounded, in constant time per call', () => {
    let calls = 0;
    const parse = memoParser((v: string) => {
      calls++;
      return v === 'bad' ? new Invalid('bad') : { v };
    }, 4);
    const first = parse('a');
    assert.equal(parse('a'), first);
    assert.ok(parse('bad') instanceof Invalid);
    parse('bad');
    assert.equal(calls, 2);
    // Far more distinct versions than the bound: old ones are parsed again, nothing grows without end.
    for (let i = 0; i < 100_000; i++) parse(`v${i}`);
    assert.equal(calls, 100_002);
    const started = performance.now();
    for (let i = 0; i < 100_000; i++) parse(`w${i}`);
    assert.ok(performance.now() - started < 2000);
  });
});
