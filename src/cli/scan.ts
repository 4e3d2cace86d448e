import { Command, InvalidArgumentError, Option } from 'commander';
import { SEVERITIES, severityRank, type RiskFinding, type Severity } from '../core/finding.js';
import type { VulnerabilityFinding } from '../core/vulnerability.js';
import { createDetectors, SCANNERS, type ScannerName } from '../engine/detectors.js';
import { scanVulnerabilities } from '../engine/vulnerabilities.js';
import { activeIgnores, loadIgnoreFiles } from '../matchers/ignore.js';
import { buildReport, type ReportFindings } from '../report/model.js';
import { toSarif } from '../report/sarif.js';
import { renderTable } from '../report/table.js';
import { dbPath, defaultDbDir, VulnDb } from '../vulndb/store.js';
import { parsePositiveInt } from './options.js';
import { addQuietOption, addSourceOptions, printWarnings, TARGET_HELP, withImageScan, writeOutput, type SourceFlags } from './scan-options.js';
import { TOOL_VERSION } from './version.js';

interface ScanFlags extends SourceFlags {
  format: 'table' | 'json' | 'sarif';
  output?: string;
  listPackages?: boolean;
  scanners: ScannerName[];
  severity?: Severity[];
  ignoreUnfixed?: boolean;
  exitCode: number;
  ignorefile?: string[];
  dbDir: string;
  dbMaxAge: number;
  secretRules?: string;
  disableCategory?: string[];
  disableRule?: string[];
  checks?: string[];
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, ...value.split(',').map((item) => item.trim()).filter(Boolean)];

function parseScanners(value: string): ScannerName[] {
  const names = value.split(',').map((name) => name.trim()).filter(Boolean);
  for (const name of names) if (!(SCANNERS as readonly string[]).includes(name)) throw new InvalidArgumentError(`unknown scanner "${name}" (choose from ${SCANNERS.join(', ')})`);
  return names as ScannerName[];
}

function parseSeverities(value: string): Severity[] {
  const names = value.split(',').map((name) => name.trim().toUpperCase()).filter(Boolean);
  for (const name of names) if (!(SEVERITIES as readonly string[]).includes(name)) throw new InvalidArgumentError(`unknown severity "${name}" (choose from ${SEVERITIES.join(', ')})`);
  // One level means "at or above it"; a list means exactly those, as Trivy takes it.
  if (names.length === 1) return SEVERITIES.filter((severity) => severityRank(severity) >= severityRank(names[0] as Severity));
  return names as Severity[];
}

export function scanCommand(): Command {
  const command = new Command('scan')
    .description('scan an image: a registry reference, a docker save archive, an OCI layout or a root filesystem directory')
    .argument('<target>', TARGET_HELP)
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json', 'sarif']).default('table'))
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .option('--scanners <list>', `what to look for, comma-separated: ${SCANNERS.join(',')}`, parseScanners, [...SCANNERS])
    .option('--severity <levels>', 'report only these severities (UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL); one level means that level and above', parseSeverities)
    .option('--ignore-unfixed', 'hide vulnerabilities that have no fix yet')
    .option('--exit-code <n>', 'exit with this status when any finding remains after the filters', parsePositiveInt, 0)
    .option('--ignorefile <file>', 'ids to ignore, one per line, optional exp:YYYY-MM-DD (default .customsignore and .trivyignore)', collect)
    .option('--db-dir <dir>', 'vulnerability database directory', defaultDbDir())
    .option('--db-max-age <days>', 'warn when the vulnerability database is older than this many days', parsePositiveInt, 7)
    .option('--secret-rules <file>', 'a YAML file of extra secret rules')
    .option('--disable-category <list>', 'secret rule categories to turn off, comma-separated', collect)
    .option('--disable-rule <list>', 'secret rules to turn off, by id, comma-separated', collect)
    .option('--checks <list>', 'baseline checks and build-command rules to run, by id, comma-separated (default: those on by default)', collect);
  addSourceOptions(command).option('--list-packages', 'list every OS and application package found (table and JSON)');
  return addQuietOption(command).action(async (target: string, flags: ScanFlags, self: Command) => {
    self.setOptionValue('exitCode', await runScan(target, flags));
  });
}

export async function runScan(target: string, flags: ScanFlags): Promise<number> {
  const scanners = new Set(flags.scanners);
  const detectors = createDetectors({
    scanners,
    secrets: { rulesFile: flags.secretRules, disabledCategories: flags.disableCategory, disabledRules: flags.disableRule },
    enabledChecks: flags.checks ? new Set(flags.checks) : undefined,
  });
  // Opened before pulling anything, so a missing database fails the scan at once.
  const db = scanners.has('vuln') ? VulnDb.open(dbPath(flags.dbDir)) : undefined;
  try {
    const ignored = activeIgnores(await loadIgnoreFiles(flags.ignorefile ?? ['.customsignore', '.trivyignore']), new Date());
    return await withImageScan(
      target,
      flags,
      async (scan) => {
        const vulnerabilityScan = db ? scanVulnerabilities(scan, db, { maxAgeDays: flags.dbMaxAge }) : undefined;
        const risks = detectors.run(scan);
        const keep = (severity: Severity): boolean => !flags.severity || flags.severity.includes(severity);
        const notIgnored = (ids: string[]): boolean => !ids.some((id) => ignored.has(id));
        const vulnerabilities = vulnerabilityScan?.findings.filter(
          (finding: VulnerabilityFinding) => keep(finding.severity) && !(flags.ignoreUnfixed && finding.status === 'affected') && notIgnored([finding.id, ...finding.aliases]),
        );
        const filterRisks = (list: RiskFinding[]): RiskFinding[] => list.filter((finding) => keep(finding.severity) && notIgnored([finding.id]));
        const findings: ReportFindings = {
          scanners: [...scanners],
          vulnerabilities,
          secrets: scanners.has('secret') ? filterRisks(risks.secrets) : undefined,
          baseline: scanners.has('baseline') ? filterRisks(risks.baseline) : undefined,
          buildCommands: scanners.has('history') ? filterRisks(risks.history) : undefined,
          database: vulnerabilityScan?.database,
          warnings: vulnerabilityScan?.warnings,
        };
        const report = buildReport(scan, target, TOOL_VERSION, { includePackages: flags.listPackages === true, findings });
        const text =
          flags.format === 'json'
            ? `${JSON.stringify(report, null, 2)}\n`
            : flags.format === 'sarif'
              ? `${JSON.stringify(toSarif({ target: report.image.reference, toolVersion: TOOL_VERSION, vulnerabilities: vulnerabilities ?? [], risks: [...(findings.secrets ?? []), ...(findings.baseline ?? []), ...(findings.buildCommands ?? [])] }), null, 2)}\n`
              : renderTable(report);
        await writeOutput(text, flags.output);
        if (!flags.quiet) printWarnings(report.image.reference, report.warnings);
        const remaining = (vulnerabilities?.length ?? 0) + (findings.secrets?.length ?? 0) + (findings.baseline?.length ?? 0) + (findings.buildCommands?.length ?? 0);
        return remaining > 0 ? flags.exitCode : 0;
      },
      detectors.analyzers,
    );
  } finally {
    db?.close();
  }
}
