import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { AnalyzerInput } from '../../../core/analyzer.js';
import { parseRpmSqlite, readRpmSqliteBlobs, rpmSqliteAnalyzer } from './sqlite.js';
import {
  buildTestRpms,
  databaseDirectoryWith,
  installIntoSqliteRpmdb,
  missingTools,
  queryRpmdb,
  readExpectedTsv,
  recordFromQuery,
  sharedRpmdb,
  TEST_PACKAGE_RECORDS,
  tsvView,
} from './testdata/rpmdb-support.js';
import { analyzerInput } from '../../../../test/support/analyzer-input.js';

let work: string;
before(() => {
  work = mkdtempSync(join(tmpdir(), 'customs-rpm-sqlite-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

const input = (path: string, bytes: Buffer): AnalyzerInput => analyzerInput(path, bytes);

/** An SQLite database made by `statements`, as the bytes of a file. */
function sqliteFile(statements: string): Buffer {
  const database = new Database(':memory:');
  database.exec(statements);
  const bytes = database.serialize();
  database.close();
  return bytes;
}

describe('rpm SQLite database (rpmdb.sqlite)', () => {
  it('reads the database Debian rpm writes when it installs packages built by rpmbuild', (t) => {
    const missing = missingTools(['rpmbuild', 'rpm']);
    if (missing) return t.skip(missing);
    const dbPath = installIntoSqliteRpmdb(work, buildTestRpms(work));
    const records = parseRpmSqlite(readFileSync(join(dbPath, 'rpmdb.sqlite')), 'var/lib/rpm/rpmdb.sqlite');
    assert.deepEqual(records, TEST_PACKAGE_RECORDS);
    assert.deepEqual(records, queryRpmdb(dbPath, 'sqlite').map(recordFromQuery));
  });

  it('reads the CBL-Mariner 2.0 database: the packages expected.tsv lists, and every field as rpm reads it', (t) => {
    const file = sharedRpmdb('mariner-2.0-sqlite/rpmdb.sqlite');
    if (!file) return t.skip('../shared/rpmdb is not present');
    const records = parseRpmSqlite(readFileSync(file), 'var/lib/rpm/rpmdb.sqlite');
    assert.equal(records.length, 129);
    assert.deepEqual(tsvView(records), readExpectedTsv(join(file, '..', 'expected.tsv')));
    assert.deepEqual(records[0], {
      ecosystem: 'rpm',
      name: 'mariner-release',
      version: '2.0-4.cm2',
      sourceName: 'mariner-release',
      sourceVersion: '2.0-4.cm2',
      arch: 'noarch',
      licenses: ['MIT'],
      properties: { release: '4.cm2', sourceRpm: 'mariner-release-2.0-4.cm2.src.rpm', vendor: 'Microsoft Corporation', size: '608' },
    });
    assert.deepEqual(
      records.find((record) => record.name === 'ca-certificates-base'),
      {
        ecosystem: 'rpm',
        name: 'ca-certificates-base',
        version: '1:2.0.0-1.cm2',
        sourceName: 'ca-certificates',
        sourceVersion: '1:2.0.0-1.cm2',
        arch: 'noarch',
        licenses: ['MPLv2.0'],
        properties: { release: '1.cm2', epoch: '1', sourceRpm: 'ca-certificates-2.0.0-1.cm2.src.rpm', vendor: 'Microsoft Corporation', size: '50019' },
      },
    );
    const missing = missingTools(['rpm']);
    if (missing) return t.diagnostic(`not compared with rpm -qa: ${missing}`);
    // rpm needs a writable directory for its lock and shared-memory files.
    assert.deepEqual(records, queryRpmdb(databaseDirectoryWith(work, file, 'rpmdb.sqlite'), 'sqlite').map(recordFromQuery));
  });

  it('names what is wrong with a file that is not an rpmdb', () => {
    assert.throws(() => parseRpmSqlite(Buffer.from('hello'), 'x'), /^Error: not an SQLite database \(no "SQLite format 3" header\)$/);
    assert.throws(() => parseRpmSqlite(sqliteFile('CREATE TABLE Other (x)'), 'x'), /^Error: SQLite database has no Packages table: not an rpmdb$/);
    assert.throws(
      () => parseRpmSqlite(sqliteFile("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob); INSERT INTO Packages VALUES (1, 'text')"), 'x'),
      /^Error: Packages row is not \(integer hnum, blob\): Input not instance of Buffer$/,
    );
    assert.throws(
      () => parseRpmSqlite(sqliteFile("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob); INSERT INTO Packages VALUES (5, x'00000001')"), 'x'),
      /^Error: rpmdb record 5: rpm header of 4 bytes is too short$/,
    );
    // Rows come back in record-number order whatever order they were inserted in.
    assert.deepEqual(
      readRpmSqliteBlobs(sqliteFile("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob); INSERT INTO Packages VALUES (9, x'01'), (2, x'02')")).map((row) => row.id),
      [2, 9],
    );
    assert.deepEqual(parseRpmSqlite(sqliteFile('CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob)'), 'x'), []);
  });

  it('is the analyzer for rpmdb.sqlite in both rpmdb directories, and leaves the input bytes alone', async (t) => {
    assert.equal(rpmSqliteAnalyzer.name, 'os-packages/rpm-sqlite');
    const info = { path: '', type: 'file' as const, mode: 0o644, size: 1, uid: 0, gid: 0 };
    assert.deepEqual(
      ['var/lib/rpm/rpmdb.sqlite', 'usr/lib/sysimage/rpm/rpmdb.sqlite', 'var/lib/rpm/rpmdb.sqlite-wal', 'rpmdb.sqlite', 'home/x/var/lib/rpm/rpmdb.sqlite'].map((path) => rpmSqliteAnalyzer.required(path, { ...info, path })),
      [true, true, false, false, false],
    );
    assert.deepEqual(await rpmSqliteAnalyzer.analyze(input('var/lib/rpm/rpmdb.sqlite', sqliteFile('CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob)'))), []);
    const file = sharedRpmdb('mariner-2.0-sqlite/rpmdb.sqlite');
    if (!file) return t.skip('../shared/rpmdb is not present');
    const bytes = readFileSync(file);
    const results = await rpmSqliteAnalyzer.analyze(input('usr/lib/sysimage/rpm/rpmdb.sqlite', bytes));
    assert.deepEqual(results, [{ kind: 'packages', ecosystem: 'rpm', packages: parseRpmSqlite(bytes, 'x') }]);
    // Other analyzers may be handed the same buffer: the WAL bytes must still say WAL.
    assert.deepEqual([bytes[18], bytes[19]], [2, 2]);
  });
});
