/**
 * Is a version affected by an OSV `affected[]` entry? The "Evaluation" pseudocode of the OSV schema
 * (ossf/osv-schema docs/schema.md): listed in `versions`, or inside one of the ECOSYSTEM / SEMVER
 * `ranges`. GIT ranges are skipped: commits cannot be ordered without the repository.
 */
import { semver } from './semver/index.js';
import { InvalidVersionError, type VersionScheme } from './types.js';

export interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

export interface OsvRange {
  type: string;
  repo?: string;
  events: readonly OsvEvent[];
}

export interface OsvAffectedVersions {
  ranges?: readonly OsvRange[];
  versions?: readonly string[];
}

/** A version in the data (or the version asked about) that the range's scheme cannot read. */
export interface OsvProblem {
  readonly version: string;
  /** Which event it came from, or 'version' for the version being evaluated. */
  readonly field: 'introduced' | 'fixed' | 'last_affected' | 'limit' | 'version';
  readonly rangeType: string;
  readonly reason: string;
}

export interface OsvEvaluationOptions {
  /** Told about every unreadable version; evaluation goes on without it (see src/versioning/readme.md). */
  onProblem?: (problem: OsvProblem) => void;
}

const KINDS = ['introduced', 'fixed', 'last_affected', 'limit'] as const;

/** compare(), or undefined when `b` cannot be read (the caller has checked `a`). */
function tryCompare(scheme: VersionScheme, a: string, b: string): number | undefined {
  try {
    return scheme.compare(a, b);
  } catch (error) {
    if (error instanceof InvalidVersionError) return undefined;
    throw error;
  }
}

function unreadable(scheme: VersionScheme, version: string): InvalidVersionError | undefined {
  try {
    scheme.compare(version, version);
    return undefined;
  } catch (error) {
    if (error instanceof InvalidVersionError) return error;
    throw error;
  }
}

/** The scheme a range type is ordered by, or undefined for GIT and unknown types. */
function schemeFor(range: OsvRange, ecosystemScheme: VersionScheme): VersionScheme | undefined {
  if (range.type === 'ECOSYSTEM') return ecosystemScheme;
  if (range.type === 'SEMVER') return semver;
  return undefined;
}

interface RangeResult {
  readonly vulnerable: boolean;
  /** The fixed event that closes the interval holding the version, when asked for and there is one. */
  readonly fix: string | undefined;
}

/**
 * IncludedInRanges and BeforeLimits for one range, without sorting: walking the sorted events,
 * the state is set by the last event that took effect (the greatest applied event, ties going to
 * the later one in the record, as a stable sort leaves them), and "0" sorts below everything.
 * Unreadable events are skipped and reported. A few compares per event, no allocation.
 */
function evaluateRange(range: OsvRange, scheme: VersionScheme, version: string, options: OsvEvaluationOptions | undefined, wantFix: boolean): RangeResult {
  let applied = false;
  let lastKind: string | undefined;
  let lastVersion: string | undefined; // undefined with applied: introduced "0"
  let nextKind: string | undefined;
  let nextVersion: string | undefined;
  let limits = 0;
  let belowLimit = false;
  for (const event of range.events ?? []) {
    for (const kind of KINDS) {
      const at = event[kind];
      if (typeof at !== 'string') continue;
      if (kind === 'introduced' && at === '0') {
        if (!applied || lastVersion === undefined) {
          applied = true;
          lastKind = kind;
          lastVersion = undefined;
        }
        continue;
      }
      if (kind === 'limit' && at.includes('*')) {
        limits++;
        belowLimit = true;
        continue;
      }
      const c = tryCompare(scheme, version, at);
      if (c === undefined) {
        options?.onProblem?.({ version: at, field: kind, rangeType: range.type, reason: unreadable(scheme, at)?.message ?? 'unreadable' });
        continue;
      }
      if (kind === 'limit') {
        limits++;
        if (c < 0) belowLimit = true;
      } else if (kind === 'last_affected' ? c > 0 : c >= 0) {
        // Takes effect at `version`: keep the greatest such event (a later equal one wins).
        if (!applied || lastVersion === undefined || scheme.compare(lastVersion, at) <= 0) {
          applied = true;
          lastKind = kind;
          lastVersion = at;
        }
      } else if (wantFix && kind !== 'introduced' && (nextVersion === undefined || scheme.compare(at, nextVersion) < 0)) {
        // Not yet in effect: the lowest fixed/last_affected above `version` closes its interval.
        nextKind = kind;
        nextVersion = at;
      }
    }
  }
  const vulnerable = applied && lastKind === 'introduced' && (limits === 0 || belowLimit);
  return { vulnerable, fix: vulnerable && nextKind === 'fixed' ? nextVersion : undefined };
}

/** Evaluates every ECOSYSTEM/SEMVER range the version can be read in; stops early when `stop` says so. */
function forEachRange(version: string, affected: OsvAffectedVersions, ecosystemScheme: VersionScheme, options: OsvEvaluationOptions | undefined, wantFix: boolean, visit: (result: RangeResult, scheme: VersionScheme) => boolean): void {
  // Whether `version` reads in the ecosystem scheme and in semver, checked once each, on first need.
  let ecosystemOk: boolean | undefined;
  let semverOk: boolean | undefined;
  for (const range of affected.ranges ?? []) {
    const scheme = schemeFor(range, ecosystemScheme);
    if (!scheme) continue;
    let ok = scheme === ecosystemScheme ? ecosystemOk : semverOk;
    if (ok === undefined) {
      const error = unreadable(scheme, version);
      ok = error === undefined;
      if (scheme === ecosystemScheme) ecosystemOk = ok;
      if (scheme === semver) semverOk = ok;
      if (error) options?.onProblem?.({ version, field: 'version', rangeType: range.type, reason: error.message });
    }
    if (ok && visit(evaluateRange(range, scheme, version, options, wantFix), scheme)) return;
  }
}

const listSets = new WeakMap<readonly string[], Set<string>>();

/** `versions` membership by exact string, as the schema's pseudocode (`v == version`) has it. */
function listed(version: string, versions: readonly string[] | undefined): boolean {
  if (!versions || versions.length === 0) return false;
  if (versions.length < 16) return versions.includes(version);
  let set = listSets.get(versions);
  if (!set) listSets.set(versions, (set = new Set(versions)));
  return set.has(version);
}

/**
 * OSV's IsVulnerable for one `affected` entry: `version` is listed in `versions`, or lies in an
 * ECOSYSTEM range (ordered by `ecosystemScheme`) or a SEMVER range (the semver scheme). Never
 * throws on bad data: unreadable event versions are skipped, an unreadable `version` matches
 * only through the `versions` list (exact strings).
 */
export function isAffected(version: string, affected: OsvAffectedVersions, ecosystemScheme: VersionScheme, options?: OsvEvaluationOptions): boolean {
  if (listed(version, affected.versions)) return true;
  let affectedByRange = false;
  forEachRange(version, affected, ecosystemScheme, options, false, (result) => (affectedByRange = result.vulnerable));
  return affectedByRange;
}

/**
 * The fixed versions to upgrade to from `version`: for each range `version` is inside, the `fixed`
 * event that closes its interval (the lowest event above `version` that ends the vulnerability,
 * when it is a `fixed` and not a `last_affected`). Unique, ascending; empty when no range holds
 * the version or none is fixed.
 */
export function fixedVersions(version: string, affected: OsvAffectedVersions, ecosystemScheme: VersionScheme, options?: OsvEvaluationOptions): string[] {
  const found: { version: string; scheme: VersionScheme }[] = [];
  forEachRange(version, affected, ecosystemScheme, options, true, (result, scheme) => {
    if (result.fix !== undefined && !found.some((f) => f.version === result.fix)) found.push({ version: result.fix, scheme });
    return false;
  });
  // Fixes from SEMVER and ECOSYSTEM ranges of one entry are ordered each by its own scheme.
  found.sort((a, b) => (a.scheme === b.scheme ? a.scheme.compare(a.version, b.version) : 0));
  return found.map((f) => f.version);
}
