/**
 * Java archives (.jar, .war, .ear, .par, and Jenkins plugins .jpi/.hpi): the Maven artifacts
 * inside, including archives nested in archives (WEB-INF/lib in a war, BOOT-INF/lib in a Spring
 * Boot jar, modules and lib/ in an ear).
 *
 * For each archive:
 * 1. every META-INF/maven/<groupId>/<artifactId>/pom.properties gives one record (a shaded or
 *    uber jar carries one per artifact merged into it);
 * 2. unless one of those is the archive itself (its artifactId is the one the file name gives;
 *    for a name without a version, unless there is any), the archive's own identity is added,
 *    as Trivy does: shaded jars often describe what they merged but not themselves. It comes
 *    from the file name when that has a version ("name-1.2.3.jar"; the version starts at the
 *    last "-<digits>.", so "log4j-1.2-api-2.17.1.jar" is log4j-1.2-api 2.17.1 and
 *    "zstd-jni-1.5.5-11.jar" is zstd-jni 1.5.5-11), with the group from the manifest's
 *    Implementation-Vendor-Id or from a Bundle-SymbolicName of the form "<group>.<artifactId>".
 *    Without either the group is unknown and the record's name is the bare artifact id (no
 *    "group:" prefix), as Trivy names it. The file name comes before the manifest because it is
 *    right far more often: of the 363 jars without pom.properties in a local Maven repository,
 *    the name gave artifact and version correctly for 357, while Implementation-Title matched the
 *    artifact id for 118 and the manifest version was right for 259 (old Ant builds stamp stale
 *    versions);
 * 3. when the file name has no version ("app.jar"), the identity comes from the main section of
 *    META-INF/MANIFEST.MF: the artifact from Implementation-Title, Specification-Title or the
 *    last part of Bundle-SymbolicName, the version from Implementation-Version, Bundle-Version or
 *    Specification-Version, the group from Implementation-Vendor-Id or the rest of
 *    Bundle-SymbolicName. Titles with spaces ("Apache Commons Lang") are display names, not
 *    artifact ids, and are passed over. Without a version anywhere there is no record.
 * Records are named "groupId:artifactId"; properties.sha1 is the SHA-1 of the archive the
 * record came from, the key Maven Central search uses to identify a jar.
 */
import { createHash } from 'node:crypto';
import type { FileAnalyzer } from '../../core/analyzer.js';
import type { PackageRecord } from '../../core/package.js';
import { formatBytes } from '../../layer/limits.js';
import { MiB } from './executable.js';
import { parseManifest, parseProperties } from './java-metadata.js';
import { openZip, type ByteBudget, type OpenZip, type ZipEntry } from './zip-archive.js';

const JAVA_ARCHIVE_EXTENSIONS = ['jar', 'war', 'ear', 'par', 'jpi', 'hpi'];

export interface JavaArchiveLimits {
  /** Decompressed bytes read from one archive file, nested archives included. */
  maxTotalBytes: number;
  /** How deep archives nested in archives are followed; deeper ones are not opened. */
  maxDepth: number;
  /** Archives opened for one file, the file itself included. */
  maxArchives: number;
  /** pom.properties and MANIFEST.MF larger than this are refused. */
  maxMetadataBytes: number;
}

export const DEFAULT_JAVA_ARCHIVE_LIMITS: JavaArchiveLimits = {
  maxTotalBytes: 512 * MiB,
  maxDepth: 3,
  maxArchives: 10_000,
  maxMetadataBytes: 1 * MiB,
};

export function isJavaArchive(path: string): boolean {
  const dot = path.lastIndexOf('.');
  return dot > path.lastIndexOf('/') + 1 && JAVA_ARCHIVE_EXTENSIONS.includes(path.slice(dot + 1).toLowerCase());
}

const POM_PROPERTIES = /^META-INF\/maven\/([^/]+)\/([^/]+)\/pom\.properties$/;
const MANIFEST = 'META-INF/MANIFEST.MF';

interface MavenCoordinates {
  groupId: string;
  artifactId: string;
  version: string;
}

function fromPomProperties(text: string, entryName: string): MavenCoordinates | undefined {
  const properties = parseProperties(text);
  const [, pathGroup = '', pathArtifact = ''] = POM_PROPERTIES.exec(entryName) ?? [];
  const version = properties.get('version')?.trim() ?? '';
  if (version === '') return undefined;
  return { groupId: properties.get('groupId')?.trim() || pathGroup, artifactId: properties.get('artifactId')?.trim() || pathArtifact, version };
}

const isIdentifier = (value: string | undefined): value is string => value !== undefined && value !== '' && !/\s/.test(value);

/** A manifest value, without the quotes some Ant builds put around it. */
function manifestValue(attributes: Map<string, string>, name: string): string | undefined {
  const value = attributes.get(name);
  return value !== undefined && value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

/** Bundle-SymbolicName without OSGi directives ("org.example.core;singleton:=true"). */
function symbolicName(attributes: Map<string, string>): string | undefined {
  return manifestValue(attributes, 'bundle-symbolicname')?.split(';')[0]?.trim() || undefined;
}

function fromManifest(attributes: Map<string, string>): MavenCoordinates | undefined {
  const bundle = symbolicName(attributes);
  const lastDot = bundle?.lastIndexOf('.') ?? -1;
  const bundleGroup = bundle && lastDot > 0 ? bundle.slice(0, lastDot) : undefined;
  const bundleArtifact = bundle && lastDot > 0 ? bundle.slice(lastDot + 1) : bundle;
  const artifactId = [manifestValue(attributes, 'implementation-title'), manifestValue(attributes, 'specification-title'), bundleArtifact].find(isIdentifier);
  const version = [manifestValue(attributes, 'implementation-version'), manifestValue(attributes, 'bundle-version'), manifestValue(attributes, 'specification-version')].find(isIdentifier);
  if (!artifactId || !version) return undefined;
  const groupId = [manifestValue(attributes, 'implementation-vendor-id'), bundleGroup].find(isIdentifier) ?? '';
  return { groupId, artifactId, version };
}

/** The group of an artifact named by its file, when the manifest states it. */
function groupFromManifest(attributes: Map<string, string>, artifactId: string): string {
  const vendorId = manifestValue(attributes, 'implementation-vendor-id');
  if (isIdentifier(vendorId)) return vendorId;
  const bundle = symbolicName(attributes);
  return bundle?.endsWith(`.${artifactId}`) ? bundle.slice(0, -artifactId.length - 1) : '';
}

function fallbackCoordinates(manifest: string | undefined, named: MavenCoordinates | undefined): MavenCoordinates | undefined {
  const attributes = manifest === undefined ? new Map<string, string>() : parseManifest(manifest);
  return named ? { ...named, groupId: groupFromManifest(attributes, named.artifactId) } : fromManifest(attributes);
}

/** "commons-lang3-3.12.0.jar" -> commons-lang3 3.12.0; undefined when the name has no version. */
export function coordinatesFromFileName(fileName: string): MavenCoordinates | undefined {
  const stem = fileName.slice(fileName.lastIndexOf('/') + 1).replace(/\.[^.]+$/, '');
  // A deployed snapshot ends in "-<yyyyMMdd.HHmmss>-<build>", which would pass for a version.
  const snapshot = /-\d{8}\.\d{6}-\d+$/.exec(stem);
  const base = snapshot ? stem.slice(0, snapshot.index) : stem;
  // The last "-<digits>." rather than the first "-<digit>": artifact ids may hold a number
  // ("log4j-1.2-api-2.17.1"), and versions may hold a "-<digit>" build number ("zstd-jni-1.5.5-11").
  let dotted: number | undefined;
  let plain: number | undefined;
  for (let at = base.length - 1; at > 1 && dotted === undefined; at--) {
    if (base[at - 1] !== '-' || !/\d/.test(base[at] ?? '')) continue;
    plain ??= at;
    if (/^\d+\./.test(base.slice(at))) dotted = at;
  }
  const start = dotted ?? plain;
  if (start === undefined) return undefined;
  return { groupId: '', artifactId: base.slice(0, start - 1), version: base.slice(start) + (snapshot?.[0] ?? '') };
}

interface ArchiveLocation {
  fileName: string;
  /** Where the archive sits inside the scanned file; undefined for the file itself. */
  innerPath?: string | undefined;
  depth: number;
}

interface WalkState {
  limits: JavaArchiveLimits;
  budget: ByteBudget;
  archivesOpened: number;
  records: PackageRecord[];
  signal?: AbortSignal | undefined;
}

async function readArchive(bytes: Buffer, location: ArchiveLocation, state: WalkState): Promise<void> {
  state.archivesOpened++;
  if (state.archivesOpened > state.limits.maxArchives) throw new Error(`more than ${state.limits.maxArchives} nested archives`);
  const where = (message: string): string => (location.innerPath ? `${location.innerPath}: ${message}` : message);
  const found: Array<MavenCoordinates & { entryName: string }> = [];
  let manifest: string | undefined;
  const nested: Array<{ name: string; bytes: Buffer }> = [];

  const zip = await openZip(bytes).catch((error: Error) => {
    throw new Error(where(error.message));
  });
  try {
    for await (const entry of zip.entries()) {
      state.signal?.throwIfAborted();
      if (entry.isDirectory) continue;
      if (POM_PROPERTIES.test(entry.name)) {
        const coordinates = fromPomProperties(await readText(zip, entry, state), entry.name);
        if (coordinates) found.push({ ...coordinates, entryName: entry.name });
      } else if (entry.name === MANIFEST) {
        manifest = await readText(zip, entry, state);
      } else if (isJavaArchive(entry.name) && location.depth < state.limits.maxDepth) {
        nested.push({ name: entry.name, bytes: await zip.read(entry, state.budget.remaining, state.budget) });
      }
    }
  } catch (error) {
    throw new Error(where((error as Error).message));
  } finally {
    zip.close();
  }

  // A shaded jar lists the artifacts merged into it but often not itself: the archive's own
  // identity is still wanted unless one of its pom.properties is about the artifact its name says.
  const named = coordinatesFromFileName(location.fileName);
  const describesItself = named ? found.some((coordinates) => coordinates.artifactId === named.artifactId) : found.length > 0;
  if (!describesItself) {
    let fallback: MavenCoordinates | undefined;
    try {
      fallback = fallbackCoordinates(manifest, named);
    } catch (error) {
      throw new Error(where((error as Error).message));
    }
    if (fallback) found.push({ ...fallback, entryName: '' });
  }
  // Entry order is whatever the archiver met on disk; sorting keeps results stable across rebuilds.
  found.sort((a, b) => compareNames(a.entryName, b.entryName));
  nested.sort((a, b) => compareNames(a.name, b.name));
  const sha1 = createHash('sha1').update(bytes).digest('hex');
  const seen = new Set<string>();
  for (const { groupId, artifactId, version } of found) {
    const name = groupId ? `${groupId}:${artifactId}` : artifactId;
    if (seen.has(`${name}@${version}`)) continue;
    seen.add(`${name}@${version}`);
    state.records.push({ ecosystem: 'maven', name, version, ...(location.innerPath ? { innerPath: location.innerPath } : {}), properties: { sha1 } });
  }

  for (const archive of nested) {
    const innerPath = location.innerPath ? `${location.innerPath}!/${archive.name}` : archive.name;
    await readArchive(archive.bytes, { fileName: archive.name, innerPath, depth: location.depth + 1 }, state);
  }
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function readText(zip: OpenZip, entry: ZipEntry, state: WalkState): Promise<string> {
  return (await zip.read(entry, state.limits.maxMetadataBytes, state.budget)).toString('utf8');
}

/**
 * The Maven artifacts in a Java archive and in the archives nested in it: each archive's own
 * records, then those of the archives inside it, depth first, by entry name.
 */
export async function parseJavaArchive(bytes: Buffer, path: string, limits: JavaArchiveLimits = DEFAULT_JAVA_ARCHIVE_LIMITS, signal?: AbortSignal): Promise<PackageRecord[]> {
  const state: WalkState = { limits, budget: { remaining: limits.maxTotalBytes, total: limits.maxTotalBytes }, archivesOpened: 0, records: [], signal };
  await readArchive(bytes, { fileName: path.slice(path.lastIndexOf('/') + 1), depth: 0 }, state);
  return state.records;
}

export const javaArchiveAnalyzer: FileAnalyzer = {
  name: 'binary/java-archive',
  version: 1,
  required: (path, info) => info.type === 'file' && isJavaArchive(path),
  async analyze(input, signal) {
    if (input.info.size > DEFAULT_JAVA_ARCHIVE_LIMITS.maxTotalBytes) {
      throw new Error(`archive is ${formatBytes(input.info.size)}, over the ${formatBytes(DEFAULT_JAVA_ARCHIVE_LIMITS.maxTotalBytes)} read from one archive`);
    }
    const packages = await parseJavaArchive(await input.read(), input.path, DEFAULT_JAVA_ARCHIVE_LIMITS, signal);
    return packages.length > 0 ? [{ kind: 'packages', ecosystem: 'maven', packages }] : [];
  },
};
