/**
 * One API for every version scheme: the ordering an ecosystem's own package manager uses,
 * written by hand from that ecosystem's source and test suites (see each folder's readme.md).
 */

export type SchemeName = 'dpkg' | 'apk' | 'rpm' | 'semver' | 'go' | 'nuget' | 'pep440' | 'maven' | 'rubygems' | 'composer';

export interface VersionScheme {
  readonly name: SchemeName;
  /**
   * True when the version is well formed for the ecosystem. Every valid version can be compared;
   * where the ecosystem's own tool also orders strings its validator rejects (apk compares
   * `1.0bc` token by token up to the bad token), `compare` follows the tool and accepts them too.
   */
  isValid(version: string): boolean;
  /** Negative, zero, positive. Throws InvalidVersionError for versions the scheme cannot read. */
  compare(a: string, b: string): number;
}

export class InvalidVersionError extends Error {
  readonly version: string;
  readonly scheme: SchemeName;
  readonly reason: string;

  constructor(scheme: SchemeName, version: string, reason: string) {
    super(`invalid ${scheme} version ${JSON.stringify(version)}: ${reason}`);
    this.name = 'InvalidVersionError';
    this.scheme = scheme;
    this.version = version;
    this.reason = reason;
  }
}
