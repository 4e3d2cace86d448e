/** What every benchmark shares: where things are, the run count, the statistics and BENCHMARKS.md. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CLI = join(REPO_ROOT, 'bin', 'customs.js');

const runsArg = process.argv.indexOf('--runs');
/** Runs per scenario: 5, or `npm run bench -- --runs 9`. */
export const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, ${process.platform}/${process.arch}`;
}

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Replace this benchmark's section of BENCHMARKS.md, keeping the others. */
export function writeSection(heading: string, section: string): void {
  const file = join(REPO_ROOT, 'BENCHMARKS.md');
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n\nWritten by `npm run bench`; each section names its machine and date.\n\n';
  const parts = current.split(/(?=^## )/m);
  const kept = parts.filter((part) => !part.startsWith(heading));
  const next = [...kept, section].join('').replace(/\n*$/, '\n');
  writeFileSync(file, next.replace(/([^\n])\n(## )/g, '$1\n\n$2'));
  console.log(`wrote ${file}`);
}
