import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { goModAnalyzer, isGoMod, parseGoMod } from './go-mod.js';

const testdata = (name: string): string => readFileSync(new URL(`testdata/go-mod/${name}`, import.meta.url), 'utf8');

describe('go.mod', () => {
  it('wants go.mod files outside vendor folders and the module cache', () => {
    for (const path of ['go.mod', 'src/app/go.mod', 'usr/local/go/src/go.mod']) assert.equal(isGoMod(path), true, path);
    for (const path of ['app/vendor/github.com/x/y/go.mod', 'vendor/go.mod', 'root/go/pkg/mod/github.com/x/y@v1.0.0/go.mod', 'app/go.mod.bak', 'app/go.sum', 'app/xgo.mod']) {
      assert.equal(isGoMod(path), false, path);
    }
  });

  it('reads require blocks, marks indirect requirements and applies versioned, wildcard and directory replacements', () => {
    assert.deepEqual(parseGoMod(testdata('service.go.mod')), [
      { ecosystem: 'golang', name: 'github.com/go-chi/chi/v5', version: 'v5.0.10' },
      { ecosystem: 'golang', name: 'github.com/jackc/pgx/v5', version: 'v5.5.1', properties: { replacedBy: '../forks/pgx' } },
      { ecosystem: 'golang', name: 'github.com/prometheus/client_golang', version: 'v1.17.0' },
      { ecosystem: 'golang', name: 'golang.org/x/sync', version: 'v0.5.0' },
      { ecosystem: 'golang', name: 'github.com/acme/grpc-go', version: 'v1.59.0-acme.1', properties: { replaces: 'google.golang.org/grpc@v1.59.0' } },
      { ecosystem: 'golang', name: 'github.com/beorn7/perks', version: 'v1.0.1', properties: { indirect: 'true' } },
      { ecosystem: 'golang', name: 'github.com/cespare/xxhash/v2', version: 'v2.2.0', properties: { indirect: 'true' } },
      { ecosystem: 'golang', name: 'github.com/jackc/pgpassfile', version: 'v1.0.0', properties: { indirect: 'true' } },
      { ecosystem: 'golang', name: 'github.com/jackc/pgservicefile', version: 'v0.0.0-20221227161230-091c0ba34f0a', properties: { indirect: 'true' } },
      { ecosystem: 'golang', name: 'golang.org/x/crypto', version: 'v0.14.0', properties: { indirect: 'true' } },
      { ecosystem: 'golang', name: 'golang.org/x/net', version: 'v0.19.0', properties: { replaces: 'golang.org/x/net@v0.17.0', indirect: 'true' } },
      { ecosystem: 'golang', name: 'google.golang.org/protobuf', version: 'v1.31.0', properties: { indirect: 'true' } },
    ]);
  });

  it('reads single-line requirements and quoted paths, and ignores replacements of other versions', () => {
    assert.deepEqual(parseGoMod(testdata('legacy.go.mod')), [
      { ecosystem: 'golang', name: 'github.com/sirupsen/logrus', version: 'v1.4.1', properties: { replaces: 'github.com/sirupsen/logrus@v1.4.2' } },
      { ecosystem: 'golang', name: 'github.com/stretchr/testify', version: 'v1.3.0', properties: { indirect: 'true' } },
      { ecosystem: 'golang', name: 'gopkg.in/yaml.v2', version: 'v2.2.2' },
      { ecosystem: 'golang', name: 'github.com/pkg/errors', version: 'v0.8.1' },
    ]);
  });

  it('prefers a replacement of the exact version over one of every version', () => {
    const text = 'module m\n\nrequire a.example/x v1.0.0\n\nreplace a.example/x => b.example/x v2.0.0\nreplace a.example/x v1.0.0 => c.example/x v3.0.0\n';
    assert.deepEqual(parseGoMod(text), [{ ecosystem: 'golang', name: 'c.example/x', version: 'v3.0.0', properties: { replaces: 'a.example/x@v1.0.0' } }]);
  });

  it('returns nothing for a module without requirements', () => {
    assert.deepEqual(parseGoMod('module example.com/empty\n\ngo 1.22\n\nrequire ()\n'), []);
  });

  it('refuses malformed files, naming the line', () => {
    assert.throws(() => parseGoMod('module m\n\nrequire (\n\ta.example/x v1.0.0\n'), /go\.mod line 3: the "require \(" block is never closed/);
    assert.throws(() => parseGoMod('module m\nrequire a.example/x\n'), /go\.mod line 2: a requirement needs a module path and a version/);
    assert.throws(() => parseGoMod('module m\nrequire a.example/x v1 v2\n'), /go\.mod line 2: a requirement needs a module path and a version/);
    assert.throws(() => parseGoMod('module m\nreplace a.example/x v1.0.0 b.example/x v1.0.0\n'), /go\.mod line 2: a replacement needs/);
    assert.throws(() => parseGoMod('module m\nreplace a.example/x =>\n'), /go\.mod line 2: a replacement needs/);
    assert.throws(() => parseGoMod('module m\nrequire "a.example/x v1.0.0\n'), /go\.mod line 2: unterminated quoted string/);
    assert.throws(() => parseGoMod('module m\nrequire ( a.example/x v1.0.0\n)\n'), /go\.mod line 2: a block must start on its own line/);
  });

  it('reports the requirements through the analyzer', async () => {
    const bytes = Buffer.from(testdata('legacy.go.mod'));
    const results = await goModAnalyzer.analyze({
      path: 'src/legacy/go.mod',
      info: { path: 'src/legacy/go.mod', type: 'file', mode: 0o644, size: bytes.length, uid: 0, gid: 0 },
      layer: { index: 0, diffId: 'sha256:0', digest: 'sha256:0' },
      read: async () => bytes,
      open: () => Readable.from([bytes]),
    });
    assert.deepEqual(results, [{ kind: 'packages', ecosystem: 'golang', packages: parseGoMod(bytes.toString('utf8')) }]);
    assert.equal(goModAnalyzer.required('src/legacy/go.mod', { path: 'src/legacy/go.mod', type: 'file', mode: 0o644, size: 10, uid: 0, gid: 0 }), true);
  });
});
