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

  if (report.vulnerabilities) {
    lines.push('', `VULNERABILITIES (${summaryLine(report.summary.vulnerabilities)})`);
    if (report.database) lines.push(`database built ${report.database.builtAt}`);
    if (report.vulnerabilities.length === 0) lines.push('(none found)');
    const byFile = new Map<string, typeof report.vulnerabilities>();
    for (const finding of report.vulnerabilities) byFile.set(finding.package.file, [...(byFile.get(finding.package.file) ?? []), finding]);
    for (const [file, findings] of [...byFile.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      lines.push('', `${file} (${findings[0]!.package.ecosystem})`);
      lines.push(
        ...columns([
          ['PACKAGE', 'INSTALLED', 'VULNERABILITY', 'SEVERITY', 'STATUS', 'FIXED IN', 'TITLE'],
          ...findings.map((finding) => [
            finding.package.innerPath ? `${finding.package.name} (${finding.package.innerPath})` : finding.package.name,
            finding.installedVersion,
            finding.id,
            finding.score !== undefined ? `${finding.severity} ${finding.score.toFixed(1)}` : finding.severity,
            finding.status === 'fixed' ? 'fixed' : 'no fix yet',
            finding.fixedVersions.join(', ') || '-',
            truncate(finding.title, 60),
          ]),
        ]).map((line) => `  ${line}`),
      );
    }
  }

  const riskSection = (heading: string, findings: ScanReport['secrets'], summary: Record<string, number> | undefined): void => {
    if (!findings) return;
    lines.push('', `${heading} (${summaryLine(summary)})`);
    if (findings.length === 0) {
      lines.push('(none found)');
      return;
    }
    lines.push(
      ...columns([
        ['SEVERITY', 'ID', 'WHERE', 'LAYER', 'TITLE', 'EVIDENCE'],
        ...findings.map((finding) => [
          finding.severity,
          finding.id,
          finding.location.file
            ? `${finding.location.file}${finding.location.line ? `:${finding.location.line}` : ''}`
            : finding.location.historyIndex !== undefined
              ? `history step ${finding.location.historyIndex}`
              : '-',
          finding.location.layerIndex !== undefined ? String(finding.location.layerIndex) : '-',
          truncate(finding.title, 60),
          truncate(finding.evidence ?? '', 60) || '-',
        ]),
      ]),
    );
  };
  riskSection('SECRETS', report.secrets, report.summary.secrets);
  riskSection('BASELINE', report.baseline, report.summary.baseline);
  riskSection('BUILD COMMANDS', report.buildCommands, report.summary.buildCommands);

  if (report.malware) {
    lines.push('', `MALWARE (${summaryLine(report.summary.malware)})`);
    if (report.malwareEngines) lines.push(`engines: ${report.malwareEngines.map((engine) => engine.description).join('; ')}`);
    if (report.malwareFiles) lines.push(`files judged: ${report.malwareFiles.scanned + report.malwareFiles.fromCache} (${report.malwareFiles.fromCache} from the verdict cache)`);
    if (report.malware.length === 0) lines.push('(none found)');
    else
      lines.push(
        ...columns([
          ['SEVERITY', 'TYPE', 'ENGINE', 'SIGNATURE', 'WHERE', 'LAYER', 'SHA256'],
          ...report.malware.map((finding) => [
            finding.severity,
            finding.malware.type,
            finding.malware.engine,
            truncate(finding.malware.signature, 50),
            finding.malware.package ? `${finding.location.file ?? '-'} (${finding.malware.package.name} ${finding.malware.package.version})` : (finding.location.file ?? '-'),
            finding.location.layerIndex !== undefined ? String(finding.location.layerIndex) : '-',
            finding.malware.sha256 ? finding.malware.sha256.slice(0, 12) : '-',
          ]),
        ]),
      );
    if (report.malwareWhitelisted?.length) {
      lines.push(`whitelisted: ${report.malwareWhitelisted.map((entry) => `${entry.type} ${entry.id} in ${entry.file ?? '-'}`).join('; ')}`);
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

function summaryLine(counts: Record<string, number> | undefined): string {
  if (!counts) return '';
  const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
  const parts = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'].filter((severity) => (counts[severity] ?? 0) > 0).map((severity) => `${severity} ${counts[severity]}`);
  return `total ${total}${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`;
}
