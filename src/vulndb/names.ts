/**
 * Ecosystem and package-name normalisation shared by the database builder and the matchers, so
 * that a name written by an advisory and the same name found in an image land on the same key.
 */

/** "Debian:12" -> "Debian", "Ubuntu:22.04:LTS" -> "Ubuntu", "Red Hat:enterprise_linux:9::appstream" -> "Red Hat", "npm" -> "npm". */
export function ecosystemBase(osvEcosystem: string): string {
  const colon = osvEcosystem.indexOf(':');
  return (colon < 0 ? osvEcosystem : osvEcosystem.slice(0, colon)).trim();
}

/**
 * What follows the base: "Debian:12" -> "12", "Alpine:v3.19" -> "v3.19", "Ubuntu:22.04:LTS" ->
 * "22.04:LTS", "Red Hat:enterprise_linux:9::appstream" -> "enterprise_linux:9::appstream",
 * "npm" -> undefined. Matchers compare it with the scanned distribution's release.
 */
export function ecosystemRelease(osvEcosystem: string): string | undefined {
  const colon = osvEcosystem.indexOf(':');
  if (colon < 0) return undefined;
  const release = osvEcosystem.slice(colon + 1).trim();
  return release === '' ? undefined : release;
}

/**
 * The lookup key of a package name within an ecosystem (pass the base, see ecosystemBase):
 *
 * - PyPI: PEP 503 (lowercase, every run of "-", "_" and "." becomes one "-").
 * - crates.io: lowercase and "_" -> "-" (crates.io refuses a crate whose name differs from an
 *   existing one only in case or in "-" versus "_", so the folded name is unique).
 * - NuGet, Packagist, Hex, Pub: lowercase (NuGet ids are case-insensitive; Composer names are
 *   lowercase by rule; Hex and Pub names are lowercase already, older entries aside).
 * - everything else (npm, Go, Maven, RubyGems, distro packages, ...): unchanged, as those names are
 *   case-sensitive or already canonical.
 *
 * Surrounding whitespace is dropped in every case.
 */
export function normalizePackageName(base: string, name: string): string {
  const trimmed = name.trim();
  switch (base) {
    case 'PyPI':
      return trimmed.toLowerCase().replace(/[-_.]+/g, '-');
    case 'crates.io':
      return trimmed.toLowerCase().replace(/_/g, '-');
    case 'NuGet':
    case 'Packagist':
    case 'Hex':
    case 'Pub':
      return trimmed.toLowerCase();
    default:
      return trimmed;
  }
}
