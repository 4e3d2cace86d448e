/**
 * Registry authentication: parsing `WWW-Authenticate` challenges (RFC 7235), Basic auth, and the
 * Docker token protocol (distribution docs/spec/auth/token.md and oauth.md): trade credentials,
 * or nothing, for a short-lived bearer token scoped to `repository:<name>:pull`.
 */
import { z } from 'zod';
import { CustomsError } from '../../core/errors.js';
import { describeCredentials, type CredentialProvider, type RegistryCredentials } from './credentials.js';

export interface AuthChallenge {
  /** Lowercased: "bearer", "basic". */
  scheme: string;
  /** Parameter names lowercased, values unquoted. */
  params: Record<string, string>;
}

const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const TOKEN68_CHAR = /[-._~+/0-9A-Za-z]/;

/**
 * Parse a WWW-Authenticate value into its challenges. Quoted values may hold commas (scopes
 * such as "repository:a:pull,push") and escaped quotes; one header may carry several challenges.
 */
export function parseAuthenticate(header: string): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  let position = 0;
  const skip = (pattern: RegExp): void => {
    while (position < header.length && pattern.test(header[position]!)) position++;
  };
  const readToken = (): string => {
    const start = position;
    skip(TOKEN_CHAR);
    return header.slice(start, position);
  };
  const readQuoted = (): string => {
    let value = '';
    position++; // opening quote
    while (position < header.length && header[position] !== '"') {
      if (header[position] === '\\' && position + 1 < header.length) position++;
      value += header[position];
      position++;
    }
    position++; // closing quote
    return value;
  };

  while (position < header.length) {
    skip(/[\s,]/);
    const scheme = readToken();
    if (!scheme) {
      position++; // not a token: skip the stray character rather than loop forever
      continue;
    }
    const challenge: AuthChallenge = { scheme: scheme.toLowerCase(), params: {} };
    challenges.push(challenge);
    skip(/[ \t]/);

    // token68 form (`Negotiate abc==`): a run of token68 characters ended by optional "=" and then a comma or the end.
    if (/^[-._~+/0-9A-Za-z]+=*\s*(?:,|$)/.test(header.slice(position))) {
      const start = position;
      skip(TOKEN68_CHAR);
      skip(/=/);
      challenge.params.token68 = header.slice(start, position);
      continue;
    }

    for (;;) {
      skip(/[\s,]/);
      const before = position;
      const name = readToken();
      skip(/[ \t]/);
      if (!name || header[position] !== '=') {
        // Not "name=": this token is the next challenge's scheme.
        position = before;
        break;
      }
      position++;
      skip(/[ \t]/);
      challenge.params[name.toLowerCase()] = header[position] === '"' ? readQuoted() : readToken();
      skip(/[ \t]/);
      if (header[position] !== ',') break;
    }
  }
  return challenges;
}

/** The scope a pull needs (token spec "resource scope"). */
export function pullScope(repository: string): string {
  return `repository:${repository}:pull`;
}
export const CATALOG_SCOPE = 'registry:catalog:*';

export function basicAuthorization(credentials: Pick<RegistryCredentials, 'username' | 'password'>): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

export interface BearerToken {
  token: string;
  /** Local clock, milliseconds: when to stop using it (a little before the server's expiry). */
  refreshAt: number;
}

/** The token spec: absent expires_in means 60 s; tokens shorter than that break older clients. */
export const DEFAULT_TOKEN_LIFETIME_S = 60;
const MAX_TOKEN_RESPONSE = 1024 * 1024;

const TokenResponseSchema = z
  .object({
    token: z.string().optional(),
    access_token: z.string().optional(),
    expires_in: z.number().optional(),
  })
  .passthrough();

export function parseTokenResponse(body: Buffer, now: number, realm: string): BearerToken {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new CustomsError('REGISTRY_ERROR', `token server ${realm} answered with something that is not JSON`);
  }
  const parsed = TokenResponseSchema.safeParse(json);
  const token = parsed.success ? (parsed.data.token || parsed.data.access_token) : undefined;
  if (!parsed.success || !token) throw new CustomsError('REGISTRY_ERROR', `token server ${realm} answered without a token`);
  const lifetimeMs = (parsed.data.expires_in !== undefined && parsed.data.expires_in > 0 ? parsed.data.expires_in : DEFAULT_TOKEN_LIFETIME_S) * 1000;
  // Leave room for the request in flight and clock drift, but never discard a short token at once.
  return { token, refreshAt: now + Math.max(lifetimeMs - 10_000, lifetimeMs / 2) };
}

export interface TokenRequestInput {
  realm: string;
  service?: string | undefined;
  scopes: string[];
  credentials?: RegistryCredentials | undefined;
}

export interface HttpExchangeRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string | undefined;
}

export interface HttpExchangeResponse {
  status: number;
  headers: Record<string, string | undefined>;
  body: Buffer;
}

/** A small buffered HTTP call; the registry client supplies it with its retries and timeouts. */
export type HttpExchange = (request: HttpExchangeRequest) => Promise<HttpExchangeResponse>;

/** Identifies us to OAuth2 token servers, which require a client_id on POST. */
const OAUTH_CLIENT_ID = 'customs';

/**
 * The token request: with an identity token, the OAuth2 refresh_token grant (POST, form);
 * otherwise the classic GET, with basic credentials when there are any.
 */
export function buildTokenRequest(input: TokenRequestInput): HttpExchangeRequest {
  const url = new URL(input.realm);
  if (input.credentials?.identityToken) {
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: input.credentials.identityToken, client_id: OAUTH_CLIENT_ID });
    if (input.service !== undefined) form.set('service', input.service);
    if (input.scopes.length > 0) form.set('scope', input.scopes.join(' '));
    return {
      method: 'POST',
      url: url.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    };
  }
  if (input.service !== undefined) url.searchParams.set('service', input.service);
  for (const scope of input.scopes) url.searchParams.append('scope', scope);
  const headers: Record<string, string> = {};
  if (input.credentials && (input.credentials.username || input.credentials.password)) {
    url.searchParams.set('account', input.credentials.username);
    headers.authorization = basicAuthorization(input.credentials);
  }
  return { method: 'GET', url: url.toString(), headers };
}

export async function fetchToken(exchange: HttpExchange, input: TokenRequestInput, now: () => number = Date.now): Promise<BearerToken> {
  const request = buildTokenRequest(input);
  const response = await exchange(request);
  const where = `token server ${input.realm}`;
  if (response.status === 401 || response.status === 403) {
    const sent = hasSecret(input.credentials);
    throw new CustomsError(
      'UNAUTHORIZED',
      sent
        ? `${where} rejected the credentials (HTTP ${response.status}; ${describeCredentials(input.credentials)})`
        : `${where} requires credentials (HTTP ${response.status}; no credentials were sent)`,
    );
  }
  if (response.status !== 200) throw new CustomsError('REGISTRY_ERROR', `${where} answered HTTP ${response.status}`);
  if (response.body.length > MAX_TOKEN_RESPONSE) throw new CustomsError('REGISTRY_ERROR', `${where} answered with an oversized body`);
  return parseTokenResponse(response.body, now(), input.realm);
}

function hasSecret(credentials: RegistryCredentials | undefined): credentials is RegistryCredentials {
  return credentials !== undefined && Boolean(credentials.username || credentials.password || credentials.identityToken);
}

/** Bearer tokens by realm, service and scope, until shortly before they expire. */
export class TokenCache {
  private readonly tokens = new Map<string, BearerToken>();

  static key(realm: string, service: string | undefined, scopes: string[]): string {
    return JSON.stringify([realm, service ?? '', [...scopes].sort()]);
  }

  get(key: string, now: number): BearerToken | undefined {
    const token = this.tokens.get(key);
    if (token && token.refreshAt > now) return token;
    this.tokens.delete(key);
    return undefined;
  }

  set(key: string, token: BearerToken): void {
    this.tokens.set(key, token);
  }

  delete(key: string): void {
    this.tokens.delete(key);
  }
}

export interface AuthorizationAttempt {
  header: string | undefined;
  /**
   * True when the header was just obtained for exactly this request: a 401 then means the
   * answer is final, and asking again would only repeat it.
   */
  fresh: boolean;
}

type KnownScheme = { kind: 'basic' } | { kind: 'bearer'; realm: string; service: string | undefined };

export interface AuthenticatorOptions {
  credentials: CredentialProvider;
  exchange: HttpExchange;
  now?: () => number;
}

/**
 * Authorization for one registry. It learns the scheme from the first challenge and then
 * authorizes later requests up front, so each new scope costs one token request, not a 401.
 */
export class RegistryAuthenticator {
  private scheme: KnownScheme | undefined;
  private readonly tokens = new TokenCache();
  private readonly pending = new Map<string, Promise<string>>();
  private readonly now: () => number;
  /** Credentials behind the last Authorization produced, for messages. */
  lastCredentials: RegistryCredentials | undefined;
  /** How many token requests were made (for tests and diagnostics). */
  tokenRequests = 0;

  constructor(private readonly options: AuthenticatorOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The Authorization header to send with a request needing `scope`, when the scheme is known. */
  async authorize(scope: string | undefined): Promise<AuthorizationAttempt> {
    const scheme = this.scheme;
    if (!scheme) return { header: undefined, fresh: false };
    if (scheme.kind === 'basic') return { header: await this.basicHeader(), fresh: true };
    const scopes = scope ? [scope] : [];
    const key = TokenCache.key(scheme.realm, scheme.service, scopes);
    const cached = this.tokens.get(key, this.now());
    if (cached) return { header: `Bearer ${cached.token}`, fresh: false };
    return { header: await this.newToken(scheme.realm, scheme.service, scopes, key), fresh: true };
  }

  /**
   * Answer a 401: the header to retry with, or undefined when retrying cannot help (no
   * credentials for Basic, or the same scope was just granted and still refused).
   */
  async answerChallenge(header: string | undefined, scope: string | undefined, previous: AuthorizationAttempt): Promise<string | undefined> {
    const challenges = parseAuthenticate(header ?? '');
    const bearer = challenges.find((challenge) => challenge.scheme === 'bearer' && challenge.params.realm);
    if (bearer) {
      const realm = bearer.params.realm!;
      const service = bearer.params.service;
      // The challenge's scope is what this request needs; it may name more than we guessed.
      const scopes = bearer.params.scope ? bearer.params.scope.split(' ').filter(Boolean) : scope ? [scope] : [];
      const key = TokenCache.key(realm, service, scopes);
      const sameScheme = this.scheme?.kind === 'bearer' && this.scheme.realm === realm && this.scheme.service === service;
      if (previous.fresh && sameScheme && previous.header !== undefined && scopes.length <= 1 && (scopes[0] ?? '') === (scope ?? '')) {
        return undefined;
      }
      this.scheme = { kind: 'bearer', realm, service };
      this.tokens.delete(key);
      return this.newToken(realm, service, scopes, key);
    }
    if (challenges.some((challenge) => challenge.scheme === 'basic')) {
      this.scheme = { kind: 'basic' };
      if (previous.header?.startsWith('Basic ')) return undefined;
      return this.basicHeader();
    }
    return undefined;
  }

  private async basicHeader(): Promise<string | undefined> {
    const credentials = await this.options.credentials();
    // Basic auth has no use for an identity token: that is only for token servers.
    if (!credentials || (!credentials.username && !credentials.password)) {
      this.lastCredentials = undefined;
      return undefined;
    }
    this.lastCredentials = credentials;
    return basicAuthorization(credentials);
  }

  /** Layers download in parallel: requests needing the same token share one token request. */
  private newToken(realm: string, service: string | undefined, scopes: string[], key: string): Promise<string> {
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;
    const request = (async () => {
      const credentials = await this.options.credentials();
      this.lastCredentials = hasSecret(credentials) ? credentials : undefined;
      this.tokenRequests++;
      const token = await fetchToken(this.options.exchange, { realm, service, scopes, credentials: this.lastCredentials }, this.now);
      this.tokens.set(key, token);
      return `Bearer ${token.token}`;
    })().finally(() => this.pending.delete(key));
    this.pending.set(key, request);
    return request;
  }
}
