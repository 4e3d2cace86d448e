import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startRegistry, type TestRegistry } from '../../../test/support/registry.js';
import {
  RegistryAuthenticator,
  TokenCache,
  basicAuthorization,
  buildTokenRequest,
  fetchToken,
  parseAuthenticate,
  parseTokenResponse,
  pullScope,
  type HttpExchange,
  type HttpExchangeRequest,
} from './auth.js';

describe('parseAuthenticate', () => {
  it('reads a Docker Hub bearer challenge', () => {
    assert.deepEqual(
      parseAuthenticate('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"'),
      [{ scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/alpine:pull' } }],
    );
  });

  it('keeps commas inside quoted values and unescapes quotes', () => {
    assert.deepEqual(parseAuthenticate('bearer Realm="https://a/token", scope="repository:x:pull,push" , error="insufficient_scope", note="say \\"hi\\""'), [
      { scheme: 'bearer', params: { realm: 'https://a/token', scope: 'repository:x:pull,push', error: 'insufficient_scope', note: 'say "hi"' } },
    ]);
  });

  it('reads basic challenges and several challenges in one header', () => {
    assert.deepEqual(parseAuthenticate('Basic realm="Registry Realm"'), [{ scheme: 'basic', params: { realm: 'Registry Realm' } }]);
    assert.deepEqual(parseAuthenticate('Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple"'), [
      { scheme: 'newauth', params: { realm: 'apps', type: '1', title: 'Login to "apps"' } },
      { scheme: 'basic', params: { realm: 'simple' } },
    ]);
    assert.deepEqual(parseAuthenticate('Negotiate abc123==, Basic'), [
      { scheme: 'negotiate', params: { token68: 'abc123==' } },
      { scheme: 'basic', params: {} },
    ]);
  });

  it('survives garbage', () => {
    assert.deepEqual(parseAuthenticate(''), []);
    assert.deepEqual(parseAuthenticate('Bearer realm="unterminated'), [{ scheme: 'bearer', params: { realm: 'unterminated' } }]);
    assert.deepEqual(parseAuthenticate('=== , Basic'), [{ scheme: 'basic', params: {} }]);
  });
});

describe('token requests', () => {
  it('asks with GET, basic credentials and every scope', () => {
    const request = buildTokenRequest({
      realm: 'https://auth.example.com/token?x=1',
      service: 'reg',
      scopes: ['repository:a:pull', 'repository:b:pull'],
      credentials: { username: 'u', password: 'p' },
    });
    assert.deepEqual(request, {
      method: 'GET',
      url: 'https://auth.example.com/token?x=1&service=reg&scope=repository%3Aa%3Apull&scope=repository%3Ab%3Apull&account=u',
      headers: { authorization: basicAuthorization({ username: 'u', password: 'p' }) },
    });
  });

  it('asks anonymously without an Authorization header', () => {
    assert.deepEqual(buildTokenRequest({ realm: 'https://a/t', service: undefined, scopes: [pullScope('x')] }), {
      method: 'GET',
      url: 'https://a/t?scope=repository%3Ax%3Apull',
      headers: {},
    });
  });

  it('trades an identity token with the OAuth2 refresh_token grant', () => {
    const request = buildTokenRequest({ realm: 'https://a/t', service: 's', scopes: ['repository:x:pull'], credentials: { username: '', password: '', identityToken: 'rt' } });
    assert.equal(request.method, 'POST');
    assert.equal(request.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.deepEqual(Object.fromEntries(new URLSearchParams(request.body)), {
      grant_type: 'refresh_token',
      refresh_token: 'rt',
      client_id: 'customs',
      service: 's',
      scope: 'repository:x:pull',
    });
  });

  it('reads token or access_token, with a 60 s default lifetime', () => {
    assert.deepEqual(parseTokenResponse(Buffer.from('{"token":"t1","expires_in":300}'), 1000, 'r'), { token: 't1', refreshAt: 1000 + 290_000 });
    assert.deepEqual(parseTokenResponse(Buffer.from('{"access_token":"t2"}'), 0, 'r'), { token: 't2', refreshAt: 50_000 });
    // Shorter than the safety margin: used for half its life rather than never.
    assert.deepEqual(parseTokenResponse(Buffer.from('{"token":"t3","expires_in":4}'), 0, 'r'), { token: 't3', refreshAt: 2000 });
    assert.throws(() => parseTokenResponse(Buffer.from('{"expires_in":4}'), 0, 'https://a/t'), { code: 'REGISTRY_ERROR', message: 'token server https://a/t answered without a token' });
    assert.throws(() => parseTokenResponse(Buffer.from('<html>'), 0, 'https://a/t'), { code: 'REGISTRY_ERROR' });
  });

  it('caches by realm, service and scope until shortly before expiry', () => {
    const cache = new TokenCache();
    const key = TokenCache.key('r', 's', ['b', 'a']);
    assert.equal(key, TokenCache.key('r', 's', ['a', 'b']));
    assert.notEqual(key, TokenCache.key('r', 'other', ['a', 'b']));
    cache.set(key, { token: 't', refreshAt: 100 });
    assert.equal(cache.get(key, 99)?.token, 't');
    assert.equal(cache.get(key, 100), undefined);
  });
});

/** A token endpoint in memory: counts requests, answers with numbered tokens. */
function fakeExchange(status = 200): { exchange: HttpExchange; requests: HttpExchangeRequest[] } {
  const requests: HttpExchangeRequest[] = [];
  return {
    requests,
    exchange: async (request) => {
      requests.push(request);
      return { status, headers: {}, body: Buffer.from(JSON.stringify({ token: `tok${requests.length}`, expires_in: 120 })) };
    },
  };
}

describe('RegistryAuthenticator', () => {
  const challenge = 'Bearer realm="https://auth/token",service="reg",scope="repository:app:pull"';

  it('answers a bearer challenge once, then authorizes up front from the cache', async () => {
    let now = 0;
    const { exchange, requests } = fakeExchange();
    const auth = new RegistryAuthenticator({ credentials: async () => undefined, exchange, now: () => now });
    const first = await auth.authorize(pullScope('app'));
    assert.deepEqual(first, { header: undefined, fresh: false });
    assert.equal(await auth.answerChallenge(challenge, pullScope('app'), first), 'Bearer tok1');
    assert.deepEqual(await auth.authorize(pullScope('app')), { header: 'Bearer tok1', fresh: false });
    // Another repository: a new token, fetched before the request.
    assert.deepEqual(await auth.authorize(pullScope('other')), { header: 'Bearer tok2', fresh: true });
    // Expired: fetched again.
    now = 200_000;
    assert.deepEqual(await auth.authorize(pullScope('app')), { header: 'Bearer tok3', fresh: true });
    assert.equal(requests.length, 3);
    assert.equal(auth.tokenRequests, 3);
  });

  it('shares one token request between parallel requests', async () => {
    const { exchange, requests } = fakeExchange();
    const auth = new RegistryAuthenticator({ credentials: async () => undefined, exchange });
    await auth.answerChallenge(challenge, pullScope('app'), { header: undefined, fresh: false });
    const headers = await Promise.all([1, 2, 3].map(() => auth.authorize(pullScope('layers'))));
    assert.deepEqual(new Set(headers.map((attempt) => attempt.header)), new Set(['Bearer tok2']));
    assert.equal(requests.length, 2);
  });

  it('does not ask again when a token fetched for this very request was refused', async () => {
    const { exchange, requests } = fakeExchange();
    const auth = new RegistryAuthenticator({ credentials: async () => undefined, exchange });
    await auth.answerChallenge(challenge, pullScope('app'), { header: undefined, fresh: false });
    const attempt = await auth.authorize(pullScope('other'));
    assert.equal(attempt.fresh, true);
    const refused = 'Bearer realm="https://auth/token",service="reg",scope="repository:other:pull",error="insufficient_scope"';
    assert.equal(await auth.answerChallenge(refused, pullScope('other'), attempt), undefined);
    // A cached token refused (revoked early): one fresh try.
    const cached = await auth.authorize(pullScope('app'));
    assert.equal(await auth.answerChallenge(challenge, pullScope('app'), cached), 'Bearer tok3');
    assert.equal(requests.length, 3);
  });

  it('uses basic credentials only when there are some, and only once', async () => {
    const { exchange } = fakeExchange();
    const anonymous = new RegistryAuthenticator({ credentials: async () => undefined, exchange });
    assert.equal(await anonymous.answerChallenge('Basic realm="r"', undefined, { header: undefined, fresh: false }), undefined);
    const withCredentials = new RegistryAuthenticator({ credentials: async () => ({ username: 'u', password: 'p' }), exchange });
    const header = await withCredentials.answerChallenge('Basic realm="r"', undefined, { header: undefined, fresh: false });
    assert.equal(header, 'Basic dTpw');
    assert.deepEqual(await withCredentials.authorize(pullScope('x')), { header: 'Basic dTpw', fresh: true });
    assert.equal(await withCredentials.answerChallenge('Basic realm="r"', undefined, { header, fresh: true }), undefined);
  });

  it('reports a token server refusing credentials', async () => {
    const { exchange } = fakeExchange(401);
    const auth = new RegistryAuthenticator({ credentials: async () => ({ username: 'u', password: 'bad', source: 'command line' }), exchange });
    await assert.rejects(auth.answerChallenge(challenge, pullScope('app'), { header: undefined, fresh: false }), {
      code: 'UNAUTHORIZED',
      message: 'token server https://auth/token rejected the credentials (HTTP 401; credentials for user "u" from command line were sent)',
    });
  });
});

describe('fetchToken against a real token server', () => {
  let registry: TestRegistry;
  const exchange: HttpExchange = async (request) => {
    const response = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body });
    return { status: response.status, headers: Object.fromEntries(response.headers), body: Buffer.from(await response.arrayBuffer()) };
  };
  const claims = (token: string): { sub: string; aud: string; access: unknown[] } =>
    JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { sub: string; aud: string; access: unknown[] };

  before(async () => {
    registry = await startRegistry({ auth: 'token' });
  });
  after(async () => {
    await registry.stop();
  });

  it('gets tokens with a password, an identity token, and anonymously', async () => {
    const server = registry.tokenServer!;
    const input = { realm: server.realm, service: server.service, scopes: [pullScope('app')] };
    const withPassword = await fetchToken(exchange, { ...input, credentials: { username: registry.username!, password: registry.password! } });
    assert.deepEqual(claims(withPassword.token), {
      ...claims(withPassword.token),
      sub: 'customs',
      aud: server.service,
      access: [{ type: 'repository', name: 'app', actions: ['pull'] }],
    });
    const withIdentity = await fetchToken(exchange, { ...input, credentials: { username: '', password: '', identityToken: server.identityToken } });
    assert.equal(claims(withIdentity.token).sub, 'customs');
    const anonymous = await fetchToken(exchange, { ...input, scopes: [pullScope('public/app')] });
    assert.deepEqual(claims(anonymous.token).access, [{ type: 'repository', name: 'public/app', actions: ['pull'] }]);
    await assert.rejects(fetchToken(exchange, { ...input, credentials: { username: 'customs', password: 'wrong' } }), {
      code: 'UNAUTHORIZED',
      message: `token server ${server.realm} rejected the credentials (HTTP 401; credentials for user "customs" were sent)`,
    });
    assert.deepEqual(
      server.requests.map((request) => [request.method, request.grantType ?? '', request.account ?? '', request.granted]),
      [
        ['GET', '', 'customs', true],
        ['POST', 'refresh_token', 'customs', true],
        ['GET', '', '', true],
        ['GET', '', '', false],
      ],
    );
  });
});
