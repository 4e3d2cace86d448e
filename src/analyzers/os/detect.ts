import type { OsInfo } from '../../core/os.js';
import type { OsReleaseResult } from '../../core/results.js';

export interface OsEvidence {
  /** The path in the final filesystem the facts were read from. */
  path: string;
  result: OsReleaseResult;
}

/** Paths in order of trust. /etc/os-release may be a symlink; the caller resolves it. */
const OS_RELEASE_PATHS = ['etc/os-release', 'usr/lib/os-release'];
const REDHAT_PATHS = [
  'etc/rocky-release',
  'etc/almalinux-release',
  'etc/centos-release',
  'etc/fedora-release',
  'etc/oracle-release',
  'etc/redhat-release',
  'etc/system-release',
];
const RHEL_FAMILY = new Set(['rhel', 'centos', 'rocky', 'almalinux', 'fedora', 'ol', 'amzn', 'mariner']);

/**
 * Combine what the OS analyzers read into one answer. os-release names the distro; the
 * distro's own release file, when it agrees, gives the more precise point release.
 * `resolve` maps a path through symlinks in the final filesystem.
 */
export function detectOs(evidence: readonly OsEvidence[], resolve: (path: string) => string): OsInfo | undefined {
  const byPath = new Map(evidence.map((item) => [item.path, item]));
  const find = (paths: readonly string[]): OsEvidence | undefined => {
    for (const path of paths) {
      const found = byPath.get(resolve(path));
      if (found) return found;
    }
    return undefined;
  };
  const osRelease = find(OS_RELEASE_PATHS);
  const alpine = find(['etc/alpine-release']);
  const debian = find(['etc/debian_version']);
  const redhat = find(REDHAT_PATHS);

  if (osRelease) {
    const fields = osRelease.result.fields;
    const family = (fields.ID ?? '').toLowerCase();
    if (family) {
      const info: OsInfo = {
        family,
        name: fields.NAME ?? family,
        version: fields.VERSION_ID ?? '',
        versionId: fields.VERSION_ID,
        codename: fields.VERSION_CODENAME,
        prettyName: fields.PRETTY_NAME,
        idLike: fields.ID_LIKE?.split(/\s+/).filter(Boolean),
        sources: [osRelease.path],
      };
      const refinement = family === 'alpine' ? alpine : family === 'debian' ? debian : RHEL_FAMILY.has(family) ? redhat : undefined;
      const precise = refinement?.result.fields.VERSION;
      if (refinement && precise && (info.version === '' || precise === info.version || precise.startsWith(`${info.version}.`))) {
        info.version = precise;
        info.sources.push(refinement.path);
      }
      return info;
    }
  }
  if (alpine?.result.fields.VERSION) {
    return { family: 'alpine', name: 'Alpine Linux', version: alpine.result.fields.VERSION, sources: [alpine.path] };
  }
  if (redhat?.result.fields.ID && redhat.result.fields.VERSION) {
    const fields = redhat.result.fields;
    return { family: fields.ID!, name: fields.NAME ?? fields.ID!, version: fields.VERSION!, codename: fields.CODENAME, sources: [redhat.path] };
  }
  if (debian?.result.fields.VERSION) {
    return { family: 'debian', name: 'Debian GNU/Linux', version: debian.result.fields.VERSION, sources: [debian.path] };
  }
  return undefined;
}
