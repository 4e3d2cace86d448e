import type { ResolvedImage } from '../core/image.js';
import type { OsInfo } from '../core/os.js';
import type { Package } from '../core/package.js';
import type { ImageScan } from '../engine/scan.js';

/** Everything an SBOM writer needs, and nothing it has to fetch: the writers stay pure. */
export interface SbomInput {
  image: ResolvedImage;
  os: OsInfo | undefined;
  packages: Package[];
  toolVersion: string;
  created: Date;
  /** A UUID to use for the document's serial number / namespace; random when absent. Tests fix it. */
  serial?: string | undefined;
}

export function sbomInputFromScan(scan: ImageScan, toolVersion: string, created: Date): SbomInput {
  return { image: scan.image, os: scan.os, packages: scan.packages, toolVersion, created };
}
