/**
 * A real registry for tests: Debian's `docker-registry` (CNCF distribution 2.8) on 127.0.0.1,
 * with no auth, htpasswd basic auth, or bearer tokens from a token server of our own that signs
 * RS256 JWTs the way the Docker token spec describes. Plus helpers to build small images with
 * umoci and push them with skopeo, so tests see exactly what real tools produce.
 */
import type { ChildProcess } from 'node:child_process';
import { createHash, createPrivateKey, randomBytes, sign, X509Certificate } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  OCI_MEDIA_TYPES,
  initLayout,
  loadImage,
  requireTag,
  runTool,
  setTag,
  updateImageConfig,
  writeBlob,
  writeJsonBlob,
  type OciDescriptor,
  type OciIndex,
  type OciManifest,
} from './oci-layout-tools.js';
import { startOnFreePort, stopProcess } from './service.js';

export { freePort } from './service.js';

export type RegistryAuthMode = 'none' | 'basic' | 'token';

export interface TokenRequestRecord {
  method: string;
  /** The user the request authenticated as; undefined when anonymous. */
  account: string | undefined;
  scopes: string[];
  grantType: string | undefined;
  /** Whether the server answered with a token (false: 401). */
  granted: boolean;
}

export interface TokenServerSettings {
  /** Which response field carries the token. */
  tokenField: 'token' | 'access_token';
  /** expires_in to announce; undefined leaves it out. */
  expiresIn: number | undefined;
  /** Lifetime written into the JWT itself, seconds. */
  lifetimeSeconds: number;
}

export interface TokenServer {
  url: string;
  realm: string;
  service: string;
  /** Every request the token server saw, in order. */
  requests: TokenRequestRecord[];
  settings: TokenServerSettings;
  /** An OAuth2 refresh token it accepts for the test user (what `docker login` stores as identitytoken). */
  identityToken: string;
}

export interface TestRegistry {
  /** host:port, e.g. 127.0.0.1:41234. */
  host: string;
  username?: string | undefined;
  password?: string | undefined;
  /** The temp dir holding config, storage, certificates and registry.log. */
  dir: string;
  tokenServer?: TokenServer | undefined;
  /** "user:pass" for skopeo's --creds, when the registry needs credentials. */
  creds?: string | undefined;
  stop(): Promise<void>;
}

export interface StartRegistryOptions {
  auth?: RegistryAuthMode;
}

const TEST_USER = 'customs';
const TOKEN_SERVICE = 'customs-test-registry';
const TOKEN_ISSUER = 'customs-test-token-issuer';

export async function startRegistry(options: StartRegistryOptions = {}): Promise<TestRegistry> {
  const auth = options.auth ?? 'none';
  const dir = await mkdtemp(path.join(os.tmpdir(), 'customs-registry-'));
  const password = randomBytes(9).toString('base64url');
  let tokenServer: RunningTokenServer | undefined;
  try {
    let authConfig = '';
    if (auth === 'basic') {
      const { stdout } = await runTool('htpasswd', ['-Bbn', TEST_USER, password]);
      await writeFile(path.join(dir, 'htpasswd'), stdout);
      authConfig = `auth:\n  htpasswd:\n    realm: customs-test\n    path: ${path.join(dir, 'htpasswd')}\n`;
    } else if (auth === 'token') {
      tokenServer = await startTokenServer(dir, TEST_USER, password);
      authConfig =
        `auth:\n  token:\n    realm: ${tokenServer.info.realm}\n    service: ${TOKEN_SERVICE}\n` +
        `    issuer: ${TOKEN_ISSUER}\n    rootcertbundle: ${path.join(dir, 'token.crt')}\n`;
    }
    const { host, child } = await spawnRegistry(dir, authConfig);
    const running = tokenServer;
    return {
      host,
      dir,
      username: auth === 'none' ? undefined : TEST_USER,
      password: auth === 'none' ? undefined : password,
      creds: auth === 'none' ? undefined : `${TEST_USER}:${password}`,
      tokenServer: running?.info,
      async stop() {
        await stopProcess(child);
        await running?.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await tokenServer?.close();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Several registries at once; if one fails to start, the others are stopped rather than left running. */
export async function startRegistries<const Modes extends readonly RegistryAuthMode[]>(modes: Modes): Promise<{ [K in keyof Modes]: TestRegistry }> {
  const results = await Promise.allSettled(modes.map((auth) => startRegistry({ auth })));
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) {
    await Promise.all(results.map((result) => (result.status === 'fulfilled' ? result.value.stop() : undefined)));
    throw failure.reason;
  }
  return results.map((result) => (result as PromiseFulfilledResult<TestRegistry>).value) as { [K in keyof Modes]: TestRegistry };
}

async function spawnRegistry(dir: string, authConfig: string): Promise<{ host: string; child: ChildProcess }> {
  const logFile = path.join(dir, 'registry.log');
  const { port, child } = await startOnFreePort({
    name: 'docker-registry',
    outputFile: logFile,
    async command(port) {
      const config =
        `version: 0.1\nlog:\n  level: info\n  accesslog:\n    disabled: true\n` +
        `storage:\n  filesystem:\n    rootdirectory: ${path.join(dir, 'data')}\n  delete:\n    enabled: true\n` +
        `http:\n  addr: 127.0.0.1:${port}\n  secret: ${randomBytes(12).toString('hex')}\n` +
        authConfig;
      await writeFile(path.join(dir, 'config.yml'), config);
      return { command: 'docker-registry', args: ['serve', path.join(dir, 'config.yml')] };
    },
    ready: (port, exited) => waitForRegistry(`127.0.0.1:${port}`, logFile, exited),
    logTail: async () => (await readFile(logFile, 'utf8').catch(() => '')).split('\n').slice(-10).join('\n'),
    inUse: /address already in use/,
  });
  return { host: `127.0.0.1:${port}`, child };
}

/**
 * Poll until our registry says it listens and GET /v2/ answers 200 or 401 (auth on), or the
 * process died. The log line matters: another registry that grabbed the same port would answer too.
 */
async function waitForRegistry(host: string, logFile: string, exited: () => boolean): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && !exited()) {
    const log = await readFile(logFile, 'utf8').catch(() => '');
    if (!log.includes(`listening on ${host}`)) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      continue;
    }
    const status = await new Promise<number | undefined>((resolve) => {
      const req = http.get(`http://${host}/v2/`, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', () => resolve(undefined));
      req.setTimeout(500, () => req.destroy());
    });
    if (status === 200 || status === 401) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return false;
}

interface RunningTokenServer {
  info: TokenServer;
  close(): Promise<void>;
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/**
 * The token server of the Docker token spec: checks basic credentials (or an OAuth2 refresh
 * token / password grant on POST), and grants what the test policy allows: the test user gets
 * everything asked for; anonymous clients get pull on repositories under `public/` only.
 */
async function startTokenServer(dir: string, username: string, password: string): Promise<RunningTokenServer> {
  const keyFile = path.join(dir, 'token.key');
  const certFile = path.join(dir, 'token.crt');
  await runTool('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '2',
    '-subj', '/CN=customs-test-token-signer', '-keyout', keyFile, '-out', certFile,
  ]);
  const privateKey = createPrivateKey(await readFile(keyFile));
  const certificate = new X509Certificate(await readFile(certFile));
  const identityToken = `refresh-${randomBytes(12).toString('hex')}`;
  const settings: TokenServerSettings = { tokenField: 'token', expiresIn: 300, lifetimeSeconds: 300 };
  const requests: TokenRequestRecord[] = [];

  const issue = (account: string | undefined, scopes: string[]): string => {
    const now = Math.floor(Date.now() / 1000);
    const access = scopes.flatMap((scope) => {
      const [type, ...rest] = scope.split(':');
      const actions = (rest.pop() ?? '').split(',').filter(Boolean);
      const name = rest.join(':');
      if (!type || !name) return [];
      if (type === 'repository') {
        const granted = account !== undefined ? actions : name.startsWith('public/') ? actions.filter((action) => action === 'pull') : [];
        return granted.length > 0 ? [{ type, name, actions: granted }] : [];
      }
      return account !== undefined ? [{ type, name, actions }] : [];
    });
    const header = { typ: 'JWT', alg: 'RS256', x5c: [certificate.raw.toString('base64')] };
    const claims = {
      iss: TOKEN_ISSUER,
      sub: account ?? '',
      aud: TOKEN_SERVICE,
      exp: now + settings.lifetimeSeconds,
      nbf: now - 5,
      iat: now,
      jti: randomBytes(8).toString('hex'),
      access,
    };
    const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
    return `${signingInput}.${base64url(sign('sha256', Buffer.from(signingInput), privateKey))}`;
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://token');
      let account: string | undefined;
      let rejected = false;
      let scopes = url.searchParams.getAll('scope');
      let grantType: string | undefined;
      const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
      if (basic) {
        const [user, ...secret] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':');
        if (user === username && secret.join(':') === password) account = user;
        else rejected = true;
      }
      if (req.method === 'POST') {
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        grantType = form.get('grant_type') ?? undefined;
        scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
        if (grantType === 'refresh_token') {
          if (form.get('refresh_token') === identityToken) account = username;
          else rejected = true;
        } else if (grantType === 'password') {
          if (form.get('username') === username && form.get('password') === password) account = username;
          else rejected = true;
        } else {
          rejected = true;
        }
      }
      requests.push({ method: req.method ?? 'GET', account, scopes, grantType, granted: !rejected });
      if (rejected) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'invalid credentials' }] }));
        return;
      }
      const token = issue(account, scopes);
      const body: Record<string, unknown> = { [req.method === 'POST' ? 'access_token' : settings.tokenField]: token, issued_at: new Date().toISOString() };
      if (settings.expiresIn !== undefined) body.expires_in = settings.expiresIn;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    info: { url, realm: `${url}/token`, service: TOKEN_SERVICE, requests, settings, identityToken },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface SkopeoOptions {
  /** "user:pass" for the destination. */
  creds?: string | undefined;
  format?: 'oci' | 'v2s2' | undefined;
  /** Copy every image of an index, not only the one for this machine's platform. */
  all?: boolean | undefined;
}

/** `skopeo copy SRC docker://DEST` to a test registry (plain HTTP, so TLS verification off). */
export async function pushWithSkopeo(source: string, destination: string, options: SkopeoOptions = {}): Promise<void> {
  const args = ['copy', '--insecure-policy', '--quiet', '--dest-tls-verify=false'];
  if (options.creds) args.push('--dest-creds', options.creds);
  if (options.format) args.push('--format', options.format);
  if (options.all) args.push('--all');
  args.push(source, `docker://${destination}`);
  await runTool('skopeo', args);
}

/** The manifest exactly as the registry serves it (`skopeo inspect --raw`), to compute expected digests independently. */
export async function rawManifest(reference: string, creds?: string): Promise<Buffer> {
  const args = ['inspect', '--raw', '--tls-verify=false'];
  if (creds) args.push('--creds', creds);
  args.push(`docker://${reference}`);
  return (await runTool('skopeo', args)).stdout;
}

export function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export interface UmociImageOptions {
  /** Files per layer: one umoci repack each. */
  layers: Array<Record<string, string>>;
  architecture?: string | undefined;
  variant?: string | undefined;
  cmd?: string | undefined;
}

/** Build a small image with umoci into `layout` (created if needed) under `tag`; returns its manifest descriptor. */
export async function buildUmociImage(layout: string, tag: string, options: UmociImageOptions): Promise<OciDescriptor> {
  await mkdir(path.dirname(layout), { recursive: true });
  if (!(await readFile(path.join(layout, 'oci-layout')).catch(() => undefined))) await runTool('umoci', ['init', '--layout', layout]);
  const image = `${layout}:${tag}`;
  await runTool('umoci', ['new', '--image', image]);
  const bundle = await mkdtemp(path.join(os.tmpdir(), 'customs-bundle-'));
  try {
    await rm(bundle, { recursive: true, force: true });
    await runTool('umoci', ['unpack', '--image', image, bundle]);
    for (const files of options.layers) {
      for (const [name, content] of Object.entries(files)) {
        const target = path.join(bundle, 'rootfs', name);
        await mkdir(path.dirname(target), { recursive: true });
        await writeFile(target, content);
      }
      // Without --refresh-bundle the next repack would start again from the unpacked image and replace this layer.
      await runTool('umoci', ['repack', '--refresh-bundle', '--image', image, bundle]);
    }
  } finally {
    await rm(bundle, { recursive: true, force: true });
  }
  // Config last: a later repack from the bundle would drop these settings.
  const configArgs = ['config', '--image', image, '--os', 'linux', '--architecture', options.architecture ?? 'amd64'];
  if (options.cmd) configArgs.push('--config.cmd', options.cmd);
  await runTool('umoci', configArgs);
  if (options.variant) {
    await updateImageConfig(layout, tag, (config) => {
      config.variant = options.variant;
    });
  }
  return requireTag(layout, tag);
}

/** Write an OCI index naming existing tags with their platforms, and tag it. */
export async function tagIndex(layout: string, tag: string, members: Array<{ tag: string; platform: { os: string; architecture: string; variant?: string } }>): Promise<OciDescriptor> {
  const manifests: OciDescriptor[] = [];
  for (const member of members) {
    const { descriptor } = await loadImage(layout, member.tag);
    manifests.push({ mediaType: OCI_MEDIA_TYPES.manifest, digest: descriptor.digest, size: descriptor.size, platform: member.platform });
  }
  const index: OciIndex = { schemaVersion: 2, mediaType: OCI_MEDIA_TYPES.index, manifests };
  const written = await writeJsonBlob(layout, index);
  const descriptor: OciDescriptor = { mediaType: OCI_MEDIA_TYPES.index, digest: written.digest, size: written.size };
  await setTag(layout, descriptor, tag);
  return descriptor;
}

/** A non-image OCI artifact (a Helm chart's shape): a config and a layer of non-image media types. */
export async function writeArtifact(layout: string, tag: string, configMediaType: string, layerMediaType: string): Promise<OciDescriptor> {
  await initLayout(layout);
  const config = await writeBlob(layout, JSON.stringify({ name: 'chart', version: '1.0.0', apiVersion: 'v2' }));
  const layer = await writeBlob(layout, Buffer.from('not a tar, just chart bytes'));
  const manifest: OciManifest = {
    schemaVersion: 2,
    mediaType: OCI_MEDIA_TYPES.manifest,
    config: { mediaType: configMediaType, digest: config.digest, size: config.size },
    layers: [{ mediaType: layerMediaType, digest: layer.digest, size: layer.size }],
  };
  const written = await writeJsonBlob(layout, manifest);
  const descriptor: OciDescriptor = { mediaType: OCI_MEDIA_TYPES.manifest, digest: written.digest, size: written.size };
  await setTag(layout, descriptor, tag);
  return descriptor;
}
