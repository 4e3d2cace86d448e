import type { Readable } from 'node:stream';
import { z } from 'zod';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string | undefined;
}

export function formatPlatform(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

/** "linux/arm64/v8" -> Platform; the default when a registry offers several images is linux/amd64. */
export function parsePlatform(text: string): Platform {
  const [os, architecture, variant] = text.split('/');
  if (!os || !architecture) throw new Error(`invalid platform "${text}": expected os/arch[/variant]`);
  return { os, architecture, variant };
}

export const DEFAULT_PLATFORM: Platform = { os: 'linux', architecture: 'amd64' };

const stringMap = z.record(z.string(), z.string()).nullish();
const emptyObjectMap = z.record(z.string(), z.unknown()).nullish();

/** The image configuration (OCI image-spec config.md / Docker image JSON); only the fields we use. */
export const ImageConfigFileSchema = z.object({
  architecture: z.string().default(''),
  os: z.string().default(''),
  variant: z.string().optional(),
  created: z.string().optional(),
  author: z.string().optional(),
  config: z
    .object({
      User: z.string().nullish(),
      Env: z.array(z.string()).nullish(),
      Entrypoint: z.array(z.string()).nullish(),
      Cmd: z.array(z.string()).nullish(),
      WorkingDir: z.string().nullish(),
      ExposedPorts: emptyObjectMap,
      Volumes: emptyObjectMap,
      Labels: stringMap,
      StopSignal: z.string().nullish(),
      Healthcheck: z
        .object({
          Test: z.array(z.string()).nullish(),
          Interval: z.number().nullish(),
          Timeout: z.number().nullish(),
          StartPeriod: z.number().nullish(),
          Retries: z.number().nullish(),
        })
        .nullish(),
    })
    .passthrough()
    .nullish(),
  rootfs: z.object({
    type: z.string(),
    diff_ids: z.array(z.string()),
  }),
  history: z
    .array(
      z.object({
        created: z.string().optional(),
        created_by: z.string().optional(),
        author: z.string().optional(),
        comment: z.string().optional(),
        empty_layer: z.boolean().optional(),
      }),
    )
    .nullish(),
});
export type ImageConfigFile = z.infer<typeof ImageConfigFileSchema>;

export interface LayerDescriptor {
  /** Position from the bottom (0 is the base layer). */
  index: number;
  mediaType: string;
  /** Digest of the layer as stored (compressed for registry and OCI layers). */
  digest: string;
  /** Size as stored, in bytes; -1 when unknown. */
  size: number;
  /** Digest of the uncompressed tar, from the config's rootfs.diff_ids. */
  diffId: string;
}

export type SourceKind = 'registry' | 'docker-archive' | 'oci-layout' | 'rootfs';

export interface ResolvedImage {
  /** The name the user gave, normalised (e.g. docker.io/library/alpine:3.19). */
  reference: string;
  sourceKind: SourceKind;
  /** Digest of the image manifest, when the image has one. */
  manifestDigest?: string | undefined;
  manifestMediaType?: string | undefined;
  /** Digest of the index / manifest list the manifest was chosen from, if any. */
  indexDigest?: string | undefined;
  /** Digest of the config blob: the image ID. */
  configDigest?: string | undefined;
  platform: Platform;
  config: ImageConfigFile;
  layers: LayerDescriptor[];
  /** Tags and digests the source knows the image by (docker-archive RepoTags, registry tag). */
  repoTags: string[];
  repoDigests: string[];
}

/** What a layer holds: a tar stream (as stored, possibly compressed) or a directory already unpacked. */
export type LayerContent =
  /** `storedDigestKnown: false` where the source has no digest of the stored bytes (legacy docker-archive); the diff ID is still checked. */
  | { kind: 'tar'; stream: Readable; storedDigestKnown?: boolean }
  | { kind: 'directory'; root: string };

/** Where images come from: a registry, an archive, a layout, a directory. */
export interface ImageSource {
  /** The target as the user wrote it, for messages. */
  readonly target: string;
  resolve(signal?: AbortSignal): Promise<ResolvedImage>;
  /** The layer's bytes as stored. Callers verify digests and decompress. */
  openLayer(layer: LayerDescriptor, signal?: AbortSignal): Promise<LayerContent>;
  close(): Promise<void>;
}
