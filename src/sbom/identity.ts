import { createHash, randomUUID } from 'node:crypto';
import { PackageURL } from 'packageurl-js';
import type { ResolvedImage } from '../core/image.js';
import type { Package } from '../core/package.js';
import { parseReference, type ImageReference } from '../source/registry/reference.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TRANSPORT = /^(?:docker:\/\/|registry:|docker-archive:|oci-archive:|oci:|dir:|rootfs:)/;

/** The given serial (tests make output deterministic with it) or a fresh v4 UUID. */
export function documentUuid(serial: string | undefined): string {
  if (serial === undefined) return randomUUID();
  const uuid = serial.toLowerCase();
  if (!UUID.test(uuid)) throw new Error(`SBOM serial "${serial}" is not a UUID`);
  return uuid;
}

/** The digest that names the image: the manifest's when there is one, else the config's (the image ID). */
export function imageVersion(image: ResolvedImage): string | undefined {
  return image.manifestDigest ?? image.configDigest;
}

/**
 * purl-spec `oci` type: `pkg:oci/<last repository segment>@<digest>?repository_url=..&tag=..`,
 * encoded by packageurl-js (which, per the current spec, leaves the digest's colon as it is).
 * Only a manifest digest (ours or a RepoDigests entry) can be pulled by, so the config digest of
 * a legacy docker-archive does not make a purl.
 */
export function imagePurl(image: ResolvedImage): string | undefined {
  const digest = image.manifestDigest ?? image.repoDigests.map((entry) => entry.slice(entry.indexOf('@') + 1)).find((entry) => entry.startsWith('sha256:'));
  if (!digest) return undefined;
  const reference = registryReference(image.reference);
  const qualifiers: Record<string, string> = {};
  if (image.platform.architecture) qualifiers.arch = image.platform.architecture;
  if (reference) qualifiers.repository_url = `${reference.registry}/${reference.repository}`;
  const tag = reference ? reference.tag : layoutTag(image.reference);
  if (tag) qualifiers.tag = tag;
  const name = (reference?.repository.split('/').at(-1) ?? layoutName(image.reference)).toLowerCase();
  return new PackageURL('oci', undefined, name, digest, qualifiers, undefined).toString();
}

function registryReference(reference: string): ImageReference | undefined {
  try {
    return parseReference(reference.replace(TRANSPORT, ''));
  } catch {
    return undefined;
  }
}

// OCI layouts are named by path, `oci:/srv/images/app:1.2`: the directory stands in for the repository.
function layoutTag(reference: string): string | undefined {
  return /:([\w][\w.-]{0,127})$/.exec(reference.replace(TRANSPORT, ''))?.[1];
}

function layoutName(reference: string): string {
  const path = reference.replace(TRANSPORT, '').replace(/:[\w][\w.-]{0,127}$/, '').replace(/\/+$/, '');
  return path.slice(path.lastIndexOf('/') + 1).replace(/\.tar$/, '') || 'image';
}

/** Where a package was read: the file, and the member inside it for archives. */
export function packageLocation(pkg: Package): string {
  return pkg.innerPath ? `${pkg.file}!${pkg.innerPath}` : pkg.file;
}

export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/**
 * One key per item: the base key when it is unique, otherwise the base plus what tells the items
 * apart, plus a counter for true duplicates. Keys depend only on the items sharing a base, so they
 * stay stable when unrelated packages come and go.
 */
export function uniqueKeys<T>(items: readonly T[], base: (item: T) => string, qualify: (base: string, item: T) => string): string[] {
  const bases = items.map(base);
  const counts = new Map<string, number>();
  for (const key of bases) counts.set(key, (counts.get(key) ?? 0) + 1);
  const seen = new Map<string, number>();
  return items.map((item, index) => {
    const key = bases[index]!;
    if (counts.get(key) === 1) return key;
    const qualified = qualify(key, item);
    const times = (seen.get(qualified) ?? 0) + 1;
    seen.set(qualified, times);
    return times === 1 ? qualified : `${qualified}-${times}`;
  });
}
