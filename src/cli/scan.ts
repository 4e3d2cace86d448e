import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { defaultCacheDir } from '../cache/layer-cache.js';
import { MemoryVerdictStore, SqliteVerdictStore, type VerdictStore } from '../cache/verdict-cache.js';
import { SEVERITIES, severityRank, type RiskFinding, type Severity } from '../core/finding.js';
import type { VulnerabilityFinding } from '../core/vulnerability.js';
import { createDetectors, SCANNERS, type ScannerName } from '../engine/detectors.js';
import { scanVulnerabilities, type VulnerabilityScan } from '../engine/vulnerabilities.js';
import { isMaliciousPackageMatch, maliciousPackageFindings, sortMalwareFindings, type MalwareFinding } from '../detectors/malware/findings.js';
import { setUpMalwareScanning, type MalwareSetup } from '../detectors/malware/setup.js';
import { MALWARE_ENGINES, type MalwareEngineChoice } from '../detectors/malware/types.js';
import { applyMalwareWhitelist, imageRepositories } from '../detectors/malware/whitelist.js';
import { loadConfig, type CustomsConfig } from './config.js';
import { activeIgnores, loadIgnoreFiles } from '../matchers/ignore.js';
import { buildReport, type ReportFindings } from '../report/model.js';
import { toSarif } from '../report/sarif.js';
import { renderTable } from '../report/table.js';
import { dbPath, defaultDbDir, VulnDb } from '../vulndb/store.js';
import { parsePositiveInt, parseSize } from './options.js';
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
  config?: string;
  clamd?: string;
  clamavDb?: string;
  malwareEngines?: MalwareEngineChoice[];
  yaraRules?: string[];
  malwareHashes?: string[];
  malwareMaxSize?: number;
}

const collectOne = (value: string, previous: string[] = []): string[] => [...previous, value];
const collect = (value: string, previous: string[] = []): string[] => [...previous, ...value.split(',').map((item) => item.trim()).filter(Boolean)];

function parseScanners(value: string): ScannerName[] {
  const names = value.split(',').map((name) => name.trim()).filter(Boolean);
  for (const name of names) if (!(SCANNERS as readonly string[]).includes(name)) throw new InvalidArgumentError(`unknown scanner "${name}" (choose from ${SCANNERS.join(', ')})`);
  return names as ScannerName[];
}

function parseMalwareEngines(value: string): MalwareEngineChoice[] {
  const names = value.split(',').map((name) => name.trim()).filter(Boolean);
  for (const name of names) if (!(MALWARE_ENGINES as readonly string[]).includes(name)) throw new InvalidArgumentError(`unknown malware engine "${name}" (choose from ${MALWARE_ENGINES.join(', ')})`);
  return names as MalwareEngineChoice[];
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
    .option('--checks <list>', 'baseline checks and build-command rules to run, by id, comma-separated (default: those on by default)', collect)
    .option('--malware-engines <list>', `malware engines, comma-separated: ${MALWARE_ENGINES.join(',')} (default: all; ClamAV where this machine has it)`, parseMalwareEngines)
    .option('--clamd <address>', 'scan with this clamd: tcp://host:port or a unix socket path (or CUSTOMS_CLAMD); default: clamscan')
    .option('--clamav-db <dir>', 'ClamAV signature database for clamscan (default /var/lib/clamav)')
    .option('--yara-rules <file>', 'extra YARA rules file, on top of the bundled ones (repeatable)', collectOne)
    .option('--malware-hashes <file>', 'SHA-256 blocklist: "<sha256> [type] [name]" per line (repeatable)', collectOne)
    .option('--malware-max-size <size>', 'files larger than this are not sent to the malware engines', parseSize)
    .option('--config <file>', 'config file (default ./customs.yaml when present)');
  addSourceOptions(command).option('--list-packages', 'list every OS and application package found (table and JSON)');
  return addQuietOption(command).action(async (target: string, flags: ScanFlags, self: Command) => {
    self.setOptionValue('exitCode', await runScan(target, flags));
  });
}

export async function runScan(target: string, flags: ScanFlags): Promise<number> {
  const scanners = new Set(flags.scanners);
  const config = await loadConfig(flags.config);
  let workDir: string | undefined;
  let verdicts: VerdictStore | undefined;
  let malware: MalwareSetup | undefined;
  let db: VulnDb | undefined;
  try {
    if (scanners.has('malware')) {
      // clamscan stages the files of a layer here.
      workDir = await mkdtemp(join(tmpdir(), 'customs-malware-'));
      verdicts = flags.cache ? new SqliteVerdictStore(flags.cacheDir ?? defaultCacheDir()) : new MemoryVerdictStore();
      malware = await setUpMalwareScanning(malwareSettings(flags, config, verdicts, workDir));
    }
    const detectors = createDetectors({
      scanners,
      secrets: { rulesFile: flags.secretRules, disabledCategories: flags.disableCategory, disabledRules: flags.disableRule },
      enabledChecks: flags.checks ? new Set(flags.checks) : undefined,
      malware: malware?.analyzer,
    });
    // Opened before pulling anything, so a missing database fails the scan at once. The malware
    // scanner alone uses it when there is one (known-malicious packages) and says so when not.
    const findingWarnings: string[] = [...(malware?.warnings ?? [])];
    if (scanners.has('vuln')) db = VulnDb.open(dbPath(flags.dbDir));
    else if (scanners.has('malware')) {
      if (existsSync(dbPath(flags.dbDir))) db = VulnDb.open(dbPath(flags.dbDir));
      else findingWarnings.push(`known-malicious packages not checked: no vulnerability database at ${dbPath(flags.dbDir)} (customs db update)`);
    }
    const ignored = activeIgnores(await loadIgnoreFiles(flags.ignorefile ?? ['.customsignore', '.trivyignore']), new Date());
    return await withImageScan(
      target,
      flags,
      async (scan) => {
        const vulnerabilityScan: VulnerabilityScan | undefined = db ? scanVulnerabilities(scan, db, { maxAgeDays: flags.dbMaxAge }) : undefined;
        const risks = detectors.run(scan);
        const keep = (severity: Severity): boolean => !flags.severity || flags.severity.includes(severity);
        const notIgnored = (ids: string[]): boolean => !ids.some((id) => ignored.has(id));
        // MAL- records name packages that are malicious, not vulnerable: they are malware findings.
        const vulnerabilities = scanners.has('vuln')
          ? vulnerabilityScan?.findings.filter(
              (finding: VulnerabilityFinding) =>
                !isMaliciousPackageMatch(finding) && keep(finding.severity) && !(flags.ignoreUnfixed && finding.status === 'affected') && notIgnored([finding.id, ...finding.aliases]),
            )
          : undefined;
        const filterRisks = <T extends RiskFinding>(list: T[]): T[] => list.filter((finding) => keep(finding.severity) && notIgnored([finding.id]));
        const malwareOutcome = scanners.has('malware')
          ? applyMalwareWhitelist(
              sortMalwareFindings([...risks.malware, ...maliciousPackageFindings(vulnerabilityScan?.findings ?? [])]),
              config.malware?.whitelist ?? [],
              imageRepositories(scan.image),
            )
          : undefined;
        const malwareList: MalwareFinding[] | undefined = malwareOutcome ? filterRisks(malwareOutcome.kept) : undefined;
        const findings: ReportFindings = {
          scanners: [...scanners],
          vulnerabilities,
          secrets: scanners.has('secret') ? filterRisks(risks.secrets) : undefined,
          baseline: scanners.has('baseline') ? filterRisks(risks.baseline) : undefined,
          buildCommands: scanners.has('history') ? filterRisks(risks.history) : undefined,
          malware: malwareList,
          malwareEngines: malware ? [...malware.analyzer.engines] : undefined,
          malwareFiles: malware ? { ...malware.analyzer.stats } : undefined,
          malwareWhitelisted: malwareOutcome?.whitelisted.map(({ finding, rule }) => ({
            id: finding.id,
            type: finding.malware.type,
            file: finding.location.file ?? null,
            layerIndex: finding.location.layerIndex ?? null,
            rule: { type: rule.type, repository: rule.repository ?? null, reason: rule.reason ?? null },
          })),
          database: vulnerabilityScan?.database,
          warnings: [
            ...findingWarnings,
            ...(scanners.has('vuln') ? (vulnerabilityScan?.warnings ?? []) : []),
            ...risks.malwareUnscanned.map((file) => `${file.path}: not scanned for malware: ${file.message}`),
          ],
        };
        const report = buildReport(scan, target, TOOL_VERSION, { includePackages: flags.listPackages === true, findings });
        const risksForSarif = [...(findings.secrets ?? []), ...(findings.baseline ?? []), ...(findings.buildCommands ?? []), ...(findings.malware ?? [])];
        const text =
          flags.format === 'json'
            ? `${JSON.stringify(report, null, 2)}\n`
            : flags.format === 'sarif'
              ? `${JSON.stringify(toSarif({ target: report.image.reference, toolVersion: TOOL_VERSION, vulnerabilities: vulnerabilities ?? [], risks: risksForSarif }), null, 2)}\n`
              : renderTable(report);
        await writeOutput(text, flags.output);
        if (!flags.quiet) printWarnings(report.image.reference, report.warnings);
        const remaining = (vulnerabilities?.length ?? 0) + risksForSarif.length;
        return remaining > 0 ? flags.exitCode : 0;
      },
      detectors.analyzers,
    );
  } finally {
    db?.close();
    await malware?.analyzer.close();
    verdicts?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  }
}

function malwareSettings(flags: ScanFlags, config: CustomsConfig, verdicts: VerdictStore, tempDir: string): Parameters<typeof setUpMalwareScanning>[0] {
  const fromFile = config.malware ?? {};
  return {
    engines: flags.malwareEngines ?? fromFile.engines,
    clamd: flags.clamd ?? (process.env.CUSTOMS_CLAMD || undefined) ?? fromFile.clamd,
    clamavDatabaseDir: flags.clamavDb ?? fromFile.clamavDatabase,
    yaraRuleFiles: [...(fromFile.yaraRules ?? []), ...(flags.yaraRules ?? [])],
    hashLists: [...(fromFile.hashLists ?? []), ...(flags.malwareHashes ?? [])],
    maxFileSize: flags.malwareMaxSize,
    verdicts,
    tempDir,
  };
}
