import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CustomsError } from '../core/errors.js';
import { normalizeEntryPath, parseWhiteout } from './paths.js';

describe('normalizeEntryPath', () => {
  const cases: Array<[string, string]> = [
    ['./etc/os-release', 'etc/os-release'],
    ['etc/', 'etc'],
    ['./', ''],
    ['usr//lib/./x', 'usr/lib/x'],
    ['a/b/../c', 'a/c'],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} -> ${JSON.stringify(expected)}`, () => assert.equal(normalizeEntryPath(input), expected));
  }

  const unsafe: Array<[string, RegExp]> = [
    ['../../etc/passwd', /file \.\.\/\.\.\/etc\/passwd: tar entry path escapes the image root/],
    ['a/../../b', /escapes the image root/],
    ['/etc/passwd', /file \/etc\/passwd: tar entry has an absolute path/],
    ['a\0b', /NUL byte/],
  ];
  for (const [input, message] of unsafe) {
    it(`refuses ${JSON.stringify(input)}`, () => {
      assert.throws(() => normalizeEntryPath(input), (error: unknown) => {
        assert.ok(error instanceof CustomsError);
        assert.equal(error.code, 'UNSAFE_PATH');
        assert.match(error.message, message);
        return true;
      });
    });
  }
});

describe('parseWhiteout', () => {
  it('recognises deletions, opaque markers and ordinary files', () => {
    assert.deepEqual(parseWhiteout('etc/.wh.customs-test.conf'), { kind: 'delete', path: 'etc/customs-test.conf' });
    assert.deepEqual(parseWhiteout('.wh.top'), { kind: 'delete', path: 'top' });
    assert.deepEqual(parseWhiteout('app/sub/.wh..wh..opq'), { kind: 'opaque', dir: 'app/sub' });
    assert.deepEqual(parseWhiteout('.wh..wh..opq'), { kind: 'opaque', dir: '' });
    assert.equal(parseWhiteout('etc/wh.not-a-whiteout'), undefined);
    assert.equal(parseWhiteout('etc/x.wh.y'), undefined);
  });
});
