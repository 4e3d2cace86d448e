/**
 * Package ecosystems, named as package-url (purl) types so the mapping to SBOMs is direct.
 * OS package types: deb (dpkg), apk, rpm. Application ones follow.
 */
export type Ecosystem = 'deb' | 'apk' | 'rpm' | 'npm' | 'pypi' | 'golang' | 'maven' | 'gem' | 'cargo' | 'composer' | 'nuget';

export const OS_ECOSYSTEMS: ReadonlySet<Ecosystem> = new Set(['deb', 'apk', 'rpm']);

/** One package as an analyzer read it from one file. Plain data: it is cached as JSON. */
export interface PackageRecord {
  ecosystem: Ecosystem;
  /**
   * The name as the ecosystem writes it: deb/apk/rpm binary package name, npm name with scope
   * ("@types/node"), PyPI project name as declared (normalised later for matching), Go module
   * path, Maven "groupId:artifactId", gem, crate, Composer "vendor/package", NuGet id.
   */
  name: string;
  /**
   * The full version as the ecosystem writes it: dpkg "1:2.36-9+deb12u4", apk "1.36.1-r5",
   * rpm "[epoch:]version-release" ("1:3.0.7-24.el9"), Go "v1.2.3" (and "devel" or "(devel)" as found).
   */
  version: string;
  /** OS packages: the source package (dpkg Source, apk origin, rpm SOURCERPM name). */
  sourceName?: string | undefined;
  sourceVersion?: string | undefined;
  arch?: string | undefined;
  /** License expressions or names as recorded, in order; absent when the file records none. */
  licenses?: string[] | undefined;
  /** A development-only dependency (npm devDependencies, composer require-dev, poetry dev group, ...). */
  dev?: boolean | undefined;
  /**
   * Where inside the file the package was found, when the file is an archive: "WEB-INF/lib/x.jar"
   * or "lib/a.jar!/lib/b.jar" for nested jars.
   */
  innerPath?: string | undefined;
  /**
   * Ecosystem-specific facts, string-valued: rpm "epoch", "release", "modularityLabel",
   * "sourceRpm"; Go "replacedBy"; Maven "sha1"; anything an SBOM or matcher may want.
   */
  properties?: Record<string, string> | undefined;
}

/** A package as the inventory reports it: the record plus where it came from and its purl. */
export interface Package extends PackageRecord {
  purl: string;
  /** The file the package was read from (root-relative). */
  file: string;
  /** Index and diff ID of the layer that introduced the package (for OS packages: the first layer whose database lists it at this version). */
  layerIndex: number;
  layerDiffId: string;
  /** The analyzer that found it. */
  analyzer: string;
}
