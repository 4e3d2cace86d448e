/**
 * `npm run bench`: scan-time and memory benchmarks on the real Debian test image, written to
 * BENCHMARKS.md with the machine and the date. Each figure is the median of five runs of the
 * real CLI (a fresh process each time, so start-up is included, as a user would see it).
 *
 *   npm run bench                 all scenarios, then the package inventory comparison (bench/inventory.ts)
 *   npm run bench -- --runs 9     more runs per scenario
 *   npm run bench:inventory       only the package inventory comparison
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureFixtures } from '../test/support/fixtures.js';
import { ensureBuilt } from '../test/support/cli.js';
import { pushWithSkopeo, startRegistry } from '../test/support/registry.js';
import { CLI, machine, median, REPO_ROOT, RUNS, today, writeSection } from './common.js';
import { runInventoryBench } from './inventory.js';
import { malwareBenchSection } from './malware.js';
import { runSecretsBench } from './secrets.js';
import { vulnDbBenchSection } from './vulndb.js';

/** Every analyzer of the layer walk runs (inventory, secrets, baseline facts); vulnerability matching is measured on its own in bench/vulndb.ts. */
const SCANNERS = ['--scanners', 'secret,baseline,history'];

interface Sample {
  seconds: number;
  peakRssBytes: number;
}

function runScan(args: string[]): Sample {
  const work = mkdtempSync(join(tmpdir(), 'customs-bench-'));
  const rssFile = join(work, 'rss');
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['--require', join(REPO_ROOT, 'bench', 'peak-rss.cjs'), CLI, 'scan', ...SCANNERS, ...args, '--quiet', '--format', 'json', '--output', join(work, 'report.json')], {
    env: { ...process.env, CUSTOMS_BENCH_RSS_FILE: rssFile },
    encoding: 'utf8',
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`scan ${args.join(' ')} failed: ${result.stderr}`);
  const peakRssBytes = Number(readFileSync(rssFile, 'utf8'));
  rmSync(work, { recursive: true, force: true });
  return { seconds, peakRssBytes };
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
    `Measured ${today()} on ${machine()}.`,
    `Image: the debian-layered test fixture (${image.layers.length} layers, ${(stored / 2 ** 20).toFixed(1)} MiB stored, ${fixtures.debianLayered.finalFiles.length} files). ` +
      `Each figure is over ${RUNS} runs of \`customs scan --scanners secret,baseline,history --format json\` (every analyzer of the layer walk: OS, packages, secrets, baseline facts) in a fresh process; peak RSS is the largest of the runs. Reproduce: \`npm run bench\`.`,
    '',
    '| scenario | median (s) | min (s) | max (s) | peak RSS (MiB) |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row.scenario} | ${row.median.toFixed(3)} | ${row.min.toFixed(3)} | ${row.max.toFixed(3)} | ${(row.peakRss / 2 ** 20).toFixed(0)} |`),
    '',
  ].join('\n');
  writeSection('## Image scan:', section);
}

await main();
// The other benchmarks are part of `npm run bench` too, each writing its own section.
await runInventoryBench();
writeSection('## Secret scanning', await runSecretsBench());
writeSection('## Malware scanning', await malwareBenchSection());
const vulnDbSection = await vulnDbBenchSection();
if (vulnDbSection) writeSection('## Vulnerability database:', vulnDbSection);
