import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maskSecret } from '../../core/mask.js';
import { scanTextForSecrets } from './index.js';
import { KeywordMatcher } from './keywords.js';
import { globToRegExp, hasBinaryExtension } from './paths.js';
import type { SecretRule } from './rule.js';
import { BUILTIN_RULES } from './rules/index.js';
import { fake, ALNUM } from './rules/fake.js';
import { CompiledRules, compileRules, fingerprintOf, looksBinary, MAX_MATCHES_PER_RULE, scanBuffer, scanText } from './scanner.js';

const token = (id: string): string => 'ghp_' + fake(36, ALNUM, id);

function rule(overrides: Partial<SecretRule> & Pick<SecretRule, 'id'>): SecretRule {
  return {
    category: 'generic',
    severity: 'HIGH',
    title: overrides.id,
    remediation: 'rotate',
    keywords: ['tok_'],
    pattern: /\b(?<secret>tok_[a-z0-9]{12})\b/,
    ...overrides,
  };
}

describe('keyword prefilter', () => {
  it('finds every keyword, ASCII case-insensitively, overlapping ones included', () => {
    const matcher = new KeywordMatcher(['akia', 'kia', 'ghp_', 'xoxb-', 'secret']);
    assert.deepEqual([...matcher.find('id=AKIA... and GHP_x')], [1, 1, 1, 0, 0]);
    assert.deepEqual([...matcher.find('mon SeCrEt ünïcode xoxb-')], [0, 0, 0, 1, 1]);
    assert.deepEqual([...matcher.find('')], [0, 0, 0, 0, 0]);
  });

  it('finds a keyword after a failed partial match and across non-ASCII text', () => {
    const matcher = new KeywordMatcher(['abcd', 'bcx', 'password']);
    assert.deepEqual([...matcher.find('abcbcx')], [0, 1, 0]);
    assert.deepEqual([...matcher.find('pässword password')], [0, 0, 1]);
  });

  it('rejects keywords that are not lowercase ASCII', () => {
    assert.throws(() => new KeywordMatcher(['Token']), /lowercase ASCII/);
    assert.throws(() => new KeywordMatcher(['tökén']), /lowercase ASCII/);
  });

  it('gates rules: a rule whose keywords are absent does not run', () => {
    const noisy = rule({ id: 'noisy', keywords: ['never-present'], pattern: /(?<secret>[a-z]{5})/ });
    assert.deepEqual(scanText('a.txt', 'hello world', [noisy]), []);
  });
});

describe('path globs', () => {
  it('matches base names at any depth without a slash, whole paths with one', () => {
    assert.ok(globToRegExp('.netrc').test('root/.netrc'));
    assert.ok(globToRegExp('.netrc').test('.netrc'));
    assert.ok(!globToRegExp('.netrc').test('root/.netrc.bak'));
    assert.ok(globToRegExp('*.p12').test('app/certs/a.p12'));
    assert.ok(globToRegExp('etc/shadow').test('etc/shadow'));
    assert.ok(!globToRegExp('etc/shadow').test('backup/etc/shadow'));
    assert.ok(globToRegExp('**/.docker/config.json').test('.docker/config.json'));
    assert.ok(globToRegExp('**/.docker/config.json').test('home/a/.docker/config.json'));
    assert.ok(globToRegExp('/usr/share/doc/**').test('usr/share/doc/x/copyright'));
    assert.ok(globToRegExp('**/node_modules/**/{test,tests}/**').test('app/node_modules/a/b/test/key.pem'));
    assert.ok(!globToRegExp('**/node_modules/**/{test,tests}/**').test('app/node_modules/a/lib/key.pem'));
    assert.ok(globToRegExp('application*.yml').test('app/application-prod.yml'));
  });

  it('knows binary extensions, versioned shared objects included', () => {
    assert.ok(hasBinaryExtension('usr/lib/x86_64-linux-gnu/libc.so.6'));
    assert.ok(hasBinaryExtension('app/a.PNG'));
    assert.ok(hasBinaryExtension('app/lib/x.jar'));
    assert.ok(!hasBinaryExtension('app/.env'));
    assert.ok(!hasBinaryExtension('app/so'));
  });
});

describe('scanText', () => {
  it('reports 1-based lines, masked values and sha256 fingerprints', () => {
    const value = token('lines');
    const [match, ...rest] = scanText('app/run.sh', `#!/bin/sh\n\nexport GITHUB_TOKEN=${value}\n`, BUILTIN_RULES);
    assert.equal(rest.length, 0);
    assert.deepEqual(match, { ruleId: 'github-personal-access-token', line: 3, masked: maskSecret(value), fingerprint: fingerprintOf(value) });
  });

  it('reports the same value on different lines, once per line', () => {
    const value = token('dup');
    const matches = scanText('a.txt', `${value} ${value}\n${value}\n`, BUILTIN_RULES);
    assert.deepEqual(
      matches.map((match) => match.line),
      [1, 2],
    );
  });

  it('keeps the first rule of the catalog when two report the same value on the same line', () => {
    const first = rule({ id: 'first' });
    const second = rule({ id: 'second' });
    assert.deepEqual(
      scanText('a.txt', 'x = tok_abcdef123456', [second, first]).map((match) => match.ruleId),
      ['second'],
    );
  });

  it('drops a rule superseded by one that matched in the same file', () => {
    const pair = rule({ id: 'pair', keywords: ['secret'], pattern: /secret=(?<secret>\w{8})/ });
    const idOnly = rule({ id: 'id-only', supersededBy: ['pair'] });
    assert.deepEqual(
      scanText('a.txt', 'id=tok_abcdef123456\n', [pair, idOnly]).map((match) => match.ruleId),
      ['id-only'],
    );
    assert.deepEqual(
      scanText('a.txt', 'id=tok_abcdef123456\nsecret=zq8Kp2mW\n', [pair, idOnly]).map((match) => match.ruleId),
      ['pair'],
    );
  });

  it('needs the `requires` pattern somewhere in the file, and notes it masked', () => {
    const paired = rule({ id: 'paired', keywords: ['key='], pattern: /key=(?<secret>\w{10})/, requires: /\bID[0-9]{6}\b/, note: 'with {required:masked}' });
    assert.deepEqual(scanText('a.txt', 'key=abcdef1234', [paired]), []);
    const [match] = scanText('a.txt', 'id = ID123456\nkey=abcdef1234', [paired]);
    assert.equal(match?.note, `with ${maskSecret('ID123456')}`);
  });

  it('skips placeholders, allow-listed values, low entropy and failed validation', () => {
    const generic = rule({ id: 'g', keywords: ['pw='], pattern: /pw=(?<secret>\S+)/, entropy: 2.5, allow: ['letmein-2024', /^fixed-/], validate: (secret) => secret !== 'Rejected-By-Hook9' });
    const text = ['pw=${PASSWORD}', 'pw=<password>', 'pw=changeme', 'pw=xxxxxxxx', 'pw=EXAMPLEKEY123', 'pw=aaaaaaaa', 'pw=letmein-2024', 'pw=fixed-abc', 'pw=Rejected-By-Hook9', 'pw=abababab', 'pw=Zr8#kQ2!vLp0'].join('\n');
    assert.deepEqual(
      scanText('a.txt', text, [generic]).map((match) => match.line),
      [11],
    );
  });

  it('limits matches per rule and file', () => {
    const many = Array.from({ length: MAX_MATCHES_PER_RULE + 20 }, (_, index) => `tok_${String(index).padStart(12, '0')}`).join('\n');
    assert.equal(scanText('a.txt', many, [rule({ id: 'many' })]).length, MAX_MATCHES_PER_RULE);
    assert.equal(scanText('a.txt', many, [rule({ id: 'one', maxMatches: 1 })]).length, 1);
  });

  it('reports rules without a pattern for every file their paths name, line 0', () => {
    const [match] = scanText('app/client.p12', 'binary-ish', BUILTIN_RULES);
    assert.equal(match?.ruleId, 'pkcs12-file');
    assert.equal(match?.line, 0);
    assert.equal(match?.fingerprint, fingerprintOf(Buffer.from('binary-ish')));
  });

  it('leaves the default noisy paths alone, unless told otherwise', () => {
    const value = token('noisy');
    for (const path of [
      'app/node_modules/pkg/test/fixtures/.env',
      'usr/share/doc/pkg/README',
      'usr/lib/python3/dist-packages/pkg/tests/keys.py',
      'usr/local/lib/python3.12/test/keycert.pem',
      'usr/local/go/src/crypto/tls/testdata/key.pem',
      'usr/local/go/src/crypto/x509/x509_test.go',
      'root/go/pkg/mod/github.com/x/y@v1.0.0/z_test.go',
      'app/node_modules/aws-sdk/apis/iam-2010-05-08.examples.json',
      'app/node_modules/@types/node/http.d.ts',
      'app/README.md',
    ]) {
      assert.deepEqual(scanText(path, `TOKEN=${value}`, BUILTIN_RULES), [], path);
    }
    assert.equal(scanText('app/node_modules/pkg/lib/index.js', `t="${value}"`, BUILTIN_RULES).length, 1);
    assert.equal(scanText('app/cmd/server/main_test.go', `t="${value}"`, BUILTIN_RULES).length, 1, "the image's own Go tests are scanned");
    const everything = new CompiledRules(BUILTIN_RULES, { defaultExcludes: false });
    assert.equal(scanText('app/README.md', `TOKEN=${value}`, everything).length, 1);
    const mine = new CompiledRules(BUILTIN_RULES, { excludePaths: ['opt/vendor/**'] });
    assert.deepEqual(scanText('opt/vendor/x.txt', `TOKEN=${value}`, mine), []);
  });

  it('scans a 10,000-line file without secrets to nothing', () => {
    const lines = Array.from({ length: 10_000 }, (_, index) => `line ${index}: const value_${index} = compute(${index}, "some text with a key and a token word", options.password);`);
    assert.deepEqual(scanText('app/big.js', lines.join('\n'), BUILTIN_RULES), []);
  });
});

describe('scanBuffer', () => {
  it('skips binary content but still applies path-only rules', () => {
    const value = token('binary');
    const binary = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0]), Buffer.from(`TOKEN=${value}`)]);
    assert.ok(looksBinary(binary));
    assert.deepEqual(scanBuffer('usr/bin/tool', binary, BUILTIN_RULES), []);
    assert.deepEqual(
      scanBuffer('app/a.pfx', binary, BUILTIN_RULES).map((match) => match.ruleId),
      ['pkcs12-file'],
    );
    assert.equal(scanBuffer('app/tool.sh', Buffer.from(`\ufeffTOKEN=${value}\n`), BUILTIN_RULES)[0]?.line, 1);
  });

  it('calls mostly-control-character content binary, UTF-8 text not', () => {
    assert.ok(looksBinary(Buffer.from(Array.from({ length: 100 }, (_, index) => (index % 3 === 0 ? 1 : 65)))));
    assert.ok(!looksBinary(Buffer.from('héllo wörld\n\tindent\r\n\x1b[0m colour')));
  });
});

describe('scanTextForSecrets', () => {
  it('finds secrets in build commands and ENV values, with title, severity and category', () => {
    const value = token('history');
    const command = `/bin/sh -c mysql -uroot -pS3cr3tPassw0rd -e "CREATE USER 'app'@'%' IDENTIFIED BY 'An0therPass'" && curl -u deploy:Tr0ub4dor https://x.internal.test && echo ${value}`;
    const matches = scanTextForSecrets(command);
    assert.deepEqual(
      matches.map((match) => match.ruleId).sort(),
      ['curl-user-password', 'github-personal-access-token', 'shell-history-password-argument', 'sql-user-password'],
    );
    const github = matches.find((match) => match.ruleId === 'github-personal-access-token')!;
    assert.equal(github.title, 'GitHub personal access token (classic)');
    assert.equal(github.severity, 'CRITICAL');
    assert.equal(github.category, 'vcs-ci');
    const stored = JSON.stringify(matches);
    for (const raw of [value, 'S3cr3tPassw0rd', 'An0therPass', 'Tr0ub4dor']) assert.ok(!stored.includes(raw), raw);
  });

  it('finds secret-named ENV assignments and leaves others', () => {
    assert.deepEqual(
      scanTextForSecrets('MYSQL_ROOT_PASSWORD=Sup3rS3cret').map((match) => [match.ruleId, match.note]),
      [['dotenv-secret', 'MYSQL_ROOT_PASSWORD']],
    );
    assert.deepEqual(scanTextForSecrets('PATH=/usr/local/bin:/usr/bin'), []);
    assert.deepEqual(scanTextForSecrets('/bin/sh -c #(nop) ENV APP_MODE=production'), []);
  });

  it('does not run rules that need a file: paths and file context', () => {
    assert.deepEqual(scanTextForSecrets('db.internal.test:5432:app:app_user:Zr8kQ2vLp0'), []);
    assert.deepEqual(scanTextForSecrets('root:$6$abcdefgh$ijklmnopqrstuvwxyz:19700:0:99999:7:::'), []);
  });

  it('compiles the catalog once', () => {
    assert.equal(compileRules(BUILTIN_RULES), compileRules(BUILTIN_RULES));
  });
});
