import { z } from 'zod';
import { CustomsError } from '../core/errors.js';
import { formatPlatform, type Platform } from '../core/image.js';

export const MEDIA_TYPES = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
} as const;

/** Every manifest type we read, for the Accept header: a registry converts or hides what is not named. */
export const MANIFEST_ACCEPT = [
  MEDIA_TYPES.ociIndex,
  MEDIA_TYPES.ociManifest,
  MEDIA_TYPES.dockerManifestList,
  MEDIA_TYPES.dockerManifest,
  MEDIA_TYPES.dockerSchema1Signed,
  MEDIA_TYPES.dockerSchema1,
].join(', ');

const IMAGE_CONFIG_TYPES = new Set<string>([MEDIA_TYPES.ociConfig, MEDIA_TYPES.dockerConfig]);

const LAYER_TYPES = new Set<string>([
  'application/vnd.oci.image.layer.v1.tar',
  'application/vnd.oci.image.layer.v1.tar+gzip',
  'application/vnd.oci.image.layer.v1.tar+zstd',
  'application/vnd.oci.image.layer.nondistributable.v1.tar',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
  'application/vnd.docker.image.rootfs.diff.tar.gzip',
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  'application/vnd.docker.image.rootfs.diff.tar',
  'application/vnd.docker.image.rootfs.diff.tar.zstd',
]);

export function isLayerMediaType(mediaType: string): boolean {
  return LAYER_TYPES.has(mediaType);
}

const DescriptorSchema = z.object({
  mediaType: z.string().optional(),
  digest: z.string(),
  size: z.number().int().nonnegative(),
  urls: z.array(z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  artifactType: z.string().optional(),
  platform: z
    .object({
      os: z.string(),
      architecture: z.string(),
      variant: z.string().optional(),
      'os.version': z.string().optional(),
    })
    .optional(),
});
export type Descriptor = z.infer<typeof DescriptorSchema>;

const ManifestSchema = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  artifactType: z.string().optional(),
  config: DescriptorSchema,
  layers: z.array(DescriptorSchema),
});

const IndexSchema = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  manifests: z.array(DescriptorSchema),
});

export type ParsedManifest =
  | { kind: 'index'; mediaType: string; manifests: Descriptor[] }
  | { kind: 'manifest'; mediaType: string; config: Descriptor; layers: Descriptor[] };

/**
 * Parse manifest bytes. `contentType` is what the server (or the parent descriptor) says the
 * document is; the document's own mediaType wins when present, since registries and layouts
 * sometimes serve everything as application/json.
 */
export function parseManifest(bytes: Buffer, contentType: string | undefined): ParsedManifest {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new CustomsError('INVALID_MANIFEST', `manifest is not valid JSON: ${(error as Error).message}`);
  }
  const declared = (json as { mediaType?: unknown; schemaVersion?: unknown } | null) ?? {};
  const mediaType = typeof declared.mediaType === 'string' ? declared.mediaType : (contentType ?? '').split(';')[0]?.trim() ?? '';

  if (declared.schemaVersion === 1 || mediaType === MEDIA_TYPES.dockerSchema1 || mediaType === MEDIA_TYPES.dockerSchema1Signed) {
    throw new CustomsError(
      'UNSUPPORTED',
      'Docker schema 1 manifests are not supported (deprecated since 2017); push the image again with a current client',
    );
  }

  const looksLikeIndex = Array.isArray((json as { manifests?: unknown }).manifests);
  if (mediaType === MEDIA_TYPES.ociIndex || mediaType === MEDIA_TYPES.dockerManifestList || (looksLikeIndex && !mediaType.includes('manifest.v'))) {
    const parsed = IndexSchema.safeParse(json);
    if (!parsed.success) throw invalid('index', parsed.error);
    return { kind: 'index', mediaType: mediaType || MEDIA_TYPES.ociIndex, manifests: parsed.data.manifests };
  }

  if (mediaType && mediaType !== MEDIA_TYPES.ociManifest && mediaType !== MEDIA_TYPES.dockerManifest && mediaType !== 'application/json') {
    throw new CustomsError('UNSUPPORTED', `unsupported manifest media type "${mediaType}"`);
  }
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success) throw invalid('manifest', parsed.error);
  const manifest = parsed.data;
  const configType = manifest.config.mediaType ?? '';
  if (!IMAGE_CONFIG_TYPES.has(configType) || (manifest.artifactType && !IMAGE_CONFIG_TYPES.has(manifest.artifactType))) {
    const artifact = manifest.artifactType ?? configType;
    throw new CustomsError('UNSUPPORTED', `not a container image: an artifact of type "${artifact || 'unknown'}"`);
  }
  for (const layer of manifest.layers) {
    if (!isLayerMediaType(layer.mediaType ?? '')) {
      throw new CustomsError('UNSUPPORTED', `not a container image: layer ${layer.digest} has media type "${layer.mediaType ?? 'none'}"`);
    }
  }
  return { kind: 'manifest', mediaType: mediaType || MEDIA_TYPES.ociManifest, config: manifest.config, layers: manifest.layers };
}

function invalid(what: string, error: z.ZodError): CustomsError {
  const first = error.issues[0];
  const where = first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'invalid';
  return new CustomsError('INVALID_MANIFEST', `invalid image ${what}: ${where}`);
}

/**
 * Choose the manifest for a platform from an index. Entries without a platform (attestations,
 * signatures) are never chosen; a variant is matched when asked for, arm64 defaulting to v8.
 */
export function selectPlatform(manifests: Descriptor[], wanted: Platform): Descriptor {
  const candidates = manifests.filter(
    (m) =>
      m.platform !== undefined &&
      m.platform.os === wanted.os &&
      m.platform.architecture === wanted.architecture &&
      (m.mediaType === undefined || m.mediaType === MEDIA_TYPES.ociManifest || m.mediaType === MEDIA_TYPES.dockerManifest),
  );
  const wantedVariant = wanted.variant ?? defaultVariant(wanted.architecture);
  const exact = candidates.find((m) => (m.platform?.variant ?? defaultVariant(m.platform?.architecture ?? '')) === wantedVariant);
  const chosen = exact ?? (wanted.variant ? undefined : candidates[0]);
  if (!chosen) {
    const offered = manifests
      .filter((m) => m.platform)
      .map((m) => formatPlatform({ os: m.platform!.os, architecture: m.platform!.architecture, variant: m.platform!.variant }))
      .filter((p) => p !== 'unknown/unknown');
    throw new CustomsError(
      'NOT_FOUND',
      `no image for platform ${formatPlatform(wanted)} (available: ${offered.length > 0 ? offered.join(', ') : 'none'})`,
    );
  }
  return chosen;
}

function defaultVariant(architecture: string): string | undefined {
  return architecture === 'arm64' ? 'v8' : undefined;
}
