import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ecosystemBase, ecosystemRelease, normalizePackageName } from './names.js';

describe('ecosystemBase / ecosystemRelease', () => {
  const cases: Array<[string, string, string | undefined]> = [
    ['Debian:12', 'Debian', '12'],
    ['Debian', 'Debian', undefined],
    ['Ubuntu:22.04:LTS', 'Ubuntu', '22.04:LTS'],
    ['Ubuntu:Pro:18.04:LTS', 'Ubuntu', 'Pro:18.04:LTS'],
    ['Alpine:v3.19', 'Alpine', 'v3.19'],
    ['Red Hat:enterprise_linux:9::appstream', 'Red Hat', 'enterprise_linux:9::appstream'],
    ['Rocky Linux:9', 'Rocky Linux', '9'],
    ['SUSE:Linux Enterprise Server 15 SP5', 'SUSE', 'Linux Enterprise Server 15 SP5'],
    ['Maven:https://maven.google.com', 'Maven', 'https://maven.google.com'],
    ['npm', 'npm', undefined],
    ['crates.io', 'crates.io', undefined],
    ['Wolfi', 'Wolfi', undefined],
    ['Debian:', 'Debian', undefined],
  ];
  for (const [ecosystem, base, release] of cases) {
    it(`${ecosystem} -> ${base} / ${String(release)}`, () => {
      assert.equal(ecosystemBase(ecosystem), base);
      assert.equal(ecosystemRelease(ecosystem), release);
    });
  }
});

describe('normalizePackageName', () => {
  it('PyPI: PEP 503', () => {
    assert.equal(normalizePackageName('PyPI', 'Pillow'), 'pillow');
    assert.equal(normalizePackageName('PyPI', 'Flask_Cors'), 'flask-cors');
    assert.equal(normalizePackageName('PyPI', 'zope.interface'), 'zope-interface');
    assert.equal(normalizePackageName('PyPI', 'A__b-.-c'), 'a-b-c');
    assert.equal(normalizePackageName('PyPI', ' requests '), 'requests');
  });

  it('crates.io: lowercase, "_" and "-" the same', () => {
    assert.equal(normalizePackageName('crates.io', 'Inflector'), 'inflector');
    assert.equal(normalizePackageName('crates.io', 'lazy_static'), 'lazy-static');
    assert.equal(normalizePackageName('crates.io', 'tokio-util'), 'tokio-util');
  });

  it('NuGet, Packagist, Hex, Pub: lowercase', () => {
    assert.equal(normalizePackageName('NuGet', 'Newtonsoft.Json'), 'newtonsoft.json');
    assert.equal(normalizePackageName('Packagist', 'Symfony/HTTP-Kernel'), 'symfony/http-kernel');
    assert.equal(normalizePackageName('Hex', 'Plug'), 'plug');
    assert.equal(normalizePackageName('Pub', 'Http'), 'http');
  });

  it('case-sensitive ecosystems keep the name', () => {
    assert.equal(normalizePackageName('npm', '@Scope/Name_x'), '@Scope/Name_x');
    assert.equal(normalizePackageName('Go', 'github.com/BurntSushi/toml'), 'github.com/BurntSushi/toml');
    assert.equal(normalizePackageName('Maven', 'org.apache.logging.log4j:log4j-core'), 'org.apache.logging.log4j:log4j-core');
    assert.equal(normalizePackageName('RubyGems', 'ActiveSupport'), 'ActiveSupport');
    assert.equal(normalizePackageName('Debian', 'glibc'), 'glibc');
    assert.equal(normalizePackageName('Red Hat', 'PackageKit'), 'PackageKit');
  });
});
