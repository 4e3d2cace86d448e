/**
 * `npm run bench`: scan-time and memory benchmarks on the real Debian test image, written to
 * BENCHMARKS.md with the machine and the date. Each figure is the median of five runs of the
 * real CLI (a fresh process each time, so start-up is included, as a user would see it).
 *
 *   npm run bench                 all scenarios
 *   npm run bench -- --runs 9     more runs per scenario
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureFixtures } from '../test/support/fixtures.js';
import { ensureBuilt } from '../test/support/cli.js';
import { pushWithSkopeo, startRegistry } from '../test/support/registry.js';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(REPO_ROOT, 'bin', 'customs.js');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;

interface Sample {
  seconds: number;
  peakRssBytes: number;
}

function runScan(args: string[]): Sample {
  const work = mkdtempSync(join(tmpdir(), 'customs-bench-'));
  const rssFile = join(work, 'rss');
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['--require', join(REPO_ROOT, 'bench', 'peak-rss.cjs'), CLI, 'scan', ...args, '--quiet', '--format', 'json', '--output', join(work, 'report.json')], {
    env: { ...process.env, CUSTOMS_BENCH_RSS_FILE: rssFile },
    encoding: 'utf8',
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`scan ${args.join(' ')} failed: ${result.stderr}`);
  const peakRssBytes = Number(readFileSync(rssFile, 'utf8'));
  rmSync(work, { recursive: true, force: true });
  return { seconds, peakRssBytes };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

interface Row {
  scenario: string;
  median: number;
  min: number;
  max: number;
  peakRss: number;
}

function measure(scenario: string, prepare: () => string[], runs = RUNS): Row {
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) samples.push(runScan(prepare()));
  const seconds = samples.map((sample) => sample.seconds);
  const row = { scenario, median: median(seconds), min: Math.min(...seconds), max: Math.max(...seconds), peakRss: Math.max(...samples.map((s) => s.peakRssBytes)) };
  console.log(`${scenario}: median ${row.median.toFixed(3)} s (min ${row.min.toFixed(3)}, max ${row.max.toFixed(3)}), peak RSS ${(row.peakRss / 2 ** 20).toFixed(0)} MiB`);
  return row;
}

function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, ${process.platform}/${process.arch}`;
}

async function main(): Promise<void> {
  await ensureBuilt();
  const fixtures = await ensureFixtures({ log: (line) => console.log(line) });
  const { layout, tag, image } = fixtures.debianLayered;
  const target = `oci:${layout}:${tag}`;
  const cacheRoot = mkdtempSync(join(tmpdir(), 'customs-bench-cache-'));
  let coldIndex = 0;
  const rows: Row[] = [];
  try {
    rows.push(measure('first scan (empty cache), OCI layout', () => ['--cache-dir', join(cacheRoot, `cold-${coldIndex++}`), target]));
    const warm = join(cacheRoot, 'warm');
    runScan(['--cache-dir', warm, target]);
    rows.push(measure('cached rescan, OCI layout', () => ['--cache-dir', warm, target]));
    rows.push(measure('first scan (empty cache), docker-archive', () => ['--cache-dir', join(cacheRoot, `cold-${coldIndex++}`), `docker-archive:${fixtures.debianDockerArchive.file}`]));
    rows.push(measure('root filesystem directory (never cached)', () => ['--no-cache', `dir:${fixtures.rootfs}`]));
    const registry = await startRegistry({ auth: 'none' });
    try {
      const remote = `${registry.host}/bench/debian:layered`;
      await pushWithSkopeo(target, remote, { format: 'oci' });
      rows.push(measure('first scan (empty cache), local docker-registry over HTTP', () => ['--insecure', '--cache-dir', join(cacheRoot, `cold-${coldIndex++}`), remote]));
      const warmRemote = join(cacheRoot, 'warm-remote');
      runScan(['--insecure', '--cache-dir', warmRemote, remote]);
      rows.push(measure('cached rescan, local docker-registry (manifest and config only)', () => ['--insecure', '--cache-dir', warmRemote, remote]));
    } finally {
      await registry.stop();
    }
  } finally {
    rmSync(cacheRoot, { recursive: true, force: true });
  }

  const stored = image.layers.reduce((sum, layer) => sum + layer.size, 0);
  const section = [
    '## Image scan: Debian bookworm minbase test image',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}.`,
    `Image: the debian-layered test fixture (${image.layers.length} layers, ${(stored / 2 ** 20).toFixed(1)} MiB stored, ${fixtures.debianLayered.finalFiles.length} files). ` +
      `Each figure is over ${RUNS} runs of \`customs scan --format json\` in a fresh process; peak RSS is the largest of the runs. Reproduce: \`npm run bench\`.`,
    '',
    '| scenario | median (s) | min (s) | max (s) | peak RSS (MiB) |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row.scenario} | ${row.median.toFixed(3)} | ${row.min.toFixed(3)} | ${row.max.toFixed(3)} | ${(row.peakRss / 2 ** 20).toFixed(0)} |`),
    '',
  ].join('\n');
  writeSection('## Image scan:', section);
}

/** Replace this benchmark's section of BENCHMARKS.md, keeping the others. */
function writeSection(heading: string, section: string): void {
  const file = join(REPO_ROOT, 'BENCHMARKS.md');
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n\nWritten by `npm run bench`; each section names its machine and date.\n\n';
  const parts = current.split(/(?=^## )/m);
  const kept = parts.filter((part) => !part.startsWith(heading));
  const next = [...kept, section].join('').replace(/\n*$/, '\n');
  writeFileSync(file, next.replace(/([^\n])\n(## )/g, '$1\n\n$2'));
  console.log(`wrote ${file}`);
}

await main();
