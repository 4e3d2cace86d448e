import { statSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { CustomsError } from '../core/errors.js';
import { formatBytes } from '../layer/limits.js';
import { formatImportWarning, importOsv, type ImportProgress, type ImportWarning } from '../vulndb/build.js';
import { DB_FILE_NAME, defaultDbDir, VulnDb } from '../vulndb/store.js';
import type { DbInfo } from '../vulndb/types.js';
import { DEFAULT_ECOSYSTEMS, MIRROR_ENV, updateDb, type UpdateEvent } from '../vulndb/update.js';

interface DbFlags {
  dbDir: string;
  quiet?: boolean;
}

interface UpdateFlags extends DbFlags {
  ecosystems?: string[];
  mirror?: string;
}

interface ImportFlags extends DbFlags {
  ecosystems?: string[];
}

interface InfoFlags {
  dbDir: string;
  format: 'table' | 'json';
}

/** Warnings printed one per line; the rest are counted. */
const MAX_PRINTED_WARNINGS = 20;

function parseList(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').map((item) => item.trim()).filter((item) => item !== '')];
}

function addDbDirOption(command: Command): Command {
  return command.option('--db-dir <dir>', `vulnerability database directory (the file is ${DB_FILE_NAME})`, defaultDbDir());
}

/** Subcommands added with addCommand do not inherit exitOverride: without it commander exits the process itself. */
function subcommand(command: Command): Command {
  return command.exitOverride().configureOutput({ writeErr: (text) => process.stderr.write(text) });
}

export function dbCommand(): Command {
  const db = new Command('db').description('the vulnerability database (OSV records in one SQLite file): update, import, info');

  const update = subcommand(
    addDbDirOption(
      new Command('update')
        .description(`download osv.dev's per-ecosystem exports and rebuild the database (resumable; mirror: --mirror or $${MIRROR_ENV})`)
        .option('--ecosystems <list>', `comma-separated OSV ecosystems (default: ${DEFAULT_ECOSYSTEMS.join(', ')})`, parseList)
        .option('--mirror <url>', 'base URL serving <Ecosystem>/all.zip (default: osv.dev\'s bucket)'),
    ).option('-q, --quiet', 'no progress display'),
  ).action(async (flags: UpdateFlags, self: Command) => {
    self.parent?.setOptionValue('exitCode', await runUpdate(flags));
  });

  const importCommand = subcommand(
    addDbDirOption(
      new Command('import')
        .description('build the database from OSV records: directories of *.json (recursive), all.zip exports, or JSON files')
        .argument('<inputs...>', 'directories, .zip files or .json files')
        .option('--ecosystems <list>', 'keep only these ecosystems (comma-separated, e.g. Debian,npm)', parseList),
    ).option('-q, --quiet', 'no progress display'),
  ).action(async (inputs: string[], flags: ImportFlags, self: Command) => {
    self.parent?.setOptionValue('exitCode', await runImport(inputs, flags));
  });

  const info = subcommand(
    addDbDirOption(new Command('info').description('show the database: path, schema, build time and age, sources, totals')).addOption(
      new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'),
    ),
  ).action((flags: InfoFlags, self: Command) => {
    self.parent?.setOptionValue('exitCode', runInfo(flags));
  });

  return db.addCommand(update).addCommand(importCommand).addCommand(info);
}

/** A one-line status on a terminal's standard error, redrawn at most ten times a second. */
class StatusLine {
  private drawn = false;
  private last = 0;
  constructor(private readonly enabled: boolean) {}

  show(text: string, force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    process.stderr.write(`\r\x1b[2K${text}`);
    this.drawn = true;
  }

  clear(): void {
    if (this.drawn) process.stderr.write('\r\x1b[2K');
    this.drawn = false;
  }
}

class WarningPrinter {
  private count = 0;
  constructor(private readonly status: StatusLine) {}

  print(line: string): void {
    this.count++;
    if (this.count > MAX_PRINTED_WARNINGS) return;
    this.status.clear();
    process.stderr.write(`customs: warning: ${line}\n`);
  }

  finish(): void {
    if (this.count > MAX_PRINTED_WARNINGS) process.stderr.write(`customs: warning: ... and ${this.count - MAX_PRINTED_WARNINGS} more\n`);
  }
}

function importStatus(progress: ImportProgress): string {
  return `Importing ${progress.source}: ${progress.done.toLocaleString('en-US')}/${progress.total.toLocaleString('en-US')} files, ${progress.records.toLocaleString('en-US')} records`;
}

function n(value: number): string {
  return value.toLocaleString('en-US');
}

export async function runUpdate(flags: UpdateFlags): Promise<number> {
  const status = new StatusLine(!flags.quiet && process.stderr.isTTY === true);
  const warnings = new WarningPrinter(status);
  const received = new Map<string, { received: number; total: number | undefined }>();
  const onEvent = (event: UpdateEvent): void => {
    switch (event.type) {
      case 'download-start':
      case 'download-progress': {
        const entry = event.type === 'download-start' ? { received: event.resumeFrom, total: undefined } : { received: event.received, total: event.total };
        received.set(event.ecosystem, entry);
        const got = [...received.values()].reduce((sum, item) => sum + item.received, 0);
        status.show(`Downloading ${received.size} export${received.size === 1 ? '' : 's'}: ${formatBytes(got)}`);
        break;
      }
      case 'download-retry':
        warnings.print(`${event.ecosystem}: ${event.error}; retrying (attempt ${event.attempt + 1})`);
        break;
      case 'download-fallback':
        warnings.print(`${event.ecosystem}: download failed (${event.error}); using the copy downloaded ${event.fetchedAt}`);
        break;
      case 'download-done':
        break;
      case 'import-progress':
        status.show(importStatus(event.progress));
        break;
      case 'import-warning':
        warnings.print(formatImportWarning(event.warning));
        break;
    }
  };
  const started = performance.now();
  try {
    const result = await updateDb({ dbDir: flags.dbDir, ...(flags.ecosystems ? { ecosystems: flags.ecosystems } : {}), ...(flags.mirror ? { mirror: flags.mirror } : {}), onEvent });
    status.clear();
    warnings.finish();
    const totals = result.import.totals;
    const bytes = result.downloads.reduce((sum, download) => sum + download.bytes, 0);
    const upToDate = result.downloads.filter((download) => download.upToDate).length;
    const resumed = result.downloads.filter((download) => download.resumedFrom > 0).length;
    const notes = [upToDate > 0 ? `${upToDate} up to date` : '', resumed > 0 ? `${resumed} resumed` : ''].filter(Boolean).join(', ');
    process.stdout.write(
      `Updated ${result.path} (${formatBytes(result.import.bytes)}) in ${((performance.now() - started) / 1000).toFixed(1)} s (import ${result.import.seconds.toFixed(1)} s)\n` +
        `  downloads: ${result.downloads.length} ecosystem export${result.downloads.length === 1 ? '' : 's'} from ${result.mirror}, ${formatBytes(bytes)}${notes ? ` (${notes})` : ''}\n` +
        `  records: ${n(totals.records)} (${n(totals.affected)} affected package entries; skipped ${n(totals.withdrawn)} withdrawn, ${n(totals.malformed)} malformed, ${n(totals.duplicates)} duplicates)\n`,
    );
    return 0;
  } finally {
    status.clear();
  }
}

export async function runImport(inputs: string[], flags: ImportFlags): Promise<number> {
  const status = new StatusLine(!flags.quiet && process.stderr.isTTY === true);
  const warnings = new WarningPrinter(status);
  try {
    const result = await importOsv(inputs, join(flags.dbDir, DB_FILE_NAME), {
      ...(flags.ecosystems ? { ecosystems: flags.ecosystems } : {}),
      onProgress: (progress) => status.show(importStatus(progress)),
      onWarning: (warning: ImportWarning) => warnings.print(formatImportWarning(warning)),
    });
    status.clear();
    warnings.finish();
    const totals = result.totals;
    process.stdout.write(
      `Imported ${n(totals.records)} records (${n(totals.affected)} affected package entries) into ${result.path} (${formatBytes(result.bytes)}) in ${result.seconds.toFixed(1)} s\n` +
        `  skipped: ${n(totals.withdrawn)} withdrawn, ${n(totals.malformed)} malformed, ${n(totals.duplicates)} duplicates${totals.filtered > 0 ? `, ${n(totals.filtered)} in other ecosystems` : ''}\n`,
    );
    return 0;
  } finally {
    status.clear();
  }
}

/** "just now", "5 minutes ago", "3 hours ago", "2 days ago". */
export function formatAge(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'unknown age';
  if (seconds < 0) return 'in the future (check the clock)';
  if (seconds < 60) return 'just now';
  const units: Array<[number, string]> = [
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, name] of units) {
    if (seconds >= size) {
      const count = Math.floor(seconds / size);
      return `${count} ${name}${count === 1 ? '' : 's'} ago`;
    }
  }
  return 'just now';
}

export function runInfo(flags: InfoFlags): number {
  const path = join(flags.dbDir, DB_FILE_NAME);
  const db = VulnDb.open(path);
  let info: DbInfo;
  try {
    info = db.info();
  } finally {
    db.close();
  }
  const sizeBytes = statSync(path).size;
  const builtMs = Date.parse(info.builtAt);
  const ageSeconds = Number.isNaN(builtMs) ? null : Math.round((Date.now() - builtMs) / 1000);
  if (flags.format === 'json') {
    process.stdout.write(`${JSON.stringify({ ...info, sizeBytes, ageSeconds }, null, 2)}\n`);
    return 0;
  }
  if (Number.isNaN(builtMs)) throw new CustomsError('INVALID_INPUT', `${path}: the database has no build time; rebuild it`);
  const t = info.totals;
  const lines = [
    `Database    ${info.path} (${formatBytes(sizeBytes)})`,
    `Schema      ${info.schemaVersion}`,
    `Built       ${info.builtAt} (${formatAge(ageSeconds ?? Number.NaN)}) by customs ${info.toolVersion}`,
    `Records     ${n(t.records)} vulnerabilities, ${n(t.affected)} affected package entries, ${n(t.aliases)} aliases`,
    `Skipped     ${n(t.withdrawn)} withdrawn, ${n(t.malformed)} malformed, ${n(t.duplicates)} duplicates, ${n(t.filtered)} in other ecosystems`,
    `Ecosystems  ${
      Object.entries(info.ecosystems)
        .map(([name, count]) => `${name} ${n(count)}`)
        .join(', ') || 'none'
    }`,
    'Sources',
    ...info.sources.map((source) => {
      const fetched = source.fetchedAt ? `, fetched ${source.fetchedAt}` : '';
      const md5 = source.md5 ? `, md5 ${source.md5}` : '';
      return `  ${source.name} (${source.kind}): ${n(source.imported)} imported of ${n(source.records)} records; ${n(source.withdrawn)} withdrawn, ${n(source.malformed)} malformed, ${n(source.duplicates)} duplicates${fetched}${md5}`;
    }),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
