import type { FileAnalyzer } from '../core/analyzer.js';
import type { RiskFinding } from '../core/finding.js';
import { baselineFileAnalyzers, baselineFindings, collectConfigFiles } from '../detectors/baseline/index.js';
import { historyFindings } from '../detectors/history/index.js';
import { collectMalwareResults, malwareFindings, oversizedCandidates, unscannedFiles, type MalwareFinding, type UnscannedFile } from '../detectors/malware/findings.js';
import type { MalwareAnalyzer } from '../detectors/malware/analyzer.js';
import { collectSecretResults, createSecretAnalyzer, secretFindings, type SecretAnalyzerOptions } from '../detectors/secrets/index.js';
import type { ImageScan } from './scan.js';

/** What `--scanners` chooses among. */
export const SCANNERS = ['vuln', 'secret', 'baseline', 'history', 'malware'] as const;
export type ScannerName = (typeof SCANNERS)[number];

export interface DetectorSettings {
  scanners: ReadonlySet<ScannerName>;
  secrets?: SecretAnalyzerOptions | undefined;
  /** Baseline checks and history rules to run, by id; default: those on by default. */
  enabledChecks?: Set<string> | undefined;
  /** Set up beforehand (setUpMalwareScanning): engines are started, and may fail, before any layer is read. */
  malware?: MalwareAnalyzer | undefined;
}

export interface RiskFindings {
  secrets: RiskFinding[];
  baseline: RiskFinding[];
  history: RiskFinding[];
  /** Malicious files; malicious packages come from the vulnerability database (maliciousPackageFindings). */
  malware: MalwareFinding[];
  /** Files a malware engine could not judge. */
  malwareUnscanned: UnscannedFile[];
}

export interface Detectors {
  /** File analyzers the detectors need during the layer walk, on top of the inventory's. */
  analyzers: FileAnalyzer[];
  /** Turn a finished scan into findings: no file is read again. */
  run(scan: ImageScan): RiskFindings;
}

/**
 * The risk detectors a scan runs, as chosen. Baseline checks use the secret findings (an
 * AccessKey stored in plaintext), so the secret analyzer runs for them even when secrets are not
 * reported themselves.
 */
export function createDetectors(settings: DetectorSettings): Detectors {
  const wantSecrets = settings.scanners.has('secret');
  const wantBaseline = settings.scanners.has('baseline');
  const secretAnalyzer = wantSecrets || wantBaseline ? createSecretAnalyzer(settings.secrets ?? {}) : undefined;
  const analyzers: FileAnalyzer[] = [
    ...(secretAnalyzer ? [secretAnalyzer] : []),
    ...(wantBaseline ? baselineFileAnalyzers : []),
    ...(settings.malware ? [settings.malware] : []),
  ];
  return {
    analyzers,
    run(scan) {
      const diffIds = scan.image.layers.map((layer) => layer.diffId);
      const secrets = secretAnalyzer ? secretFindings(collectSecretResults(scan.filesystem, diffIds), secretAnalyzer.rules) : [];
      const baseline = wantBaseline
        ? baselineFindings({
            reference: scan.image.reference,
            metadata: scan.metadata,
            filesystem: scan.filesystem,
            configFiles: collectConfigFiles(scan.filesystem),
            secretFindings: secrets,
            enabled: settings.enabledChecks,
            diffIds,
          })
        : [];
      const history = settings.scanners.has('history') ? historyFindings(scan.metadata.history, settings.enabledChecks) : [];
      const malwareResults = settings.malware ? collectMalwareResults(scan.filesystem, diffIds) : [];
      const malwareUnscanned = settings.malware
        ? [
            ...unscannedFiles(malwareResults),
            ...oversizedCandidates(
              scan.layers.map((layer) => ({ index: layer.descriptor.index, files: layer.analysis.files })),
              settings.malware.maxFileSize,
            ),
          ]
        : [];
      return { secrets: wantSecrets ? secrets : [], baseline, history, malware: malwareFindings(malwareResults), malwareUnscanned };
    },
  };
}
