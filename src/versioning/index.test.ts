/**
 * Conformance spec for every version scheme: the registry matches the folders on disk, and the
 * same generic checks run on each scheme (Renovate's lib/modules/versioning/index.spec.ts idea).
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { InvalidVersionError, knownEcosystems, schemeForEcosystem, schemes } from './index.js';
import { samples } from './samples.js';
import type { SchemeName } from './types.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const GARBAGE = ['', 'not a version!', '  ', '\n'];

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('version scheme registry', () => {
  it('registers exactly the scheme folders on disk, each under its folder name', async () => {
    const folders = readdirSync(here, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    assert.deepEqual(Object.keys(schemes).sort(), folders);
    for (const folder of folders) {
      const files = readdirSync(new URL(`./${folder}/`, import.meta.url)).sort();
      assert.deepEqual(files, ['index.test.ts', 'index.ts', 'readme.md'], `${folder}/ holds the scheme, its test table and its readme`);
      const module = (await import(`./${folder}/index.js`)) as Record<string, unknown>;
      assert.equal(module[folder], schemes[folder as SchemeName], `${folder}/index.ts exports the registered scheme as \`${folder}\``);
      assert.equal(schemes[folder as SchemeName].name, folder);
    }
  });

  it('maps OSV ecosystems to schemes by the part before the first colon', () => {
    const expected: [string, SchemeName | undefined][] = [
      ['Debian', 'dpkg'],
      ['Debian:12', 'dpkg'],
      ['Ubuntu:22.04:LTS', 'dpkg'],
      ['Ubuntu:Pro:18.04:LTS', 'dpkg'],
      ['Alpine:v3.19', 'apk'],
      ['Wolfi', 'apk'],
      ['Chainguard', 'apk'],
      ['Red Hat:rhel_aus:8.4::appstream', 'rpm'],
      ['Rocky Linux:9', 'rpm'],
      ['AlmaLinux:8', 'rpm'],
      ['SUSE:SUSE Linux Enterprise Server 15 SP5', 'rpm'],
      ['openSUSE:Leap 15.5', 'rpm'],
      ['Mageia:9', 'rpm'],
      ['Photon OS:5.0', 'rpm'],
      ['npm', 'semver'],
      ['crates.io', 'semver'],
      ['Go', 'go'],
      ['NuGet', 'nuget'],
      ['PyPI', 'pep440'],
      ['Maven', 'maven'],
      ['Maven:https://maven.google.com', 'maven'],
      ['RubyGems', 'rubygems'],
      ['Packagist', 'composer'],
      ['Packagist:https://packages.drupal.org/8', 'composer'],
      ['pypi', undefined], // OSV names are case-sensitive
      ['GIT', undefined],
      ['Linux', undefined],
      ['', undefined],
      ['constructor', undefined],
      ['toString', undefined],
    ];
    for (const [ecosystem, name] of expected) assert.equal(schemeForEcosystem(ecosystem)?.name, name, ecosystem);
    for (const ecosystem of knownEcosystems) assert.ok(schemeForEcosystem(ecosystem), ecosystem);
  });
});

for (const scheme of Object.values(schemes)) {
  describe(`${scheme.name} conformance`, () => {
    const sample = samples[scheme.name];

    it('has a sample of valid versions', () => {
      assert.ok(sample.length >= 10);
      for (const version of sample) assert.ok(scheme.isValid(version), `${version} is valid`);
    });

    it('is reflexive and antisymmetric', () => {
      for (const a of sample) {
        assert.equal(scheme.compare(a, a), 0, `${a} == ${a}`);
        for (const b of sample) assert.equal(Math.sign(scheme.compare(a, b)), 0 - Math.sign(scheme.compare(b, a)), `${a} vs ${b}`);
      }
    });

    it('orders its sample strictly ascending, transitively', () => {
      for (let i = 0; i < sample.length; i++) {
        for (let j = i + 1; j < sample.length; j++) assert.ok(scheme.compare(sample[i]!, sample[j]!) < 0, `${sample[i]} < ${sample[j]}`);
      }
      for (let seed = 1; seed <= 5; seed++) {
        assert.deepEqual(shuffled(sample, seed).sort(scheme.compare), sample);
      }
    });

    it('refuses garbage with InvalidVersionError, and compares whatever it calls valid', () => {
      for (const version of GARBAGE) {
        assert.equal(scheme.isValid(version), false, JSON.stringify(version));
        assert.throws(() => scheme.compare(version, sample[0]!), InvalidVersionError);
        assert.throws(() => scheme.compare(sample[0]!, version), InvalidVersionError);
      }
    });

    it('returns plain numbers and is pure (same answer twice)', () => {
      for (const a of sample) {
        for (const b of sample) {
          const r = scheme.compare(a, b);
          assert.equal(typeof r, 'number');
          assert.ok(Number.isFinite(r));
          assert.equal(scheme.compare(a, b), r);
        }
      }
    });
  });
}
