/**
 * Test support: real rpm databases made at test time. rpmbuild builds the packages in this folder's
 * spec files and Debian's rpm installs them into an SQLite rpmdb (the only backend it writes); the
 * same header blobs then go into a Berkeley DB hash file through Perl's DB_File (the real Berkeley
 * DB library) and into an ndb Packages.db laid out as rpm's lib/backend/ndb/rpmpkg.c writes it.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PackageRecord } from '../../../../core/package.js';
import type { RpmHeaderBlob } from '../package.js';

const here = fileURLToPath(new URL('.', import.meta.url));

/** The shared real-world databases (../shared/rpmdb beside the repository), or undefined when that folder is absent. */
export function sharedRpmdb(relativePath: string): string | undefined {
  const path = fileURLToPath(new URL(`../../../../../../shared/rpmdb/${relativePath}`, import.meta.url));
  return existsSync(path) ? path : undefined;
}

function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stderr}`);
  return result.stdout;
}

/** Why the generated-database tests cannot run here, or undefined when they can. */
export function missingTools(tools: ReadonlyArray<'rpmbuild' | 'rpm' | 'perl-db-file'>): string | undefined {
  for (const tool of tools) {
    const probe = tool === 'perl-db-file' ? spawnSync('perl', ['-MDB_File', '-e', '1']) : spawnSync(tool, ['--version']);
    if (probe.error || probe.status !== 0) return tool === 'perl-db-file' ? "Perl's DB_File module (package perl) is not installed" : `${tool} is not installed (Debian package rpm)`;
  }
  return undefined;
}

/** The test packages, in the order they are installed (so their record numbers are 1, 2, 3, 4). */
export const TEST_PACKAGE_FILES = [
  'noarch/customs-hello-1.4.0-3.fc39.noarch.rpm',
  'noarch/customs-hello-data-1.4.0-3.fc39.noarch.rpm',
  'noarch/customs-zero-0.9~rc1-1.noarch.rpm',
  'x86_64/customs-plain-2.0-7.el9.x86_64.rpm',
];

/** Build the spec files of this folder into `work`; returns the rpm files in TEST_PACKAGE_FILES order. */
export function buildTestRpms(work: string): string[] {
  const top = join(work, 'rpmbuild');
  for (const spec of readdirSync(here).filter((name) => name.endsWith('.spec'))) {
    const target = spec === 'customs-plain.spec' ? ['--target', 'x86_64'] : [];
    // rpmbuild opens an rpmdb too; without _dbpath it would create ~/.rpmdb.
    run('rpmbuild', ['--define', `_topdir ${top}`, '--define', `_dbpath ${join(work, 'rpmbuild-db')}`, ...target, '--quiet', '-bb', join(here, spec)]);
  }
  return TEST_PACKAGE_FILES.map((file) => join(top, 'RPMS', file));
}

/** Install the packages one by one (rpm orders a multi-package transaction itself) into a new SQLite rpmdb; returns its directory. */
export function installIntoSqliteRpmdb(work: string, rpms: readonly string[]): string {
  const dbPath = join(work, 'rpmdb-sqlite');
  mkdirSync(dbPath, { recursive: true });
  const backend = ['--dbpath', dbPath, '--define', '_db_backend sqlite'];
  run('rpm', [...backend, '--initdb']);
  for (const rpm of rpms) run('rpm', [...backend, '-i', '--nodeps', '--justdb', '--noscripts', '--notriggers', '--ignorearch', '--ignoreos', rpm]);
  return dbPath;
}

/** One package as Debian's rpm reads it from a database: the reference the readers are held to. */
export interface RpmQueryRow {
  instance: number;
  name: string;
  epoch: string;
  version: string;
  release: string;
  arch: string;
  sourceRpm: string;
  license: string;
  modularityLabel: string;
  vendor: string;
  size: string;
}

const QUERY_FIELDS = ['DBINSTANCE', 'NAME', 'EPOCH', 'VERSION', 'RELEASE', 'ARCH', 'SOURCERPM', 'LICENSE', 'MODULARITYLABEL', 'VENDOR', 'LONGSIZE'];

/** `rpm -qa` over a database directory, absent tags as empty strings, in record-number order. */
export function queryRpmdb(dbPath: string, backend: 'sqlite' | 'bdb_ro'): RpmQueryRow[] {
  const format = `${QUERY_FIELDS.map((tag) => `%|${tag}?{%{${tag}}}:{}|`).join('\\t')}\\n`;
  const output = run('rpm', ['-qa', '--dbpath', dbPath, '--define', `_db_backend ${backend}`, '--qf', format]);
  return output
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [instance, name, epoch, version, release, arch, sourceRpm, license, modularityLabel, vendor, size] = line.split('\t') as [string, ...string[]];
      return { instance: Number(instance), name: name!, epoch: epoch!, version: version!, release: release!, arch: arch!, sourceRpm: sourceRpm!, license: license!, modularityLabel: modularityLabel!, vendor: vendor!, size: size! };
    })
    .sort((a, b) => a.instance - b.instance);
}

/** Copy a database file into a directory of its own, where rpm may create its lock and index files. */
export function databaseDirectoryWith(work: string, file: string, name: string): string {
  const directory = join(work, `db-${name}`);
  mkdirSync(directory, { recursive: true });
  copyFileSync(file, join(directory, name));
  return directory;
}

const WRITE_BDB = `
use strict; use warnings; use DB_File; use Fcntl;
my ($out, $pageSize, $fillFactor, @pairs) = @ARGV;
my $info = DB_File::HASHINFO->new(); $info->{bsize} = $pageSize;
$info->{ffactor} = $fillFactor if $fillFactor > 0;
my %db; tie %db, 'DB_File', $out, O_RDWR|O_CREAT, 0644, $info or die "cannot create $out: $!";
my $last = 0;
while (@pairs) {
  my ($id, $file) = splice(@pairs, 0, 2);
  open my $fh, '<:raw', $file or die "$file: $!"; local $/; my $blob = <$fh>; close $fh;
  $db{pack('L', $id)} = $blob; $last = $id if $id > $last;
}
# rpm keeps the next record number under key 0.
$db{pack('L', 0)} = pack('L', $last + 1);
untie %db;
`;

/**
 * Write a Berkeley DB hash Packages file as rpm's BDB backend does: u32 record numbers (native
 * order) to header blobs. A small fill factor (keys per bucket) makes the table split into many buckets.
 */
export function writeBdbPackages(work: string, blobs: readonly RpmHeaderBlob[], options: { pageSize?: number; fillFactor?: number } = {}): string {
  const pageSize = options.pageSize ?? 4096;
  const blobDir = join(work, 'bdb-blobs');
  mkdirSync(blobDir, { recursive: true });
  const pairs: string[] = [];
  for (const { id, blob } of blobs) {
    const file = join(blobDir, String(id));
    writeFileSync(file, blob);
    pairs.push(String(id), file);
  }
  const out = join(work, `Packages-${pageSize}`);
  run('perl', ['-e', WRITE_BDB, out, String(pageSize), String(options.fillFactor ?? 0), ...pairs]);
  return out;
}

function adler32(bytes: Uint8Array): number {
  let low = 1;
  let high = 0;
  for (const byte of bytes) {
    low = (low + byte) % 65521;
    high = (high + low) % 65521;
  }
  return ((high << 16) | low) >>> 0;
}

/**
 * An ndb Packages.db holding `blobs`, with the layout rpmpkg.c writes: a 32-byte header, as many
 * 4096-byte slot pages as the slots need, blobs after them with head, padding and an adler32 tail.
 * `freeSlotFirst` leaves the first slot empty, as deleting a package does.
 */
export function writeNdbPackages(blobs: readonly RpmHeaderBlob[], options: { freeSlotFirst?: boolean } = {}): Buffer {
  const pageSize = 4096;
  const blockSize = 16;
  const firstSlot = options.freeSlotFirst ? 3 : 2;
  const slotPages = Math.ceil((firstSlot + blobs.length) / (pageSize / 16));
  const slots = Buffer.alloc(slotPages * pageSize);
  for (let at = 0; at < slots.length; at += 16) slots.write('Slot', at, 'latin1');
  slots.write('RpmP', 0, 'latin1');
  slots.writeUInt32LE(0, 4);
  slots.writeUInt32LE(7, 8);
  slots.writeUInt32LE(slotPages, 12);
  slots.writeUInt32LE(Math.max(0, ...blobs.map((blob) => blob.id)) + 1, 16);
  slots.writeUInt32LE(0, 20);
  const parts: Buffer[] = [slots];
  let block = slots.length / blockSize;
  let slot = firstSlot;
  for (const { id, blob } of blobs) {
    const blockCount = Math.ceil((16 + blob.length + 12) / blockSize);
    const stored = Buffer.alloc(blockCount * blockSize);
    stored.write('BlbS', 0, 'latin1');
    stored.writeUInt32LE(id, 4);
    stored.writeUInt32LE(1700000000, 8);
    stored.writeUInt32LE(blob.length, 12);
    Buffer.from(blob).copy(stored, 16);
    const tail = stored.length - 12;
    stored.writeUInt32LE(adler32(stored.subarray(0, tail)), tail);
    stored.writeUInt32LE(blob.length, tail + 4);
    stored.write('BlbE', tail + 8, 'latin1');
    slots.writeUInt32LE(id, slot * 16 + 4);
    slots.writeUInt32LE(block, slot * 16 + 8);
    slots.writeUInt32LE(blockCount, slot * 16 + 12);
    parts.push(stored);
    block += blockCount;
    slot++;
  }
  return Buffer.concat(parts);
}

/** What every reader must return for the databases built from this folder's spec files, in install order. */
export const TEST_PACKAGE_RECORDS: PackageRecord[] = [
  {
    ecosystem: 'rpm',
    name: 'customs-hello',
    version: '2:1.4.0-3.fc39',
    sourceName: 'customs-hello',
    sourceVersion: '2:1.4.0-3.fc39',
    arch: 'noarch',
    licenses: ['MIT AND (Apache-2.0 OR BSD-3-Clause)'],
    properties: { epoch: '2', release: '3.fc39', sourceRpm: 'customs-hello-1.4.0-3.fc39.src.rpm', modularityLabel: 'hello:1.4:20240101:abcdef', vendor: 'Customs Test', size: '3' },
  },
  {
    ecosystem: 'rpm',
    name: 'customs-hello-data',
    version: '2:1.4.0-3.fc39',
    sourceName: 'customs-hello',
    sourceVersion: '2:1.4.0-3.fc39',
    arch: 'noarch',
    licenses: ['CC-BY-4.0'],
    properties: { epoch: '2', release: '3.fc39', sourceRpm: 'customs-hello-1.4.0-3.fc39.src.rpm', modularityLabel: 'hello:1.4:20240101:abcdef', vendor: 'Customs Test', size: '10' },
  },
  {
    ecosystem: 'rpm',
    name: 'customs-zero',
    version: '0.9~rc1-1',
    sourceName: 'customs-zero',
    sourceVersion: '0.9~rc1-1',
    arch: 'noarch',
    licenses: ['GPL-2.0-or-later'],
    properties: { epoch: '0', release: '1', sourceRpm: 'customs-zero-0.9~rc1-1.src.rpm', size: '0' },
  },
  {
    ecosystem: 'rpm',
    name: 'customs-plain',
    version: '2.0-7.el9',
    sourceName: 'customs-plain',
    sourceVersion: '2.0-7.el9',
    arch: 'x86_64',
    licenses: ['BSD-3-Clause'],
    properties: { release: '7.el9', sourceRpm: 'customs-plain-2.0-7.el9.src.rpm', size: '0' },
  },
];

/**
 * The record a reader must produce for a package as rpm itself reports it. Written out here
 * rather than shared with the reader so that a mistake in one does not hide in both.
 */
export function recordFromQuery(row: RpmQueryRow): PackageRecord {
  const epochPrefix = row.epoch && row.epoch !== '0' ? `${row.epoch}:` : '';
  const record: PackageRecord = { ecosystem: 'rpm', name: row.name, version: `${epochPrefix}${row.version}-${row.release}` };
  const source = /^(.+)-([^-]+)-([^-]+)\.src\.rpm$/.exec(row.sourceRpm);
  if (source) {
    record.sourceName = source[1]!;
    record.sourceVersion = `${epochPrefix}${source[2]}-${source[3]}`;
  }
  if (row.arch) record.arch = row.arch;
  if (row.license) record.licenses = [row.license];
  const properties: Record<string, string> = { release: row.release };
  if (row.epoch) properties.epoch = row.epoch;
  if (row.sourceRpm) properties.sourceRpm = row.sourceRpm;
  if (row.modularityLabel) properties.modularityLabel = row.modularityLabel;
  if (row.vendor) properties.vendor = row.vendor;
  if (row.size) properties.size = row.size;
  record.properties = properties;
  return record;
}

/** One line of a shared database's expected.tsv: name, epoch (0 when none), version, release, arch, source rpm. */
export interface ExpectedTsvPackage {
  name: string;
  version: string;
  sourceName: string;
  sourceVersion: string;
  arch: string;
  sourceRpm: string;
}

/** expected.tsv as the fields a reader's records must show for it, sorted by name. */
export function readExpectedTsv(path: string): ExpectedTsvPackage[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [name, epoch, version, release, arch, sourceRpm] = line.split('\t') as [string, string, string, string, string, string];
      const epochPrefix = epoch === '0' ? '' : `${epoch}:`;
      const source = /^(.+)-([^-]+)-([^-]+)\.src\.rpm$/.exec(sourceRpm)!;
      return { name, version: `${epochPrefix}${version}-${release}`, sourceName: source[1]!, sourceVersion: `${epochPrefix}${source[2]}-${source[3]}`, arch, sourceRpm };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The expected.tsv fields of reader records, sorted by name. */
export function tsvView(records: readonly PackageRecord[]): ExpectedTsvPackage[] {
  return records
    .map((record) => ({ name: record.name, version: record.version, sourceName: record.sourceName ?? '', sourceVersion: record.sourceVersion ?? '', arch: record.arch ?? '', sourceRpm: record.properties?.sourceRpm ?? '' }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export type HeaderEntryValue = { type: 'int32' | 'int16' | 'int8' | 'char' | 'int64'; values: number[] } | { type: 'string' | 'i18n'; values: string[] } | { type: 'string-array'; values: string[] } | { type: 'bin'; bytes: number[] };

const TYPE_CODES = { char: 1, int8: 2, int16: 3, int32: 4, int64: 5, string: 6, bin: 7, 'string-array': 8, i18n: 9 } as const;
const ALIGNMENT: Record<string, number> = { int16: 2, int32: 4, int64: 8 };

/**
 * Encode a header blob the way rpm's headerExport lays it out: big-endian index entries, then the
 * data store with each value aligned to its type. Entries keep the given order, so tests can put
 * a tag twice as rpm does for dribble entries.
 */
export function encodeRpmHeader(entries: ReadonlyArray<[number, HeaderEntryValue]>): Buffer {
  const index = Buffer.alloc(entries.length * 16);
  const data: number[] = [];
  entries.forEach(([tag, value], position) => {
    const align = ALIGNMENT[value.type] ?? 1;
    while (data.length % align !== 0) data.push(0);
    const offset = data.length;
    let count: number;
    switch (value.type) {
      case 'char':
      case 'int8':
        data.push(...value.values);
        count = value.values.length;
        break;
      case 'int16':
      case 'int32':
      case 'int64': {
        const size = value.type === 'int16' ? 2 : value.type === 'int32' ? 4 : 8;
        for (const number of value.values) {
          const bytes = Buffer.alloc(size);
          if (size === 2) bytes.writeUInt16BE(number);
          else if (size === 4) bytes.writeUInt32BE(number);
          else bytes.writeBigUInt64BE(BigInt(number));
          data.push(...bytes);
        }
        count = value.values.length;
        break;
      }
      case 'string':
      case 'i18n':
      case 'string-array':
        for (const text of value.values) data.push(...Buffer.from(text, 'utf8'), 0);
        count = value.values.length;
        break;
      case 'bin':
        data.push(...value.bytes);
        count = value.bytes.length;
        break;
    }
    index.writeUInt32BE(tag, position * 16);
    index.writeUInt32BE(TYPE_CODES[value.type], position * 16 + 4);
    index.writeUInt32BE(offset, position * 16 + 8);
    index.writeUInt32BE(count, position * 16 + 12);
  });
  const intro = Buffer.alloc(8);
  intro.writeUInt32BE(entries.length, 0);
  intro.writeUInt32BE(data.length, 4);
  return Buffer.concat([intro, index, Buffer.from(data)]);
}
