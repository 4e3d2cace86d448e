/**
 * `customs db update` against an HTTP server of the test's own on 127.0.0.1 that serves zips the
 * test wrote, the way osv.dev's bucket does: ETag, x-goog-hash (crc32c and md5), Range requests
 * (206), If-None-Match (304) and If-Range. Modes cut the connection half-way through a body,
 * announce a wrong MD5, or ignore Range. Nothing here touches the internet.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CustomsError } from '../core/errors.js';
import { VulnDb } from './store.js';
import { canonicalEcosystems, downloadFileName, exportUrl, md5FromGoogHash, resolveMirror, updateDb, type UpdateEvent } from './update.js';

const OSV_FIXTURES = fileURLToPath(new URL('./testdata/osv/', import.meta.url));

interface Served {
  body: Buffer;
  etag: string;
}

interface MirrorRequest {
  path: string;
  range?: string;
  ifNoneMatch?: string;
  ifRange?: string;
  status: number;
}

/** A tiny stand-in for the osv-vulnerabilities bucket. */
class FakeMirror {
  readonly files = new Map<string, Served>();
  readonly requests: MirrorRequest[] = [];
  /** Cut the connection half-way through the body of the next N full or partial responses. */
  cutNext = 0;
  wrongMd5 = false;
  ignoreRange = false;
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => this.handle(request, response));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  put(ecosystem: string, body: Buffer): void {
    this.files.set(`/${encodeURIComponent(ecosystem)}/all.zip`, { body, etag: `"${createHash('md5').update(body).digest('hex')}"` });
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const path = request.url ?? '/';
    const served = this.files.get(path);
    const record: MirrorRequest = { path, status: 0 };
    if (typeof request.headers.range === 'string') record.range = request.headers.range;
    if (typeof request.headers['if-none-match'] === 'string') record.ifNoneMatch = request.headers['if-none-match'];
    if (typeof request.headers['if-range'] === 'string') record.ifRange = request.headers['if-range'];
    this.requests.push(record);
    if (!served) {
      record.status = 404;
      response.writeHead(404, { 'content-type': 'application/xml' }).end('<Error><Code>NoSuchKey</Code></Error>');
      return;
    }
    const md5 = this.wrongMd5 ? createHash('md5').update('something else').digest('base64') : createHash('md5').update(served.body).digest('base64');
    const headers: Record<string, string> = {
      etag: served.etag,
      'x-goog-hash': `crc32c=n03x6A==,md5=${md5}`,
      'content-type': 'application/zip',
      'accept-ranges': 'bytes',
    };
    if (record.ifNoneMatch === served.etag) {
      record.status = 304;
      response.writeHead(304, headers).end();
      return;
    }
    let start = 0;
    const range = /^bytes=(\d+)-$/.exec(record.range ?? '');
    const rangeApplies = range && !this.ignoreRange && (record.ifRange === undefined || record.ifRange === served.etag);
    if (rangeApplies) {
      start = Number(range[1]);
      if (start >= served.body.length) {
        record.status = 416;
        response.writeHead(416, { 'content-range': `bytes */${served.body.length}` }).end();
        return;
      }
      record.status = 206;
      response.writeHead(206, { ...headers, 'content-length': String(served.body.length - start), 'content-range': `bytes ${start}-${served.body.length - 1}/${served.body.length}` });
    } else {
      record.status = 200;
      response.writeHead(200, { ...headers, 'content-length': String(served.body.length) });
    }
    const body = served.body.subarray(start);
    if (this.cutNext > 0) {
      this.cutNext--;
      const half = Math.floor(body.length / 2);
      response.write(body.subarray(0, half), () => setTimeout(() => request.socket.destroy(), 20));
      return;
    }
    response.end(body);
  }
}

function zipOf(folders: string[], work: string, name: string): Buffer {
  const staging = join(work, `staging-${name}`);
  rmSync(staging, { recursive: true, force: true });
  for (const folder of folders) cpSync(join(OSV_FIXTURES, folder), join(staging, folder), { recursive: true });
  // Padding makes the body large enough to be cut half-way in several TCP writes.
  writeFileSync(join(staging, 'padding.bin'), createHash('sha512').update(name).digest().toString('hex').repeat(2000));
  const zipPath = join(work, `${name}.zip`);
  rmSync(zipPath, { force: true });
  execFileSync('zip', ['-q', '-0', '-r', zipPath, '.'], { cwd: staging });
  return readFileSync(zipPath);
}

const md5Hex = (body: Buffer): string => createHash('md5').update(body).digest('hex');

let work: string;
let mirror: FakeMirror;
let debianZip: Buffer;
let npmZip: Buffer;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'customs-vulndb-update-'));
  debianZip = zipOf(['Debian'], work, 'Debian');
  npmZip = zipOf(['npm'], work, 'npm');
  mirror = new FakeMirror();
  await mirror.start();
});

after(async () => {
  await mirror.stop();
  rmSync(work, { recursive: true, force: true });
});

beforeEach(() => {
  mirror.files.clear();
  mirror.requests.length = 0;
  mirror.cutNext = 0;
  mirror.wrongMd5 = false;
  mirror.ignoreRange = false;
  mirror.put('Debian', debianZip);
  mirror.put('npm', npmZip);
});

let counter = 0;
function dbDir(): string {
  const dir = join(work, `db-${++counter}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

const noBackoff = (): number => 0;

describe('helpers', () => {
  it('md5FromGoogHash reads the md5 part as hex', () => {
    // The MD5 of zero bytes, as GCS writes it.
    assert.equal(md5FromGoogHash('crc32c=AAAAAA==,md5=1B2M2Y8AsgTpgAmY7PhCfg=='), 'd41d8cd98f00b204e9800998ecf8427e');
    assert.equal(md5FromGoogHash('md5=1B2M2Y8AsgTpgAmY7PhCfg==, crc32c=AAAAAA=='), 'd41d8cd98f00b204e9800998ecf8427e');
    assert.equal(md5FromGoogHash('crc32c=n03x6A=='), undefined);
    assert.equal(md5FromGoogHash(undefined), undefined);
  });

  it('export URLs and file names', () => {
    assert.equal(exportUrl('https://osv-vulnerabilities.storage.googleapis.com', 'Red Hat'), 'https://osv-vulnerabilities.storage.googleapis.com/Red%20Hat/all.zip');
    assert.equal(exportUrl('http://m', 'crates.io'), 'http://m/crates.io/all.zip');
    assert.equal(downloadFileName('Red Hat'), 'Red_Hat.zip');
    assert.equal(downloadFileName('crates.io'), 'crates.io.zip');
    assert.deepEqual(canonicalEcosystems(['debian', ' NPM ', 'red hat', 'pypi', 'Debian', 'hex', 'SomethingNew']), ['Debian', 'npm', 'Red Hat', 'PyPI', 'Hex', 'SomethingNew']);
  });

  it('the mirror: option, else $CUSTOMS_OSV_MIRROR, else osv.dev', () => {
    const saved = process.env.CUSTOMS_OSV_MIRROR;
    try {
      delete process.env.CUSTOMS_OSV_MIRROR;
      assert.equal(resolveMirror(), 'https://osv-vulnerabilities.storage.googleapis.com');
      process.env.CUSTOMS_OSV_MIRROR = 'http://127.0.0.1:9/osv/';
      assert.equal(resolveMirror(), 'http://127.0.0.1:9/osv');
      assert.equal(resolveMirror('https://mirror.example/'), 'https://mirror.example');
      assert.throws(() => resolveMirror('ftp://x'), /must be an http\(s\) URL/);
      assert.throws(() => resolveMirror('not a url'), /is not a URL/);
    } finally {
      if (saved === undefined) delete process.env.CUSTOMS_OSV_MIRROR;
      else process.env.CUSTOMS_OSV_MIRROR = saved;
    }
  });
});

describe('updateDb', () => {
  it('downloads, verifies and builds; a second run is answered 304 and rebuilds from the copies', async () => {
    const dir = dbDir();
    const events: UpdateEvent[] = [];
    const result = await updateDb({ dbDir: dir, mirror: mirror.url, ecosystems: ['debian', 'npm'], onEvent: (event) => events.push(event) });
    assert.equal(result.path, join(dir, 'customs.db'));
    assert.deepEqual(
      result.downloads.map((download) => [download.ecosystem, download.bytes, download.md5, download.upToDate, download.resumedFrom]),
      [
        ['Debian', debianZip.length, md5Hex(debianZip), false, 0],
        ['npm', npmZip.length, md5Hex(npmZip), false, 0],
      ],
    );
    assert.deepEqual(readFileSync(join(dir, 'downloads', 'Debian.zip')), debianZip);
    assert.deepEqual(readdirSync(join(dir, 'downloads')).sort(), ['Debian.zip', 'Debian.zip.meta.json', 'npm.zip', 'npm.zip.meta.json']);
    assert.deepEqual(readdirSync(dir).sort(), ['customs.db', 'downloads']);
    assert.deepEqual(result.import.totals, { records: 5, affected: 8, aliases: 7, withdrawn: 0, malformed: 0, duplicates: 0, filtered: 0 });
    assert.ok(events.some((event) => event.type === 'download-done' && event.ecosystem === 'npm'));
    assert.ok(events.some((event) => event.type === 'import-progress'));

    const db = VulnDb.open(result.path);
    try {
      const info = db.info();
      assert.deepEqual(
        info.sources.map((source) => [source.name, source.kind, source.url, source.md5, source.imported]),
        [
          ['Debian/all.zip', 'zip', `${mirror.url}/Debian/all.zip`, md5Hex(debianZip), 2],
          ['npm/all.zip', 'zip', `${mirror.url}/npm/all.zip`, md5Hex(npmZip), 3],
        ],
      );
      assert.ok(info.sources.every((source) => source.fetchedAt && !Number.isNaN(Date.parse(source.fetchedAt))));
      assert.equal(db.affectedFor('Debian', 'glibc').length, 4);
    } finally {
      db.close();
    }

    mirror.requests.length = 0;
    const again = await updateDb({ dbDir: dir, mirror: mirror.url, ecosystems: ['Debian', 'npm'] });
    assert.deepEqual(
      mirror.requests.map((request) => [request.path, request.ifNoneMatch, request.status]).sort(),
      [
        ['/Debian/all.zip', `"${md5Hex(debianZip)}"`, 304],
        ['/npm/all.zip', `"${md5Hex(npmZip)}"`, 304],
      ],
    );
    assert.ok(again.downloads.every((download) => download.upToDate));
    assert.deepEqual(again.import.totals, result.import.totals);
  });

  it('an interrupted download leaves a .partial file that the next run resumes with a Range request', async () => {
    const dir = dbDir();
    mirror.cutNext = 1;
    await assert.rejects(
      updateDb({ dbDir: dir, mirror: mirror.url, ecosystems: ['Debian'], retries: 0 }),
      (error: unknown) => error instanceof CustomsError && error.code === 'NETWORK_ERROR' && error.message.includes('/Debian/all.zip'),
    );
    const partial = join(dir, 'downloads', 'Debian.zip.partial');
    const kept = statSync(partial).size;
    assert.ok(kept > 0 && kept < debianZip.length, `kept ${kept} of ${debianZip.length} bytes`);
    assert.equal(existsSync(join(dir, 'customs.db')), false);
    assert.equal(existsSync(join(dir, 'update.lock')), false, 'the lock is released after a failure');

    mirror.requests.length = 0;
    const result = await updateDb({ dbDir: dir, mirror: mirror.url, ecosystems: ['Debian'] });
    assert.deepEqual(
      mirror.requests.map((request) => [request.range, request.ifRange, request.status]),
      [[`bytes=${kept}-`, `"${md5Hex(debianZip)}"`, 206]],
    );
    assert.equal(result.downloads[0]?.resumedFrom, kept);
    assert.equal(result.downloads[0]?.md5, md5Hex(debianZip));
    assert.deepEqual(readFileSync(join(dir, 'downloads', 'Debian.zip')), debianZip);
    assert.equal(existsSync(partial), false);
    assert.equal(result.import.totals.records, 2);
  });

  it('retries within one run, resuming where the cut left off', async () => {
    const dir = dbDir();
    mirror.cutNext = 2;
    const events: UpdateEvent[] = [];
    const result = await updateDb({ dbDir: dir, mirror: mirror.url, ecosystems: ['npm'], retries: 3, backoffMs: noBackoff, onEvent: (event) => events.push(event) });
    assert.deepEqual(
      mirror.requests.map((request) => request.status),
      [200, 206, 206],
    );
    assert.equal(events.filter((event) => event.type === 'download-retry').length, 2);
    assert.ok(result.downloads[0]!.resumedFrom > 0);
    assert.deepEqual(readFileSync(join(dir, 'downloads', 'npm.zip')), npmZip);
  });

  it('a server that ignores Range (200) restarts the file from the beginning', async () => {
    const dir = dbDir();
    mirror.cutNext = 1;
    mirror.ignoreRange = true;
    const result = await updateDb({ dbDir: dir, mirror: mirror.url, ecosystems: ['npm'], retries: 1, backoffMs: noBackoff });
    assert.deepEqual(
      mirror.requests.map((request) => [request.range !== undefined, request.status]),
      [
        [false, 200],
        [true, 200],
      ],
    );
    assert.equal(result.downloads[0]?.resumedFrom, 0);
    assert.deepEqual(readFileSync(join(dir, 'downloads', 'npm.zip')), npmZip);
  });

  it('an export replaced between the cut and the resume (new ETag) is downloaded again whole', async () => {
    const dir = dbDir();
    mirror.cutNext = 1;
    await assert.rejects(updateDb({ dbDir: dir, mirror: mirror.url, ecosystems: ['npm'], retries: 0 }));
    const changed = zipOf(['npm', 'Go'], work, 'npm-changed');
    mirror.put('npm', changed);
    mirror.requests.length = 0;
    const result = await updateDb({ dbDir: dir, mirror: mirror.url, ecosystems: ['npm'] });
    assert.deepEqual(mirror.requests.map((request) => request.status), [200], 'If-Range with the old ETag gets the whole new object');
    assert.deepEqual(readFileSync(join(dir, 'downloads', 'npm.zip')), changed);
    assert.equal(result.downloads[0]?.resumedFrom, 0);
  });

  it('a wrong MD5 fails the update, deletes the download and leaves the database alone', async () => {
    const dir = dbDir();
    mirror.wrongMd5 = true;
    await assert.rejects(
      updateDb({ dbDir: dir, mirror: mirror.url, ecosystems: ['Debian'] }),
      (error: unknown) => error instanceof CustomsError && error.code === 'DIGEST_MISMATCH' && error.message.includes(`the download's MD5 is ${md5Hex(debianZip)}`),
    );
    assert.deepEqual(readdirSync(join(dir, 'downloads')), []);
    assert.deepEqual(readdirSync(dir).sort(), ['downloads']);
  });

  it('when a download fails for good, the previous verified copy is used with a warning', async () => {
    const dir = dbDir();
    await updateDb({ dbDir: dir, mirror: mirror.url, ecosystems: ['Debian', 'npm'] });
    mirror.put('Debian', zipOf(['Debian', 'Alpine'], work, 'Debian-new'));
    mirror.wrongMd5 = true;
    const events: UpdateEvent[] = [];
    const result = await updateDb({ dbDir: dir, mirror: mirror.url, ecosystems: ['Debian', 'npm'], onEvent: (event) => events.push(event) });
    const fallback = events.filter((event) => event.type === 'download-fallback');
    assert.equal(fallback.length, 1);
    assert.match((fallback[0] as { error: string }).error, /MD5/);
    assert.match(result.downloads[0]?.fallback ?? '', /MD5/);
    assert.deepEqual(readFileSync(join(dir, 'downloads', 'Debian.zip')), debianZip);
    assert.equal(result.import.totals.records, 5);
  });

  it('an unknown ecosystem is a clear NOT_FOUND', async () => {
    const dir = dbDir();
    await assert.rejects(
      updateDb({ dbDir: dir, mirror: mirror.url, ecosystems: ['Nonexistent'] }),
      (error: unknown) => error instanceof CustomsError && error.code === 'NOT_FOUND' && error.message.includes(`${mirror.url}/Nonexistent/all.zip: 404`),
    );
    assert.equal(existsSync(join(dir, 'customs.db')), false);
  });

  it('uses $CUSTOMS_OSV_MIRROR when no mirror is given', async () => {
    const dir = dbDir();
    const saved = process.env.CUSTOMS_OSV_MIRROR;
    process.env.CUSTOMS_OSV_MIRROR = mirror.url;
    try {
      const result = await updateDb({ dbDir: dir, ecosystems: ['npm'] });
      assert.equal(result.mirror, mirror.url);
      assert.equal(result.import.totals.records, 3);
    } finally {
      if (saved === undefined) delete process.env.CUSTOMS_OSV_MIRROR;
      else process.env.CUSTOMS_OSV_MIRROR = saved;
    }
  });

  it('refuses to run while another update holds the lock; a stale lock is taken over', async () => {
    const dir = dbDir();
    writeFileSync(join(dir, 'update.lock'), String(process.pid));
    await assert.rejects(updateDb({ dbDir: dir, mirror: mirror.url, ecosystems: ['npm'] }), /another `customs db update` \(pid \d+\) is running/);
    writeFileSync(join(dir, 'update.lock'), '999999999');
    const result = await updateDb({ dbDir: dir, mirror: mirror.url, ecosystems: ['npm'] });
    assert.equal(result.import.totals.records, 3);
    assert.equal(existsSync(join(dir, 'update.lock')), false);
  });
});
