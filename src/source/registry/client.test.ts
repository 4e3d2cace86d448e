import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { TOOL_VERSION } from '../../cli/version.js';
import { CustomsError } from '../../core/errors.js';
import { MANIFEST_ACCEPT } from '../manifest.js';
import { startFaultyProxy, type FaultyProxy } from '../../../test/support/faulty-http.js';
import { loadImage, readBlob, type LoadedImage } from '../../../test/support/oci-layout-tools.js';
import { buildUmociImage, freePort, pushWithSkopeo, rawManifest, sha256, startRegistries, type TestRegistry } from '../../../test/support/registry.js';
import { backoffDelay, parseNextLink, parseRegistryErrors, parseRetryAfter, RegistryClient, type RegistryClientOptions, type RetryEvent } from './client.js';
import type { RegistryCredentials } from './credentials.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const FAST_RETRY = { retries: 2, baseDelayMs: 5, maxDelayMs: 20 };

let work: string;
let layout: string;
let image: LoadedImage;
let open: TestRegistry;
let basic: TestRegistry;
let token: TestRegistry;
let v2Digest: string;
const clients: RegistryClient[] = [];

function client(registry: { host: string }, options: Partial<RegistryClientOptions> = {}): RegistryClient {
  const created = new RegistryClient({ registry: registry.host, insecure: true, retry: FAST_RETRY, ...options });
  clients.push(created);
  return created;
}

function credentialsOf(registry: TestRegistry): RegistryCredentials {
  return { username: registry.username!, password: registry.password! };
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function digestOf(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

function failsWith(code: string, message: string | RegExp): (error: unknown) => boolean {
  return (error: unknown) => {
    assert.ok(error instanceof CustomsError, `expected a CustomsError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (typeof message === 'string') assert.equal(error.message, message);
    else assert.match(error.message, message);
    return true;
  };
}

/** The big layer: random bytes do not compress, so its blob spans many chunks. */
function bigLayer(): LoadedImage['manifest']['layers'][number] {
  return image.manifest.layers.reduce((largest, layer) => (layer.size > largest.size ? layer : largest));
}

before(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'customs-client-test-'));
  layout = path.join(work, 'oci');
  const registries = startRegistries(['none', 'basic', 'token']);
  // Awaited below; until then a failure must not surface as an unhandled rejection.
  registries.catch(() => {});
  await buildUmociImage(layout, 'img', {
    layers: [{ 'etc/os-release': 'ID=customs\n', 'etc/motd': 'hello\n' }, { 'opt/data.bin': randomBytes(300_000).toString('base64') }],
    cmd: '/bin/sh',
  });
  image = await loadImage(layout, 'img');
  [open, basic, token] = await registries;
  // In parallel across registries, one at a time within one: concurrent pushes of the same blobs race in the registry.
  await Promise.all([
    (async () => {
      await pushWithSkopeo(`oci:${layout}:img`, `${open.host}/app:1`, { format: 'oci' });
      await pushWithSkopeo(`oci:${layout}:img`, `${open.host}/app:v2`, { format: 'v2s2' });
      await pushWithSkopeo(`oci:${layout}:img`, `${open.host}/other/repo:1`, { format: 'oci' });
    })(),
    pushWithSkopeo(`oci:${layout}:img`, `${basic.host}/app:1`, { format: 'oci', creds: basic.creds }),
    (async () => {
      await pushWithSkopeo(`oci:${layout}:img`, `${token.host}/app:1`, { format: 'oci', creds: token.creds });
      await pushWithSkopeo(`oci:${layout}:img`, `${token.host}/public/app:1`, { format: 'oci', creds: token.creds });
    })(),
  ]);
  v2Digest = sha256(await rawManifest(`${open.host}/app:v2`));
});

after(async () => {
  await Promise.all(clients.map((created) => created.close()));
  await Promise.all([open?.stop(), basic?.stop(), token?.stop()]);
  await rm(work, { recursive: true, force: true });
});

describe('pure helpers', () => {
  it('parses registry error bodies', () => {
    assert.deepEqual(parseRegistryErrors(Buffer.from('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"x"}}]}')), [
      { code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' },
    ]);
    assert.deepEqual(parseRegistryErrors(Buffer.from('<html>502</html>')), []);
  });

  it('follows rel="next" Link headers', () => {
    assert.equal(parseNextLink('</v2/_catalog?last=a&n=1>; rel="next"', 'http://r:5000/v2/_catalog?n=1'), 'http://r:5000/v2/_catalog?last=a&n=1');
    assert.equal(parseNextLink('<https://x/prev>; rel="prev", <https://x/next?n=2>; rel=next', 'https://x/'), 'https://x/next?n=2');
    assert.equal(parseNextLink('<https://x/prev>; rel="prev"', 'https://x/'), undefined);
    assert.equal(parseNextLink(undefined, 'https://x/'), undefined);
  });

  it('reads Retry-After as seconds or a date', () => {
    assert.equal(parseRetryAfter('3'), 3000);
    assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')), 5000);
    assert.equal(parseRetryAfter('soon'), undefined);
  });

  it('backs off exponentially with jitter, capped', () => {
    const policy = { retries: 5, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 0 };
    assert.deepEqual([1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, policy, () => 0)), [50, 100, 200, 400, 500]);
    assert.deepEqual([1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, policy, () => 1)), [100, 200, 400, 800, 1000]);
  });
});

describe('a registry without authentication', () => {
  it('fetches manifests by tag and by digest, exactly as stored', async () => {
    const registry = client(open);
    const expected = await readBlob(layout, image.descriptor.digest);
    const byTag = await registry.getManifest('app', '1');
    assert.deepEqual(byTag, { bytes: expected, mediaType: OCI_MANIFEST, digest: image.descriptor.digest });
    const byDigest = await registry.getManifest('app', image.descriptor.digest);
    assert.deepEqual(byDigest, byTag);
    const docker = await registry.getManifest('app', 'v2');
    assert.equal(docker.mediaType, DOCKER_MANIFEST);
    assert.equal(docker.digest, v2Digest);
    assert.notEqual(v2Digest, image.descriptor.digest);
  });

  it('streams layers and reads configs', async () => {
    const registry = client(open);
    for (const layer of image.manifest.layers) {
      const bytes = await readAll(await registry.getBlob('app', layer.digest));
      assert.equal(bytes.length, layer.size);
      assert.equal(digestOf(bytes), layer.digest);
    }
    const config = await registry.getBlobBytes('app', image.manifest.config.digest, 1024 * 1024);
    assert.deepEqual(config, await readBlob(layout, image.manifest.config.digest));
    await assert.rejects(
      registry.getBlobBytes('app', image.manifest.config.digest, 10),
      failsWith('INVALID_MANIFEST', `blob ${image.manifest.config.digest} is larger than 10 bytes`),
    );
  });

  it('says which tag, digest, blob or repository is unknown', async () => {
    const registry = client(open);
    const missing = `sha256:${'b'.repeat(64)}`;
    await assert.rejects(registry.getManifest('app', 'nope'), failsWith('NOT_FOUND', 'manifest unknown: tag nope not found in repo app'));
    await assert.rejects(registry.getManifest('app', missing), failsWith('NOT_FOUND', `manifest unknown: digest ${missing} not found in repo app`));
    await assert.rejects(registry.getManifest('nothere', '1'), failsWith('NOT_FOUND', 'manifest unknown: tag 1 not found in repo nothere'));
    await assert.rejects(registry.getBlob('app', missing), failsWith('NOT_FOUND', `blob unknown: ${missing} not found in repo app`));
    await assert.rejects(registry.listTags('nothere'), failsWith('NOT_FOUND', 'name unknown: repo nothere not found'));
  });

  it('refuses names that are not repository names, tags or digests', async () => {
    const registry = client(open);
    await assert.rejects(registry.getManifest('../etc', '1'), failsWith('INVALID_REFERENCE', 'invalid repository name "../etc"'));
    await assert.rejects(registry.getManifest('app', '../../x'), failsWith('INVALID_REFERENCE', '"../../x" is neither a tag nor a digest'));
    await assert.rejects(registry.getBlob('app', 'sha256:short'), failsWith('INVALID_INPUT', 'invalid blob digest "sha256:short"'));
  });

  it('lists tags and follows catalog pages', async () => {
    const registry = client(open, { catalogPageSize: 1 });
    assert.deepEqual((await registry.listTags('app')).sort(), ['1', 'v2']);
    assert.deepEqual(await registry.catalog(), ['app', 'other/repo']);
  });

  it('never looks credentials up when nobody asks for them', async () => {
    let lookups = 0;
    const registry = client(open, {
      credentials: async () => {
        lookups++;
        return undefined;
      },
    });
    await registry.getManifest('app', '1');
    assert.equal(lookups, 0);
  });

  it('refuses plain HTTP without --insecure, and says so', async () => {
    const registry = client(open, { insecure: false });
    await assert.rejects(
      registry.getManifest('app', '1'),
      failsWith('NETWORK_ERROR', `TLS handshake with ${open.host} failed (wrong version number); if ${open.host} serves plain HTTP, use --insecure`),
    );
  });

  it('gives up at once when nothing listens', async () => {
    const port = await freePort();
    const retries: RetryEvent[] = [];
    const registry = client({ host: `127.0.0.1:${port}` }, { insecure: false, onRetry: (event) => retries.push(event) });
    await assert.rejects(
      registry.getManifest('app', '1'),
      failsWith('NETWORK_ERROR', `cannot connect to 127.0.0.1:${port}: connection refused; if it serves plain HTTP, use --insecure`),
    );
    assert.equal(retries.length, 0);
  });
});

describe('basic authentication', () => {
  it('pulls with credentials', async () => {
    const registry = client(basic, { credentials: credentialsOf(basic) });
    assert.equal((await registry.getManifest('app', '1')).digest, image.descriptor.digest);
    const layer = image.manifest.layers[0]!;
    assert.equal(digestOf(await readAll(await registry.getBlob('app', layer.digest))), layer.digest);
  });

  it('says credentials were sent when they are wrong', async () => {
    const registry = client(basic, { credentials: { username: 'customs', password: 'wrong', source: 'command line' } });
    await assert.rejects(
      registry.getManifest('app', '1'),
      failsWith('UNAUTHORIZED', 'unauthorized: authentication required (credentials for user "customs" from command line were sent)'),
    );
  });

  it('says none were sent when anonymous', async () => {
    await assert.rejects(
      client(basic).getManifest('app', '1'),
      failsWith(
        'UNAUTHORIZED',
        'unauthorized: authentication required (no credentials were sent; the repository may not exist, or it needs --username/--password or docker login)',
      ),
    );
  });
});

describe('bearer token authentication', () => {
  beforeEach(() => {
    token.tokenServer!.requests.length = 0;
    token.tokenServer!.settings.tokenField = 'token';
    token.tokenServer!.settings.expiresIn = 300;
  });

  it('fetches one token per scope and reuses it', async () => {
    const registry = client(token, { credentials: credentialsOf(token) });
    await registry.getManifest('app', '1');
    await registry.getBlobBytes('app', image.manifest.config.digest, 1024 * 1024);
    await readAll(await registry.getBlob('app', image.manifest.layers[0]!.digest));
    assert.equal(registry.tokenRequests, 1);
    await registry.getManifest('public/app', '1');
    assert.equal(registry.tokenRequests, 2);
    assert.deepEqual(
      token.tokenServer!.requests.map((request) => [request.account, request.scopes]),
      [
        ['customs', ['repository:app:pull']],
        ['customs', ['repository:public/app:pull']],
      ],
    );
  });

  it('pulls public repositories anonymously', async () => {
    let lookups = 0;
    const registry = client(token, {
      credentials: async () => {
        lookups++;
        return undefined;
      },
    });
    assert.equal((await registry.getManifest('public/app', '1')).digest, image.descriptor.digest);
    assert.equal(lookups, 1);
    assert.deepEqual(token.tokenServer!.requests.map((request) => request.account), [undefined]);
  });

  it('explains an anonymous pull of a private repository', async () => {
    await assert.rejects(
      client(token).getManifest('app', '1'),
      failsWith(
        'UNAUTHORIZED',
        'unauthorized: authentication required (no credentials were sent; the repository may not exist, or it needs --username/--password or docker login)',
      ),
    );
    // One token request: the anonymous token was granted and refused, asking again would not help.
    assert.equal(token.tokenServer!.requests.length, 1);
  });

  it('reports a token server rejecting the password', async () => {
    await assert.rejects(
      client(token, { credentials: { username: 'customs', password: 'wrong' } }).getManifest('app', '1'),
      failsWith('UNAUTHORIZED', `token server ${token.tokenServer!.realm} rejected the credentials (HTTP 401; credentials for user "customs" were sent)`),
    );
  });

  it('trades an identity token with a POST and reads access_token without expires_in', async () => {
    token.tokenServer!.settings.tokenField = 'access_token';
    token.tokenServer!.settings.expiresIn = undefined;
    const registry = client(token, { credentials: { username: '', password: '', identityToken: token.tokenServer!.identityToken } });
    assert.equal((await registry.getManifest('app', '1')).digest, image.descriptor.digest);
    const registry2 = client(token, { credentials: credentialsOf(token) });
    assert.equal((await registry2.getManifest('app', '1')).digest, image.descriptor.digest);
    assert.deepEqual(
      token.tokenServer!.requests.map((request) => [request.method, request.grantType, request.account]),
      [
        ['POST', 'refresh_token', 'customs'],
        ['GET', undefined, 'customs'],
      ],
    );
  });

  it('lists the catalog with the registry:catalog:* scope', async () => {
    const registry = client(token, { credentials: credentialsOf(token) });
    assert.deepEqual(await registry.catalog(), ['app', 'public/app']);
    assert.deepEqual(token.tokenServer!.requests.map((request) => request.scopes), [['registry:catalog:*']]);
  });
});

describe('network faults', () => {
  let proxy: FaultyProxy;
  const manifestPath = /\/v2\/app\/manifests\/1$/;
  const manifestRequests = (): number => proxy.requests.filter((request) => manifestPath.test(request.url)).length;

  before(async () => {
    proxy = await startFaultyProxy({ upstream: open.host });
  });
  after(async () => {
    await proxy.close();
  });
  afterEach(() => proxy.reset());

  it('retries 503 and succeeds, counting the attempts', async () => {
    proxy.add({ path: manifestPath, fault: { kind: 'status', status: 503 }, times: 2 });
    const retries: RetryEvent[] = [];
    const registry = client({ host: proxy.host }, { onRetry: (event) => retries.push(event) });
    assert.equal((await registry.getManifest('app', '1')).digest, image.descriptor.digest);
    assert.deepEqual(
      retries.map((event) => [event.attempt, event.reason]),
      [
        [1, 'HTTP 503'],
        [2, 'HTTP 503'],
      ],
    );
    assert.equal(manifestRequests(), 3);
    const sent = proxy.requests.find((request) => manifestPath.test(request.url))!;
    assert.equal(sent.userAgent, `customs/${TOOL_VERSION}`);
    assert.equal(sent.accept, MANIFEST_ACCEPT);
  });

  it('honours Retry-After on 429, and stops when it asks for too long a pause', async () => {
    proxy.add({ path: manifestPath, fault: { kind: 'status', status: 429, headers: { 'retry-after': '0' } }, times: 1 });
    proxy.add({
      path: manifestPath,
      fault: { kind: 'status', status: 429, headers: { 'retry-after': '3600', 'content-type': 'application/json' }, body: '{"errors":[{"code":"TOOMANYREQUESTS","message":"pull rate limit reached"}]}' },
      times: 1,
    });
    const retries: RetryEvent[] = [];
    const registry = client({ host: proxy.host }, { retry: { ...FAST_RETRY, maxRetryAfterMs: 60_000 }, onRetry: (event) => retries.push(event) });
    await assert.rejects(
      registry.getManifest('app', '1'),
      failsWith('REGISTRY_ERROR', 'registry error: HTTP 429 for GET /v2/app/manifests/1 after 2 attempts: pull rate limit reached (the registry asks to retry after 3600 s)'),
    );
    assert.deepEqual(
      retries.map((event) => [event.reason, event.delayMs]),
      [['HTTP 429', 0]],
    );
    proxy.add({ path: manifestPath, fault: { kind: 'status', status: 429, headers: { 'retry-after': '0' } }, times: 1 });
    assert.equal((await registry.getManifest('app', '1')).digest, image.descriptor.digest);
  });

  it('stops when the caller aborts', async () => {
    proxy.add({ path: manifestPath, fault: { kind: 'stall' } });
    const started = Date.now();
    await assert.rejects(client({ host: proxy.host }).getManifest('app', '1', AbortSignal.timeout(100)), { name: 'TimeoutError' });
    assert.ok(Date.now() - started < 2000);
  });

  it('gives up on 5xx after the configured attempts, with the registry message', async () => {
    proxy.add({
      path: manifestPath,
      fault: { kind: 'status', status: 503, headers: { 'content-type': 'application/json' }, body: '{"errors":[{"code":"UNAVAILABLE","message":"down for maintenance"}]}' },
    });
    await assert.rejects(
      client({ host: proxy.host }).getManifest('app', '1'),
      failsWith('REGISTRY_ERROR', 'registry error: HTTP 503 for GET /v2/app/manifests/1 after 3 attempts: down for maintenance'),
    );
    assert.equal(manifestRequests(), 3);
  });

  it('retries connections reset by the server', async () => {
    proxy.add({ path: manifestPath, fault: { kind: 'reset' }, times: 1 });
    assert.equal((await client({ host: proxy.host }).getManifest('app', '1')).digest, image.descriptor.digest);
    assert.equal(manifestRequests(), 2);
    proxy.reset();
    proxy.add({ path: manifestPath, fault: { kind: 'reset' } });
    await assert.rejects(
      client({ host: proxy.host }).getManifest('app', '1'),
      failsWith('NETWORK_ERROR', new RegExp(`^connection to ${proxy.host} was closed unexpectedly \\(.+\\) \\(after 3 attempts\\)$`)),
    );
  });

  it('retries refused connections once it is already retrying', async () => {
    const doomed = await startFaultyProxy({ upstream: open.host });
    doomed.add({ path: manifestPath, fault: { kind: 'status', status: 502 } });
    const retries: RetryEvent[] = [];
    const registry = client(
      { host: doomed.host },
      {
        retry: { retries: 3, baseDelayMs: 5, maxDelayMs: 10 },
        onRetry: (event) => {
          retries.push(event);
          // The registry goes away mid-retry, as one restarting would.
          if (event.attempt === 1) void doomed.close();
        },
      },
    );
    await assert.rejects(registry.getManifest('app', '1'), failsWith('NETWORK_ERROR', `cannot connect to ${doomed.host}: connection refused (after 4 attempts)`));
    assert.deepEqual(
      retries.map((event) => event.reason),
      ['HTTP 502', `cannot connect to ${doomed.host}: connection refused`, `cannot connect to ${doomed.host}: connection refused`],
    );
  });

  it('times out waiting for response headers, without retrying', async () => {
    proxy.add({ path: manifestPath, fault: { kind: 'stall' } });
    const started = Date.now();
    await assert.rejects(
      client({ host: proxy.host }, { timeouts: { headersMs: 200 } }).getManifest('app', '1'),
      failsWith('TIMEOUT', `no response from ${proxy.host} within 0.2 s (GET /v2/app/manifests/1)`),
    );
    assert.ok(Date.now() - started < 2000);
    assert.equal(manifestRequests(), 1);
  });

  it('resumes a blob download that stalls, with a Range request', async () => {
    const layer = bigLayer();
    const blobPath = new RegExp(`/blobs/${layer.digest}$`);
    proxy.add({ path: blobPath, fault: { kind: 'stall-body', afterBytes: 100_000 }, times: 1 });
    const retries: RetryEvent[] = [];
    const registry = client({ host: proxy.host }, { timeouts: { bodyIdleMs: 200 }, onRetry: (event) => retries.push(event) });
    const bytes = await readAll(await registry.getBlob('app', layer.digest));
    assert.equal(digestOf(bytes), layer.digest);
    assert.deepEqual(
      proxy.requests.filter((request) => blobPath.test(request.url)).map((request) => request.range),
      [undefined, 'bytes=100000-'],
    );
    assert.match(retries[0]!.reason, new RegExp(`^${proxy.host} sent nothing for 0.2 s`));
  });

  it('resumes a blob download cut short', async () => {
    const layer = bigLayer();
    const blobPath = new RegExp(`/blobs/${layer.digest}$`);
    proxy.add({ path: blobPath, fault: { kind: 'cut-body', afterBytes: 50_000 }, times: 2 });
    const bytes = await readAll(await client({ host: proxy.host }).getBlob('app', layer.digest));
    assert.equal(digestOf(bytes), layer.digest);
    assert.deepEqual(
      proxy.requests.filter((request) => blobPath.test(request.url)).map((request) => request.range),
      [undefined, 'bytes=50000-', 'bytes=100000-'],
    );
  });

  it('fails a blob that keeps stalling, with a timeout', async () => {
    const layer = bigLayer();
    proxy.add({ path: new RegExp(`/blobs/${layer.digest}$`), fault: { kind: 'stall-body', afterBytes: 1000 } });
    // undici checks body timeouts on a coarse (about 1 s) clock: keep the attempts few.
    const stream = await client({ host: proxy.host }, { timeouts: { bodyIdleMs: 150 }, retry: { ...FAST_RETRY, retries: 1 } }).getBlob('app', layer.digest);
    await assert.rejects(
      readAll(stream),
      failsWith('TIMEOUT', `${proxy.host} sent nothing for 0.15 s (GET /v2/app/blobs/${layer.digest}) after 2000 bytes and 2 attempts`),
    );
  });

  it('checks the announced manifest digest', async () => {
    const bytes = await readBlob(layout, image.descriptor.digest);
    const wrong = `sha256:${'c'.repeat(64)}`;
    proxy.add({ path: manifestPath, fault: { kind: 'status', status: 200, headers: { 'content-type': OCI_MANIFEST, 'docker-content-digest': wrong }, body: bytes } });
    await assert.rejects(
      client({ host: proxy.host }).getManifest('app', '1'),
      failsWith('DIGEST_MISMATCH', `manifest digest mismatch: the registry announced ${wrong}, the bytes received have ${image.descriptor.digest}`),
    );
    proxy.add({ path: new RegExp(`/manifests/${wrong}$`), fault: { kind: 'status', status: 200, headers: { 'content-type': OCI_MANIFEST }, body: bytes } });
    await assert.rejects(
      client({ host: proxy.host }).getManifest('app', wrong),
      failsWith('DIGEST_MISMATCH', `manifest digest mismatch: asked for ${wrong}, the registry sent bytes with digest ${image.descriptor.digest}`),
    );
  });
});

describe('redirected blob downloads', () => {
  let proxy: FaultyProxy;

  before(async () => {
    const authorization = `Basic ${Buffer.from(basic.creds!).toString('base64')}`;
    proxy = await startFaultyProxy({ upstream: basic.host, upstreamAuthorization: authorization });
    proxy.add({ path: /\/v2\/app\/blobs\/sha256:/, fault: { kind: 'redirect-to-storage' } });
  });
  after(async () => {
    await proxy.close();
  });

  it('follows the redirect without sending Authorization to the other host', async () => {
    const registry = client({ host: proxy.host }, { credentials: credentialsOf(basic) });
    // As in a pull: the manifest request meets the 401 and teaches the client to send credentials.
    await registry.getManifest('app', '1');
    const layer = image.manifest.layers[0]!;
    assert.equal(digestOf(await readAll(await registry.getBlob('app', layer.digest))), layer.digest);
    assert.deepEqual(await registry.getBlobBytes('app', image.manifest.config.digest, 1 << 20), await readBlob(layout, image.manifest.config.digest));
    const blobRequests = proxy.requests.filter((request) => request.url.includes('/blobs/'));
    assert.ok(blobRequests.length >= 2);
    assert.ok(blobRequests.some((request) => request.authorization?.startsWith('Basic ')), 'the registry itself got credentials');
    assert.equal(proxy.storageRequests.length, 2);
    for (const request of proxy.storageRequests) {
      assert.match(request.url, /X-Signature=s3cr3t/);
      assert.equal(request.authorization, undefined);
    }
  });
});
