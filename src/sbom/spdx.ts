/**
 * SPDX 2.3 JSON (https://spdx.github.io/spdx-spec/v2.3/) from an image inventory: the image as
 * the described package, the OS and every package contained in it. Plain data, validated in the
 * tests against the SPDX project's own spdx-schema.json for 2.3.
 */
import { formatPlatform } from '../core/image.js';
import type { OsInfo } from '../core/os.js';
import { OS_ECOSYSTEMS, type Package } from '../core/package.js';
import { documentUuid, imagePurl, imageVersion, packageLocation, shortHash, uniqueKeys } from './identity.js';
import type { SbomInput } from './input.js';
import { combinedExpression, readLicense } from './licenses.js';

export interface SpdxDocument {
  spdxVersion: 'SPDX-2.3';
  dataLicense: 'CC0-1.0';
  SPDXID: 'SPDXRef-DOCUMENT';
  name: string;
  documentNamespace: string;
  creationInfo: { created: string; creators: string[] };
  packages: SpdxPackage[];
  relationships: SpdxRelationship[];
}

/** JSON spells the purposes with underscores (the 2.3 schema's enum), tag-value with hyphens. */
export type SpdxPackagePurpose = 'CONTAINER' | 'OPERATING_SYSTEM' | 'APPLICATION' | 'LIBRARY';

export interface SpdxPackage {
  SPDXID: string;
  name: string;
  versionInfo?: string;
  downloadLocation: 'NOASSERTION';
  filesAnalyzed: false;
  sourceInfo?: string;
  licenseConcluded: 'NOASSERTION';
  licenseDeclared: string;
  description?: string;
  comment?: string;
  externalRefs?: SpdxExternalRef[];
  primaryPackagePurpose: SpdxPackagePurpose;
}

export interface SpdxExternalRef {
  referenceCategory: 'PACKAGE-MANAGER';
  referenceType: 'purl';
  referenceLocator: string;
}

export interface SpdxRelationship {
  spdxElementId: string;
  relationshipType: 'DESCRIBES' | 'CONTAINS';
  relatedSpdxElement: string;
}

const IMAGE_ID = 'SPDXRef-Image';
const OS_ID = 'SPDXRef-OperatingSystem';
const NOASSERTION = 'NOASSERTION';

export function toSpdx(input: SbomInput): SpdxDocument {
  const { image, os, packages } = input;
  const purl = imagePurl(image);
  const version = imageVersion(image);
  const imagePackage: SpdxPackage = {
    SPDXID: IMAGE_ID,
    name: image.reference,
    ...(version ? { versionInfo: version } : {}),
    downloadLocation: NOASSERTION,
    filesAnalyzed: false,
    licenseConcluded: NOASSERTION,
    licenseDeclared: NOASSERTION,
    comment: lines([
      `source: ${image.sourceKind}`,
      image.platform.architecture ? `platform: ${formatPlatform(image.platform)}` : undefined,
      image.configDigest ? `config digest: ${image.configDigest}` : undefined,
      image.indexDigest ? `index digest: ${image.indexDigest}` : undefined,
    ])!,
    ...(purl ? { externalRefs: [purlRef(purl)] } : {}),
    primaryPackagePurpose: 'CONTAINER',
  };

  const ids = uniqueKeys(
    packages,
    (pkg) => sanitise(`${pkg.ecosystem}-${pkg.name}-${pkg.version}`),
    (base, pkg) => `${base}-${shortHash(packageLocation(pkg))}`,
  ).map((key) => `SPDXRef-Package-${key}`);

  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: image.reference,
    // .invalid (RFC 2606) because the namespace only has to be unique, and nothing is served there.
    documentNamespace: `https://customs.invalid/spdxdocs/${slug(image.reference)}-${documentUuid(input.serial)}`,
    creationInfo: {
      // The schema's later 2.3 errata pattern allows no fractional seconds.
      created: input.created.toISOString().replace(/\.\d+Z$/, 'Z'),
      creators: [`Tool: customs-${input.toolVersion}`],
    },
    packages: [imagePackage, ...(os ? [operatingSystem(os)] : []), ...packages.map((pkg, index) => spdxPackage(pkg, ids[index]!))],
    relationships: [
      { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: IMAGE_ID },
      ...(os ? [contains(OS_ID)] : []),
      ...ids.map(contains),
    ],
  };
}

function operatingSystem(os: OsInfo): SpdxPackage {
  return {
    SPDXID: OS_ID,
    name: os.family,
    versionInfo: os.version,
    downloadLocation: NOASSERTION,
    filesAnalyzed: false,
    licenseConcluded: NOASSERTION,
    licenseDeclared: NOASSERTION,
    ...(os.prettyName ? { description: os.prettyName } : {}),
    primaryPackagePurpose: 'OPERATING_SYSTEM',
  };
}

// LIBRARY for every package, as Trivy does: nothing recorded tells a program from a library
// (libc6 and bash are both OS packages), and the image itself is the application.
function spdxPackage(pkg: Package, id: string): SpdxPackage {
  const recorded = [...new Set((pkg.licenses ?? []).map((text) => text.trim()).filter((text) => text !== ''))];
  const declared = combinedExpression(recorded.map(readLicense));
  const isOs = OS_ECOSYSTEMS.has(pkg.ecosystem);
  const comment = lines([
    // licenseDeclared only takes SPDX expressions: what was recorded survives here.
    recorded.length && !declared ? `declared licenses as recorded: ${recorded.join('; ')}` : undefined,
    isOs && pkg.sourceName ? `source package: ${pkg.sourceName}${pkg.sourceVersion ? ` ${pkg.sourceVersion}` : ''}` : undefined,
    pkg.dev ? 'development dependency' : undefined,
  ]);
  return {
    SPDXID: id,
    name: pkg.name,
    versionInfo: pkg.version,
    downloadLocation: NOASSERTION,
    filesAnalyzed: false,
    sourceInfo: `found in ${packageLocation(pkg)}${pkg.layerDiffId ? ` (layer ${pkg.layerDiffId})` : ''} by ${pkg.analyzer}`,
    licenseConcluded: NOASSERTION,
    licenseDeclared: declared ?? NOASSERTION,
    ...(comment ? { comment } : {}),
    externalRefs: [purlRef(pkg.purl)],
    primaryPackagePurpose: 'LIBRARY',
  };
}

function purlRef(purl: string): SpdxExternalRef {
  return { referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: purl };
}

function contains(id: string): SpdxRelationship {
  return { spdxElementId: IMAGE_ID, relationshipType: 'CONTAINS', relatedSpdxElement: id };
}

/** SPDX IDs allow letters, digits, "." and "-" only. */
function sanitise(text: string): string {
  return text.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/-{2,}/g, '-').replace(/^-+|-+$/g, '') || 'package';
}

function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'image';
}

function lines(parts: ReadonlyArray<string | undefined>): string | undefined {
  const kept = parts.filter((part): part is string => part !== undefined);
  return kept.length ? kept.join('\n') : undefined;
}
