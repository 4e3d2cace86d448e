import { formatPlatform } from '../core/image.js';
import type { OsInfo } from '../core/os.js';
import type { ImageMetadata } from '../analyzers/image/metadata.js';
import type { ImageScan } from '../engine/scan.js';
import { maskSecret } from '../core/mask.js';
import type { Package } from '../core/package.js';
import { SEVERITIES, type RiskFinding, type Severity } from '../core/finding.js';
import type { VulnerabilityFinding } from '../core/vulnerability.js';
import type { MalwareFinding } from '../detectors/malware/findings.js';

/**
 * The stable, documented report (docs/report-format.md). Later scanners add top-level keys
 * (packages, vulnerabilities, secrets, ...); existing keys keep their meaning, and a change
 * that breaks a consumer bumps `schemaVersion`.
 */
export interface ScanReport {
  schemaVersion: 1;
  tool: { name: 'customs'; version: string };
  createdAt: string;
  target: string;
  image: {
    reference: string;
    sourceKind: string;
    manifestDigest: string | null;
    manifestMediaType: string | null;
    indexDigest: string | null;
    configDigest: string | null;
    platform: string;
    repoTags: string[];
    repoDigests: string[];
    /** Sum of the stored layer sizes (compressed, for registry images), or null when unknown. */
    size: number | null;
    uncompressedSize: number;
    layerCount: number;
    fileCount: number;
    packageCount: number;
  };
  os: OsInfo | null;
  /** Present with --list-packages: every package, sorted by ecosystem, name, version, file. */
  packages?: ReportPackage[];
  config: Omit<ImageMetadata, 'history'>;
  history: ImageMetadata['history'];
  layers: Array<{
    index: number;
    digest: string;
    diffId: string;
    mediaType: string;
    size: number | null;
    uncompressedSize: number;
    fileCount: number;
    createdBy: string | null;
    cached: boolean;
  }>;
  /** Which scanners ran (`--scanners`); a finding section is present only when its scanner ran. */
  scanners: string[];
  /** Finding counts by severity per section, after filters. */
  summary: Record<string, Record<Severity, number>>;
  vulnerabilities?: VulnerabilityFinding[];
  secrets?: RiskFinding[];
  baseline?: RiskFinding[];
  /** Risky build commands found in the image history (scanner "history"). */
  buildCommands?: RiskFinding[];
  /** Malicious files and known-malicious packages (scanner "malware"). */
  malware?: MalwareFinding[];
  /** With the malware scanner: the engines that ran, and what exactly (version, signatures). */
  malwareEngines?: Array<{ name: string; description: string }>;
  /** Files the engines judged in this scan, and files answered from the verdict cache (same content judged before). */
  malwareFiles?: { scanned: number; fromCache: number };
  /** Malware findings the whitelist took out: listed, so nothing disappears unseen. */
  malwareWhitelisted?: Array<{ id: string; type: string; file: string | null; layerIndex: number | null; rule: { type: string; repository: string | null; reason: string | null } }>;
  database?: { path: string; builtAt: string };
  warnings: Array<{ layer: string | null; file: string | null; message: string }>;
  analyzerFailures: Array<{ analyzer: string; layer: string | null; file: string; message: string }>;
}

export interface ReportPackage {
  ecosystem: string;
  name: string;
  version: string;
  purl: string;
  sourceName: string | null;
  sourceVersion: string | null;
  arch: string | null;
  licenses: string[];
  dev: boolean;
  file: string;
  innerPath: string | null;
  layer: { index: number; diffId: string };
  analyzer: string;
  properties: Record<string, string>;
}

export interface ReportFindings {
  scanners: readonly string[];
  vulnerabilities?: VulnerabilityFinding[] | undefined;
  secrets?: RiskFinding[] | undefined;
  baseline?: RiskFinding[] | undefined;
  buildCommands?: RiskFinding[] | undefined;
  malware?: MalwareFinding[] | undefined;
  malwareEngines?: Array<{ name: string; description: string }> | undefined;
  malwareFiles?: { scanned: number; fromCache: number } | undefined;
  malwareWhitelisted?: ScanReport['malwareWhitelisted'];
  database?: { path: string; builtAt: string } | undefined;
  /** Warnings of the finding stages (stale database, unreadable versions). */
  warnings?: string[] | undefined;
}

export interface ReportOptions {
  includePackages?: boolean;
  now?: Date;
  findings?: ReportFindings | undefined;
}

function countBySeverity(findings: ReadonlyArray<{ severity: Severity }>): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as Record<Severity, number>;
  for (const finding of findings) counts[finding.severity]++;
  return counts;
}

function toReportPackage(pkg: Package): ReportPackage {
  return {
    ecosystem: pkg.ecosystem,
    name: pkg.name,
    version: pkg.version,
    purl: pkg.purl,
    sourceName: pkg.sourceName ?? null,
    sourceVersion: pkg.sourceVersion ?? null,
    arch: pkg.arch ?? null,
    licenses: pkg.licenses ?? [],
    dev: pkg.dev === true,
    file: pkg.file,
    innerPath: pkg.innerPath ?? null,
    layer: { index: pkg.layerIndex, diffId: pkg.layerDiffId },
    analyzer: pkg.analyzer,
    properties: pkg.properties ?? {},
  };
}

const SECRET_ENV_NAME = /(pass(word|wd)?|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential)/i;

export function buildReport(scan: ImageScan, target: string, toolVersion: string, options: ReportOptions = {}): ScanReport {
  const now = options.now ?? new Date();
  const { image, layers, metadata } = scan;
  const knownSizes = layers.every((layer) => layer.descriptor.size >= 0);
  const stepForLayer = new Map(metadata.history.filter((step) => step.layerIndex !== undefined).map((step) => [step.layerIndex!, step.createdBy]));
  const { history, ...config } = metadata;
  return {
    schemaVersion: 1,
    tool: { name: 'customs', version: toolVersion },
    createdAt: now.toISOString(),
    target,
    image: {
      reference: image.reference,
      sourceKind: image.sourceKind,
      manifestDigest: image.manifestDigest ?? null,
      manifestMediaType: image.manifestMediaType ?? null,
      indexDigest: image.indexDigest ?? null,
      configDigest: image.configDigest ?? null,
      platform: formatPlatform(image.platform),
      repoTags: image.repoTags,
      repoDigests: image.repoDigests,
      size: knownSizes ? layers.reduce((sum, layer) => sum + layer.descriptor.size, 0) : null,
      uncompressedSize: layers.reduce((sum, layer) => sum + layer.analysis.uncompressedSize, 0),
      layerCount: image.sourceKind === 'rootfs' ? 0 : layers.length,
      fileCount: scan.filesystem.size,
      packageCount: scan.packages.length,
    },
    os: scan.os ?? null,
    ...(options.includePackages ? { packages: scan.packages.map(toReportPackage) } : {}),
    // Environment values whose names say they hold secrets are masked: reports get pasted into tickets.
    config: { ...config, env: config.env.map((variable) => (SECRET_ENV_NAME.test(variable.name) ? { ...variable, value: maskSecret(variable.value) } : variable)) },
    history,
    layers: image.sourceKind === 'rootfs'
      ? []
      : layers.map(({ descriptor, analysis, cached }) => ({
          index: descriptor.index,
          digest: descriptor.digest,
          diffId: descriptor.diffId,
          mediaType: descriptor.mediaType,
          size: descriptor.size >= 0 ? descriptor.size : null,
          uncompressedSize: analysis.uncompressedSize,
          fileCount: analysis.files.length,
          createdBy: stepForLayer.get(descriptor.index) ?? null,
          cached,
        })),
    scanners: [...(options.findings?.scanners ?? [])],
    summary: Object.fromEntries(
      (['vulnerabilities', 'secrets', 'baseline', 'buildCommands', 'malware'] as const).flatMap((section) => {
        const list = options.findings?.[section];
        return list ? [[section, countBySeverity(list)]] : [];
      }),
    ),
    ...(options.findings?.vulnerabilities ? { vulnerabilities: options.findings.vulnerabilities } : {}),
    ...(options.findings?.secrets ? { secrets: options.findings.secrets } : {}),
    ...(options.findings?.baseline ? { baseline: options.findings.baseline } : {}),
    ...(options.findings?.buildCommands ? { buildCommands: options.findings.buildCommands } : {}),
    ...(options.findings?.malware ? { malware: options.findings.malware } : {}),
    ...(options.findings?.malwareEngines ? { malwareEngines: options.findings.malwareEngines } : {}),
    ...(options.findings?.malwareFiles ? { malwareFiles: options.findings.malwareFiles } : {}),
    ...(options.findings?.malwareWhitelisted ? { malwareWhitelisted: options.findings.malwareWhitelisted } : {}),
    ...(options.findings?.database ? { database: options.findings.database } : {}),
    warnings: [
      ...layers.flatMap(({ descriptor, analysis }) =>
        analysis.warnings.map((warning) => ({ layer: descriptor.digest || null, file: warning.file ?? null, message: warning.message })),
      ),
      ...(options.findings?.warnings ?? []).map((message) => ({ layer: null, file: null, message })),
    ],
    analyzerFailures: layers.flatMap(({ descriptor, analysis }) =>
      analysis.analyzerFailures.map((failure) => ({ ...failure, layer: descriptor.digest || null })),
    ),
  };
}
