/**
 * Exact findings for realistic files: rule id, line and masked value. Keys are generated at test
 * time with openssl and ssh-keygen, so they are real keys that exist nowhere else.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { maskSecret } from '../../core/mask.js';
import { BUILTIN_RULES } from './rules/index.js';
import { ALNUM, BASE64, fake } from './rules/fake.js';
import { scanText } from './scanner.js';
import type { SecretMatch } from './types.js';

type Expected = Pick<SecretMatch, 'ruleId' | 'line' | 'masked'> & { note?: string };

function found(path: string, text: string): Expected[] {
  return scanText(path, text, BUILTIN_RULES).map(({ ruleId, line, masked, note }) => (note ? { ruleId, line, masked, note } : { ruleId, line, masked }));
}

function hidden(value: string): string {
  return maskSecret(value, 0);
}

function available(tool: string): boolean {
  return spawnSync(tool, ['-h'], { stdio: 'ignore' }).error === undefined;
}

function run(tool: string, args: string[]): void {
  const result = spawnSync(tool, args, { encoding: 'utf8' });
  if (result.error || result.status !== 0) throw new Error(`${tool} ${args.join(' ')}: ${result.error?.message ?? result.stderr}`);
}

/** The base64 body of a PEM block as the scanner normalises it: everything between the header lines (and headers) and END, without whitespace. */
function pemBody(text: string, label: string): string {
  const lines = text.split('\n');
  const begin = lines.findIndex((line) => line === `-----BEGIN ${label}-----`);
  const end = lines.findIndex((line, index) => index > begin && line === `-----END ${label}-----`);
  let body = lines.slice(begin + 1, end);
  const blank = body.indexOf('');
  if (body[0]?.startsWith('Proc-Type:')) body = body.slice(blank + 1);
  return body.join('');
}

describe('realistic files', () => {
  const password = 'Zr8kQ2vLp0xW';
  const stripe = 'sk_live_' + fake(40, ALNUM, 'realistic-stripe');
  const github = 'ghp_' + fake(36, ALNUM, 'realistic-github');
  const awsId = 'AKIA' + fake(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 'realistic-aws');
  const awsSecret = fake(40, BASE64, 'realistic-aws-secret');

  it('.env', () => {
    const text = [
      '# app settings',
      'APP_ENV=production',
      'APP_DEBUG=false',
      'DB_HOST=db',
      `DB_PASSWORD=${password}`,
      'REDIS_URL=redis://:N0tAPlaceh0lder@cache:6379/0',
      `STRIPE_SECRET_KEY=${stripe}`,
      'JWT_SECRET=changeme',
      'SESSION_TTL=3600',
      `GITHUB_TOKEN=${github}`,
      `AWS_ACCESS_KEY_ID=${awsId}`,
      `AWS_SECRET_ACCESS_KEY="${awsSecret}"`,
      'MAIL_PASSWORD=',
      '',
    ].join('\n');
    assert.deepEqual(found('srv/app/.env', text), [
      { ruleId: 'dotenv-secret', line: 5, masked: hidden(password), note: 'DB_PASSWORD' },
      { ruleId: 'redis-connection-url', line: 6, masked: hidden('N0tAPlaceh0lder'), note: '@cache' },
      { ruleId: 'stripe-secret-key', line: 7, masked: maskSecret(stripe) },
      { ruleId: 'github-personal-access-token', line: 10, masked: maskSecret(github) },
      { ruleId: 'aws-access-key-id', line: 11, masked: maskSecret(awsId) },
      { ruleId: 'aws-secret-access-key', line: 12, masked: maskSecret(awsSecret) },
    ]);
  });

  it('wp-config.php', () => {
    const salt = fake(64, ALNUM + '!@#%^&*()-_[]{}<>~+=,.;:/?|', 'realistic-wp');
    const text = [
      '<?php',
      "define( 'DB_NAME', 'wordpress' );",
      "define( 'DB_USER', 'wp' );",
      `define( 'DB_PASSWORD', '${password}' );`,
      "define( 'DB_HOST', 'mysql' );",
      '',
      `define( 'AUTH_KEY',         '${salt}' );`,
      `define( 'SECURE_AUTH_KEY',  '${fake(64, ALNUM, 'realistic-wp2')}' );`,
      "define( 'NONCE_SALT',       'put your unique phrase here' );",
      "$table_prefix = 'wp_';",
      '',
    ].join('\n');
    assert.deepEqual(found('var/www/html/wp-config.php', text), [
      { ruleId: 'wordpress-db-password', line: 4, masked: hidden(password) },
      { ruleId: 'wordpress-auth-keys', line: 7, masked: maskSecret(salt), note: 'AUTH_KEY and the other keys and salts of the file' },
    ]);
  });

  it('.git-credentials', () => {
    const text = `https://ci-bot:${password}@gitlab.internal.test\nhttps://x-access-token:${github}@github.com\nhttps://anonymous@mirror.internal.test\n`;
    assert.deepEqual(found('root/.git-credentials', text), [
      { ruleId: 'git-credentials', line: 1, masked: hidden(password), note: 'ci-bot@gitlab.internal.test' },
      { ruleId: 'github-personal-access-token', line: 2, masked: maskSecret(github) },
    ]);
  });

  it('/etc/shadow: users with a real hash, never the hash', () => {
    const sha512 = `$6$${fake(16, ALNUM, 'shadow-salt')}$${fake(86, ALNUM + './', 'shadow-hash')}`;
    const yescrypt = `$y$j9T$${fake(22, ALNUM + './', 'y-salt')}$${fake(43, ALNUM + './', 'y-hash')}`;
    const text = [
      `root:${sha512}:19700:0:99999:7:::`,
      'daemon:*:19700:0:99999:7:::',
      'app:!:19700:0:99999:7:::',
      'svc:!!:19700::::::',
      'nopass::19700:0:99999:7:::',
      `alice:${yescrypt}:19700:0:99999:7:::`,
      `bob:!${sha512}:19700:0:99999:7:::`,
      '',
    ].join('\n');
    const matches = found('etc/shadow', text);
    assert.deepEqual(matches, [
      { ruleId: 'shadow-password-hash', line: 1, masked: maskSecret(sha512, 3), note: 'user root' },
      { ruleId: 'shadow-password-hash', line: 6, masked: maskSecret(yescrypt, 3), note: 'user alice' },
    ]);
    assert.ok(!JSON.stringify(scanText('etc/shadow', text, BUILTIN_RULES)).includes(sha512.slice(3, 20)));
  });

  describe('generated keys', () => {
    let dir = '';
    const hasOpenssl = available('openssl');
    const hasSshKeygen = available('ssh-keygen');
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'customs-secrets-keys-'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('RSA (PKCS#1), EC (SEC1), PKCS#8, encrypted PKCS#8 and encrypted legacy PEM', (t) => {
      if (!hasOpenssl) return t.skip('openssl is not installed');
      run('openssl', ['genrsa', '-traditional', '-out', join(dir, 'rsa.pem'), '2048']);
      run('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', join(dir, 'ec.pem')]);
      run('openssl', ['genpkey', '-algorithm', 'ed25519', '-out', join(dir, 'pkcs8.pem')]);
      run('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024', '-aes256', '-pass', 'pass:customs-test', '-out', join(dir, 'enc.pem')]);
      run('openssl', ['rsa', '-in', join(dir, 'rsa.pem'), '-aes256', '-passout', 'pass:customs-test', '-traditional', '-out', join(dir, 'legacy.pem')]);
      const read = (name: string): string => readFileSync(join(dir, name), 'utf8');
      const cases: Array<[string, string, string]> = [
        ['rsa.pem', 'RSA PRIVATE KEY', 'rsa-private-key'],
        ['ec.pem', 'EC PRIVATE KEY', 'ec-private-key'],
        ['pkcs8.pem', 'PRIVATE KEY', 'pkcs8-private-key'],
        ['enc.pem', 'ENCRYPTED PRIVATE KEY', 'pkcs8-encrypted-private-key'],
        ['legacy.pem', 'RSA PRIVATE KEY', 'pem-encrypted-private-key'],
      ];
      for (const [name, label, ruleId] of cases) {
        const text = read(name);
        assert.deepEqual(found(`root/.ssh/${name}`, text), [{ ruleId, line: 1, masked: maskSecret(pemBody(text, label)) }], name);
        const severity = BUILTIN_RULES.find((rule) => rule.id === ruleId)!.severity;
        assert.equal(severity, name === 'enc.pem' || name === 'legacy.pem' ? 'MEDIUM' : 'CRITICAL', name);
      }
    });

    it('OpenSSH, without and with a passphrase (the header says which)', (t) => {
      if (!hasSshKeygen) return t.skip('ssh-keygen is not installed (openssh-client)');
      run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'customs-test', '-f', join(dir, 'id_ed25519')]);
      run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'customs-test-passphrase', '-C', 'customs-test', '-f', join(dir, 'id_ed25519_enc')]);
      run('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-f', join(dir, 'id_rsa')]);
      for (const [name, ruleId] of [
        ['id_ed25519', 'openssh-private-key'],
        ['id_ed25519_enc', 'openssh-private-key-encrypted'],
        ['id_rsa', 'openssh-private-key'],
      ] as const) {
        const text = readFileSync(join(dir, name), 'utf8');
        assert.deepEqual(found(`home/app/.ssh/${name}`, text), [{ ruleId, line: 1, masked: maskSecret(pemBody(text, 'OPENSSH PRIVATE KEY')) }], name);
        // The public half is not a secret.
        assert.deepEqual(found(`home/app/.ssh/${name}.pub`, readFileSync(join(dir, `${name}.pub`), 'utf8')), [], `${name}.pub`);
      }
    });

    it('a certificate bundled with its key, and a kubeconfig embedding a key and a token', (t) => {
      if (!hasOpenssl) return t.skip('openssl is not installed');
      run('openssl', ['req', '-x509', '-newkey', 'rsa:1024', '-nodes', '-subj', '/CN=customs-test', '-days', '1', '-keyout', join(dir, 'tls.key'), '-out', join(dir, 'tls.crt')]);
      const cert = readFileSync(join(dir, 'tls.crt'), 'utf8');
      const key = readFileSync(join(dir, 'tls.key'), 'utf8');
      const bundle = cert + key;
      const keyLine = cert.split('\n').length;
      assert.deepEqual(found('etc/nginx/tls/server.pem', bundle), [
        { ruleId: 'certificate-with-private-key', line: 1, masked: maskSecret(pemBody(cert, 'CERTIFICATE')) },
        { ruleId: 'pkcs8-private-key', line: keyLine, masked: maskSecret(pemBody(key, 'PRIVATE KEY')) },
      ]);
      assert.deepEqual(found('etc/ssl/certs/server.crt', cert), []);

      const keyData = Buffer.from(key).toString('base64');
      const token = `${Buffer.from('{"alg":"RS256","kid":"k1"}').toString('base64url')}.${Buffer.from('{"sub":"system:serviceaccount:ci:deployer"}').toString('base64url')}.${fake(86, ALNUM, 'sig')}`;
      const kubeconfig = [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '- cluster:',
        `    certificate-authority-data: ${Buffer.from(cert).toString('base64')}`,
        '    server: https://10.0.0.1:6443',
        '  name: prod',
        'users:',
        '- name: admin',
        '  user:',
        `    client-certificate-data: ${Buffer.from(cert).toString('base64')}`,
        `    client-key-data: ${keyData}`,
        '- name: deployer',
        '  user:',
        `    token: ${token}`,
        '- name: basic',
        '  user:',
        '    username: admin',
        `    password: ${password}`,
        '',
      ].join('\n');
      assert.deepEqual(found('root/.kube/config', kubeconfig), [
        { ruleId: 'kubeconfig-client-key', line: 12, masked: maskSecret(keyData) },
        { ruleId: 'kubeconfig-token', line: 15, masked: maskSecret(token) },
        { ruleId: 'kubeconfig-password', line: 19, masked: hidden(password) },
      ]);
    });
  });
});
