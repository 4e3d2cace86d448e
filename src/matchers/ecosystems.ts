import type { OsInfo } from '../core/os.js';
import type { Ecosystem } from '../core/package.js';
import { ecosystemBase, ecosystemRelease } from '../vulndb/names.js';

/** The OSV ecosystem base of each application package type. */
export const APPLICATION_ECOSYSTEMS: Partial<Record<Ecosystem, string>> = {
  npm: 'npm',
  pypi: 'PyPI',
  golang: 'Go',
  maven: 'Maven',
  gem: 'RubyGems',
  cargo: 'crates.io',
  composer: 'Packagist',
  nuget: 'NuGet',
};

/**
 * Which of the database's OSV ecosystems describe this distribution release. Distro records are
 * per release ("Debian:12", "Alpine:v3.19", "Ubuntu:22.04:LTS", every Red Hat 9 stream); a package
 * is only ever matched against its own release's data.
 */
export function osEcosystems(os: OsInfo, available: readonly string[]): string[] {
  const major = (os.versionId ?? os.version).split('.')[0] ?? '';
  const majorMinor = os.version.split('.').slice(0, 2).join('.');
  const wanted = (base: string, accept: (release: string | undefined) => boolean): string[] =>
    available.filter((ecosystem) => ecosystemBase(ecosystem) === base && accept(ecosystemRelease(ecosystem)));
  switch (os.family) {
    case 'debian':
      return wanted('Debian', (release) => release === major);
    case 'ubuntu':
      // "Ubuntu:22.04:LTS" and "Ubuntu:22.04"; the Pro (ESM) streams cover packages a plain image does not have.
      return wanted('Ubuntu', (release) => release !== undefined && (release === os.versionId || release.startsWith(`${os.versionId}:`)));
    case 'alpine':
      return wanted('Alpine', (release) => release === `v${majorMinor}`);
    case 'wolfi':
      return wanted('Wolfi', () => true);
    case 'chainguard':
      return wanted('Chainguard', () => true);
    case 'rhel':
      return wanted('Red Hat', (release) => release !== undefined && (release.startsWith(`enterprise_linux:${major}::`) || release === `enterprise_linux:${major}`));
    case 'rocky':
      return wanted('Rocky Linux', (release) => release === major);
    case 'almalinux':
      return wanted('AlmaLinux', (release) => release === major);
    case 'sles':
    case 'sle-micro': {
      const [suseMajor, servicePack] = os.version.split('.');
      const name = servicePack && servicePack !== '0' ? `${suseMajor} SP${servicePack}` : `${suseMajor}`;
      return wanted('SUSE', (release) => release !== undefined && release.endsWith(` ${name}`));
    }
    case 'opensuse-leap':
      return wanted('openSUSE', (release) => release === `Leap ${os.version}`);
    case 'opensuse-tumbleweed':
      return wanted('openSUSE', (release) => release === 'Tumbleweed');
    default:
      return [];
  }
}
