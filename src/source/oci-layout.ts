import { z } from 'zod';
import { parseDigest } from '../core/digest.js';
import { CustomsError, inContext } from '../core/errors.js';
import { DEFAULT_PLATFORM, type ImageSource, type LayerContent, type LayerDescriptor, type Platform, type ResolvedImage } from '../core/image.js';
import { sha256Digest } from '../core/digest.js';
import type { FileStore } from './archive/file-store.js';
import { MAX_METADATA_SIZE } from './archive/file-store.js';
import { checkRequestedPlatform, describeLayers, parseImageConfig } from './image-config.js';
import { parseManifest, selectPlatform, type Descriptor } from './manifest.js';

const REF_NAME = 'org.opencontainers.image.ref.name';
const MAX_INDEX_DEPTH = 4;

const OciLayoutFileSchema = z.object({ imageLayoutVersion: z.string() });

export interface OciLayoutOptions {
  /** The tag (ref.name annotation) to pick; optional when the layout holds one image. */
  ref?: string | undefined;
  platform?: Platform | undefined;
}

/** An OCI image layout (image-spec image-layout.md), in a directory or an oci-archive tar. */
export class OciLayoutSource implements ImageSource {
  constructor(
    readonly target: string,
    private readonly store: FileStore,
    private readonly options: OciLayoutOptions = {},
  ) {}

  async resolve(): Promise<ResolvedImage> {
    try {
      return await this.resolveInner();
    } catch (error) {
      throw inContext(error, { image: this.target });
    }
  }

  private async resolveInner(): Promise<ResolvedImage> {
    if (!this.store.has('oci-layout')) throw new CustomsError('INVALID_INPUT', 'not an OCI image layout: oci-layout file missing');
    const layoutFile = OciLayoutFileSchema.safeParse(JSON.parse((await this.store.readFile('oci-layout', 4096)).toString('utf8')));
    if (!layoutFile.success) throw new CustomsError('INVALID_INPUT', 'not an OCI image layout: invalid oci-layout file');
    const index = parseManifest(await this.store.readFile('index.json', MAX_METADATA_SIZE), 'application/vnd.oci.image.index.v1+json');
    if (index.kind !== 'index') throw new CustomsError('INVALID_INPUT', 'index.json is not an image index');

    const entry = this.pickEntry(index.manifests);
    const platform = this.options.platform ?? DEFAULT_PLATFORM;
    let descriptor = entry;
    let indexDigest: string | undefined;
    let manifest = parseManifest(await this.readBlob(descriptor.digest), descriptor.mediaType);
    for (let depth = 0; manifest.kind === 'index'; depth++) {
      if (depth >= MAX_INDEX_DEPTH) throw new CustomsError('INVALID_MANIFEST', 'image indexes nested too deeply');
      indexDigest ??= descriptor.digest;
      descriptor = selectPlatform(manifest.manifests, platform);
      manifest = parseManifest(await this.readBlob(descriptor.digest), descriptor.mediaType);
    }
    const config = parseImageConfig(await this.readBlob(manifest.config.digest), manifest.config.digest);
    if (indexDigest === undefined) checkRequestedPlatform(config, this.options.platform);
    const layers = describeLayers(manifest.layers, config);
    const tag = entry.annotations?.[REF_NAME];
    return {
      reference: tag ? `${this.target.replace(/:[^:/]*$/, '')}:${tag}` : this.target,
      sourceKind: 'oci-layout',
      manifestDigest: descriptor.digest,
      manifestMediaType: manifest.mediaType,
      indexDigest,
      configDigest: manifest.config.digest,
      platform: { os: config.os, architecture: config.architecture, variant: config.variant },
      config,
      layers,
      repoTags: tag ? [tag] : [],
      repoDigests: [],
    };
  }

  private pickEntry(manifests: Descriptor[]): Descriptor {
    const wanted = this.options.ref;
    if (wanted !== undefined) {
      const byName = manifests.find((m) => m.annotations?.[REF_NAME] === wanted);
      const byDigest = manifests.find((m) => m.digest === wanted);
      const found = byName ?? byDigest;
      if (!found) {
        const names = manifests.map((m) => m.annotations?.[REF_NAME]).filter(Boolean);
        throw new CustomsError('NOT_FOUND', `no image "${wanted}" in the layout (has: ${names.join(', ') || 'no named images'})`);
      }
      return found;
    }
    if (manifests.length === 1) return manifests[0]!;
    if (manifests.length === 0) throw new CustomsError('NOT_FOUND', 'the layout holds no images');
    const names = manifests.map((m) => m.annotations?.[REF_NAME] ?? m.digest);
    throw new CustomsError('INVALID_INPUT', `the layout holds ${manifests.length} images; name one with :<tag> (${names.join(', ')})`);
  }

  private async readBlob(digest: string): Promise<Buffer> {
    const bytes = await this.store.readFile(blobPath(digest), MAX_METADATA_SIZE);
    const actual = sha256Digest(bytes);
    if (digest.startsWith('sha256:') && actual !== digest) {
      throw new CustomsError('DIGEST_MISMATCH', `blob digest mismatch: expected ${digest}, got ${actual}`, { file: blobPath(digest) });
    }
    return bytes;
  }

  async openLayer(layer: LayerDescriptor): Promise<LayerContent> {
    return { kind: 'tar', stream: this.store.openFile(blobPath(layer.digest)) };
  }

  async close(): Promise<void> {
    await this.store.close();
  }
}

export function blobPath(digest: string): string {
  const { algorithm, hex } = parseDigest(digest);
  return `blobs/${algorithm}/${hex}`;
}
