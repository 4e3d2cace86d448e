import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CustomsError } from '../../core/errors.js';
import { formatReference, isLoopbackRegistry, manifestReference, parseReference, registryApiHost } from './reference.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

function rejects(text: string, detail: RegExp): void {
  assert.throws(
    () => parseReference(text),
    (error: unknown) => error instanceof CustomsError && error.code === 'INVALID_REFERENCE' && detail.test(error.message),
    text,
  );
}

describe('parseReference', () => {
  const cases: Array<[string, { registry: string; repository: string; tag?: string; digest?: string }, string]> = [
    ['alpine', { registry: 'docker.io', repository: 'library/alpine', tag: 'latest' }, 'docker.io/library/alpine:latest'],
    ['alpine:3.19', { registry: 'docker.io', repository: 'library/alpine', tag: '3.19' }, 'docker.io/library/alpine:3.19'],
    ['user/app', { registry: 'docker.io', repository: 'user/app', tag: 'latest' }, 'docker.io/user/app:latest'],
    ['docker.io/alpine', { registry: 'docker.io', repository: 'library/alpine', tag: 'latest' }, 'docker.io/library/alpine:latest'],
    ['index.docker.io/library/alpine:edge', { registry: 'docker.io', repository: 'library/alpine', tag: 'edge' }, 'docker.io/library/alpine:edge'],
    ['registry-1.docker.io/user/app:1', { registry: 'docker.io', repository: 'user/app', tag: '1' }, 'docker.io/user/app:1'],
    ['localhost/app', { registry: 'localhost', repository: 'app', tag: 'latest' }, 'localhost/app:latest'],
    ['localhost:5000/x', { registry: 'localhost:5000', repository: 'x', tag: 'latest' }, 'localhost:5000/x:latest'],
    ['127.0.0.1:5000/team/app:v1.2-rc_3', { registry: '127.0.0.1:5000', repository: 'team/app', tag: 'v1.2-rc_3' }, '127.0.0.1:5000/team/app:v1.2-rc_3'],
    ['ghcr.io/org/sub/image@' + DIGEST, { registry: 'ghcr.io', repository: 'org/sub/image', digest: DIGEST }, `ghcr.io/org/sub/image@${DIGEST}`],
    [`quay.io/a/b:1.0@${DIGEST}`, { registry: 'quay.io', repository: 'a/b', tag: '1.0', digest: DIGEST }, `quay.io/a/b:1.0@${DIGEST}`],
    ['[::1]:5000/app:1', { registry: '[::1]:5000', repository: 'app', tag: '1' }, '[::1]:5000/app:1'],
    ['Registry.Example.com/app', { registry: 'Registry.Example.com', repository: 'app', tag: 'latest' }, 'Registry.Example.com/app:latest'],
    ['example.com/a__b/c-d/e.f--g', { registry: 'example.com', repository: 'a__b/c-d/e.f--g', tag: 'latest' }, 'example.com/a__b/c-d/e.f--g:latest'],
  ];
  for (const [text, expected, formatted] of cases) {
    it(`parses ${text}`, () => {
      const reference = parseReference(text);
      assert.deepEqual(reference, { tag: undefined, digest: undefined, ...expected });
      assert.equal(formatReference(reference), formatted);
    });
  }

  it('asks the registry for the digest when both tag and digest are given', () => {
    assert.equal(manifestReference(parseReference(`app:1@${DIGEST}`)), DIGEST);
    assert.equal(manifestReference(parseReference('app:1')), '1');
  });

  it('rejects what the distribution grammar does not allow', () => {
    rejects('', /empty/);
    rejects('Alpine', /repository name must be lowercase \("library\/Alpine"\)/);
    rejects('example.com/Team/app', /repository name must be lowercase/);
    rejects('alpine:', /"" is not a valid tag/);
    rejects('alpine:-x', /"-x" is not a valid tag/);
    rejects(`alpine:${'a'.repeat(129)}`, /is not a valid tag/);
    rejects('alpine@sha256:abc', /"sha256:abc" is not a valid digest/);
    rejects(`alpine@md5:${'a'.repeat(32)}`, /is not a valid digest/);
    rejects('example.com/a//b', /empty path component/);
    rejects('example.com/-app', /"-app" is not a valid repository path component/);
    rejects('example.com/app_', /"app_" is not a valid repository path component/);
    rejects('example.com/a...b', /not a valid repository path component/);
    rejects('exa_mple.com/app', /"exa_mple.com" is not a valid registry host/);
    rejects('example.com:99999/app', /"99999" is not a valid port/);
    rejects('example.com:port/app', /"port" is not a valid port/);
    rejects('alpine latest', /contains whitespace/);
    rejects(`example.com/${'a'.repeat(250)}`, /name longer than 255 characters/);
    rejects(':tag', /no repository name/);
  });

  it('names the reference in the message', () => {
    assert.throws(() => parseReference('Alpine'), { message: 'invalid image reference "Alpine": repository name must be lowercase ("library/Alpine")' });
  });
});

describe('registry hosts', () => {
  it('sends Docker Hub API calls to registry-1.docker.io', () => {
    assert.equal(registryApiHost('docker.io'), 'registry-1.docker.io');
    assert.equal(registryApiHost('127.0.0.1:5000'), '127.0.0.1:5000');
  });

  it('knows loopback registries', () => {
    assert.equal(isLoopbackRegistry('127.0.0.1:5000'), true);
    assert.equal(isLoopbackRegistry('localhost'), true);
    assert.equal(isLoopbackRegistry('[::1]:5000'), true);
    assert.equal(isLoopbackRegistry('registry.example.com'), false);
  });
});
