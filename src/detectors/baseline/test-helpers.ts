/**
 * Synthetic images for the baseline check tests: small LayerAnalysis objects (as
 * src/layer/filesystem.test.ts builds them) with the real config-file analyzers run over the
 * file contents given, and image metadata set field by field.
 */
import type { HistoryStep, ImageMetadata } from '../../analyzers/image/metadata.js';
import type { FileInfo, FileType } from '../../core/files.js';
import type { RiskFinding } from '../../core/finding.js';
import type { LayerAnalysis, LocatedResult } from '../../layer/analysis.js';
import { FinalFilesystem } from '../../layer/filesystem.js';
import { baselineFileAnalyzers, collectConfigFiles } from './index.js';
import type { BaselineInput } from './checks/types.js';

export interface FileSpec {
  path: string;
  type?: FileType;
  mode?: number;
  uid?: number;
  gid?: number;
  size?: number;
  linkname?: string;
  /** Text content, run through the baseline config-file analyzers that want this path. */
  content?: string;
}

export interface HistorySpec {
  createdBy: string;
  emptyLayer?: boolean;
}

export interface ImageSpec {
  reference: string;
  metadata: Omit<ImageMetadata, 'history'>;
  history: HistorySpec[];
  /** Files per layer, bottom first. */
  layers: FileSpec[][];
  whiteouts: string[][];
  secretFindings: RiskFinding[];
  enabled?: Set<string> | undefined;
}

export const diffIdOf = (layerIndex: number): string => `sha256:${String(layerIndex).padStart(64, '0')}`;

export const BASE_PASSWD = ['root:x:0:0:root:/root:/bin/bash', 'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin', 'sync:x:4:65534:sync:/bin:/bin/sync', 'app:x:1000:1000::/home/app:/bin/sh', ''].join('\n');
export const BASE_SHADOW = ['root:*:19000:0:99999:7:::', 'daemon:*:19000:0:99999:7:::', 'sync:*:19000:0:99999:7:::', 'app:!:19000:0:99999:7:::', ''].join('\n');
export const BASE_GROUP = ['root:x:0:', 'daemon:x:1:', 'sudo:x:27:', 'app:x:1000:', ''].join('\n');
export const BASE_LOGIN_DEFS = 'PASS_MAX_DAYS\t90\nENCRYPT_METHOD SHA512\n';

/** A clean image: non-root user, healthcheck, versioned tag, locked accounts, nothing left over. No check reports anything. */
export function cleanImage(): ImageSpec {
  return {
    reference: 'registry.example.com/team/app:1.4.2',
    metadata: {
      architecture: 'amd64',
      os: 'linux',
      user: 'app',
      env: [{ name: 'PATH', value: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' }],
      entrypoint: ['/app/server'],
      cmd: [],
      workingDir: '/app',
      exposedPorts: ['8080/tcp'],
      volumes: ['/data'],
      labels: { 'org.opencontainers.image.title': 'app' },
      healthcheck: { test: ['CMD', '/app/server', '--health'] },
    },
    history: [
      { createdBy: `/bin/sh -c #(nop) ADD file:${'ab'.repeat(32)} in / ` },
      { createdBy: '/bin/sh -c #(nop)  CMD ["bash"]', emptyLayer: true },
      { createdBy: 'COPY app /app # buildkit' },
      { createdBy: 'USER app', emptyLayer: true },
    ],
    layers: [
      [
        { path: 'etc', type: 'dir', mode: 0o755 },
        { path: 'etc/passwd', content: BASE_PASSWD },
        { path: 'etc/shadow', mode: 0o640, gid: 42, content: BASE_SHADOW },
        { path: 'etc/group', content: BASE_GROUP },
        { path: 'etc/gshadow', mode: 0o640, gid: 42 },
        { path: 'etc/login.defs', content: BASE_LOGIN_DEFS },
        { path: 'tmp', type: 'dir', mode: 0o1777 },
        { path: 'usr/bin/ls', mode: 0o755 },
        { path: 'var/lib/apt/lists', type: 'dir', mode: 0o755 },
        { path: 'var/lib/apt/lists/lock', mode: 0o640, size: 0 },
        { path: 'var/cache/apt/archives/partial', type: 'dir', mode: 0o700 },
      ],
      [
        { path: 'app', type: 'dir', mode: 0o755 },
        { path: 'app/server', mode: 0o755, size: 4096 },
      ],
    ],
    whiteouts: [[], []],
    secretFindings: [],
  };
}

/** Replace (or add) a file in a layer. */
export function putFile(spec: ImageSpec, layer: number, file: FileSpec): void {
  while (spec.layers.length <= layer) {
    spec.layers.push([]);
    spec.whiteouts.push([]);
    spec.history.push({ createdBy: `RUN /bin/sh -c true # layer ${spec.layers.length - 1}` });
  }
  spec.layers[layer] = [...spec.layers[layer]!.filter((existing) => existing.path !== file.path), file];
}

export async function buildInput(spec: ImageSpec): Promise<BaselineInput> {
  const layers: LayerAnalysis[] = [];
  for (const [index, files] of spec.layers.entries()) {
    const infos: FileInfo[] = [];
    const results: LocatedResult[] = [];
    for (const file of files) {
      const content = file.content === undefined ? undefined : Buffer.from(file.content);
      const info: FileInfo = {
        path: file.path,
        type: file.type ?? 'file',
        mode: file.mode ?? (file.type === 'dir' ? 0o755 : file.type === 'symlink' ? 0o777 : 0o644),
        size: file.size ?? content?.length ?? 0,
        uid: file.uid ?? 0,
        gid: file.gid ?? 0,
        linkname: file.linkname,
      };
      infos.push(info);
      if (content === undefined) continue;
      for (const analyzer of baselineFileAnalyzers) {
        if (!analyzer.required(file.path, info)) continue;
        const input = {
          path: file.path,
          info,
          layer: { index, diffId: diffIdOf(index), digest: diffIdOf(index) },
          read: async () => content,
          open: () => {
            throw new Error('not used');
          },
        };
        for (const result of await analyzer.analyze(input)) results.push({ analyzer: analyzer.name, path: file.path, result });
      }
    }
    layers.push({ files: infos, whiteouts: spec.whiteouts[index] ?? [], opaqueDirs: [], results, warnings: [], analyzerFailures: [], uncompressedSize: 0 });
  }
  const filesystem = new FinalFilesystem(layers);
  let layerCursor = 0;
  const history: HistoryStep[] = spec.history.map((entry, index) => {
    const emptyLayer = entry.emptyLayer === true;
    const layerIndex = emptyLayer ? undefined : layerCursor++;
    return { index, createdBy: entry.createdBy, emptyLayer, layerIndex, diffId: layerIndex === undefined ? undefined : diffIdOf(layerIndex) };
  });
  return {
    reference: spec.reference,
    metadata: { ...spec.metadata, history },
    filesystem,
    configFiles: collectConfigFiles(filesystem),
    secretFindings: spec.secretFindings,
    enabled: spec.enabled,
  };
}

/** A finding as the sample tables spell it: only what is set. */
export interface ExpectedFinding {
  severity: string;
  title: string;
  file?: string;
  line?: number;
  layerIndex?: number;
  historyIndex?: number;
  evidence?: string;
}

export function project(finding: RiskFinding): ExpectedFinding {
  const projected: ExpectedFinding = { severity: finding.severity, title: finding.title };
  if (finding.location.file !== undefined) projected.file = finding.location.file;
  if (finding.location.line !== undefined) projected.line = finding.location.line;
  if (finding.location.layerIndex !== undefined) projected.layerIndex = finding.location.layerIndex;
  if (finding.location.historyIndex !== undefined) projected.historyIndex = finding.location.historyIndex;
  if (finding.evidence !== undefined) projected.evidence = finding.evidence;
  return projected;
}
