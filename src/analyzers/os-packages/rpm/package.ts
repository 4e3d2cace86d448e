import type { FileAnalyzer } from '../../../core/analyzer.js';
import type { PackageRecord } from '../../../core/package.js';
import { clip, MiB, packageDatabaseAnalyzer } from '../analyzer.js';
import { headerNumber, headerString, readRpmHeader, RpmTag } from './header.js';

/** One package's header blob as a backend stores it, with the record number rpm gave it (hnum / pkgidx). */
export interface RpmHeaderBlob {
  id: number;
  blob: Uint8Array;
}

/** rpm installs imported signing keys as pseudo packages named gpg-pubkey; they hold no software. */
const PSEUDO_PACKAGES = new Set(['gpg-pubkey']);

/**
 * The package record for one header, or undefined for a pseudo package. The version is rpm's EVR
 * ("[epoch:]version-release", epoch only when above 0, as `rpm -q --qf '%{EVR}'` prints it); the
 * epoch itself, even 0, goes in properties because matchers treat "absent" and "0" alike but SBOMs
 * may not.
 */
export function rpmPackageFromHeader(blob: Uint8Array): PackageRecord | undefined {
  const header = readRpmHeader(blob);
  const name = headerString(header, RpmTag.NAME);
  if (!name) throw new Error('rpm header has no NAME');
  if (PSEUDO_PACKAGES.has(name)) return undefined;
  const version = headerString(header, RpmTag.VERSION);
  const release = headerString(header, RpmTag.RELEASE);
  if (!version || !release) throw new Error(`rpm package ${clip(name)} has no ${version ? 'RELEASE' : 'VERSION'}`);
  const epoch = headerNumber(header, RpmTag.EPOCH);
  const evr = `${epoch ? `${epoch}:` : ''}${version}-${release}`;

  const record: PackageRecord = { ecosystem: 'rpm', name, version: evr };
  const properties: Record<string, string> = { release };
  if (epoch !== undefined) properties.epoch = String(epoch);

  const sourceRpm = headerString(header, RpmTag.SOURCERPM);
  if (sourceRpm) {
    properties.sourceRpm = sourceRpm;
    const source = parseSourceRpmName(sourceRpm);
    if (source) {
      record.sourceName = source.name;
      // A source rpm and its binaries come from one spec file, so they share the epoch, which the file name leaves out.
      record.sourceVersion = `${epoch ? `${epoch}:` : ''}${source.version}-${source.release}`;
    }
  }
  const arch = headerString(header, RpmTag.ARCH);
  if (arch) record.arch = arch;
  const license = headerString(header, RpmTag.LICENSE);
  if (license) record.licenses = [license];
  const modularityLabel = headerString(header, RpmTag.MODULARITYLABEL);
  if (modularityLabel) properties.modularityLabel = modularityLabel;
  const vendor = headerString(header, RpmTag.VENDOR);
  if (vendor) properties.vendor = vendor;
  const size = headerNumber(header, RpmTag.LONGSIZE) ?? headerNumber(header, RpmTag.SIZE);
  if (size !== undefined) properties.size = String(size);
  record.properties = properties;
  return record;
}

/** "util-linux-2.32.1-42.el8_8.src.rpm" -> util-linux, 2.32.1, 42.el8_8. Names may contain dashes; version and release may not. */
export function parseSourceRpmName(fileName: string): { name: string; version: string; release: string } | undefined {
  const match = /^(.+)-([^-]+)-([^-]+)\.(?:no)?src\.rpm$/.exec(fileName);
  return match ? { name: match[1]!, version: match[2]!, release: match[3]! } : undefined;
}

/** Records for every blob, in record-number order (the order packages were installed in). */
export function rpmPackagesFromBlobs(blobs: readonly RpmHeaderBlob[]): PackageRecord[] {
  const packages: PackageRecord[] = [];
  for (const { id, blob } of [...blobs].sort((a, b) => a.id - b.id)) {
    let record: PackageRecord | undefined;
    try {
      record = rpmPackageFromHeader(blob);
    } catch (error) {
      throw new Error(`rpmdb record ${id}: ${(error as Error).message}`);
    }
    if (record) packages.push(record);
  }
  return packages;
}

/** Where rpm keeps its database: the classic place, and the one openSUSE and Fedora 36+ moved it to. */
const RPMDB_DIRECTORIES = ['var/lib/rpm/', 'usr/lib/sysimage/rpm/'];

export function rpmDatabaseAnalyzer(spec: { name: string; version: number; fileName: string; parse(bytes: Buffer, path: string): PackageRecord[] }): FileAnalyzer {
  const paths = new Set(RPMDB_DIRECTORIES.map((directory) => directory + spec.fileName));
  return packageDatabaseAnalyzer({
    name: spec.name,
    version: spec.version,
    ecosystem: 'rpm',
    // A full RHEL server's database is a few hundred MiB at most; the collector's own limit applies first.
    maxBytes: 1024 * MiB,
    required: (path) => paths.has(path),
    parse: spec.parse,
  });
}
