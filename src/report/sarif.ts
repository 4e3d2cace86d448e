import type { RiskFinding, Severity } from '../core/finding.js';
import type { VulnerabilityFinding } from '../core/vulnerability.js';

/**
 * SARIF 2.1.0 (OASIS), as code-scanning services ingest it: one run, one rule per distinct
 * vulnerability id or check, one result per finding located at the file in the image.
 * `security-severity` carries a CVSS-like number so GitHub ranks results as it ranks its own.
 */
export interface SarifInput {
  target: string;
  toolVersion: string;
  vulnerabilities: readonly VulnerabilityFinding[];
  risks: readonly RiskFinding[];
}

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  helpUri?: string;
  help: { text: string; markdown: string };
  defaultConfiguration: { level: SarifLevel };
  properties: { tags: string[]; precision: 'very-high' | 'high'; 'security-severity': string };
}

type SarifLevel = 'error' | 'warning' | 'note' | 'none';

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: { text: string };
  locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } }; message: { text: string } }>;
  partialFingerprints: Record<string, string>;
}

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: Array<{
    tool: { driver: { name: string; version: string; rules: SarifRule[] } };
    results: SarifResult[];
    properties: { target: string };
  }>;
}

const LEVELS: Record<Severity, SarifLevel> = { CRITICAL: 'error', HIGH: 'error', MEDIUM: 'warning', LOW: 'note', UNKNOWN: 'note' };
const SEVERITY_SCORES: Record<Severity, number> = { CRITICAL: 9.5, HIGH: 8.0, MEDIUM: 5.5, LOW: 2.0, UNKNOWN: 0.0 };

export function toSarif(input: SarifInput): SarifLog {
  const rules: SarifRule[] = [];
  const ruleIndex = new Map<string, number>();
  const results: SarifResult[] = [];
  const addRule = (rule: SarifRule): number => {
    const known = ruleIndex.get(rule.id);
    if (known !== undefined) return known;
    ruleIndex.set(rule.id, rules.length);
    rules.push(rule);
    return rules.length - 1;
  };

  for (const finding of input.vulnerabilities) {
    const score = finding.score ?? SEVERITY_SCORES[finding.severity];
    const help = [
      `Vulnerability ${finding.id}${finding.aliases.length > 0 ? ` (${finding.aliases.join(', ')})` : ''}`,
      `Severity: ${finding.severity}${finding.score !== undefined ? ` (${finding.score.toFixed(1)})` : ''}`,
      `Package: ${finding.package.name} ${finding.installedVersion}`,
      `Fixed in: ${finding.fixedVersions.join(', ') || 'no fix yet'}`,
      ...finding.references.slice(0, 5),
    ];
    const index = addRule({
      id: finding.id,
      name: 'OsPackageVulnerability',
      shortDescription: { text: finding.title || finding.id },
      fullDescription: { text: finding.title || finding.id },
      ...(finding.references[0] ? { helpUri: finding.references[0] } : {}),
      help: { text: help.join('\n'), markdown: help.map((line) => `- ${line}`).join('\n') },
      defaultConfiguration: { level: LEVELS[finding.severity] },
      properties: { tags: ['vulnerability', 'security', finding.severity], precision: 'very-high', 'security-severity': score.toFixed(1) },
    });
    results.push({
      ruleId: finding.id,
      ruleIndex: index,
      level: LEVELS[finding.severity],
      message: {
        text: `Package: ${finding.package.name}\nInstalled version: ${finding.installedVersion}\nVulnerability: ${finding.id}\nSeverity: ${finding.severity}\nFixed version: ${finding.fixedVersions.join(', ') || 'none'}\nLayer: ${finding.package.layerDiffId}`,
      },
      locations: [location(finding.package.file, 1, `${input.target}: ${finding.package.name}@${finding.installedVersion}`)],
      partialFingerprints: { 'customs/v1': `${finding.id}|${finding.package.purl}|${finding.package.file}` },
    });
  }

  for (const finding of input.risks) {
    const index = addRule({
      id: finding.id,
      name: finding.category,
      shortDescription: { text: finding.title },
      fullDescription: { text: finding.title },
      help: { text: `${finding.title}\nRemediation: ${finding.remediation}`, markdown: `**${finding.title}**\n\nRemediation: ${finding.remediation}` },
      defaultConfiguration: { level: LEVELS[finding.severity] },
      properties: { tags: [finding.category, 'security', finding.severity], precision: 'high', 'security-severity': SEVERITY_SCORES[finding.severity].toFixed(1) },
    });
    const where = finding.location.file ?? (finding.location.historyIndex !== undefined ? `history/${finding.location.historyIndex}` : input.target);
    results.push({
      ruleId: finding.id,
      ruleIndex: index,
      level: LEVELS[finding.severity],
      message: { text: [finding.title, finding.evidence ? `Evidence: ${finding.evidence}` : undefined, finding.location.layerDiffId ? `Layer: ${finding.location.layerDiffId}` : undefined].filter(Boolean).join('\n') },
      locations: [location(where, finding.location.line ?? 1, input.target)],
      partialFingerprints: { 'customs/v1': `${finding.id}|${where}|${finding.location.line ?? 0}|${finding.evidence ?? ''}` },
    });
  }

  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'customs', version: input.toolVersion, rules } },
        results,
        properties: { target: input.target },
      },
    ],
  };
}

function location(path: string, line: number, text: string): SarifResult['locations'][number] {
  return { physicalLocation: { artifactLocation: { uri: encodeURI(path) }, region: { startLine: Math.max(1, line) } }, message: { text } };
}
