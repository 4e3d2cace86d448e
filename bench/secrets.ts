/**
 * Secret scanner benchmark: the secret analyzer alone (no other analyzer), driven by the real
 * directory walker, over
 *   (a) the Debian bookworm root filesystem test fixture, and
 *   (b) a corpus of over 10,000 ordinary files: popular npm packages installed into
 *       bench/.tools/secrets-corpus (ignored by git), skipped with a message when npm cannot.
 * Each figure is the median of RUNS walks in this process (the file cache is warm after the
 * first); the walk alone, without any analyzer, is measured too, as the I/O floor. Findings on
 * these inputs are false positives to keep down: they are listed by rule id, and each one on the
 * console.
 *
 *   node --import tsx bench/secrets.ts            print the section
 *   node --import tsx bench/secrets.ts --write    and write it into BENCHMARKS.md
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FileAnalyzer } from '../src/core/analyzer.js';
import { BUILTIN_RULES, CompiledRules, createSecretAnalyzer, scanText, type SecretAnalyzer } from '../src/detectors/secrets/index.js';
import type { LayerAnalysis } from '../src/layer/analysis.js';
import { walkDirectory } from '../src/layer/directory-walker.js';
import { DEFAULT_LIMITS } from '../src/layer/limits.js';
import { ensureFixtures } from '../test/support/fixtures.js';
import { machine, median, REPO_ROOT, RUNS, today, writeSection } from './common.js';

const TOOLS_DIR = join(REPO_ROOT, 'bench', '.tools');
const CORPUS_DIR = join(TOOLS_DIR, 'secrets-corpus');
/** Popular packages, pinned so the corpus (and its false positives) stays the same between runs. */
const CORPUS_PACKAGES = ['typescript@5.6.3', 'eslint@9.14.0', 'webpack@5.96.1', '@babel/core@7.26.0', '@babel/preset-env@7.26.0', 'jest@29.7.0', 'aws-sdk@2.1692.0', 'lodash@4.17.21', 'rxjs@7.8.1', 'googleapis@144.0.0'];
const MIN_CORPUS_FILES = 10_000;
const HEADING = '## Secret scanning';

interface TargetResult {
  name: string;
  files: number;
  scanned: number;
  bytes: number;
  walkOnly: number;
  median: number;
  min: number;
  max: number;
  findings: Array<{ path: string; line: number; ruleId: string; masked: string }>;
}

/** The analyzer, counting the files it asks for. */
function counting(analyzer: SecretAnalyzer): { analyzer: FileAnalyzer; scanned: () => number } {
  let count = 0;
  return {
    analyzer: {
      name: analyzer.name,
      version: analyzer.version,
      configDigest: analyzer.configDigest,
      required: (path, info) => analyzer.required(path, info),
      analyze: (input, signal) => {
        count++;
        return analyzer.analyze(input, signal);
      },
    },
    scanned: () => count,
  };
}

async function walk(root: string, analyzers: readonly FileAnalyzer[], tempDir: string): Promise<{ seconds: number; analysis: LayerAnalysis }> {
  const started = process.hrtime.bigint();
  const analysis = await walkDirectory(root, { analyzers, layer: { index: 0, diffId: '', digest: '' }, limits: DEFAULT_LIMITS, tempDir });
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, analysis };
}

async function measure(name: string, root: string): Promise<TargetResult> {
  const tempDir = mkdtempSync(join(tmpdir(), 'customs-bench-secrets-'));
  try {
    const analyzer = createSecretAnalyzer();
    // Warm the file cache and the regexes once, outside the measurement.
    await walk(root, [analyzer], tempDir);
    const walkTimes: number[] = [];
    for (let i = 0; i < RUNS; i++) walkTimes.push((await walk(root, [], tempDir)).seconds);
    const times: number[] = [];
    let last: LayerAnalysis | undefined;
    let scanned = 0;
    for (let i = 0; i < RUNS; i++) {
      const probe = counting(analyzer);
      const run = await walk(root, [probe.analyzer], tempDir);
      times.push(run.seconds);
      last = run.analysis;
      scanned = probe.scanned();
    }
    const analysis = last!;
    const findings = analysis.results.flatMap((located) =>
      located.result.kind === 'secrets' ? located.result.matches.map((match) => ({ path: located.path, line: match.line, ruleId: match.ruleId, masked: match.masked })) : [],
    );
    const result: TargetResult = {
      name,
      files: analysis.files.filter((file) => file.type === 'file').length,
      scanned,
      bytes: analysis.uncompressedSize,
      walkOnly: median(walkTimes),
      median: median(times),
      min: Math.min(...times),
      max: Math.max(...times),
      findings,
    };
    console.log(`${name}: ${result.files} files (${result.scanned} scanned), ${(result.bytes / 2 ** 20).toFixed(1)} MiB; median ${result.median.toFixed(3)} s (walk alone ${result.walkOnly.toFixed(3)} s); ${findings.length} findings`);
    for (const finding of findings) console.log(`  ${finding.ruleId}  ${finding.path}:${finding.line}  ${finding.masked}`);
    return result;
  } finally {
    rmSync(tempDir, { recursive: true, force: true });
  }
}

function countFiles(root: string): number {
  const result = spawnSync('find', [root, '-type', 'f'], { encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  return result.status === 0 ? result.stdout.split('\n').filter(Boolean).length : 0;
}

/** Install the corpus once; undefined (with the reason logged) when npm cannot. */
function ensureCorpus(): string | undefined {
  mkdirSync(TOOLS_DIR, { recursive: true });
  if (!existsSync(join(TOOLS_DIR, '.gitignore'))) writeFileSync(join(TOOLS_DIR, '.gitignore'), '*\n');
  const modules = join(CORPUS_DIR, 'node_modules');
  if (existsSync(modules) && countFiles(modules) >= MIN_CORPUS_FILES) return modules;
  mkdirSync(CORPUS_DIR, { recursive: true });
  if (!existsSync(join(CORPUS_DIR, 'package.json'))) writeFileSync(join(CORPUS_DIR, 'package.json'), '{"name": "secrets-corpus", "private": true}\n');
  console.log(`installing the secret-scanning corpus into ${CORPUS_DIR} (${CORPUS_PACKAGES.join(' ')})`);
  const result = spawnSync('npm', ['install', '--prefix', CORPUS_DIR, '--no-audit', '--no-fund', '--ignore-scripts', '--no-save', ...CORPUS_PACKAGES], { encoding: 'utf8', stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.error || result.status !== 0) {
    console.log(`skipping the npm corpus: npm install failed (${result.error?.message ?? `exit ${result.status}`})`);
    return undefined;
  }
  const files = countFiles(modules);
  if (files < MIN_CORPUS_FILES) {
    console.log(`skipping the npm corpus: only ${files} files installed`);
    return undefined;
  }
  return modules;
}

const ADVERSARIAL_SIZE = 256 * 1024;

/**
 * The regex worst case: for each rule alone, 256 KiB texts made of one seed repeated (its
 * keywords, the starts of its positive samples) with various separators, as a file full of BEGIN
 * lines without END or a minified line of `jdbc:` would be. Returns the slowest rules.
 */
function adversarialWorstCase(): Array<{ ruleId: string; ms: number; seed: string }> {
  const rows: Array<{ ruleId: string; ms: number; seed: string }> = [];
  for (const rule of BUILTIN_RULES) {
    if (!rule.pattern) continue;
    const single = new CompiledRules([rule], { defaultExcludes: false });
    const samples = (rule.samples?.positive ?? []).map((sample) => (typeof sample === 'string' ? { path: 'app/config.txt', text: sample } : { path: sample.path ?? 'app/config.txt', text: sample.text }));
    const path = samples[0]?.path ?? 'app/config.txt';
    const seeds = [
      ...samples.flatMap(({ text }) => [text.slice(0, 40), text.slice(0, Math.floor(text.length / 2)), text.replace(/\n/g, ' ')]),
      ...rule.keywords.flatMap((keyword) => [keyword, `${keyword}=`, `${keyword.toUpperCase()} `, `${keyword}a`]),
    ].filter((seed) => seed.length > 0);
    let worst = { ruleId: rule.id, ms: 0, seed: '' };
    for (const seed of seeds) {
      for (const separator of ['', ' ', '\n', ';']) {
        const unit = seed + separator;
        const text = unit.repeat(Math.ceil(ADVERSARIAL_SIZE / unit.length)).slice(0, ADVERSARIAL_SIZE);
        const started = performance.now();
        scanText(path, text, single);
        const ms = performance.now() - started;
        if (ms > worst.ms) worst = { ruleId: rule.id, ms, seed: JSON.stringify(unit.slice(0, 24)) };
      }
    }
    rows.push(worst);
  }
  return rows.sort((a, b) => b.ms - a.ms).slice(0, 3);
}

function byRule(findings: TargetResult['findings']): string {
  if (findings.length === 0) return 'none';
  const counts = new Map<string, number>();
  for (const finding of findings) counts.set(finding.ruleId, (counts.get(finding.ruleId) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([ruleId, count]) => `\`${ruleId}\` ${count}`)
    .join(', ');
}

/** Run the benchmark and return its BENCHMARKS.md section. */
export async function runSecretsBench(): Promise<string> {
  const fixtures = await ensureFixtures({ log: (line) => console.log(line) });
  const rows: TargetResult[] = [await measure('Debian bookworm minbase root filesystem', fixtures.rootfs)];
  const corpus = ensureCorpus();
  let corpusNote = '';
  if (corpus) rows.push(await measure(`npm corpus (${CORPUS_PACKAGES.length} packages and their dependencies)`, corpus));
  else corpusNote = '\nThe npm corpus was skipped: `npm install` failed on this machine (see the console).\n';
  const worst = adversarialWorstCase();
  console.log(`adversarial worst case: ${worst.map((row) => `${row.ruleId} ${row.ms.toFixed(0)} ms (${row.seed})`).join(', ')}`);
  const analyzer = createSecretAnalyzer();
  const categories = new Map<string, number>();
  for (const rule of analyzer.rules) categories.set(rule.category, (categories.get(rule.category) ?? 0) + 1);

  return [
    `${HEADING}: the secret analyzer alone`,
    '',
    `Measured ${today()} on ${machine()}.`,
    `${analyzer.rules.length} built-in rules (${[...categories.entries()].map(([category, count]) => `${category} ${count}`).join(', ')}), default exclusions and 1 MiB file limit. ` +
      `Each time is the median of ${RUNS} walks of the directory in one process with only the secret analyzer (file cache warm); "walk alone" is the same walk without any analyzer. ` +
      `npm corpus: ${CORPUS_PACKAGES.join(', ')}. Findings on these inputs are false positives. Reproduce: \`node --import tsx bench/secrets.ts\`.`,
    '',
    '| input | files | scanned | MiB | walk alone (s) | median (s) | min (s) | max (s) | findings (false positives, by rule) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (row) =>
        `| ${row.name} | ${row.files} | ${row.scanned} | ${(row.bytes / 2 ** 20).toFixed(1)} | ${row.walkOnly.toFixed(3)} | ${row.median.toFixed(3)} | ${row.min.toFixed(3)} | ${row.max.toFixed(3)} | ${row.findings.length}: ${byRule(row.findings)} |`,
    ),
    corpusNote,
    `Regex worst case (each rule alone on ${ADVERSARIAL_SIZE / 1024} KiB of one of its keywords or sample prefixes repeated, e.g. BEGIN lines without END): ` +
      `slowest ${worst.map((row) => `\`${row.ruleId}\` ${row.ms.toFixed(0)} ms`).join(', ')}.`,
    '',
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const section = await runSecretsBench();
  console.log(`\n${section}`);
  if (process.argv.includes('--write')) writeSection(HEADING, section);
}
