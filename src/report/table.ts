import { formatBytes } from '../layer/limits.js';
import type { ScanReport } from './model.js';
import { columns, shortDigest, truncate } from './text.js';

/** The human-readable report: a summary, the layers, the configuration, then anything that went wrong. */
export function renderTable(report: ScanReport): string {
  const { image, os, config } = report;
  const lines: string[] = [];
  const sizes = [
    image.size !== null ? `${formatBytes(image.size)} stored` : undefined,
    `${formatBytes(image.uncompressedSize)} uncompressed`,
  ].filter(Boolean);
  const summary: string[][] = [
    ['Image', image.reference],
    ['Source', image.sourceKind],
  ];
  if (image.manifestDigest) summary.push(['Digest', image.manifestDigest]);
  if (image.indexDigest) summary.push(['Index', image.indexDigest]);
  if (image.configDigest) summary.push(['Image ID', image.configDigest]);
  if (image.sourceKind !== 'rootfs') summary.push(['Platform', image.platform]);
  summary.push(['OS', os ? `${os.name} ${os.version}${os.codename ? ` (${os.codename})` : ''}` : 'unknown']);
  summary.push(['Layers', `${image.layerCount} (${sizes.join(', ')}), ${image.fileCount} files`]);
  summary.push(['Packages', String(image.packageCount)]);
  if (config.created) summary.push(['Created', config.created]);
  lines.push(...columns(summary));

  if (report.layers.length > 0) {
    lines.push('', 'LAYERS');
    lines.push(
      ...columns([
        ['#', 'DIGEST', 'SIZE', 'UNCOMPRESSED', 'FILES', 'CREATED BY'],
        ...report.layers.map((layer) => [
          String(layer.index),
          shortDigest(layer.digest),
          layer.size === null ? '-' : formatBytes(layer.size),
          formatBytes(layer.uncompressedSize),
          String(layer.fileCount),
          truncate(layer.createdBy ?? '', 60) + (layer.cached ? ' (cached)' : ''),
        ]),
      ]),
    );
  }

  if (image.sourceKind !== 'rootfs') {
    lines.push('', 'CONFIG');
    const json = (value: string[]): string => (value.length > 0 ? JSON.stringify(value) : '-');
    const rows: string[][] = [
      ['User', config.user || '(root, not set)'],
      ['Entrypoint', json(config.entrypoint)],
      ['Cmd', json(config.cmd)],
      ['WorkingDir', config.workingDir || '-'],
      ['ExposedPorts', config.exposedPorts.join(', ') || '-'],
      ['Volumes', config.volumes.join(', ') || '-'],
      ['Healthcheck', config.healthcheck ? json(config.healthcheck.test) : '-'],
    ];
    for (const variable of config.env) rows.push(['Env', `${variable.name}=${variable.value}`]);
    for (const [name, value] of Object.entries(config.labels)) rows.push(['Label', `${name}=${value}`]);
    lines.push(...columns(rows));
  }

  if (report.packages) {
    lines.push('', 'PACKAGES');
    if (report.packages.length === 0) lines.push('(none found)');
    // Grouped by the file they were read from, as a reader looks for them.
    const byFile = new Map<string, typeof report.packages>();
    for (const pkg of report.packages) byFile.set(pkg.file, [...(byFile.get(pkg.file) ?? []), pkg]);
    for (const [file, packages] of [...byFile.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      lines.push('', `${file} (${packages[0]!.ecosystem})`);
      lines.push(
        ...columns([
          ['NAME', 'VERSION', 'SOURCE', 'LICENSE', 'LAYER'],
          ...packages.map((pkg) => [
            pkg.innerPath ? `${pkg.name} (${pkg.innerPath})` : pkg.name + (pkg.dev ? ' (dev)' : ''),
            pkg.version,
            pkg.sourceName && (pkg.sourceName !== pkg.name || pkg.sourceVersion !== pkg.version) ? `${pkg.sourceName} ${pkg.sourceVersion ?? ''}`.trim() : '-',
            truncate(pkg.licenses.join(', ') || '-', 40),
            String(pkg.layer.index),
          ]),
        ]).map((line) => `  ${line}`),
      );
    }
  }

  if (report.warnings.length > 0 || report.analyzerFailures.length > 0) {
    lines.push('', 'WARNINGS');
    for (const warning of report.warnings) {
      lines.push(`${warning.layer ? `layer ${shortDigest(warning.layer)}: ` : ''}${warning.file ? `${warning.file}: ` : ''}${warning.message}`);
    }
    for (const failure of report.analyzerFailures) {
      lines.push(`${failure.layer ? `layer ${shortDigest(failure.layer)}: ` : ''}${failure.file}: analyzer ${failure.analyzer} failed: ${failure.message}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
