import { z } from 'zod';
import { isDigest, sha256Digest } from '../core/digest.js';
import { CustomsError, inContext } from '../core/errors.js';
import type { ImageSource, LayerContent, LayerDescriptor, ResolvedImage } from '../core/image.js';
import type { FileStore } from './archive/file-store.js';
import { MAX_METADATA_SIZE } from './archive/file-store.js';
import { parseImageConfig } from './image-config.js';

const DockerArchiveManifestSchema = z.array(
  z.object({
    Config: z.string(),
    RepoTags: z.array(z.string()).nullish(),
    Layers: z.array(z.string()),
  }),
);
type ArchiveImage = z.infer<typeof DockerArchiveManifestSchema>[number];

const BLOB_NAME = /^blobs\/(sha256)\/([a-f0-9]{64})$/;

/** A `docker save` archive: manifest.json naming a config and layer tars, old layout or Docker 25+ blobs/. */
export class DockerArchiveSource implements ImageSource {
  private layerFiles = new Map<number, string>();

  constructor(
    readonly target: string,
    private readonly store: FileStore,
    private readonly tag?: string | undefined,
  ) {}

  async resolve(): Promise<ResolvedImage> {
    try {
      return await this.resolveInner();
    } catch (error) {
      throw inContext(error, { image: this.target });
    }
  }

  private async resolveInner(): Promise<ResolvedImage> {
    if (!this.store.has('manifest.json')) throw new CustomsError('INVALID_INPUT', 'not a docker-archive: manifest.json missing');
    let json: unknown;
    try {
      json = JSON.parse((await this.store.readFile('manifest.json', MAX_METADATA_SIZE)).toString('utf8'));
    } catch (error) {
      throw new CustomsError('INVALID_INPUT', `manifest.json is not valid JSON: ${(error as Error).message}`, { file: 'manifest.json' });
    }
    const parsed = DockerArchiveManifestSchema.safeParse(json);
    if (!parsed.success) throw new CustomsError('INVALID_INPUT', 'manifest.json does not describe docker images', { file: 'manifest.json' });
    const image = this.pick(parsed.data);

    const configBytes = await this.store.readFile(image.Config, MAX_METADATA_SIZE);
    const configDigest = digestFromName(image.Config) ?? sha256Digest(configBytes);
    const config = parseImageConfig(configBytes, configDigest);
    const diffIds = config.rootfs.diff_ids;
    if (diffIds.length !== image.Layers.length) {
      throw new CustomsError('INVALID_MANIFEST', `manifest.json lists ${image.Layers.length} layers but the config has ${diffIds.length} diff IDs`);
    }
    const layers: LayerDescriptor[] = image.Layers.map((file, index) => {
      this.layerFiles.set(index, file);
      const diffId = diffIds[index]!;
      return {
        index,
        mediaType: 'application/vnd.docker.image.rootfs.diff.tar',
        digest: digestFromName(file) ?? diffId,
        size: this.store.size(file),
        diffId,
      };
    });
    const repoTags = image.RepoTags ?? [];
    return {
      reference: this.tag ?? repoTags[0] ?? this.target,
      sourceKind: 'docker-archive',
      configDigest,
      platform: { os: config.os, architecture: config.architecture, variant: config.variant },
      config,
      layers,
      repoTags,
      repoDigests: [],
    };
  }

  private pick(images: ArchiveImage[]): ArchiveImage {
    if (images.length === 0) throw new CustomsError('NOT_FOUND', 'the archive holds no images');
    if (this.tag === undefined) {
      if (images.length === 1) return images[0]!;
      const tags = images.flatMap((image) => image.RepoTags ?? []);
      throw new CustomsError('INVALID_INPUT', `the archive holds ${images.length} images; name one (${tags.join(', ')})`);
    }
    const wanted = this.tag;
    const found = images.find((image) => (image.RepoTags ?? []).some((tag) => tag === wanted || stripDockerHub(tag) === stripDockerHub(wanted)));
    if (!found) throw new CustomsError('NOT_FOUND', `no image tagged "${wanted}" in the archive`);
    return found;
  }

  async openLayer(layer: LayerDescriptor): Promise<LayerContent> {
    const file = this.layerFiles.get(layer.index);
    if (file === undefined) throw new CustomsError('INVALID_INPUT', `unknown layer ${layer.index}`, { image: this.target });
    // Old-layout layer files carry no digest of their own; the diff ID check covers them.
    return { kind: 'tar', stream: this.store.openFile(file), storedDigestKnown: digestFromName(file) !== undefined };
  }

  async close(): Promise<void> {
    await this.store.close();
  }
}

function digestFromName(name: string): string | undefined {
  const match = BLOB_NAME.exec(name);
  if (match) return `${match[1]}:${match[2]}`;
  const legacy = /^([a-f0-9]{64})\.json$/.exec(name);
  const digest = legacy ? `sha256:${legacy[1]}` : undefined;
  return digest && isDigest(digest) ? digest : undefined;
}

/** docker save writes "docker.io/library/x:tag" in some versions and "x:tag" in others. */
function stripDockerHub(tag: string): string {
  return tag.replace(/^docker\.io\/(library\/)?/, '');
}
