import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { isComposerLock, parseComposerLock } from './composer-lock.js';

const testdata = (name: string): string => readFileSync(new URL(`testdata/${name}`, import.meta.url), 'utf8');

describe('composer.lock', () => {
  it('wants composer.lock outside vendor/', () => {
    assert.equal(isComposerLock('var/www/html/composer.lock'), true);
    assert.equal(isComposerLock('composer.lock'), true);
    assert.equal(isComposerLock('var/www/html/vendor/guzzlehttp/guzzle/composer.lock'), false);
    assert.equal(isComposerLock('var/www/html/composer.json'), false);
  });

  it('reads packages and packages-dev, versions as written ("v6.3.4", "dev-main")', () => {
    assert.deepEqual(parseComposerLock(testdata('composer.lock')), [
      { ecosystem: 'composer', name: 'guzzlehttp/guzzle', version: '7.8.0', licenses: ['MIT'] },
      { ecosystem: 'composer', name: 'monolog/monolog', version: '3.4.0', licenses: ['MIT'] },
      { ecosystem: 'composer', name: 'symfony/http-foundation', version: 'v6.3.4', licenses: ['MIT'] },
      { ecosystem: 'composer', name: 'acme/legacy-bridge', version: 'dev-main', licenses: ['proprietary'] },
      { ecosystem: 'composer', name: 'phpunit/phpunit', version: '10.3.5', licenses: ['BSD-3-Clause'], dev: true },
      { ecosystem: 'composer', name: 'mockery/mockery', version: '1.6.6', licenses: ['BSD-3-Clause'], dev: true },
    ]);
  });

  it('throws on malformed files', () => {
    assert.throws(() => parseComposerLock('{"packages": ['), /composer\.lock is not valid JSON/);
    assert.throws(() => parseComposerLock('{"packages": [{"name": "a/b"}]}'), /composer\.lock has an unexpected shape: packages\.0\.version: Required/);
  });
});
