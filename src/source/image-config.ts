import { CustomsError } from '../core/errors.js';
import { formatPlatform, ImageConfigFileSchema, type ImageConfigFile, type LayerDescriptor, type Platform } from '../core/image.js';
import { sha256Digest } from '../core/digest.js';
import type { Descriptor } from './manifest.js';

/** Parse and validate a config blob; when its digest is known, the bytes must match it. */
export function parseImageConfig(bytes: Buffer, expectedDigest?: string): ImageConfigFile {
  if (expectedDigest !== undefined && expectedDigest.startsWith('sha256:')) {
    const actual = sha256Digest(bytes);
    if (actual !== expectedDigest) {
      throw new CustomsError('DIGEST_MISMATCH', `config digest mismatch: expected ${expectedDigest}, got ${actual}`);
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new CustomsError('INVALID_MANIFEST', `image config is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = ImageConfigFileSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new CustomsError('INVALID_MANIFEST', `invalid image config: ${first ? `${first.path.join('.')}: ${first.message}` : 'invalid'}`);
  }
  return parsed.data;
}

/** Pair the manifest's layer descriptors with the config's diff IDs; they must agree in number. */
export function describeLayers(layers: Array<Pick<Descriptor, 'digest' | 'size' | 'mediaType'>>, config: ImageConfigFile): LayerDescriptor[] {
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length !== layers.length) {
    throw new CustomsError(
      'INVALID_MANIFEST',
      `the manifest lists ${layers.length} layers but the config has ${diffIds.length} diff IDs`,
    );
  }
  return layers.map((layer, index) => ({
    index,
    mediaType: layer.mediaType ?? 'application/vnd.oci.image.layer.v1.tar',
    digest: layer.digest,
    size: layer.size,
    diffId: diffIds[index]!,
  }));
}

/**
 * An index chooses by platform; a single image is what it is, but asking for another platform
 * explicitly is a mistake to report rather than silently scan the wrong image.
 */
export function checkRequestedPlatform(config: ImageConfigFile, requested: Platform | undefined): void {
  if (requested === undefined || !config.architecture) return;
  const matches =
    config.os === requested.os &&
    config.architecture === requested.architecture &&
    (requested.variant === undefined || config.variant === undefined || config.variant === requested.variant);
  if (!matches) {
    const actual = formatPlatform({ os: config.os, architecture: config.architecture, variant: config.variant });
    throw new CustomsError('NOT_FOUND', `no image for platform ${formatPlatform(requested)} (the image is ${actual} only)`);
  }
}
