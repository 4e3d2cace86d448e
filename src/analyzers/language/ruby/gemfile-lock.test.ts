import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { isGemfileLock, parseGemfileLock } from './gemfile-lock.js';

const testdata = (name: string): string => readFileSync(new URL(`testdata/${name}`, import.meta.url), 'utf8');

describe('Gemfile.lock', () => {
  it('wants Gemfile.lock and gems.locked', () => {
    assert.equal(isGemfileLock('srv/app/Gemfile.lock'), true);
    assert.equal(isGemfileLock('srv/app/gems.locked'), true);
    assert.equal(isGemfileLock('srv/app/Gemfile'), false);
    assert.equal(isGemfileLock('srv/app/Gemfile.lock.orig'), false);
  });

  it('reads the GEM specs, drops platform suffixes and merges platform variants; GIT and PATH are skipped', () => {
    assert.deepEqual(parseGemfileLock(testdata('Gemfile.lock')), [
      { ecosystem: 'gem', name: 'actionpack', version: '7.0.8' },
      { ecosystem: 'gem', name: 'activesupport', version: '7.0.8' },
      { ecosystem: 'gem', name: 'concurrent-ruby', version: '1.2.2' },
      { ecosystem: 'gem', name: 'ffi', version: '1.16.3' },
      { ecosystem: 'gem', name: 'google-protobuf', version: '3.24.4' },
      { ecosystem: 'gem', name: 'i18n', version: '1.14.1' },
      { ecosystem: 'gem', name: 'minitest', version: '5.20.0' },
      { ecosystem: 'gem', name: 'nokogiri', version: '1.15.4' },
      { ecosystem: 'gem', name: 'pg', version: '1.5.4' },
      { ecosystem: 'gem', name: 'puma', version: '6.4.0' },
      { ecosystem: 'gem', name: 'racc', version: '1.7.1' },
      { ecosystem: 'gem', name: 'rack', version: '2.2.8' },
      { ecosystem: 'gem', name: 'rails-html-sanitizer', version: '1.6.0.rc1' },
      { ecosystem: 'gem', name: 'tzinfo', version: '2.0.6' },
    ]);
  });

  it('reads CRLF files and Windows and Java platforms', () => {
    const lock = 'GEM\r\n  remote: https://rubygems.org/\r\n  specs:\r\n    jruby-openssl (0.14.2-java)\r\n    sqlite3 (1.6.8-x86-mingw32)\r\n    bcrypt (3.1.19-universal-darwin-21)\r\n\r\nPLATFORMS\r\n  java\r\n';
    assert.deepEqual(parseGemfileLock(lock), [
      { ecosystem: 'gem', name: 'jruby-openssl', version: '0.14.2' },
      { ecosystem: 'gem', name: 'sqlite3', version: '1.6.8' },
      { ecosystem: 'gem', name: 'bcrypt', version: '3.1.19' },
    ]);
  });

  it('throws on lines that are not a lockfile, with the line number', () => {
    assert.throws(() => parseGemfileLock('GEM\n  remote: https://rubygems.org/\n  specs:\n    rack 2.2.8\n'), /Gemfile\.lock line 4: expected "    name \(version\)" in the GEM specs, found "rack 2\.2\.8"/);
    assert.throws(() => parseGemfileLock('<<<<<<< HEAD\nGEM\n'), /Gemfile\.lock line 1: expected a section name such as GEM or PLATFORMS/);
  });
});
