/**
 * The vulnerability database benchmark: how long `customs db import` takes to build the database
 * from the real OSV records in shared/vulndata/osv (a directory of JSON files, and the same records
 * as one zip, the way osv.dev exports them), how large the file is, and how fast a scan's worth of
 * lookups (2,000 packages, then their records) runs. Median of RUNS runs (5; `--runs N`).
 *
 *   node --import tsx bench/vulndb.ts
 *
 * Skips (exit 0) when shared/vulndata is not there: it sits next to the repository in development
 * checkouts only. vulnDbBenchSection() returns the figures as a BENCHMARKS.md section.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { importOsv, type ImportResult } from '../src/vulndb/build.js';
import { VulnDb } from '../src/vulndb/store.js';
import type { Ecosystem, Package, PackageRecord } from '../src/core/package.js';
import { packageUrl } from '../src/inventory/purl.js';
import { matchVulnerabilities } from '../src/matchers/match.js';
import { machine, median, REPO_ROOT, RUNS, today } from './common.js';

export const VULNDATA = join(dirname(REPO_ROOT.replace(/\/$/, '')), 'shared', 'vulndata', 'osv');
const LOOKUPS = 2000;

interface BuildFigures {
  seconds: number[];
  result: ImportResult;
}

async function measureBuilds(input: string, work: string, label: string): Promise<BuildFigures> {
  const seconds: number[] = [];
  let result: ImportResult | undefined;
  for (let run = 0; run < RUNS; run++) {
    const path = join(work, `${label}-${run}`, 'customs.db');
    const started = performance.now();
    result = await importOsv([input], path);
    seconds.push((performance.now() - started) / 1000);
  }
  return { seconds, result: result! };
}

/** LOOKUPS (ecosystem base, name) pairs: the packages the database knows, then misses to make up the count. */
function lookupNames(path: string): Array<[string, string]> {
  const raw = new Database(path, { readonly: true });
  try {
    const known = raw
      .prepare<[number], { base: string; name: string }>('SELECT DISTINCT ecosystem_base AS base, name FROM affected ORDER BY random() LIMIT ?')
      .all(Math.floor(LOOKUPS * 0.75))
      .map((row): [string, string] => [row.base, row.name]);
    const misses = Array.from({ length: LOOKUPS - known.length }, (_, i): [string, string] => [['npm', 'PyPI', 'Go', 'Debian'][i % 4]!, `no-such-package-${i}`]);
    return [...known, ...misses];
  } finally {
    raw.close();
  }
}

interface LookupFigures {
  /** The lookups alone, then the lookups plus fetching every record they named. */
  lookupMs: number[];
  ms: number[];
  hits: number;
  records: number;
}

function measureLookups(path: string): LookupFigures {
  const names = lookupNames(path);
  const db = VulnDb.open(path);
  try {
    let hits = 0;
    let records = 0;
    const lookupMs: number[] = [];
    const run = (): number => {
      const started = performance.now();
      const ids = new Set<string>();
      hits = 0;
      for (const [base, name] of names) {
        const entries = db.affectedFor(base, name);
        hits += entries.length;
        for (const entry of entries) ids.add(entry.vulnId);
      }
      lookupMs.push(performance.now() - started);
      records = db.vulnerabilities(ids).size;
      return performance.now() - started;
    };
    run(); // a scan opens the database once; the first pass warms the page cache
    lookupMs.length = 0;
    const ms = Array.from({ length: RUNS }, run);
    return { lookupMs, ms, hits, records };
  } finally {
    db.close();
  }
}

const s = (values: number[]): string => `${median(values).toFixed(2)} s (min ${Math.min(...values).toFixed(2)}, max ${Math.max(...values).toFixed(2)})`;
const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/** Run the benchmark; undefined when shared/vulndata is absent. */
export async function vulnDbBenchSection(): Promise<string | undefined> {
  if (!existsSync(VULNDATA)) {
    console.log(`vulndb bench: skipped, ${VULNDATA} is not present`);
    return undefined;
  }
  const work = mkdtempSync(join(tmpdir(), 'customs-bench-vulndb-'));
  try {
    const zipPath = join(work, 'all.zip');
    execFileSync('zip', ['-q', '-r', zipPath, '.'], { cwd: VULNDATA });
    const fromDirectory = await measureBuilds(VULNDATA, work, 'dir');
    const fromZip = await measureBuilds(zipPath, work, 'zip');
    const dbFile = fromZip.result.path;
    const size = statSync(dbFile).size;
    const lookups = measureLookups(dbFile);
    // 0.1.0 sits inside most ranges (the worst case: thousands of findings); 99.0.0 past almost all fixes (the usual case).
    const matching = measureMatching(dbFile, '0.1.0');
    const current = measureMatching(dbFile, '99.0.0');
    console.log(`vulndb bench: matching ${MATCHED_PACKAGES} packages: median ${median(matching.ms).toFixed(1)} ms, ${matching.findings} findings`);
    const totals = fromZip.result.totals;
    const read = totals.records + totals.withdrawn + totals.duplicates + totals.filtered;
    const lines = [
      `build from a directory of JSON files: ${s(fromDirectory.seconds)}, ${Math.round(read / median(fromDirectory.seconds)).toLocaleString('en-US')} records/s`,
      `build from one zip:                   ${s(fromZip.seconds)}, ${Math.round(read / median(fromZip.seconds)).toLocaleString('en-US')} records/s`,
      `database: ${totals.records.toLocaleString('en-US')} records, ${totals.affected.toLocaleString('en-US')} affected entries, ${totals.aliases.toLocaleString('en-US')} aliases; ${mib(size)} (input ${mib(statSync(zipPath).size)} zipped)`,
      `${LOOKUPS.toLocaleString('en-US')} lookups (${lookups.hits.toLocaleString('en-US')} affected entries): median ${median(lookups.lookupMs).toFixed(1)} ms (min ${Math.min(...lookups.lookupMs).toFixed(1)}, max ${Math.max(...lookups.lookupMs).toFixed(1)})`,
      `... plus all ${lookups.records.toLocaleString('en-US')} records they name: median ${median(lookups.ms).toFixed(1)} ms (min ${Math.min(...lookups.ms).toFixed(1)}, max ${Math.max(...lookups.ms).toFixed(1)})`,
    ];
    for (const line of lines) console.log(`vulndb bench: ${line}`);
    return [
      '## Vulnerability database: build and lookups',
      '',
      `Measured ${today()} on ${machine()}.`,
      `Input: shared/vulndata/osv (${read.toLocaleString('en-US')} real OSV records: PyPI, Go, crates.io, npm, Debian, Alpine). Each figure is over ${RUNS} runs in one process; lookups run on an opened database after one warm-up pass. Reproduce: \`node --import tsx bench/vulndb.ts\`.`,
      '',
      '| measure | result |',
      '| --- | --- |',
      `| build from the directory (${read.toLocaleString('en-US')} JSON files) | ${s(fromDirectory.seconds)} |`,
      `| build from one zip of the same files | ${s(fromZip.seconds)} |`,
      `| database size | ${mib(size)} (${totals.records.toLocaleString('en-US')} records, ${totals.affected.toLocaleString('en-US')} affected entries) |`,
      `| ${LOOKUPS.toLocaleString('en-US')} package lookups (3 in 4 known to the database; ${lookups.hits.toLocaleString('en-US')} affected entries) | median ${median(lookups.lookupMs).toFixed(1)} ms |`,
      `| the same plus every record they name (${lookups.records.toLocaleString('en-US')}; a matcher fetches only the matched ones) | median ${median(lookups.ms).toFixed(1)} ms |`,
      `| matching ${MATCHED_PACKAGES.toLocaleString('en-US')} packages end to end (\`matchVulnerabilities\`: lookups, OSV range evaluation with each ecosystem's version scheme, alias grouping), known packages at current versions (${current.findings.toLocaleString('en-US')} findings) | median ${median(current.ms).toFixed(1)} ms (min ${Math.min(...current.ms).toFixed(1)}, max ${Math.max(...current.ms).toFixed(1)}) |`,
      `| the same, worst case: known packages at 0.1.0, inside most ranges (${matching.findings.toLocaleString('en-US')} findings, every record fetched and parsed) | median ${median(matching.ms).toFixed(1)} ms (min ${Math.min(...matching.ms).toFixed(1)}, max ${Math.max(...matching.ms).toFixed(1)}) |`,
      '',
    ].join('\n');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const MATCHED_PACKAGES = 2_000;
const PURL_TYPES: Record<string, Ecosystem> = { PyPI: 'pypi', Go: 'golang', 'crates.io': 'cargo', npm: 'npm' };

/**
 * 2,000 packages as an image's inventory would hold them: three in four named by the records at
 * hand (at a version inside many of their ranges), the rest unknown to the database.
 */
function benchPackages(version: string): Package[] {
  const seen = new Set<string>();
  const known: Package[] = [];
  for (const base of Object.keys(PURL_TYPES)) {
    const folder = join(VULNDATA, base);
    if (!existsSync(folder)) continue;
    for (const file of readdirSync(folder)) {
      if (known.length >= (MATCHED_PACKAGES * 3) / 4) break;
      const record = JSON.parse(readFileSync(join(folder, file), 'utf8')) as { affected?: Array<{ package?: { ecosystem?: string; name?: string } }> };
      const name = record.affected?.[0]?.package?.name;
      if (!name || seen.has(`${base}:${name}`)) continue;
      seen.add(`${base}:${name}`);
      known.push(benchPackage({ ecosystem: PURL_TYPES[base]!, name, version: base === 'Go' ? `v${version}` : version }));
    }
  }
  const unknown = Array.from({ length: MATCHED_PACKAGES - known.length }, (_, i) => benchPackage({ ecosystem: 'npm', name: `customs-bench-unknown-${i}`, version: '1.0.0' }));
  return [...known, ...unknown];
}

function benchPackage(record: PackageRecord): Package {
  return { ...record, purl: packageUrl(record, undefined), file: 'bench', layerIndex: 0, layerDiffId: '', analyzer: 'bench' };
}

function measureMatching(dbFile: string, version: string): { ms: number[]; findings: number } {
  const packages = benchPackages(version);
  const ms: number[] = [];
  let findings = 0;
  for (let run = 0; run <= RUNS; run++) {
    // A fresh database handle each run, as each scan opens it: no lookup is served from a warm cache.
    const db = VulnDb.open(dbFile);
    const started = performance.now();
    findings = matchVulnerabilities(packages, undefined, db).findings.length;
    const elapsed = performance.now() - started;
    db.close();
    if (run > 0) ms.push(elapsed); // run 0 warms the JIT
  }
  return { ms, findings };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const section = await vulnDbBenchSection();
  if (section) console.log(`\n${section}`);
}
