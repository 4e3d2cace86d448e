/** `customs db update | import | info` through the real bin (test/support/cli.ts runs dist/, building it when stale). */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../test/support/cli.js';

const OSV_FIXTURES = fileURLToPath(new URL('./testdata/osv/', import.meta.url)).replace(/\/$/, '');

let work: string;
let server: Server;
let mirrorUrl: string;
let npmZip: Buffer;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'customs-vulndb-cli-'));
  cpSync(join(OSV_FIXTURES, 'npm'), join(work, 'staging', 'npm'), { recursive: true });
  execFileSync('zip', ['-q', '-r', join(work, 'npm.zip'), '.'], { cwd: join(work, 'staging') });
  npmZip = readFileSync(join(work, 'npm.zip'));
  // A bucket with one export: /npm/all.zip, with the bucket's ETag and x-goog-hash headers.
  server = createServer((request, response) => {
    if (request.url !== '/npm/all.zip') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, {
      etag: '"npm-1"',
      'x-goog-hash': `crc32c=AAAAAA==,md5=${createHash('md5').update(npmZip).digest('base64')}`,
      'content-length': String(npmZip.length),
    });
    response.end(npmZip);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  mirrorUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(work, { recursive: true, force: true });
});

describe('customs db', () => {
  it('import builds the database, warns about malformed files, info shows it', async () => {
    const dbDir = join(work, 'imported');
    const imported = await runCli(['db', 'import', OSV_FIXTURES, '--db-dir', dbDir]);
    assert.equal(imported.status, 0, imported.stderr);
    assert.match(imported.stdout, new RegExp(`^Imported 10 records \\(14 affected package entries\\) into ${dbDir}/customs\\.db \\(`));
    assert.match(imported.stdout, /skipped: 1 withdrawn, 2 malformed, 0 duplicates\n$/);
    assert.match(imported.stderr, /customs: warning: .*malformed\/GHSA-trun-cate-d000\.json: not valid JSON/);
    assert.match(imported.stderr, /customs: warning: .*malformed\/GHSA-no-package-name\.json: not a valid OSV record: GHSA-xxxx-no-name: affected\.0\.package\.name: Required/);

    const info = await runCli(['db', 'info', '--db-dir', dbDir]);
    assert.equal(info.status, 0, info.stderr);
    const lines = info.stdout.split('\n');
    assert.match(lines[0]!, new RegExp(`^Database    ${dbDir}/customs\\.db \\(\\d+\\.\\d KiB\\)$`));
    assert.equal(lines[1], 'Schema      1');
    assert.match(lines[2]!, /^Built       \d{4}-\d\d-\d\dT[\d:.]+Z \(just now\) by customs \d+\.\d+\.\d+/);
    assert.equal(lines[3], 'Records     10 vulnerabilities, 14 affected package entries, 14 aliases');
    assert.equal(lines[4], 'Skipped     1 withdrawn, 2 malformed, 0 duplicates, 0 in other ecosystems');
    assert.equal(lines[5], 'Ecosystems  Alpine 1, Debian 4, Go 2, PyPI 1, Ubuntu 2, npm 4');
    assert.equal(lines[6], 'Sources');
    assert.equal(lines[7], `  ${OSV_FIXTURES} (directory): 10 imported of 11 records; 1 withdrawn, 2 malformed, 0 duplicates`);

    const json = await runCli(['db', 'info', '--db-dir', dbDir, '--format', 'json']);
    assert.equal(json.status, 0, json.stderr);
    const parsed = JSON.parse(json.stdout) as { schemaVersion: number; totals: { records: number }; ageSeconds: number; sizeBytes: number; sources: Array<{ name: string }> };
    assert.equal(parsed.schemaVersion, 1);
    assert.equal(parsed.totals.records, 10);
    assert.ok(parsed.ageSeconds >= 0 && parsed.ageSeconds < 600);
    assert.ok(parsed.sizeBytes > 0);
    assert.deepEqual(parsed.sources.map((source) => source.name), [OSV_FIXTURES]);
  });

  it('import --ecosystems keeps only those', async () => {
    const dbDir = join(work, 'filtered');
    const result = await runCli(['db', 'import', join(OSV_FIXTURES, 'npm'), join(OSV_FIXTURES, 'Go'), '--db-dir', dbDir, '--ecosystems', 'go', '--quiet']);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^Imported 1 records \(2 affected package entries\)/);
    assert.match(result.stdout, /, 3 in other ecosystems\n$/);
  });

  it('update downloads from the mirror in $CUSTOMS_OSV_MIRROR or --mirror', async () => {
    const dbDir = join(work, 'updated');
    const result = await runCli(['db', 'update', '--ecosystems', 'npm', '--db-dir', dbDir], { CUSTOMS_OSV_MIRROR: mirrorUrl });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`^Updated ${dbDir}/customs\\.db`));
    assert.match(result.stdout, new RegExp(`downloads: 1 ecosystem export from ${mirrorUrl.replace(/\./g, '\\.')}, `));
    assert.match(result.stdout, /records: 3 \(4 affected package entries; skipped 0 withdrawn, 0 malformed, 0 duplicates\)/);

    const again = await runCli(['db', 'update', '--ecosystems', 'npm', '--db-dir', dbDir, '--mirror', mirrorUrl]);
    assert.equal(again.status, 0, again.stderr);
    const info = await runCli(['db', 'info', '--db-dir', dbDir, '--format', 'json']);
    const parsed = JSON.parse(info.stdout) as { sources: Array<{ name: string; url: string; md5: string }> };
    assert.deepEqual(parsed.sources.map((source) => [source.name, source.url, source.md5]), [['npm/all.zip', `${mirrorUrl}/npm/all.zip`, createHash('md5').update(npmZip).digest('hex')]]);
  });

  it('errors: no database, an unknown ecosystem, a wrong command line', async () => {
    const missing = await runCli(['db', 'info', '--db-dir', join(work, 'nothing-here')]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /^customs: error: no vulnerability database at .*nothing-here\/customs\.db: run `customs db update` .* or `customs db import <dir\|zip>\.\.\.`\n$/);

    const unknown = await runCli(['db', 'update', '--ecosystems', 'Nope', '--db-dir', join(work, 'nope'), '--mirror', mirrorUrl]);
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /customs: error: .*\/Nope\/all\.zip: 404 Not Found/);

    const noInputs = await runCli(['db', 'import', '--db-dir', join(work, 'x')]);
    assert.equal(noInputs.status, 2);
    const badFormat = await runCli(['db', 'info', '--format', 'xml']);
    assert.equal(badFormat.status, 2);
  });
});
