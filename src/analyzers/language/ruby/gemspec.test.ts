import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { isInstalledGemspec, parseGemspec } from './gemspec.js';

const testdata = (name: string): string => readFileSync(new URL(`testdata/${name}`, import.meta.url), 'utf8');

describe('installed gem specifications', () => {
  it('wants gemspecs directly in a specifications folder (and its default/ folder)', () => {
    const wanted = [
      'usr/local/bundle/specifications/rake-13.0.6.gemspec',
      'usr/local/lib/ruby/gems/3.2.0/specifications/default/json-2.6.3.gemspec',
      'var/lib/gems/3.1.0/specifications/nokogiri-1.15.4-x86_64-linux.gemspec',
      'usr/share/rubygems-integration/all/specifications/net-telnet-0.1.1.gemspec',
    ];
    const unwanted = [
      'usr/local/bundle/gems/rake-13.0.6/rake.gemspec',
      'srv/app/myapp.gemspec',
      'usr/local/bundle/specifications/rake-13.0.6.gemspec.bak',
      'usr/local/bundle/specifications/old/rake-13.0.6.gemspec',
      'usr/local/bundle/cache/rake-13.0.6.gem',
    ];
    for (const path of wanted) assert.equal(isInstalledGemspec(path), true, path);
    for (const path of unwanted) assert.equal(isInstalledGemspec(path), false, path);
  });

  it('reads a specification RubyGems 3 generated (frozen literals, licenses array)', () => {
    assert.deepEqual(parseGemspec(testdata('rake-13.0.6.gemspec'), 'usr/local/bundle/specifications/rake-13.0.6.gemspec'), [
      { ecosystem: 'gem', name: 'rake', version: '13.0.6', licenses: ['MIT'] },
    ]);
  });

  it('accepts a platform suffix in the file name', () => {
    assert.deepEqual(parseGemspec(testdata('nokogiri-1.15.4-x86_64-linux.gemspec'), 'specifications/nokogiri-1.15.4-x86_64-linux.gemspec'), [
      { ecosystem: 'gem', name: 'nokogiri', version: '1.15.4', licenses: ['MIT'] },
    ]);
  });

  it('reads a default gem', () => {
    assert.deepEqual(parseGemspec(testdata('json-2.6.3.gemspec'), 'specifications/default/json-2.6.3.gemspec'), [{ ecosystem: 'gem', name: 'json', version: '2.6.3', licenses: ['Ruby'] }]);
  });

  it('reads the older forms: %q{} strings, Gem::Version.new(...), single-quoted license arrays', () => {
    assert.deepEqual(parseGemspec(testdata('net-telnet-0.1.1.gemspec'), 'specifications/net-telnet-0.1.1.gemspec'), [
      { ecosystem: 'gem', name: 'net-telnet', version: '0.1.1', licenses: ['Ruby', 'BSD-2-Clause'] },
    ]);
    assert.deepEqual(parseGemspec('Gem::Specification.new do |spec|\n  spec.name = \'tzinfo\'\n  spec.version = Gem::Version.new "2.0.6"\n  spec.license = \'MIT\'\nend\n', 'specifications/tzinfo-2.0.6.gemspec'), [
      { ecosystem: 'gem', name: 'tzinfo', version: '2.0.6', licenses: ['MIT'] },
    ]);
  });

  it('falls back to the stub line and then the file name for a version that is not a literal', () => {
    assert.deepEqual(parseGemspec('# stub: puma 6.4.0 ruby lib\nGem::Specification.new do |s|\n  s.name = "puma"\n  s.version = Puma::VERSION\nend\n', 'specifications/puma-6.4.0.gemspec'), [
      { ecosystem: 'gem', name: 'puma', version: '6.4.0' },
    ]);
    assert.deepEqual(parseGemspec('Gem::Specification.new do |s|\n  s.name = "puma"\n  s.version = Puma::VERSION\nend\n', 'specifications/puma-6.4.0-java.gemspec'), [
      { ecosystem: 'gem', name: 'puma', version: '6.4.0' },
    ]);
  });

  it('throws when the content and the file name disagree, or nothing names the gem', () => {
    assert.throws(() => parseGemspec(testdata('rake-13.0.6.gemspec'), 'specifications/rake-12.3.3.gemspec'), /rake-12\.3\.3\.gemspec describes rake 13\.0\.6, which does not match its file name/);
    assert.throws(() => parseGemspec('Gem::Specification.new do |s|\n  s.name = NAME\nend\n', 'specifications/x-1.0.gemspec'), /x-1\.0\.gemspec assigns no literal name/);
    assert.throws(() => parseGemspec('Gem::Specification.new do |s|\n  s.name = "x"\n  s.version = X::VERSION\nend\n', 'specifications/y.gemspec'), /y\.gemspec assigns no literal version/);
  });
});
