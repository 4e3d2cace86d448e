/**
 * Registry credentials, looked up the way the Docker CLI does, so `docker login` is all a user
 * needs: command-line flags, then CUSTOMS_REGISTRY_USERNAME/PASSWORD, then ~/.docker/config.json
 * (inline `auths` entries, `credHelpers`, `credsStore`, run through docker-credential-* helpers).
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { CustomsError } from '../../core/errors.js';
import { DOCKER_HUB_REGISTRY } from './reference.js';

export interface RegistryCredentials {
  username: string;
  password: string;
  /**
   * An OAuth2 refresh token that `docker login` stored instead of a password (registries that
   * issue one); it is exchanged at the token endpoint rather than sent as basic auth.
   */
  identityToken?: string | undefined;
  /** Where they came from, for messages; never the secret itself. */
  source?: string | undefined;
}

/** Called when a registry first asks for credentials, so anonymous pulls never run a helper. */
export type CredentialProvider = () => Promise<RegistryCredentials | undefined>;

export const USERNAME_ENV = 'CUSTOMS_REGISTRY_USERNAME';
export const PASSWORD_ENV = 'CUSTOMS_REGISTRY_PASSWORD';
/** The key Docker has always used for Docker Hub in config.json and with credential helpers. */
export const DOCKER_HUB_CONFIG_KEY = 'https://index.docker.io/v1/';
/** What credential helpers print when they hold nothing for a server (docker-credential-helpers). */
const HELPER_NOT_FOUND = /credentials not found/i;
const HELPER_NAME = /^[A-Za-z0-9][\w.-]*$/;
/** What a helper stores for an identity token instead of a user name. */
const TOKEN_USERNAME = '<token>';
const DEFAULT_HELPER_TIMEOUT_MS = 15_000;

const AuthEntrySchema = z
  .object({
    auth: z.string().optional(),
    username: z.string().optional(),
    password: z.string().optional(),
    identitytoken: z.string().optional(),
  })
  .passthrough();

const DockerConfigSchema = z
  .object({
    auths: z.record(z.string(), AuthEntrySchema).nullish(),
    credHelpers: z.record(z.string(), z.string()).nullish(),
    credsStore: z.string().nullish(),
  })
  .passthrough();
export type DockerConfig = z.infer<typeof DockerConfigSchema>;

const HelperOutputSchema = z.object({
  ServerURL: z.string().optional(),
  Username: z.string(),
  Secret: z.string(),
});

export function parseDockerConfig(text: string, file: string): DockerConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CustomsError('INVALID_INPUT', `${file} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = DockerConfigSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new CustomsError('INVALID_INPUT', `${file} is not a Docker config: ${first ? `${first.path.join('.')}: ${first.message}` : 'invalid'}`);
  }
  return parsed.data;
}

/**
 * A config.json key as a registry name: keys may be URLs (`https://index.docker.io/v1/`,
 * `http://localhost:5000`) or bare hosts, and Docker Hub goes by several names.
 */
export function normaliseConfigKey(key: string): string {
  const withoutScheme = key.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const host = withoutScheme.split('/')[0]?.toLowerCase() ?? '';
  return ['index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com', 'docker.io'].includes(host) ? DOCKER_HUB_REGISTRY : host;
}

/** What config.json says about a registry: credentials written into it, or a helper to ask. */
export type DockerConfigMatch =
  | { kind: 'inline'; credentials: RegistryCredentials }
  | { kind: 'helper'; helper: string; serverUrl: string; setting: 'credHelpers' | 'credsStore' };

/**
 * Look a registry up in a parsed config. A per-registry `credHelpers` entry comes first, then an
 * `auths` entry that actually holds a secret, then the global `credsStore` (Docker leaves empty
 * `auths` entries behind when a store holds the secret).
 */
export function findInDockerConfig(config: DockerConfig, registry: string, file: string): DockerConfigMatch | undefined {
  const wanted = normaliseConfigKey(registry);
  const matchingKeys = (keys: string[]): string[] =>
    keys.filter((key) => key === registry).concat(keys.filter((key) => key !== registry && normaliseConfigKey(key) === wanted));
  const defaultServerUrl = wanted === DOCKER_HUB_REGISTRY ? DOCKER_HUB_CONFIG_KEY : registry;

  const helperKey = matchingKeys(Object.keys(config.credHelpers ?? {}))[0];
  if (helperKey !== undefined) {
    return { kind: 'helper', helper: config.credHelpers![helperKey]!, serverUrl: helperServerUrl(helperKey, wanted), setting: 'credHelpers' };
  }

  const authKeys = matchingKeys(Object.keys(config.auths ?? {}));
  for (const key of authKeys) {
    const credentials = inlineCredentials(config.auths![key]!, `${file} (auths["${key}"])`);
    if (credentials) return { kind: 'inline', credentials };
  }

  if (config.credsStore) {
    const storedUnder = authKeys[0];
    return {
      kind: 'helper',
      helper: config.credsStore,
      serverUrl: storedUnder !== undefined ? helperServerUrl(storedUnder, wanted) : defaultServerUrl,
      setting: 'credsStore',
    };
  }
  return undefined;
}

/** Docker stores Docker Hub secrets in helpers under the old index URL, whatever alias the config uses. */
function helperServerUrl(key: string, normalised: string): string {
  return normalised === DOCKER_HUB_REGISTRY ? DOCKER_HUB_CONFIG_KEY : key;
}

function inlineCredentials(entry: z.infer<typeof AuthEntrySchema>, source: string): RegistryCredentials | undefined {
  let username = entry.username ?? '';
  let password = entry.password ?? '';
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new CustomsError('INVALID_INPUT', `${source}: "auth" is not base64 of user:password`);
    username = decoded.slice(0, colon);
    password = decoded.slice(colon + 1);
  }
  const identityToken = entry.identitytoken || undefined;
  if (!username && !password && !identityToken) return undefined;
  return { username, password, identityToken, source };
}

/** Parse what `docker-credential-<name> get` prints; a `<token>` user name marks an identity token. */
export function parseHelperOutput(stdout: string, helper: string): RegistryCredentials {
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    throw new CustomsError('UNAUTHORIZED', `credential helper ${helper} printed something that is not JSON`);
  }
  const parsed = HelperOutputSchema.safeParse(json);
  if (!parsed.success) throw new CustomsError('UNAUTHORIZED', `credential helper ${helper} printed JSON without Username and Secret`);
  const { Username, Secret } = parsed.data;
  if (Username === TOKEN_USERNAME) return { username: '', password: '', identityToken: Secret, source: helper };
  return { username: Username, password: Secret, source: helper };
}

export interface HelperOptions {
  timeoutMs?: number | undefined;
  env?: NodeJS.ProcessEnv | undefined;
}

/** Run `docker-credential-<name> get` with the server URL on stdin; undefined when it holds nothing for it. */
export function runCredentialHelper(name: string, serverUrl: string, options: HelperOptions = {}): Promise<RegistryCredentials | undefined> {
  const program = `docker-credential-${name}`;
  if (!HELPER_NAME.test(name)) return Promise.reject(new CustomsError('INVALID_INPUT', `invalid credential helper name "${name}"`));
  return new Promise((resolve, reject) => {
    const child = spawn(program, ['get'], { stdio: ['pipe', 'pipe', 'pipe'], env: options.env ?? process.env });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new CustomsError('TIMEOUT', `credential helper ${program} did not answer within ${(options.timeoutMs ?? DEFAULT_HELPER_TIMEOUT_MS) / 1000} s`));
    }, options.timeoutMs ?? DEFAULT_HELPER_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    // A helper that exits without reading stdin makes the write fail with EPIPE; its exit status tells the story.
    child.stdin.on('error', () => {});
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        new CustomsError(
          'UNAUTHORIZED',
          error.code === 'ENOENT' ? `credential helper ${program} is not installed or not on PATH` : `cannot run credential helper ${program}: ${error.message}`,
        ),
      );
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const out = Buffer.concat(stdout).toString('utf8').trim();
      const err = Buffer.concat(stderr).toString('utf8').trim();
      if (code === 0) {
        try {
          resolve({ ...parseHelperOutput(out, program), source: program });
        } catch (error) {
          reject(error);
        }
        return;
      }
      if (HELPER_NOT_FOUND.test(out) || HELPER_NOT_FOUND.test(err)) {
        resolve(undefined);
        return;
      }
      const reason = (err || out).split('\n').slice(-3).join(' ') || `exit status ${code}`;
      reject(new CustomsError('UNAUTHORIZED', `credential helper ${program} failed for ${serverUrl}: ${reason}`));
    });
    child.stdin.end(serverUrl);
  });
}

export interface CredentialLookupOptions {
  /** From command-line flags: always wins. */
  explicit?: RegistryCredentials | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  /** A config.json to read instead of $DOCKER_CONFIG/config.json or ~/.docker/config.json. */
  dockerConfigPath?: string | undefined;
  helperTimeoutMs?: number | undefined;
}

/** Where the Docker CLI would read its config: $DOCKER_CONFIG is a directory, not a file. */
export function dockerConfigLocation(env: NodeJS.ProcessEnv, explicit?: string): string {
  if (explicit) return explicit;
  if (env.DOCKER_CONFIG) return path.join(env.DOCKER_CONFIG, 'config.json');
  return path.join(env.HOME || os.homedir(), '.docker', 'config.json');
}

export async function resolveCredentials(registry: string, options: CredentialLookupOptions = {}): Promise<RegistryCredentials | undefined> {
  if (options.explicit) return { source: 'command line', ...options.explicit };
  const env = options.env ?? process.env;

  const username = env[USERNAME_ENV];
  const password = env[PASSWORD_ENV];
  if (username) return { username, password: password ?? '', source: USERNAME_ENV };
  if (password) throw new CustomsError('INVALID_INPUT', `${PASSWORD_ENV} is set but ${USERNAME_ENV} is not`);

  const file = dockerConfigLocation(env, options.dockerConfigPath);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CustomsError('INVALID_INPUT', `cannot read ${file}: ${(error as Error).message}`);
  }
  const match = findInDockerConfig(parseDockerConfig(text, file), registry, file);
  if (!match) return undefined;
  if (match.kind === 'inline') return match.credentials;
  try {
    return await runCredentialHelper(match.helper, match.serverUrl, { timeoutMs: options.helperTimeoutMs, env });
  } catch (error) {
    if (error instanceof CustomsError) {
      throw new CustomsError(error.code, `${error.detail} (named by ${match.setting} in ${file})`, error.context, { cause: error });
    }
    throw error;
  }
}

/** Memoise a lookup: helpers may prompt or be slow, and one scan asks many times. */
export function cachedCredentialProvider(lookup: CredentialProvider): CredentialProvider {
  let pending: Promise<RegistryCredentials | undefined> | undefined;
  return () => {
    pending ??= lookup();
    return pending;
  };
}

/** For messages: who was sent, never what. */
export function describeCredentials(credentials: RegistryCredentials | undefined): string {
  if (!credentials) return 'no credentials were sent';
  const from = credentials.source ? ` from ${credentials.source}` : '';
  if (credentials.identityToken) return `an identity token${from} was sent`;
  return `credentials for user "${credentials.username}"${from} were sent`;
}
