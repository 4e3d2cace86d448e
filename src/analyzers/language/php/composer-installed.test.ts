import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { isComposerInstalled, parseComposerInstalled } from './composer-installed.js';

const testdata = (name: string): string => readFileSync(new URL(`testdata/${name}`, import.meta.url), 'utf8');

describe('vendor/composer/installed.json', () => {
  it('wants installed.json in vendor/composer only', () => {
    assert.equal(isComposerInstalled('var/www/html/vendor/composer/installed.json'), true);
    assert.equal(isComposerInstalled('vendor/composer/installed.json'), true);
    assert.equal(isComposerInstalled('var/www/html/vendor/composer/installed.php'), false);
    assert.equal(isComposerInstalled('var/www/html/composer/installed.json'), false);
    assert.equal(isComposerInstalled('var/www/html/myvendor/composer/installed.json'), false);
  });

  it('reads Composer 2 files, dev packages from dev-package-names', () => {
    assert.deepEqual(parseComposerInstalled(testdata('installed-composer2.json')), [
      { ecosystem: 'composer', name: 'psr/log', version: '3.0.0', licenses: ['MIT'] },
      { ecosystem: 'composer', name: 'symfony/console', version: 'v6.3.4', licenses: ['MIT'] },
      { ecosystem: 'composer', name: 'phpstan/phpstan', version: '1.10.35', licenses: ['MIT'], dev: true },
    ]);
  });

  it('reads Composer 1 files (a bare array; an old string license)', () => {
    assert.deepEqual(parseComposerInstalled(testdata('installed-composer1.json')), [
      { ecosystem: 'composer', name: 'doctrine/lexer', version: '1.2.1', licenses: ['MIT'] },
      { ecosystem: 'composer', name: 'swiftmailer/swiftmailer', version: 'v6.2.3', licenses: ['MIT'] },
    ]);
  });

  it('throws on malformed files, saying which Composer format it expected', () => {
    assert.throws(() => parseComposerInstalled('{"packages": [{"name": "a/b", "version": 1}]}'), /installed\.json \(Composer 2\) has an unexpected shape: packages\.0\.version: Expected string/);
    assert.throws(() => parseComposerInstalled('[{"version": "1.0.0"}]'), /installed\.json \(Composer 1\) has an unexpected shape: 0\.name: Required/);
    assert.throws(() => parseComposerInstalled('{"installed": []}'), /installed\.json \(Composer 2\) has an unexpected shape: packages: Required/);
  });
});
