import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CustomsError } from '../../core/errors.js';
import {
  DOCKER_HUB_CONFIG_KEY,
  cachedCredentialProvider,
  describeCredentials,
  findInDockerConfig,
  normaliseConfigKey,
  parseDockerConfig,
  parseHelperOutput,
  resolveCredentials,
  type RegistryCredentials,
} from './credentials.js';

const b64 = (text: string): string => Buffer.from(text).toString('base64');

let dir: string;
let binDir: string;
let baseEnv: NodeJS.ProcessEnv;

/**
 * A credential helper speaking the docker-credential-helpers protocol: reads the server URL on
 * stdin, logs it, and answers from a table; "credentials not found" (exit 1) otherwise.
 */
async function writeHelper(name: string, table: Record<string, { Username: string; Secret: string }>, extra = ''): Promise<void> {
  const file = path.join(binDir, `docker-credential-${name}`);
  const cases = Object.entries(table)
    .map(([url, answer]) => `  '${url}') printf '%s' '${JSON.stringify({ ServerURL: url, ...answer })}' ;;`)
    .join('\n');
  await writeFile(
    file,
    `#!/bin/sh\n${extra}\n[ "$1" = get ] || { echo "unsupported $1" >&2; exit 2; }\nread -r url\necho "$url" >> "${path.join(dir, `${name}.log`)}"\n` +
      `case "$url" in\n${cases}\n  *) echo 'credentials not found in native keychain'; exit 1 ;;\nesac\n`,
  );
  await chmod(file, 0o755);
}

async function writeConfig(name: string, config: unknown): Promise<string> {
  const configDir = path.join(dir, name);
  await mkdir(configDir, { recursive: true });
  await writeFile(path.join(configDir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  return configDir;
}

async function helperLog(name: string): Promise<string[]> {
  return (await readFile(path.join(dir, `${name}.log`), 'utf8').catch(() => '')).split('\n').filter(Boolean);
}

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'customs-credentials-'));
  binDir = path.join(dir, 'bin');
  await mkdir(binDir);
  baseEnv = { PATH: `${binDir}:${process.env.PATH ?? ''}`, HOME: path.join(dir, 'home') };
  await writeHelper('store', {
    [DOCKER_HUB_CONFIG_KEY]: { Username: 'hubuser', Secret: 'hubsecret' },
    'localhost:5000': { Username: '<token>', Secret: 'refresh-xyz' },
  });
  await writeHelper('ecr', { 'registry.example.com': { Username: 'AWS', Secret: 'ecr-password' } });
  await writeHelper('broken', {}, 'echo "keychain locked" >&2; exit 3');
  await writeHelper('garbage', {}, 'echo "not json"; exit 0');
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('docker config parsing', () => {
  it('normalises config keys, URLs and Docker Hub aliases', () => {
    assert.equal(normaliseConfigKey('https://index.docker.io/v1/'), 'docker.io');
    assert.equal(normaliseConfigKey('index.docker.io'), 'docker.io');
    assert.equal(normaliseConfigKey('registry-1.docker.io'), 'docker.io');
    assert.equal(normaliseConfigKey('docker.io'), 'docker.io');
    assert.equal(normaliseConfigKey('http://LocalHost:5000/v2/'), 'localhost:5000');
    assert.equal(normaliseConfigKey('ghcr.io'), 'ghcr.io');
  });

  it('reads auth, username/password and identitytoken entries', () => {
    const config = parseDockerConfig(
      JSON.stringify({
        auths: {
          'https://index.docker.io/v1/': { auth: b64('hub:pa:ss') },
          'ghcr.io': { username: 'gh', password: 'ghp_x' },
          'https://quay.io': { auth: b64('robot:'), identitytoken: 'idtok' },
          'empty.example.com': {},
        },
      }),
      'config.json',
    );
    assert.deepEqual(findInDockerConfig(config, 'docker.io', 'config.json'), {
      kind: 'inline',
      credentials: { username: 'hub', password: 'pa:ss', identityToken: undefined, source: 'config.json (auths["https://index.docker.io/v1/"])' },
    });
    assert.deepEqual(findInDockerConfig(config, 'ghcr.io', 'config.json'), {
      kind: 'inline',
      credentials: { username: 'gh', password: 'ghp_x', identityToken: undefined, source: 'config.json (auths["ghcr.io"])' },
    });
    assert.deepEqual(findInDockerConfig(config, 'quay.io', 'config.json'), {
      kind: 'inline',
      credentials: { username: 'robot', password: '', identityToken: 'idtok', source: 'config.json (auths["https://quay.io"])' },
    });
    assert.equal(findInDockerConfig(config, 'empty.example.com', 'config.json'), undefined);
    assert.equal(findInDockerConfig(config, 'other.example.com', 'config.json'), undefined);
  });

  it('prefers credHelpers, then a filled auths entry, then credsStore', () => {
    const config = parseDockerConfig(
      JSON.stringify({
        auths: { 'registry.example.com': { auth: b64('file:secret') }, 'inline.example.com': { auth: b64('in:line') }, 'docker.io': {} },
        credHelpers: { 'registry.example.com': 'ecr' },
        credsStore: 'store',
      }),
      'c.json',
    );
    assert.deepEqual(findInDockerConfig(config, 'registry.example.com', 'c.json'), {
      kind: 'helper',
      helper: 'ecr',
      serverUrl: 'registry.example.com',
      setting: 'credHelpers',
    });
    assert.equal(findInDockerConfig(config, 'inline.example.com', 'c.json')?.kind, 'inline');
    assert.deepEqual(findInDockerConfig(config, 'docker.io', 'c.json'), {
      kind: 'helper',
      helper: 'store',
      serverUrl: DOCKER_HUB_CONFIG_KEY,
      setting: 'credsStore',
    });
  });

  it('rejects invalid configs with the file name', () => {
    assert.throws(() => parseDockerConfig('{', '/x/config.json'), { code: 'INVALID_INPUT', message: /^\/x\/config\.json is not valid JSON/ });
    assert.throws(() => parseDockerConfig('{"auths": {"a": {"auth": 5}}}', '/x/config.json'), {
      code: 'INVALID_INPUT',
      message: '/x/config.json is not a Docker config: auths.a.auth: Expected string, received number',
    });
    const config = parseDockerConfig(JSON.stringify({ auths: { 'a.example.com': { auth: b64('no-colon') } } }), 'c.json');
    assert.throws(() => findInDockerConfig(config, 'a.example.com', 'c.json'), {
      message: 'c.json (auths["a.example.com"]): "auth" is not base64 of user:password',
    });
  });

  it('parses helper output, identity tokens included', () => {
    assert.deepEqual(parseHelperOutput('{"ServerURL":"x","Username":"u","Secret":"s"}', 'h'), { username: 'u', password: 's', source: 'h' });
    assert.deepEqual(parseHelperOutput('{"Username":"<token>","Secret":"rt"}', 'h'), { username: '', password: '', identityToken: 'rt', source: 'h' });
    assert.throws(() => parseHelperOutput('{"Username":"u"}', 'h'), { code: 'UNAUTHORIZED' });
  });
});

describe('resolveCredentials', () => {
  it('takes explicit credentials over everything else', async () => {
    const configDir = await writeConfig('explicit', { auths: { 'r.example.com': { auth: b64('file:file') } } });
    const env = { ...baseEnv, DOCKER_CONFIG: configDir, CUSTOMS_REGISTRY_USERNAME: 'env', CUSTOMS_REGISTRY_PASSWORD: 'envpass' };
    assert.deepEqual(await resolveCredentials('r.example.com', { env, explicit: { username: 'flag', password: 'flagpass' } }), {
      username: 'flag',
      password: 'flagpass',
      source: 'command line',
    });
    assert.deepEqual(await resolveCredentials('r.example.com', { env }), { username: 'env', password: 'envpass', source: 'CUSTOMS_REGISTRY_USERNAME' });
    const { CUSTOMS_REGISTRY_USERNAME: _u, CUSTOMS_REGISTRY_PASSWORD: _p, ...withoutEnv } = env;
    assert.deepEqual(await resolveCredentials('r.example.com', { env: withoutEnv }), {
      username: 'file',
      password: 'file',
      identityToken: undefined,
      source: `${path.join(configDir, 'config.json')} (auths["r.example.com"])`,
    });
  });

  it('refuses a password without a user name in the environment', async () => {
    await assert.rejects(resolveCredentials('r.example.com', { env: { ...baseEnv, CUSTOMS_REGISTRY_PASSWORD: 'x' } }), {
      code: 'INVALID_INPUT',
      message: 'CUSTOMS_REGISTRY_PASSWORD is set but CUSTOMS_REGISTRY_USERNAME is not',
    });
  });

  it('reads ~/.docker/config.json by default and an explicit path over DOCKER_CONFIG', async () => {
    await mkdir(path.join(baseEnv.HOME!, '.docker'), { recursive: true });
    await writeFile(path.join(baseEnv.HOME!, '.docker', 'config.json'), JSON.stringify({ auths: { 'h.example.com': { auth: b64('home:pw') } } }));
    assert.equal((await resolveCredentials('h.example.com', { env: baseEnv }))?.username, 'home');
    const other = await writeConfig('explicit-path', { auths: { 'h.example.com': { auth: b64('explicit:pw') } } });
    const ignored = await writeConfig('ignored', { auths: { 'h.example.com': { auth: b64('ignored:pw') } } });
    const credentials = await resolveCredentials('h.example.com', {
      env: { ...baseEnv, DOCKER_CONFIG: ignored },
      dockerConfigPath: path.join(other, 'config.json'),
    });
    assert.equal(credentials?.username, 'explicit');
  });

  it('finds nothing when there is no config file', async () => {
    assert.equal(await resolveCredentials('r.example.com', { env: { ...baseEnv, DOCKER_CONFIG: path.join(dir, 'missing') } }), undefined);
  });

  it('asks credential helpers with the server URL on stdin', async () => {
    const configDir = await writeConfig('helpers', {
      auths: { 'https://index.docker.io/v1/': {}, 'localhost:5000': {} },
      credHelpers: { 'registry.example.com': 'ecr' },
      credsStore: 'store',
    });
    const env = { ...baseEnv, DOCKER_CONFIG: configDir };
    assert.deepEqual(await resolveCredentials('docker.io', { env }), { username: 'hubuser', password: 'hubsecret', source: 'docker-credential-store' });
    assert.deepEqual(await resolveCredentials('registry.example.com', { env }), { username: 'AWS', password: 'ecr-password', source: 'docker-credential-ecr' });
    assert.deepEqual(await resolveCredentials('localhost:5000', { env }), {
      username: '',
      password: '',
      identityToken: 'refresh-xyz',
      source: 'docker-credential-store',
    });
    // Nothing stored: anonymous, not an error.
    assert.equal(await resolveCredentials('nothing.example.com', { env }), undefined);
    assert.deepEqual(await helperLog('store'), [DOCKER_HUB_CONFIG_KEY, 'localhost:5000', 'nothing.example.com']);
    assert.deepEqual(await helperLog('ecr'), ['registry.example.com']);
  });

  it('explains failing, missing and garbled helpers', async () => {
    const configDir = await writeConfig('bad-helpers', { credHelpers: { 'a.example.com': 'broken', 'b.example.com': 'absent', 'c.example.com': 'garbage' } });
    const env = { ...baseEnv, DOCKER_CONFIG: configDir };
    const file = path.join(configDir, 'config.json');
    await assert.rejects(resolveCredentials('a.example.com', { env }), {
      code: 'UNAUTHORIZED',
      message: `credential helper docker-credential-broken failed for a.example.com: keychain locked (named by credHelpers in ${file})`,
    });
    await assert.rejects(resolveCredentials('b.example.com', { env }), {
      code: 'UNAUTHORIZED',
      message: `credential helper docker-credential-absent is not installed or not on PATH (named by credHelpers in ${file})`,
    });
    await assert.rejects(resolveCredentials('c.example.com', { env }), (error: unknown) => {
      assert.ok(error instanceof CustomsError);
      assert.equal(error.message, `credential helper docker-credential-garbage printed something that is not JSON (named by credHelpers in ${file})`);
      return true;
    });
  });
});

describe('credential helpers around lookups', () => {
  it('looks credentials up once', async () => {
    let calls = 0;
    const provider = cachedCredentialProvider(async () => {
      calls++;
      return { username: 'u', password: 'p' };
    });
    await Promise.all([provider(), provider(), provider()]);
    assert.equal(calls, 1);
  });

  it('describes credentials without revealing them', () => {
    const credentials: RegistryCredentials = { username: 'u', password: 'hunter2', source: 'CUSTOMS_REGISTRY_USERNAME' };
    assert.equal(describeCredentials(credentials), 'credentials for user "u" from CUSTOMS_REGISTRY_USERNAME were sent');
    assert.equal(describeCredentials({ username: '', password: '', identityToken: 'x' }), 'an identity token was sent');
    assert.equal(describeCredentials(undefined), 'no credentials were sent');
  });
});
