/**
 * The version schemes, one folder each (Renovate's lib/modules/versioning layout), and which one
 * reads the versions of an OSV ecosystem. index.test.ts fails when a folder is not registered here.
 */
import { apk } from './apk/index.js';
import { composer } from './composer/index.js';
import { dpkg } from './dpkg/index.js';
import { go } from './go/index.js';
import { maven } from './maven/index.js';
import { nuget } from './nuget/index.js';
import { pep440 } from './pep440/index.js';
import { rpm } from './rpm/index.js';
import { rubygems } from './rubygems/index.js';
import { semver } from './semver/index.js';
import type { SchemeName, VersionScheme } from './types.js';

export { InvalidVersionError, type SchemeName, type VersionScheme } from './types.js';

export const schemes: Record<SchemeName, VersionScheme> = { dpkg, apk, rpm, semver, go, nuget, pep440, maven, rubygems, composer };

/**
 * OSV ecosystem names (the part before the first `:`, as in `Debian:12` or `Ubuntu:Pro:22.04:LTS`)
 * and the scheme their package manager orders versions with. Names are case-sensitive, as in OSV.
 */
const ECOSYSTEMS: Readonly<Record<string, SchemeName>> = {
  Debian: 'dpkg',
  Ubuntu: 'dpkg',
  Alpine: 'apk',
  Wolfi: 'apk',
  Chainguard: 'apk',
  MinimOS: 'apk',
  Alpaquita: 'apk',
  'BellSoft Hardened Containers': 'apk',
  'Red Hat': 'rpm',
  'Rocky Linux': 'rpm',
  AlmaLinux: 'rpm',
  SUSE: 'rpm',
  openSUSE: 'rpm',
  Mageia: 'rpm',
  'Photon OS': 'rpm',
  openEuler: 'rpm',
  npm: 'semver',
  'crates.io': 'semver',
  Hex: 'semver',
  SwiftURL: 'semver',
  Go: 'go',
  NuGet: 'nuget',
  PyPI: 'pep440',
  Maven: 'maven',
  RubyGems: 'rubygems',
  Packagist: 'composer',
};

/** The scheme for an OSV `affected[].package.ecosystem`, or undefined when customs has none for it. */
export function schemeForEcosystem(osvEcosystem: string): VersionScheme | undefined {
  const colon = osvEcosystem.indexOf(':');
  const name = colon < 0 ? osvEcosystem : osvEcosystem.slice(0, colon);
  return Object.hasOwn(ECOSYSTEMS, name) ? schemes[ECOSYSTEMS[name]!] : undefined;
}

/** The OSV ecosystem names schemeForEcosystem knows. */
export const knownEcosystems: readonly string[] = Object.keys(ECOSYSTEMS);
