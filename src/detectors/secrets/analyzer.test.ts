import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { AnalyzerInput } from '../../core/analyzer.js';
import type { FileInfo } from '../../core/files.js';
import { DirectoryLayerCache } from '../../cache/layer-cache.js';
import { walkDirectory } from '../../layer/directory-walker.js';
import { DEFAULT_LIMITS } from '../../layer/limits.js';
import { createSecretAnalyzer, SECRET_ANALYZER_NAME, type SecretAnalyzer } from './analyzer.js';
import { ALNUM, fake, fakePem } from './rules/fake.js';
import { DEFAULT_MAX_FILE_SIZE } from './scanner.js';

const file = (path: string, size = 100): FileInfo => ({ path, type: 'file', mode: 0o644, size, uid: 0, gid: 0 });

function input(path: string, content: string | Buffer): AnalyzerInput {
  const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content);
  return { path, info: file(path, bytes.length), layer: { index: 0, diffId: 'sha256:0', digest: 'sha256:0' }, read: async () => bytes, open: () => Readable.from([bytes]) };
}

const github = 'ghp_' + fake(36, ALNUM, 'analyzer-github');
const acme = 'acme_' + fake(32, '0123456789abcdefghijklmnopqrstuvwxyz', 'analyzer-acme');
const password = 'Vq7' + fake(13, ALNUM, 'analyzer-password');

describe('secret analyzer', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'customs-secret-analyzer-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function rulesFile(name: string, yaml: string): string {
    const path = join(dir, name);
    writeFileSync(path, yaml);
    return path;
  }

  const ACME_RULE = [
    'excludePaths: ["opt/third-party/**"]',
    'rules:',
    '  - id: acme-api-key',
    '    category: saas',
    '    severity: HIGH',
    '    title: ACME API key',
    '    remediation: Revoke it in the ACME console.',
    '    keywords: [ACME_]',
    "    pattern: '\\b(?<secret>acme_[a-z0-9]{32})\\b'",
    '    samples:',
    `      positive: ['key = ${acme}']`,
    "      negative: ['key = acme_short']",
    '',
  ].join('\n');

  it('is named, versioned and keyed by its effective rule set', () => {
    const analyzer = createSecretAnalyzer();
    assert.equal(analyzer.name, SECRET_ANALYZER_NAME);
    assert.equal(analyzer.name, 'secrets/scanner');
    assert.ok(Number.isInteger(analyzer.version) && analyzer.version > 0);
    assert.match(analyzer.configDigest ?? '', /^[0-9a-f]{64}$/);
    assert.equal(createSecretAnalyzer().configDigest, analyzer.configDigest);
    const variants = [
      createSecretAnalyzer({ disabledRules: ['jwt'] }),
      createSecretAnalyzer({ disabledCategories: ['generic'] }),
      createSecretAnalyzer({ maxFileSize: 4096 }),
      createSecretAnalyzer({ excludePaths: ['srv/**'] }),
      createSecretAnalyzer({ defaultExcludes: false }),
      createSecretAnalyzer({ rulesFile: rulesFile('digest.yaml', ACME_RULE) }),
    ];
    const digests = new Set([analyzer.configDigest, ...variants.map((variant) => variant.configDigest)]);
    assert.equal(digests.size, variants.length + 1);
  });

  it('asks for regular text files within the size limit that some rule can apply to', () => {
    const analyzer = createSecretAnalyzer();
    assert.equal(analyzer.required('app/.env', file('app/.env')), true);
    assert.equal(analyzer.required('usr/bin/tool', file('usr/bin/tool', 50_000)), true);
    assert.equal(analyzer.required('app', { ...file('app'), type: 'dir' }), false);
    assert.equal(analyzer.required('app/link', { ...file('app/link'), type: 'symlink' }), false);
    assert.equal(analyzer.required('app/empty', file('app/empty', 0)), false);
    assert.equal(analyzer.required('app/big.json', file('app/big.json', DEFAULT_MAX_FILE_SIZE + 1)), false);
    assert.equal(analyzer.required('usr/lib/x86_64-linux-gnu/libssl.so.3', file('usr/lib/x86_64-linux-gnu/libssl.so.3')), false);
    assert.equal(analyzer.required('app/logo.png', file('app/logo.png')), false);
    assert.equal(analyzer.required('app/lib/app.jar', file('app/lib/app.jar')), false);
    assert.equal(analyzer.required('usr/share/doc/bash/README', file('usr/share/doc/bash/README')), false);
    assert.equal(analyzer.required('app/node_modules/x/test/key.pem', file('app/node_modules/x/test/key.pem')), false);
    // A key store is binary, and big: the path-only rule still wants it.
    assert.equal(analyzer.required('app/certs/client.p12', file('app/certs/client.p12', DEFAULT_MAX_FILE_SIZE * 2)), true);
    assert.equal(createSecretAnalyzer({ disabledCategories: ['private-key'] }).required('app/certs/client.p12', file('app/certs/client.p12')), false);
    assert.equal(createSecretAnalyzer({ maxFileSize: 10 }).required('app/.env', file('app/.env', 11)), false);
  });

  it('returns one secrets result with masked matches, or nothing', async () => {
    const analyzer = createSecretAnalyzer();
    const results = await analyzer.analyze(input('app/.env', `A=1\nGITHUB_TOKEN=${github}\n`));
    assert.deepEqual(
      results.map((result) => result.kind === 'secrets' && result.matches.map((match) => [match.ruleId, match.line])),
      [[['github-personal-access-token', 2]]],
    );
    assert.ok(!JSON.stringify(results).includes(github));
    assert.deepEqual(await analyzer.analyze(input('app/readme.txt', 'nothing to see\n')), []);
  });

  it('skips binary content', async () => {
    const analyzer = createSecretAnalyzer();
    const elf = Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01\x00\x00\x00', 'latin1'), Buffer.from(`token ${github} `), Buffer.alloc(64)]);
    assert.deepEqual(await analyzer.analyze(input('usr/local/bin/tool', elf)), []);
  });

  it('drops disabled categories and rules, and refuses unknown ones', async () => {
    const key = fakePem('RSA PRIVATE KEY');
    assert.equal((await createSecretAnalyzer().analyze(input('root/.ssh/id_rsa', key))).length, 1);
    assert.deepEqual(await createSecretAnalyzer({ disabledCategories: ['private-key'] }).analyze(input('root/.ssh/id_rsa', key)), []);
    assert.deepEqual(await createSecretAnalyzer({ disabledRules: ['rsa-private-key'] }).analyze(input('root/.ssh/id_rsa', key)), []);
    assert.throws(() => createSecretAnalyzer({ disabledRules: ['no-such-rule'] }), /unknown secret rule id to disable: no-such-rule/);
    assert.throws(() => createSecretAnalyzer({ disabledCategories: ['crypto'] }), /unknown secret rule category to disable: crypto/);
  });

  it('adds rules and exclusions from a user rules file', async () => {
    const analyzer = createSecretAnalyzer({ rulesFile: rulesFile('acme.yaml', ACME_RULE) });
    assert.ok(analyzer.rules.some((rule) => rule.id === 'acme-api-key'));
    const [result] = await analyzer.analyze(input('app/config.ini', `[acme]\nkey = ${acme}\n`));
    assert.deepEqual(result?.kind === 'secrets' && result.matches.map((match) => [match.ruleId, match.line]), [['acme-api-key', 2]]);
    assert.equal(analyzer.required('opt/third-party/conf.txt', file('opt/third-party/conf.txt')), false);
  });

  it('fails at creation on an invalid user rules file, naming the file and the rule', () => {
    const rule = (fields: string[]): string =>
      ['rules:', '  - id: acme-api-key', '    severity: HIGH', '    title: ACME', '    remediation: Revoke it.', ...fields.map((field) => `    ${field}`), ''].join('\n');
    const cases: Array<[string, string, RegExp]> = [
      ['bad-yaml.yaml', 'rules: [\n', /not valid YAML/],
      ['bad-regex.yaml', rule(['keywords: [acme_]', "pattern: '(?<secret>acme_[a-z'"]), /rule "acme-api-key": pattern: Invalid regular expression/],
      ['no-group.yaml', rule(['keywords: [acme_]', "pattern: 'acme_[a-z0-9]{32}'"]), /rule "acme-api-key": pattern: needs a named group/],
      ['no-keywords.yaml', rule(["pattern: '(?<secret>acme_[a-z0-9]{32})'"]), /rule "acme-api-key": a pattern needs keywords/],
      ['unknown-field.yaml', rule(['keywords: [acme_]', "pattern: '(?<secret>acme_[a-z0-9]{32})'", 'colour: blue']), /rule "acme-api-key": Unrecognized key\(s\) in object: 'colour'/],
      ['bad-severity.yaml', rule(['keywords: [acme_]', "pattern: '(?<secret>acme_[a-z0-9]{32})'"]).replace('HIGH', 'SEVERE'), /rule "acme-api-key": severity: Invalid enum value/],
      ['builtin-id.yaml', rule(['keywords: [ghp_]', "pattern: '(?<secret>ghp_[a-z0-9]{32})'"]).replace('acme-api-key', 'github-personal-access-token'), /rule "github-personal-access-token": id already used by a built-in rule/],
      ['bad-sample.yaml', rule(['keywords: [acme_]', "pattern: '(?<secret>acme_[a-z0-9]{32})'", 'samples: { positive: ["acme_short"], negative: [] }']), /rule "acme-api-key": positive sample 1 is not reported/],
      ['bad-superseded.yaml', rule(['keywords: [acme_]', "pattern: '(?<secret>acme_[a-z0-9]{32})'", 'supersededBy: [nothing-here]']), /rule "acme-api-key": supersededBy names unknown rule nothing-here/],
      ['no-id.yaml', 'rules:\n  - severity: HIGH\n', /rule #1: id: Required/],
    ];
    for (const [name, yaml, message] of cases) {
      const path = rulesFile(name, yaml);
      assert.throws(
        () => createSecretAnalyzer({ rulesFile: path }),
        (error: Error) => {
          assert.match(error.message, message, name);
          assert.ok(error.message.includes(path), `${name}: the message names the file: ${error.message}`);
          return true;
        },
      );
    }
    assert.throws(() => createSecretAnalyzer({ rulesFile: join(dir, 'missing.yaml') }), /missing\.yaml: cannot read secret rules file: ENOENT/);
  });

  it('stores only masked values: a walked layer and its cache entry hold no secret', async () => {
    const root = join(dir, 'rootfs');
    const files: Record<string, string> = {
      'app/.env': `DB_PASSWORD=${password}\nGITHUB_TOKEN=${github}\n`,
      'root/.ssh/id_rsa': fakePem('RSA PRIVATE KEY'),
      'root/.git-credentials': `https://bot:${password}@git.internal.test\n`,
      'etc/hostname': 'box\n',
      'usr/share/doc/pkg/example.env': `GITHUB_TOKEN=${github}\n`,
    };
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), content);
    }
    const analyzer: SecretAnalyzer = createSecretAnalyzer();
    const analysis = await walkDirectory(root, { analyzers: [analyzer], layer: { index: 0, diffId: 'sha256:0', digest: 'sha256:0' }, limits: DEFAULT_LIMITS, tempDir: dir });
    const byPath = Object.fromEntries(analysis.results.map((located) => [located.path, located.result.kind === 'secrets' ? located.result.matches.map((match) => match.ruleId) : []]));
    assert.deepEqual(byPath, {
      'app/.env': ['dotenv-secret', 'github-personal-access-token'],
      'root/.git-credentials': ['git-credentials'],
      'root/.ssh/id_rsa': ['rsa-private-key'],
    });
    const cacheDir = join(dir, 'cache');
    await new DirectoryLayerCache(cacheDir).put('k', analysis);
    const stored = readdirSync(join(cacheDir, 'layers')).map((name) => readFileSync(join(cacheDir, 'layers', name), 'utf8')).join('\n');
    const keyBody = files['root/.ssh/id_rsa']!.split('\n').slice(1, -2).join('');
    for (const raw of [password, github, keyBody.slice(0, 40)]) assert.ok(!stored.includes(raw), `the cache entry holds ${raw.slice(0, 6)}...`);
    assert.ok(stored.includes('ghp_********'));
  });
});
