import type { PackageRecord } from '../../core/package.js';
import { decodeText, MiB, packageDatabaseAnalyzer } from './analyzer.js';
import { dpkgPackagesFromParagraphs, parseControlParagraphs } from './dpkg.js';

const STATUS_DIR = 'var/lib/dpkg/status.d/';

/**
 * Distroless images (GoogleContainerTools/distroless, rules_distroless) have no dpkg: each package
 * is one control paragraph in var/lib/dpkg/status.d/<package>, written only when it was installed,
 * so there is no Status field. The `<package>.md5sums` files beside them are file lists, not packages.
 */
export function isDistrolessStatusEntry(path: string): boolean {
  if (!path.startsWith(STATUS_DIR)) return false;
  const name = path.slice(STATUS_DIR.length);
  return name !== '' && !name.includes('/') && !name.endsWith('.md5sums');
}

export function parseDistrolessStatus(text: string, _path: string): PackageRecord[] {
  return dpkgPackagesFromParagraphs(parseControlParagraphs(text), { missingStatusMeansInstalled: true });
}

export const dpkgDistrolessAnalyzer = packageDatabaseAnalyzer({
  name: 'os-packages/dpkg-distroless',
  version: 1,
  ecosystem: 'deb',
  // One package's control paragraph is a few KiB.
  maxBytes: 4 * MiB,
  required: isDistrolessStatusEntry,
  parse: (bytes, path) => parseDistrolessStatus(decodeText(bytes), path),
});
