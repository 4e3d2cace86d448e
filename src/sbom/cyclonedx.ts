/**
 * CycloneDX 1.6 JSON (https://cyclonedx.org/docs/1.6/json/) from an image inventory.
 *
 * Written by hand rather than with @cyclonedx/cyclonedx-library. The library does run on this
 * Node (it needs >= 20.18; we have 20.20), but as a runtime dependency it would raise customs'
 * own floor from 20.10, and it takes none of the real work off us: which recorded licenses are
 * SPDX ids, names or expressions is still our call (it takes `SpdxLicense('GPL-2+')` at its
 * word), unique bom-refs are still ours to make, and its normaliser reorders and fills in
 * output we want to keep stable for diffing. What it does offer, the official schema files, we
 * use as a devDependency: the tests validate every document against bom-1.6.schema.json.
 */
import { formatPlatform } from '../core/image.js';
import type { OsInfo } from '../core/os.js';
import { OS_ECOSYSTEMS, type Package } from '../core/package.js';
import { documentUuid, imagePurl, imageVersion, packageLocation, uniqueKeys } from './identity.js';
import type { SbomInput } from './input.js';
import { combinedExpression, readLicense } from './licenses.js';

export const CYCLONEDX_SCHEMA_URL = 'http://cyclonedx.org/schema/bom-1.6.schema.json';

export interface CycloneDxBom {
  $schema: typeof CYCLONEDX_SCHEMA_URL;
  bomFormat: 'CycloneDX';
  specVersion: '1.6';
  serialNumber: string;
  version: 1;
  metadata: {
    timestamp: string;
    tools: { components: CycloneDxComponent[] };
    component: CycloneDxComponent;
  };
  components: CycloneDxComponent[];
  dependencies: CycloneDxDependency[];
}

/** The subset of the component object we write, in the schema's key order. */
export interface CycloneDxComponent {
  type: 'application' | 'container' | 'operating-system' | 'library';
  'bom-ref'?: string;
  group?: string;
  name: string;
  version?: string;
  description?: string;
  licenses?: CycloneDxLicenses;
  purl?: string;
  properties?: CycloneDxProperty[];
}

/** The schema's licenseChoice: license objects, or exactly one expression; never both. */
export type CycloneDxLicenses = Array<{ license: { id: string } | { name: string } }> | [{ expression: string }];

export interface CycloneDxProperty {
  name: string;
  value: string;
}

export interface CycloneDxDependency {
  ref: string;
  dependsOn?: string[];
}

export function toCycloneDx(input: SbomInput): CycloneDxBom {
  const { image, os, packages } = input;
  const purl = imagePurl(image);
  const imageRef = purl ?? `image:${image.reference}`;
  const version = imageVersion(image);
  const imageComponent: CycloneDxComponent = {
    type: 'container',
    'bom-ref': imageRef,
    name: image.reference,
    ...(version ? { version } : {}),
    ...(purl ? { purl } : {}),
    properties: compact([
      ['customs:image:sourceKind', image.sourceKind],
      ['customs:image:platform', image.platform.architecture ? formatPlatform(image.platform) : undefined],
      ['customs:image:manifestDigest', image.manifestDigest],
      ['customs:image:manifestMediaType', image.manifestMediaType],
      ['customs:image:indexDigest', image.indexDigest],
      ['customs:image:configDigest', image.configDigest],
      ...image.repoTags.map((tag): Entry => ['customs:image:repoTag', tag]),
      ...image.repoDigests.map((digest): Entry => ['customs:image:repoDigest', digest]),
      ...image.layers.map((layer): Entry => ['customs:image:layer:diffId', layer.diffId]),
    ]),
  };

  const osComponent = os ? operatingSystem(os) : undefined;
  const refs = uniqueKeys(packages, (pkg) => pkg.purl, (base, pkg) => `${base}|${packageLocation(pkg)}`);
  const packageComponents = packages.map((pkg, index) => library(pkg, refs[index]!));
  const dependsOn = [...(osComponent ? [osComponent['bom-ref']!] : []), ...refs];

  return {
    $schema: CYCLONEDX_SCHEMA_URL,
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:${documentUuid(input.serial)}`,
    version: 1,
    metadata: {
      timestamp: input.created.toISOString(),
      tools: { components: [{ type: 'application', name: 'customs', version: input.toolVersion }] },
      component: imageComponent,
    },
    components: [...(osComponent ? [osComponent] : []), ...packageComponents],
    // Only the image's edges: the package graph is not resolved yet, and a missing entry means
    // "unknown" in CycloneDX where an empty dependsOn would claim "depends on nothing".
    dependencies: [{ ref: imageRef, ...(dependsOn.length ? { dependsOn } : {}) }],
  };
}

function operatingSystem(os: OsInfo): CycloneDxComponent {
  return {
    type: 'operating-system',
    'bom-ref': `os:${os.family}@${os.version}`,
    name: os.family,
    version: os.version,
    ...(os.prettyName ? { description: os.prettyName } : {}),
    properties: compact([
      ['customs:os:name', os.name],
      ['customs:os:versionId', os.versionId],
      ['customs:os:codename', os.codename],
      ...(os.idLike ?? []).map((id): Entry => ['customs:os:idLike', id]),
      ...os.sources.map((source): Entry => ['customs:os:source', source]),
    ]),
  };
}

// Every package is a "library", OS packages included, as Trivy writes them: CycloneDX has no
// type for "installed by the distro", and consumers key on the purl anyway.
function library(pkg: Package, ref: string): CycloneDxComponent {
  const { group, name } = groupAndName(pkg);
  const licenses = cycloneDxLicenses(pkg.licenses ?? []);
  const isOs = OS_ECOSYSTEMS.has(pkg.ecosystem);
  return {
    type: 'library',
    'bom-ref': ref,
    ...(group ? { group } : {}),
    name,
    version: pkg.version,
    ...(licenses ? { licenses } : {}),
    purl: pkg.purl,
    properties: compact([
      ['customs:analyzer', pkg.analyzer],
      ['customs:file', pkg.file],
      ['customs:innerPath', pkg.innerPath],
      ['customs:layer:index', String(pkg.layerIndex)],
      ['customs:layer:diffId', pkg.layerDiffId],
      ['customs:source:name', isOs ? pkg.sourceName : undefined],
      ['customs:source:version', isOs ? pkg.sourceVersion : undefined],
      ['customs:arch', pkg.arch],
      ['customs:dev', pkg.dev ? 'true' : undefined],
      ...Object.entries(pkg.properties ?? {})
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, value]): Entry => [`customs:prop:${key}`, value]),
    ]),
  };
}

/** The group/name split each ecosystem's own CycloneDX generator makes (cyclonedx-npm, -maven, -php-composer). */
function groupAndName(pkg: Package): { group?: string; name: string } {
  const split = (separator: string): { group?: string; name: string } => {
    const at = pkg.name.lastIndexOf(separator);
    return at > 0 ? { group: pkg.name.slice(0, at), name: pkg.name.slice(at + 1) } : { name: pkg.name };
  };
  switch (pkg.ecosystem) {
    case 'maven':
      return split(':');
    case 'npm':
      return pkg.name.startsWith('@') ? split('/') : { name: pkg.name };
    case 'composer':
      return split('/');
    default:
      return { name: pkg.name };
  }
}

/**
 * Listed ids become `license.id`, other text `license.name`. An expression has to stand alone
 * (the 1.6 schema forbids mixing it with license objects), so several recorded licenses that
 * include one become a single AND-ed expression, or, when some of them are not SPDX at all,
 * every one of them is kept by name.
 */
export function cycloneDxLicenses(recorded: readonly string[]): CycloneDxLicenses | undefined {
  const readings = [...new Set(recorded.map((text) => text.trim()).filter((text) => text !== ''))].map(readLicense);
  if (readings.length === 0) return undefined;
  if (!readings.some((reading) => reading.kind === 'expression')) {
    return readings.map((reading) => ({ license: reading.kind === 'id' ? { id: reading.id } : { name: reading.text } }));
  }
  const expression = combinedExpression(readings);
  if (expression) return [{ expression }];
  return readings.map((reading) => ({ license: { name: reading.text } }));
}

type Entry = [string, string | undefined];

/** Properties with a value; an empty string says nothing (a root filesystem has no diff IDs). */
function compact(entries: readonly Entry[]): CycloneDxProperty[] {
  return entries.flatMap(([name, value]) => (value ? [{ name, value }] : []));
}
