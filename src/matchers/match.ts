import { severityRank } from '../core/finding.js';
import type { OsInfo } from '../core/os.js';
import { OS_ECOSYSTEMS, type Package } from '../core/package.js';
import type { VulnerabilityFinding } from '../core/vulnerability.js';
import { schemeForEcosystem } from '../versioning/index.js';
import { fixedVersions, isAffected } from '../versioning/osv-range.js';
import type { VersionScheme } from '../versioning/types.js';
import { normalizePackageName } from '../vulndb/names.js';
import { effectiveSeverity } from '../vulndb/severity.js';
import type { AffectedEntry, SeverityInfo, Vulnerability } from '../vulndb/types.js';
import { APPLICATION_ECOSYSTEMS, osEcosystems } from './ecosystems.js';

/** What matching needs of the database: lookups by (ecosystem base, name) and records by id. */
export interface VulnerabilitySource {
  ecosystems(): string[];
  /** `ecosystems` (full strings such as "Debian:12") narrows the lookup inside the index. */
  affectedFor(ecosystemBase: string, name: string, ecosystems?: string[]): AffectedEntry[];
  vulnerabilities(ids: readonly string[]): Map<string, Vulnerability>;
}

export interface MatchResult {
  findings: VulnerabilityFinding[];
  /** Packages that could not be compared (a version their scheme cannot read), for a warning. */
  skipped: Array<{ purl: string; file: string; reason: string }>;
}

interface Hit {
  entry: AffectedEntry;
  fixed: string[];
}

/**
 * Match every package against the database. OS packages are looked up through their source
 * package in their own distro release's ecosystems and compared with the installed binary
 * version; application packages by their ecosystem-normalised name. Records that alias each
 * other (a CVE, its DSA, its GHSA) become one finding per package, keyed by the CVE.
 */
export function matchVulnerabilities(packages: readonly Package[], os: OsInfo | undefined, db: VulnerabilitySource): MatchResult {
  const distroEcosystems = new Set(os ? osEcosystems(os, db.ecosystems()) : []);
  const lookupCache = new Map<string, AffectedEntry[]>();
  // Distro lookups are narrowed to the image's own release streams: other releases' rows are never read.
  const releaseStreams = [...distroEcosystems];
  const lookup = (base: string, name: string, ecosystems?: string[]): AffectedEntry[] => {
    const key = `${base}\u0000${name}`;
    let entries = lookupCache.get(key);
    if (!entries) {
      entries = db.affectedFor(base, normalizePackageName(base, name), ecosystems);
      lookupCache.set(key, entries);
    }
    return entries;
  };

  const skipped: MatchResult['skipped'] = [];
  const hitsByPackage: Array<{ pkg: Package; hits: Hit[] }> = [];
  for (const pkg of packages) {
    const candidates = candidateEntries(pkg, distroEcosystems, (base, name) => lookup(base, name, OS_ECOSYSTEMS.has(pkg.ecosystem) ? releaseStreams.filter((ecosystem) => ecosystem.startsWith(`${base}:`) || ecosystem === base) : undefined));
    if (candidates.length === 0) continue;
    const version = comparableVersion(pkg);
    if (version === undefined) continue;
    const hits: Hit[] = [];
    for (const entry of candidates) {
      const scheme = schemeForEcosystem(entry.ecosystem);
      if (!scheme) continue;
      if (!scheme.isValid(version)) {
        skipped.push({ purl: pkg.purl, file: pkg.file, reason: `version "${version}" is not a valid ${scheme.name} version` });
        break;
      }
      if (isAffected(version, entry, scheme)) hits.push({ entry, fixed: fixedVersions(version, entry, scheme) });
    }
    if (hits.length > 0) hitsByPackage.push({ pkg, hits });
  }

  const records = db.vulnerabilities([...new Set(hitsByPackage.flatMap(({ hits }) => hits.map((hit) => hit.entry.vulnId)))]);
  const findings: VulnerabilityFinding[] = [];
  for (const { pkg, hits } of hitsByPackage) {
    const groups = new Map<string, Hit[]>();
    for (const hit of hits) {
      const record = records.get(hit.entry.vulnId);
      if (!record) continue;
      const key = groupKey(record);
      groups.set(key, [...(groups.get(key) ?? []), hit]);
    }
    for (const [key, group] of groups) findings.push(toFinding(key, pkg, group, records));
  }
  findings.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || compare(a.package.file, b.package.file) || compare(a.package.name, b.package.name) || compare(a.id, b.id));
  return { findings, skipped };
}

function candidateEntries(pkg: Package, distroEcosystems: ReadonlySet<string>, lookup: (base: string, name: string) => AffectedEntry[]): AffectedEntry[] {
  if (OS_ECOSYSTEMS.has(pkg.ecosystem)) {
    if (distroEcosystems.size === 0) return [];
    const bases = new Set([...distroEcosystems].map((ecosystem) => ecosystem.split(':')[0]!));
    // Distro advisories name source packages; Red Hat family data also names binary RPMs, so both are asked.
    const names = new Set([pkg.sourceName ?? pkg.name, ...(pkg.ecosystem === 'rpm' ? [pkg.name] : [])]);
    const seen = new Set<string>();
    const entries: AffectedEntry[] = [];
    for (const base of bases) {
      for (const name of names) {
        for (const entry of lookup(base, name)) {
          const key = `${entry.vulnId}\u0000${entry.ecosystem}\u0000${entry.originalName}`;
          if (distroEcosystems.has(entry.ecosystem) && !seen.has(key)) {
            seen.add(key);
            entries.push(entry);
          }
        }
      }
    }
    return entries;
  }
  const base = APPLICATION_ECOSYSTEMS[pkg.ecosystem];
  if (!base) return [];
  // A Go main module built from a working tree has no version to compare.
  if (pkg.ecosystem === 'golang' && /^\(?devel\)?$/.test(pkg.version)) return [];
  return lookup(base, pkg.name).filter((entry) => entry.ecosystemBase === base);
}

/** The installed version in the form the ecosystem's advisories write versions. */
function comparableVersion(pkg: Package): string | undefined {
  const version = pkg.version.trim();
  if (version === '') return undefined;
  if (pkg.ecosystem === 'golang') return version.replace(/^go/, '').replace(/^v/, '');
  return version;
}

/** The CVE when any id of the record names one: it is the id every source shares. */
function groupKey(record: Vulnerability): string {
  const ids = [record.id, ...record.aliases, ...record.upstream];
  return ids.filter((id) => id.startsWith('CVE-')).sort()[0] ?? record.id;
}

function toFinding(key: string, pkg: Package, hits: Hit[], records: Map<string, Vulnerability>): VulnerabilityFinding {
  const matched = hits.map((hit) => ({ hit, record: records.get(hit.entry.vulnId)! }));
  const ids = new Set<string>();
  for (const { record } of matched) for (const id of [record.id, ...record.aliases, ...record.upstream]) ids.add(id);
  ids.delete(key);
  const severities = matched.map(({ hit, record }) => effectiveSeverity(hit.entry, record));
  const severity = pickSeverity(severities);
  const fixed = new Set(matched.flatMap(({ hit }) => hit.fixed));
  const scheme = schemeForEcosystem(matched[0]!.hit.entry.ecosystem);
  const fixedVersions = sortVersions([...fixed], scheme);
  const primary = matched.find(({ record }) => record.id === key)?.record ?? matched[0]!.record;
  const title = primary.summary ?? matched.map(({ record }) => record.summary).find(Boolean) ?? firstLine(primary.details) ?? key;
  const references = [...new Set(matched.flatMap(({ record }) => record.references.map((reference) => reference.url)))];
  return {
    id: key,
    aliases: [...ids].sort(),
    recordIds: [...new Set(matched.map(({ record }) => record.id))].sort(),
    package: {
      ecosystem: pkg.ecosystem,
      name: pkg.name,
      purl: pkg.purl,
      sourceName: pkg.sourceName,
      file: pkg.file,
      innerPath: pkg.innerPath,
      layerIndex: pkg.layerIndex,
      layerDiffId: pkg.layerDiffId,
    },
    installedVersion: pkg.version,
    fixedVersions,
    status: fixedVersions.length > 0 ? 'fixed' : 'affected',
    severity: severity.severity,
    score: severity.score,
    vector: severity.vector,
    severitySource: severity.source,
    title,
    references,
    published: primary.published,
    modified: primary.modified,
    dataSource: matched[0]!.hit.entry.ecosystem,
  };
}

/** A CVSS score beats a vendor label; among scores the highest wins; among labels the highest rank. */
function pickSeverity(candidates: SeverityInfo[]): SeverityInfo {
  const scored = candidates.filter((candidate) => candidate.score !== undefined);
  if (scored.length > 0) return scored.reduce((best, next) => (next.score! > best.score! ? next : best));
  return candidates.reduce((best, next) => (severityRank(next.severity) > severityRank(best.severity) ? next : best));
}

function sortVersions(versions: string[], scheme: VersionScheme | undefined): string[] {
  return versions.sort((a, b) => {
    if (!scheme) return compare(a, b);
    try {
      return scheme.compare(a, b);
    } catch {
      return compare(a, b);
    }
  });
}

function firstLine(text: string | undefined): string | undefined {
  return text?.split('\n').find((line) => line.trim() !== '')?.trim().slice(0, 200);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
