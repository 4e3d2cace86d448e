/**
 * `npm test`: make sure the machine has the tools the tests drive, build or refresh the real
 * test images, then run every `*.test.ts` under src/ and test/ with Node's test runner.
 *
 *   npm test                         everything
 *   npm test -- src/layer            only test files under that path (or whose path contains the text)
 *   npm test -- --test-name-pattern=whiteout src/layer
 *                                    arguments starting with "-" go to `node --test` unchanged
 *
 * Services the tests need (registry, clamd) are started by the tests themselves.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureFixtures, fixturesDir } from '../test/support/fixtures.js';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const TEST_ROOTS = ['src', 'test'];

/** Debian packages the tests shell out to (clamav ones are for the malware-scanning tests). */
const REQUIRED_PACKAGES = [
  'docker-registry',
  'skopeo',
  'umoci',
  'debootstrap',
  'apache2-utils',
  'zstd',
  'openssl',
  'ca-certificates',
  'clamav-daemon',
  'clamav',
  'clamav-testfiles',
  // Package inventory tests build real package databases and binaries with these.
  'rpm',
  'golang-go',
  'zip',
  'binutils',
  'gcc',
];

class StepError extends Error {}

function seconds(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}

function missingPackages(): string[] {
  // One dpkg-query for all names; unknown packages go to stderr and simply do not appear.
  const result = spawnSync('dpkg-query', ['-W', '-f=${Package}\\t${Status}\\n', ...REQUIRED_PACKAGES], { encoding: 'utf8' });
  if (result.error) throw new StepError(`cannot run dpkg-query (the tests need a Debian-based machine): ${result.error.message}`);
  const installed = new Set(
    result.stdout
      .split('\n')
      .map((line) => line.split('\t'))
      .filter(([, status]) => status === 'install ok installed')
      .map(([name]) => name),
  );
  return REQUIRED_PACKAGES.filter((name) => !installed.has(name));
}

function runVisible(command: string, args: string[]): void {
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (result.error) throw new StepError(`cannot run ${command}: ${result.error.message}`);
  if (result.status !== 0) throw new StepError(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
}

function ensurePackages(): void {
  const started = performance.now();
  const missing = missingPackages();
  if (missing.length === 0) {
    console.log(`packages: all ${REQUIRED_PACKAGES.length} present (${seconds(started)})`);
    return;
  }
  if (process.getuid?.() !== 0) {
    throw new StepError(
      `missing Debian packages: ${missing.join(' ')}\n` +
        `install them as root: apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`,
    );
  }
  console.log(`packages: installing ${missing.join(' ')}`);
  runVisible('apt-get', ['update']);
  runVisible('apt-get', ['install', '-y', '--no-install-recommends', ...missing]);
  const stillMissing = missingPackages();
  if (stillMissing.length > 0) throw new StepError(`apt-get finished but these packages are still not installed: ${stillMissing.join(' ')}`);
  console.log(`packages: installed ${missing.length} (${seconds(started)})`);
}

function findTestFiles(): string[] {
  const found: string[] = [];
  const walk = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && entry.name.endsWith('.test.ts')) found.push(full);
    }
  };
  for (const root of TEST_ROOTS) {
    const full = path.join(REPO_ROOT, root);
    if (existsSync(full)) walk(full);
  }
  return found.sort();
}

/**
 * A filter naming an existing path selects the test files at or under it; any other filter
 * selects files whose repository-relative path contains it (`npm test -- whiteout`).
 */
function selectTestFiles(files: string[], filters: string[]): string[] {
  if (filters.length === 0) return files;
  // npm runs scripts from the package root; INIT_CWD is where the user typed the command.
  const base = process.env.INIT_CWD ?? process.cwd();
  const matchers = filters.map((filter) => {
    const resolved = path.resolve(base, filter);
    if (existsSync(resolved)) return (file: string) => file === resolved || file.startsWith(resolved.endsWith(path.sep) ? resolved : resolved + path.sep);
    return (file: string) => path.relative(REPO_ROOT, file).includes(filter);
  });
  return files.filter((file) => matchers.some((matches) => matches(file)));
}

/**
 * The spec reporter prints its totals before the list of failures, so a failing run would not end
 * with them. A second reporter writes TAP to a file, whose `# pass N` / `# fail N` totals are
 * repeated as the very last lines, where CI logs and people look.
 */
function runTests(files: string[], nodeOptions: string[], fixtures: string, tapFile: string): Promise<number> {
  const reporters = ['--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tapFile}`];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', ...reporters, ...nodeOptions, ...files], {
      cwd: REPO_ROOT,
      stdio: 'inherit',
      env: { ...process.env, CUSTOMS_TEST_FIXTURES: fixtures },
    });
    const forward = (signal: NodeJS.Signals): void => {
      child.kill(signal);
    };
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('error', (error) => reject(new StepError(`cannot start the test runner: ${error.message}`)));
    child.on('close', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      if (signal) {
        console.error(`npm test: the test runner was killed by ${signal}`);
        resolve(1);
      } else {
        resolve(code ?? 1);
      }
    });
  });
}

/** Type errors fail the run before any test does; the CLI tests drive the built bin, so build it fresh. */
function typecheckAndBuild(): void {
  const started = performance.now();
  const tsc = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  runVisible(process.execPath, [tsc, '--noEmit', '-p', path.join(REPO_ROOT, 'tsconfig.json')]);
  runVisible(process.execPath, [tsc, '-p', path.join(REPO_ROOT, 'tsconfig.build.json')]);
  console.log(`typecheck and build: done (${seconds(started)})`);
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const nodeOptions = args.filter((arg) => arg.startsWith('-'));
  const filters = args.filter((arg) => !arg.startsWith('-'));

  ensurePackages();
  typecheckAndBuild();

  const fixtures = fixturesDir();
  process.env.CUSTOMS_TEST_FIXTURES = fixtures;
  const started = performance.now();
  try {
    await ensureFixtures({ log: (line) => console.log(line) });
  } catch (error) {
    throw new StepError(`test fixtures could not be built in ${fixtures}:\n${(error as Error).message}`);
  }
  console.log(`fixtures: ready in ${fixtures} (${seconds(started)})`);

  const files = selectTestFiles(findTestFiles(), filters);
  if (files.length === 0) {
    throw new StepError(filters.length > 0 ? `no test files match ${filters.join(' ')}` : 'no *.test.ts files under src/ or test/');
  }
  console.log(`tests: ${files.length} file${files.length === 1 ? '' : 's'}`);
  const tapDirectory = mkdtempSync(path.join(os.tmpdir(), 'customs-test-'));
  try {
    const code = await runTests(files, nodeOptions, fixtures, path.join(tapDirectory, 'results.tap'));
    printTotals(path.join(tapDirectory, 'results.tap'));
    return code;
  } finally {
    rmSync(tapDirectory, { recursive: true, force: true });
  }
}

const TOTAL_LINE = /^# (tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) \S+$/;

function printTotals(tapFile: string): void {
  let tap: string;
  try {
    tap = readFileSync(tapFile, 'utf8');
  } catch {
    return; // the runner died before reporting; its own output says why
  }
  // The totals block is the last one; anything earlier could be a test's own diagnostic.
  const lines = tap.split('\n');
  const start = lines.findLastIndex((line) => line.startsWith('# tests '));
  const totals = start < 0 ? [] : lines.slice(start).filter((line) => TOTAL_LINE.test(line));
  if (totals.length > 0) console.log(`\n${totals.join('\n')}`);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof StepError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
    console.error(`npm test: ${message}`);
    process.exit(1);
  },
);
