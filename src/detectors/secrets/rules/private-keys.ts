/**
 * Private keys: PEM (PKCS#1, SEC1, DSA, PKCS#8), OpenSSH, PGP, PuTTY, age, and the files that
 * bundle keys with certificates. Encrypted keys are reported at lower severity: the OpenSSH header
 * is decoded to read its cipher, PEM says so in its label or its Proc-Type header.
 */
import { isDerSequence, isPemPayload, opensshCipher } from '../checks.js';
import { defineRules, type SecretRule } from '../rule.js';
import { removeFile } from './common.js';
import { fake, fakeBytes, fakeOpenSshKey, fakePem, HEX } from './fake.js';

/** Whitespace, or the `\n` escapes of a key pasted into a JSON or code string. */
const GAP = '(?:\\s|\\\\[nr])*';

/**
 * A PEM body: anything but a run of five dashes, so a header without its END line costs no more
 * than the text up to the next `-----` (a file of repeated BEGIN lines stays linear).
 */
export const PEM_BODY = (min: number, max: number): string => `(?:[^-]|-(?!----)){${min},${max}}?`;

function pemBlock(label: string, notEncrypted = false): RegExp {
  const guard = notEncrypted ? `(?!${GAP}Proc-Type:)` : '';
  return new RegExp(`-----BEGIN ${label}-----${guard}(?<secret>${PEM_BODY(40, 16384)})-----END ${label}-----`);
}

const KEY_REMEDIATION = removeFile('a private key', 'the key (revoke certificates issued for it, remove it from authorized_keys and services that trust it)');
const ENCRYPTED_REMEDIATION =
  'An encrypted key is only as safe as its passphrase, which may be in the image too: rebuild without the key, rotate it if the passphrase is weak or nearby, and mount keys at run time.';

const placeholderKey = (label: string): string => `-----BEGIN ${label}-----\n...\n-----END ${label}-----\n`;
const legacyEncrypted = (type: string): string =>
  fakePem(`${type} PRIVATE KEY`, { headers: ['Proc-Type: 4,ENCRYPTED', `DEK-Info: AES-256-CBC,${fake(32, HEX, `dek-${type}`).toUpperCase()}`], der: false });

function pemKeyRule(id: string, label: string, title: string, sampleLabel = label): SecretRule {
  return {
    id,
    category: 'private-key',
    severity: 'CRITICAL',
    title,
    remediation: KEY_REMEDIATION,
    keywords: [`-----begin ${label.toLowerCase()}-----`],
    pattern: pemBlock(label, true),
    normalize: 'pem-body',
    placeholders: false,
    validate: (secret) => isDerSequence(secret),
    samples: {
      positive: [
        { path: 'root/.ssh/id_rsa', text: fakePem(sampleLabel) },
        `const key = "${fakePem(sampleLabel).replace(/\n/g, '\\n')}";`,
      ],
      negative: [placeholderKey(label), label === 'PRIVATE KEY' ? fakePem('PUBLIC KEY') : legacyEncrypted(label.split(' ')[0]!)],
    },
  };
}

const puttyKey = (encryption: string): string =>
  [
    'PuTTY-User-Key-File-3: ssh-ed25519',
    `Encryption: ${encryption}`,
    'Comment: customs-test',
    'Public-Lines: 2',
    fakeBytes(48, 'putty-pub').toString('base64'),
    fakeBytes(3, 'putty-pub2').toString('base64'),
    ...(encryption === 'none' ? [] : ['Key-Derivation: Argon2id', 'Argon2-Memory: 8192', 'Argon2-Passes: 21', 'Argon2-Parallelism: 1', `Argon2-Salt: ${fake(32, HEX, 'salt')}`]),
    'Private-Lines: 1',
    fakeBytes(48, `putty-priv-${encryption}`).toString('base64'),
    `Private-MAC: ${fake(64, HEX, 'mac')}`,
    '',
  ].join('\n');

export const privateKeyRules = defineRules([
  pemKeyRule('rsa-private-key', 'RSA PRIVATE KEY', 'RSA private key'),
  pemKeyRule('ec-private-key', 'EC PRIVATE KEY', 'EC private key'),
  pemKeyRule('dsa-private-key', 'DSA PRIVATE KEY', 'DSA private key'),
  pemKeyRule('pkcs8-private-key', 'PRIVATE KEY', 'Private key (PKCS#8)'),
  {
    id: 'openssh-private-key',
    category: 'private-key',
    severity: 'CRITICAL',
    title: 'OpenSSH private key (not encrypted)',
    remediation: KEY_REMEDIATION,
    keywords: ['-----begin openssh private key-----'],
    pattern: pemBlock('OPENSSH PRIVATE KEY'),
    normalize: 'pem-body',
    placeholders: false,
    validate: (secret) => opensshCipher(secret) === 'none',
    samples: {
      positive: [{ path: 'home/app/.ssh/id_ed25519', text: fakeOpenSshKey('none') }],
      negative: [fakeOpenSshKey('aes256-ctr'), placeholderKey('OPENSSH PRIVATE KEY')],
    },
  },
  {
    id: 'openssh-private-key-encrypted',
    category: 'private-key',
    severity: 'MEDIUM',
    title: 'OpenSSH private key (passphrase-encrypted)',
    remediation: ENCRYPTED_REMEDIATION,
    keywords: ['-----begin openssh private key-----'],
    pattern: pemBlock('OPENSSH PRIVATE KEY'),
    normalize: 'pem-body',
    placeholders: false,
    validate: (secret) => {
      const cipher = opensshCipher(secret);
      return cipher !== undefined && cipher !== 'none';
    },
    samples: { positive: [{ path: 'home/app/.ssh/id_ed25519', text: fakeOpenSshKey('aes256-ctr') }], negative: [fakeOpenSshKey('none')] },
  },
  {
    id: 'pkcs8-encrypted-private-key',
    category: 'private-key',
    severity: 'MEDIUM',
    title: 'Private key (PKCS#8, passphrase-encrypted)',
    remediation: ENCRYPTED_REMEDIATION,
    keywords: ['-----begin encrypted private key-----'],
    pattern: pemBlock('ENCRYPTED PRIVATE KEY'),
    normalize: 'pem-body',
    placeholders: false,
    validate: (secret) => isDerSequence(secret),
    samples: { positive: [fakePem('ENCRYPTED PRIVATE KEY')], negative: [placeholderKey('ENCRYPTED PRIVATE KEY')] },
  },
  {
    id: 'pem-encrypted-private-key',
    category: 'private-key',
    severity: 'MEDIUM',
    title: 'Private key (PEM, passphrase-encrypted)',
    remediation: ENCRYPTED_REMEDIATION,
    keywords: ['proc-type: 4,encrypted', 'proc-type:4,encrypted'],
    pattern: new RegExp(
      `-----BEGIN (?<type>RSA|EC|DSA) PRIVATE KEY-----${GAP}Proc-Type:[ \\t]*4,ENCRYPTED${GAP}DEK-Info:[^\\n\\\\]*${GAP}(?<secret>${PEM_BODY(40, 16384)})-----END \\k<type> PRIVATE KEY-----`,
    ),
    normalize: 'pem-body',
    placeholders: false,
    validate: (secret) => isPemPayload(secret, 32),
    samples: { positive: [legacyEncrypted('RSA'), legacyEncrypted('EC')], negative: [fakePem('RSA PRIVATE KEY'), '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00\n\n...\n-----END RSA PRIVATE KEY-----'] },
  },
  {
    id: 'pgp-private-key',
    category: 'private-key',
    severity: 'HIGH',
    title: 'PGP private key block',
    remediation: removeFile('a PGP private key', 'the key (revoke it on key servers and re-sign what it signed)'),
    keywords: ['-----begin pgp private key block-----'],
    pattern: new RegExp(`-----BEGIN PGP PRIVATE KEY BLOCK-----(?:\\r?\\n[A-Za-z-]+: [^\\n]*)*(?<secret>${PEM_BODY(100, 32768)})-----END PGP PRIVATE KEY BLOCK-----`),
    normalize: 'pem-body',
    placeholders: false,
    validate: (secret) => /^[A-Za-z0-9+/=]{100,}$/.test(secret),
    samples: {
      positive: [`-----BEGIN PGP PRIVATE KEY BLOCK-----\nComment: customs-test\n\n${fakeBytes(400, 'pgp').toString('base64').match(/.{1,64}/g)!.join('\n')}\n=${fake(4, 'ABCDEFGH', 'crc')}\n-----END PGP PRIVATE KEY BLOCK-----\n`],
      negative: ['-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n<your key here>\n-----END PGP PRIVATE KEY BLOCK-----', `-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n${fakeBytes(400, 'pgp').toString('base64')}\n-----END PGP PUBLIC KEY BLOCK-----`],
    },
  },
  {
    id: 'putty-private-key',
    category: 'private-key',
    severity: 'CRITICAL',
    title: 'PuTTY private key (not encrypted)',
    remediation: KEY_REMEDIATION,
    keywords: ['putty-user-key-file-'],
    pattern: /PuTTY-User-Key-File-[23]:[^\n]*\r?\nEncryption:[ \t]*none[\s\S]{0,4000}?Private-Lines:[ \t]*\d+\r?\n(?<secret>[A-Za-z0-9+/=\s]{40,8000}?)Private-(?:MAC|Hash):/,
    normalize: 'pem-body',
    placeholders: false,
    samples: { positive: [{ path: 'app/deploy.ppk', text: puttyKey('none') }], negative: [puttyKey('aes256-cbc')] },
  },
  {
    id: 'putty-private-key-encrypted',
    category: 'private-key',
    severity: 'MEDIUM',
    title: 'PuTTY private key (passphrase-encrypted)',
    remediation: ENCRYPTED_REMEDIATION,
    keywords: ['putty-user-key-file-'],
    pattern: /PuTTY-User-Key-File-[23]:[^\n]*\r?\nEncryption:[ \t]*(?!none)[\w-]+[\s\S]{0,4000}?Private-Lines:[ \t]*\d+\r?\n(?<secret>[A-Za-z0-9+/=\s]{40,8000}?)Private-(?:MAC|Hash):/,
    normalize: 'pem-body',
    placeholders: false,
    samples: { positive: [{ path: 'app/deploy.ppk', text: puttyKey('aes256-cbc') }], negative: [puttyKey('none')] },
  },
  {
    id: 'age-secret-key',
    category: 'private-key',
    severity: 'HIGH',
    title: 'age secret key',
    remediation: removeFile('an age identity', 'the identity (re-encrypt what it protects to a new recipient)'),
    keywords: ['age-secret-key-1'],
    pattern: /\b(?<secret>AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})\b/,
    samples: {
      positive: [{ path: 'root/.config/sops/age/keys.txt', text: `# created: 2024-01-01T00:00:00Z\nAGE-SECRET-KEY-1${fake(58, 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L', 'age')}\n` }],
      negative: [`AGE-SECRET-KEY-1${fake(40, 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L', 'age2')}`],
    },
  },
  {
    id: 'certificate-with-private-key',
    category: 'private-key',
    severity: 'MEDIUM',
    title: 'TLS certificate bundled with its unencrypted private key',
    remediation:
      'Keep TLS private keys out of images: mount the certificate and key at run time (a Kubernetes TLS secret, a secrets manager) and rotate this key pair; the key itself is reported separately.',
    keywords: ['-----begin certificate-----'],
    requires: /-----BEGIN (?:RSA |EC |DSA |OPENSSH )?PRIVATE KEY-----/,
    pattern: new RegExp(`-----BEGIN CERTIFICATE-----(?<secret>${PEM_BODY(40, 16384)})-----END CERTIFICATE-----`),
    normalize: 'pem-body',
    placeholders: false,
    validate: (secret) => isDerSequence(secret),
    // One finding per bundle, on its first certificate: a full chain is still one key.
    maxMatches: 1,
    samples: {
      positive: [{ path: 'etc/nginx/tls/server.pem', text: fakePem('CERTIFICATE', { bytes: 900 }) + fakePem('CERTIFICATE', { bytes: 800 }) + fakePem('PRIVATE KEY') }],
      negative: [
        { path: 'etc/nginx/tls/server.pem', text: fakePem('CERTIFICATE') + fakePem('ENCRYPTED PRIVATE KEY') },
        { path: 'etc/ssl/certs/ca.pem', text: fakePem('CERTIFICATE') },
        { path: 'docs/api.json', text: '"CertificateBody": "-----BEGIN CERTIFICATE-----<certificate-body>-----END CERTIFICATE-----", "PrivateKey": "-----BEGIN RSA PRIVATE KEY-----<key>-----END RSA PRIVATE KEY-----"' },
      ],
    },
  },
  {
    id: 'pkcs12-file',
    category: 'private-key',
    severity: 'MEDIUM',
    title: 'PKCS#12 key store (.p12/.pfx: certificate and private key)',
    remediation: removeFile('a PKCS#12 key store', 'the key pair it holds (its password is often empty or weak)'),
    keywords: [],
    paths: ['*.p12', '*.pfx'],
    samples: { positive: [{ path: 'app/certs/client.p12', text: '' }, { path: 'app/certs/SERVER.pfx', text: '' }], negative: [{ path: 'app/certs/client.p12.txt', text: 'not a key store' }] },
  },
  {
    id: 'java-keystore-file',
    category: 'private-key',
    severity: 'LOW',
    title: 'Java key store (.jks/.keystore/.bks): may hold private keys',
    remediation: 'Check whether this key store holds private keys (keytool -list) rather than only trusted certificates; if it does, mount it at run time and rotate the keys.',
    keywords: [],
    paths: ['*.jks', '*.keystore', '*.bks'],
    samples: { positive: [{ path: 'opt/app/conf/server.jks', text: '' }], negative: [{ path: 'opt/app/conf/server.jks.md5', text: 'x' }] },
  },
]);
