/**
 * Generic rules: secrets recognised by structure (JWTs, credentials in URLs and headers) or by the
 * name they are assigned to, with an entropy floor. They come last in the catalog, so a
 * provider's own rule wins when both match the same value.
 */
import { isBase64UserPassword, isJwt } from '../checks.js';
import { defineRules } from '../rule.js';
import { isSecretName, revoke } from './common.js';
import { ALNUM, basicAuth, fake, fakeJwt, URLSAFE } from './fake.js';

const password = fake(14, ALNUM, 'generic-password') + '!';

/** Source-code test and fixture locations, where generic rules mostly find test data. */
const TEST_CODE = ['**/test/**', '**/tests/**', '**/__tests__/**', '**/spec/**', '**/fixtures/**', 'test.*', 'tests.*', '*_test.*', '*-test.*', '*.test.*', '*.spec.*', 'test_*.py', 'conftest.py', '*.po', '*.pot', '**/i18n/**', '**/locales/**'];

/** Random-looking: letters and digits both present (identifiers and words rarely have digits). */
const hasLettersAndDigits = (value: string): boolean => /[A-Za-z]/.test(value) && /\d/.test(value);

export const genericRules = defineRules([
  {
    id: 'jwt',
    category: 'generic',
    severity: 'MEDIUM',
    title: 'JSON Web Token',
    remediation: 'Find out what the token grants (its payload names the issuer, subject and expiry); revoke it or rotate the signing key if it is long-lived, and supply tokens at run time.',
    keywords: ['eyj'],
    pattern: /(?<![\w-])(?<secret>eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*)(?![\w-])/,
    validate: (secret) => isJwt(secret),
    samples: {
      positive: [`Authorization: Bearer ${fakeJwt()}`, { text: `SERVICE_TOKEN=${fakeJwt({ alg: 'RS256', typ: 'JWT' }, { iss: 'customs', sub: 'svc' })}`, secret: fakeJwt({ alg: 'RS256', typ: 'JWT' }, { iss: 'customs', sub: 'svc' }) }],
      negative: [`eyJ${fake(20, URLSAFE, 'j1')}.eyJ${fake(20, URLSAFE, 'j2')}.${fake(20, URLSAFE, 'j3')}`, fakeJwt({ typ: 'JWT' })],
    },
  },
  {
    id: 'url-with-credentials',
    category: 'generic',
    severity: 'MEDIUM',
    title: 'URL with an embedded password',
    remediation: revoke('password', 'the service the URL points to'),
    keywords: ['://'],
    pattern: /\b(?:https?|ftps?|sftp|ssh|git|svn|smb|ws|wss):\/\/(?<user>[A-Za-z0-9._%~+-]+):(?<secret>[^@\s/'"<>]{3,})@(?<host>[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}|localhost|\d{1,3}(?:\.\d{1,3}){3})\b/,
    excludePaths: TEST_CODE,
    // Documentation hosts (RFC 2606): `https://abc:xyz@example.com` explains URL syntax.
    validate: (_secret, groups) => !/(?:^|\.)example(?:\.(?:com|org|net))?$|\.invalid$/i.test(groups.host ?? ''),
    maskVisible: 0,
    note: '{user}@{host}',
    samples: {
      positive: [`PIP_INDEX_URL=https://deploy:${password}@pypi.internal.test/simple`, `git clone https://oauth2:${fake(20, URLSAFE, 'u2')}@gitlab.internal.test/team/app.git`],
      negative: ['https://user:password@example.com/', 'new URL("https://abc:xyz@example.com")', 'https://deploy:${TOKEN}@pypi.internal.test/simple', 'http://localhost:8080/path@host.com', { path: 'app/tests/test_client.py', text: `URL = "https://u:${password}@api.internal.test"` }],
    },
  },
  {
    id: 'basic-auth-header',
    category: 'generic',
    severity: 'MEDIUM',
    title: 'HTTP Basic authorization header with credentials',
    remediation: revoke('password', 'the service the header authenticates to'),
    keywords: ['basic '],
    pattern: /\bAuthorization["']?\s*[:=]\s*["']?Basic[ \t]+(?<secret>[A-Za-z0-9+/]{12,}={0,2})/i,
    validate: (secret) => isBase64UserPassword(secret),
    maskVisible: 0,
    samples: {
      positive: [`curl -H "Authorization: Basic ${basicAuth('deploy', password)}" https://api.internal.test`],
      negative: ['curl -H "Authorization: Basic $CREDS" https://api.internal.test', `Authorization: Basic ${Buffer.from('justausername').toString('base64')}`],
    },
  },
  {
    id: 'bearer-token-header',
    category: 'generic',
    severity: 'MEDIUM',
    title: 'HTTP Bearer authorization header with a token',
    remediation: revoke('token', 'the service that issued it'),
    keywords: ['bearer '],
    pattern: /\bAuthorization["']?\s*[:=]\s*["']?Bearer[ \t]+(?<secret>[A-Za-z0-9._~+/-]{20,}=*)/i,
    entropy: 3.5,
    samples: {
      positive: [`curl -H 'Authorization: Bearer ${fake(40, URLSAFE, 'bearer')}' https://api.internal.test`],
      negative: ['curl -H "Authorization: Bearer $TOKEN" https://api.internal.test', 'Authorization: Bearer aaaaaaaaaaaaaaaaaaaaaaaaaaaa'],
    },
  },
  {
    id: 'curl-user-password',
    category: 'generic',
    severity: 'MEDIUM',
    title: 'Password passed to curl with -u/--user',
    remediation: 'Rotate the password; give curl credentials through a .netrc mounted at run time or --user without the password (prompt), not on the command line.',
    keywords: ['curl'],
    pattern: /\bcurl\b[^\n|;&]{0,300}?[ \t](?:-u|--user)[ \t]*["']?(?<user>[^:\s"']+):(?<secret>[^\s"'$][^\s"']*)/,
    maskVisible: 0,
    note: 'user {user}',
    samples: { positive: [`curl -fsSL -u deploy:${password} https://artifacts.internal.test/app.tgz`], negative: ['curl -u "$USER:$PASS" https://artifacts.internal.test', 'curl -u deploy https://artifacts.internal.test'] },
  },
  {
    id: 'generic-api-key',
    category: 'generic',
    severity: 'MEDIUM',
    title: 'Generic API key or token assigned in code or configuration',
    remediation: revoke('key', 'the service that issued it'),
    keywords: ['api_key', 'apikey', 'api-key', 'api.key', 'api_secret', 'apisecret', 'access_token', 'accesstoken', 'access-token', 'auth_token', 'authtoken', 'auth-token', 'client_secret', 'clientsecret', 'client-secret', 'secret_key', 'secretkey', 'secret-key', 'private_token', 'privatetoken', 'app_secret', 'appsecret'],
    // Starts with the name's keyword (a literal: fast), so `key` is the keyword and what follows it; the last word decides.
    pattern:
      /(?<key>(?:api[_.-]?key|api[_.-]?secret|access[_.-]?token|auth[_.-]?token|client[_.-]?secret|secret[_.-]?key|private[_.-]?token|app[_.-]?secret)[\w.-]{0,20})["']?[ \t]*(?:=|:|:=|=>)[ \t]*(?<q>["'`])(?<secret>[A-Za-z0-9_\-+/=.~]{16,128})\k<q>/i,
    entropy: 3.5,
    excludePaths: TEST_CODE,
    validate: (secret, groups) => hasLettersAndDigits(secret) && isSecretName(groups.key),
    note: '{key}',
    samples: {
      positive: [`const client = new Client({ apiKey: "${fake(32, ALNUM, 'gak')}" });`, `weather_api_key = '${fake(40, ALNUM, 'gak2')}'`],
      negative: ['const client = new Client({ apiKey: "your-api-key-here" });', 'apiKey: "abcdefghijklmnopqrstuvwx"', `api_key_header = '${fake(32, ALNUM, 'gak3')}'`, { path: 'app/tests/test_api.py', text: `api_key = '${fake(32, ALNUM, 'gak4')}'` }],
    },
  },
  {
    id: 'generic-password',
    category: 'generic',
    severity: 'MEDIUM',
    title: 'Password assigned in code or configuration',
    remediation: revoke('password', 'the system it logs in to'),
    keywords: ['password', 'passwd', 'pwd'],
    pattern: /(?<key>(?:password|passwd|pwd)[\w.-]{0,20})["']?[ \t]*(?:=|:|:=|=>)[ \t]*(?<q>["'`])(?<secret>[^"'`\s]{8,64})\k<q>/i,
    entropy: 3,
    excludePaths: TEST_CODE,
    validate: (secret, groups) => hasLettersAndDigits(secret) && isSecretName(groups.key) && !/^[A-Za-z_][\w.]*\(|^\w+\.\w+$/.test(secret),
    maskVisible: 0,
    note: '{key}',
    samples: {
      positive: [`db = connect(host="db", user="app", password="${password}")`, `  "adminPassword": "${password}",`],
      negative: ['password = "password123"', 'password: "${DB_PASSWORD}"', 'passwordField: "input-password-1"', `passwordHint: "${password}"`, { path: 'app/test/login.spec.js', text: `password: "${password}"` }],
    },
  },
  {
    id: 'secret-in-url-query',
    category: 'generic',
    severity: 'MEDIUM',
    title: 'Token or key in a URL query string',
    remediation: revoke('token', 'the service that issued it; send credentials in headers, not URLs'),
    keywords: ['access_token=', 'api_key=', 'apikey=', 'client_secret=', 'private_token=', 'auth_token='],
    pattern: /[?&](?:access_token|api_key|apikey|client_secret|private_token|auth_token)=(?<secret>[A-Za-z0-9_\-.~%]{16,})/i,
    entropy: 3.5,
    excludePaths: TEST_CODE,
    samples: { positive: [`WEBHOOK=https://api.internal.test/notify?channel=ops&access_token=${fake(40, ALNUM, 'qs')}`], negative: ['https://api.internal.test/notify?access_token={token}', `https://api.internal.test/?page=${fake(40, ALNUM, 'qs')}`] },
  },
]);
