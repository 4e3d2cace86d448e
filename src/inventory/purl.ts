import { PackageURL } from 'packageurl-js';
import type { OsInfo } from '../core/os.js';
import type { PackageRecord } from '../core/package.js';

/** The purl namespace for OS packages is the vendor, which for Red Hat rebuilds is not the os-release ID. */
const RPM_NAMESPACES: Record<string, string> = { rhel: 'redhat', centos: 'centos', rocky: 'rocky', almalinux: 'almalinux', fedora: 'fedora', ol: 'oracle', amzn: 'amazon', mariner: 'mariner', azurelinux: 'azurelinux', sles: 'suse', 'sle-micro': 'suse', 'opensuse-leap': 'opensuse', 'opensuse-tumbleweed': 'opensuse', photon: 'photon' };

/**
 * The package URL (purl-spec) of a package: how SBOMs and vulnerability databases name it.
 * OS packages carry the distro (`distro=debian-12.8`) because the same version string means
 * different builds on different releases.
 */
export function packageUrl(record: PackageRecord, os: OsInfo | undefined): string {
  const qualifiers: Record<string, string> = {};
  const distro = os ? `${os.family}-${os.version}` : undefined;
  switch (record.ecosystem) {
    case 'deb': {
      if (record.arch) qualifiers.arch = record.arch;
      if (distro) qualifiers.distro = distro;
      if (record.sourceName && record.sourceName !== record.name) qualifiers.upstream = record.sourceName;
      return new PackageURL('deb', os?.family ?? 'debian', record.name, record.version, qualifiers, undefined).toString();
    }
    case 'apk': {
      if (record.arch) qualifiers.arch = record.arch;
      if (os) qualifiers.distro = os.version;
      if (record.sourceName && record.sourceName !== record.name) qualifiers.upstream = record.sourceName;
      return new PackageURL('apk', os?.family ?? 'alpine', record.name, record.version, qualifiers, undefined).toString();
    }
    case 'rpm': {
      // purl keeps the epoch as a qualifier, not in the version.
      const epoch = record.properties?.epoch;
      const version = epoch && record.version.startsWith(`${epoch}:`) ? record.version.slice(epoch.length + 1) : record.version;
      if (record.arch) qualifiers.arch = record.arch;
      if (epoch && epoch !== '0') qualifiers.epoch = epoch;
      if (distro) qualifiers.distro = distro;
      if (record.sourceName && record.sourceName !== record.name) qualifiers.upstream = record.properties?.sourceRpm ?? record.sourceName;
      const namespace = os ? (RPM_NAMESPACES[os.family] ?? os.family) : 'redhat';
      return new PackageURL('rpm', namespace, record.name, version, qualifiers, undefined).toString();
    }
    case 'npm': {
      const [namespace, name] = record.name.startsWith('@') ? splitOnce(record.name, '/') : [undefined, record.name];
      return new PackageURL('npm', namespace, name, record.version, undefined, undefined).toString();
    }
    case 'golang': {
      const slash = record.name.lastIndexOf('/');
      const [namespace, name] = slash > 0 ? [record.name.slice(0, slash), record.name.slice(slash + 1)] : [undefined, record.name];
      return new PackageURL('golang', namespace, name, record.version, undefined, undefined).toString();
    }
    case 'maven': {
      const [group, artifact] = record.name.includes(':') ? splitOnce(record.name, ':') : [undefined, record.name];
      return new PackageURL('maven', group || undefined, artifact, record.version, undefined, undefined).toString();
    }
    case 'composer': {
      const [vendor, name] = record.name.includes('/') ? splitOnce(record.name, '/') : [undefined, record.name];
      return new PackageURL('composer', vendor, name, record.version, undefined, undefined).toString();
    }
    case 'pypi':
    case 'gem':
    case 'cargo':
    case 'nuget':
      return new PackageURL(record.ecosystem, undefined, record.name, record.version, undefined, undefined).toString();
  }
}

function splitOnce(value: string, separator: string): [string, string] {
  const at = value.indexOf(separator);
  return [value.slice(0, at), value.slice(at + 1)];
}
