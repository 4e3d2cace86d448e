import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RiskFinding } from '../../core/finding.js';
import { maskSecret } from '../../core/mask.js';
import { scanTextForSecrets } from '../secrets/index.js';
import { baselineChecks, baselineFindings, BASELINE_CATEGORY } from './index.js';
import { referenceTag } from './checks/image.js';
import { BASE_GROUP, BASE_PASSWD, BASE_SHADOW, buildInput, cleanImage, diffIdOf, project, putFile, type ExpectedFinding, type ImageSpec } from './test-helpers.js';

const ALL_CHECKS = new Set(baselineChecks.map((check) => check.id));
const HEX64 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
// Token-shaped values are built at run time, never written out whole.
const AWS_KEY_ID = `AK${'IA'}${'QWERTYUIOPASDFGH'.split('').reverse().join('').replace(/O/g, '7').replace(/I/g, '3')}`;

type Change = (spec: ImageSpec) => void;

interface Sample {
  name: string;
  change: Change;
  expect: ExpectedFinding[];
}

interface Samples {
  positive: () => Sample[];
  negative: Array<{ name: string; change: Change }>;
}

// ---------------------------------------------------------------------------------------------
// Small edits of the clean image

const addRun = (createdBy: string): Change => (spec) => {
  spec.history.push({ createdBy });
  spec.layers.push([]);
  spec.whiteouts.push([]);
};
const addStep = (createdBy: string): Change => (spec) => void spec.history.push({ createdBy, emptyLayer: true });
const file = (layer: number, path: string, extra: Partial<{ type: 'file' | 'dir' | 'symlink' | 'char' | 'hardlink'; mode: number; uid: number; gid: number; size: number; content: string; linkname: string }> = {}): Change => (spec) =>
  putFile(spec, layer, { path, ...extra });
const config = (path: string, content: string, layer = 0, mode?: number): Change => file(layer, path, { content, ...(mode === undefined ? {} : { mode }) });
const env = (name: string, value: string): Change => (spec) => void spec.metadata.env.push({ name, value });
const label = (name: string, value: string): Change => (spec) => void (spec.metadata.labels[name] = value);
const all = (...changes: Change[]): Change => (spec) => changes.forEach((change) => change(spec));
const nothing: Change = () => undefined;
const secretFinding = (overrides: Partial<RiskFinding> & { location: RiskFinding['location'] }): Change => (spec) =>
  void spec.secretFindings.push({ id: 'x', category: 'generic', severity: 'HIGH', title: 'x', remediation: 'r', evidence: 'e', ...overrides });

const sshd = (text: string): Change => config('etc/ssh/sshd_config', text, 1);

/** One finding of `id` with the check's own severity and title unless the sample says otherwise. */
function expect(id: string, fields: Omit<ExpectedFinding, 'severity' | 'title'> & Partial<Pick<ExpectedFinding, 'severity' | 'title'>>): ExpectedFinding {
  const check = baselineChecks.find((candidate) => candidate.id === id)!;
  return { severity: check.severity, title: check.title, ...fields };
}

/**
 * CIS-DI-0010 for a secret-named setting: the catalog's verdict when its own assignment rules
 * recognise the value (catalog title, severity and masked form), the name rule's otherwise.
 */
function byName(kind: 'ENV' | 'LABEL', name: string, value: string, at: { historyIndex?: number } = {}): ExpectedFinding {
  const [hit] = scanTextForSecrets(`${name}=${value}`);
  if (hit) return expect('CIS-DI-0010', { severity: hit.severity, title: `Secret in ${kind} ${name}: ${hit.title}`, evidence: `${kind} ${name}=${hit.masked}`, ...at });
  return expect('CIS-DI-0010', { title: `Secret in ${kind} ${name}`, evidence: `${kind} ${name}=${maskSecret(value, 0)}`, ...at });
}

// ---------------------------------------------------------------------------------------------
// Every check: inputs that must raise exactly these findings, and near misses that must not

const SAMPLES: Record<string, Samples> = {
  'CIS-DI-0001': {
    positive: () => [
      { name: 'no USER', change: (spec) => ((spec.metadata.user = ''), spec.history.splice(3, 1)), expect: [expect('CIS-DI-0001', { evidence: 'no USER set: the container runs as root' })] },
      { name: 'USER root:root', change: (spec) => ((spec.metadata.user = 'root:root'), (spec.history[3] = { createdBy: 'USER root:root', emptyLayer: true })), expect: [expect('CIS-DI-0001', { evidence: 'USER root:root', historyIndex: 3 })] },
      { name: 'USER 0', change: (spec) => ((spec.metadata.user = '0'), (spec.history[3] = { createdBy: '/bin/sh -c #(nop)  USER 0', emptyLayer: true })), expect: [expect('CIS-DI-0001', { evidence: 'USER 0', historyIndex: 3 })] },
      {
        name: 'a name with uid 0',
        change: all(config('etc/passwd', `${BASE_PASSWD}toor:x:0:0::/root:/bin/sh\n`), (spec) => ((spec.metadata.user = 'toor'), (spec.history[3] = { createdBy: 'USER toor', emptyLayer: true }))),
        expect: [expect('CIS-DI-0001', { file: 'etc/passwd', line: 5, layerIndex: 0, historyIndex: 3, evidence: 'USER toor has uid 0 in /etc/passwd' })],
      },
    ],
    negative: [
      { name: 'USER 1000:0 (root group only)', change: (spec) => void (spec.metadata.user = '1000:0') },
      { name: 'USER rootless (name starts with root)', change: (spec) => void (spec.metadata.user = 'rootless') },
      { name: 'USER app', change: nothing },
    ],
  },
  'CIS-DI-0006': {
    positive: () => [
      { name: 'no healthcheck', change: (spec) => void (spec.metadata.healthcheck = undefined), expect: [expect('CIS-DI-0006', { evidence: 'no HEALTHCHECK' })] },
      { name: 'HEALTHCHECK NONE', change: (spec) => void (spec.metadata.healthcheck = { test: ['NONE'] }), expect: [expect('CIS-DI-0006', { evidence: 'HEALTHCHECK NONE' })] },
    ],
    negative: [{ name: 'CMD-SHELL healthcheck', change: (spec) => void (spec.metadata.healthcheck = { test: ['CMD-SHELL', 'curl -f http://localhost/'] }) }],
  },
  'CIS-DI-0007': {
    positive: () => [
      { name: 'classic apt-get update alone', change: addRun('/bin/sh -c apt-get update'), expect: [expect('CIS-DI-0007', { historyIndex: 4, layerIndex: 2, evidence: '/bin/sh -c apt-get update' })] },
      { name: 'buildkit apk update alone', change: addRun('RUN /bin/sh -c apk update && echo done'), expect: [expect('CIS-DI-0007', { historyIndex: 4, layerIndex: 2, evidence: 'RUN /bin/sh -c apk update && echo done' })] },
    ],
    negative: [
      { name: 'update and install together', change: addRun('RUN /bin/sh -c apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*') },
      { name: 'the word update elsewhere', change: addRun('RUN /bin/sh -c echo update && git submodule update') },
    ],
  },
  'CIS-DI-0008': {
    positive: () => [
      {
        name: 'setuid, setgid and both',
        change: all(file(0, 'usr/bin/passwd', { mode: 0o4755 }), file(1, 'usr/bin/wall', { mode: 0o2755, gid: 5 }), file(1, 'usr/local/bin/both', { mode: 0o6755, type: 'hardlink', linkname: 'usr/bin/wall' })),
        expect: [
          expect('CIS-DI-0008', { title: 'setuid file', file: 'usr/bin/passwd', layerIndex: 0, evidence: 'mode 4755, owner 0:0' }),
          expect('CIS-DI-0008', { title: 'setgid file', file: 'usr/bin/wall', layerIndex: 1, evidence: 'mode 2755, owner 0:5' }),
          expect('CIS-DI-0008', { title: 'setuid and setgid file', file: 'usr/local/bin/both', layerIndex: 1, evidence: 'mode 6755, owner 0:0' }),
        ],
      },
    ],
    negative: [
      { name: 'setgid directory', change: file(0, 'var/mail', { type: 'dir', mode: 0o2775 }) },
      { name: 'plain executable', change: file(0, 'usr/bin/tool', { mode: 0o755 }) },
    ],
  },
  'CIS-DI-0009': {
    positive: () => [
      { name: 'ADD of a local file', change: addRun('ADD app.jar /app/ # buildkit'), expect: [expect('CIS-DI-0009', { historyIndex: 4, layerIndex: 2, evidence: 'ADD app.jar /app/ # buildkit' })] },
      { name: 'ADD of a URL', change: addRun('ADD https://example.com/tool /usr/local/bin/tool # buildkit'), expect: [expect('CIS-DI-0009', { historyIndex: 4, layerIndex: 2, evidence: 'ADD https://example.com/tool /usr/local/bin/tool # buildkit' })] },
    ],
    negative: [
      { name: 'ADD of a local tar archive', change: addRun('ADD rootfs.tar.xz / # buildkit') },
      { name: 'classic base layer ADD file:<hash> in /', change: addRun(`/bin/sh -c #(nop) ADD file:${HEX64} in / `) },
      { name: 'COPY', change: addRun('COPY app /app # buildkit') },
    ],
  },
  'CIS-DI-0010': {
    positive: () => {
      const [aws] = scanTextForSecrets(`SETTINGS=${AWS_KEY_ID}`);
      assert.ok(aws, 'the secret catalog recognises an AWS access key ID');
      return [
        {
          name: 'secret-named ENV with a value',
          change: all(env('DB_PASSWORD', 's3cr3t-Passw0rd'), addStep('ENV DB_PASSWORD=s3cr3t-Passw0rd')),
          expect: [byName('ENV', 'DB_PASSWORD', 's3cr3t-Passw0rd', { historyIndex: 4 })],
        },
        {
          name: 'secret-named label',
          change: label('com.example.api-token', 'tok9f8e7d6c5b4a'),
          expect: [byName('LABEL', 'com.example.api-token', 'tok9f8e7d6c5b4a')],
        },
        {
          name: 'a catalog secret under an innocent name',
          change: env('SETTINGS', AWS_KEY_ID),
          expect: [expect('CIS-DI-0010', { severity: aws.severity, title: `Secret in ENV SETTINGS: ${aws.title}`, evidence: `ENV SETTINGS=${aws.masked}` })],
        },
      ];
    },
    negative: [
      { name: 'path to a secret', change: env('PASSWORD_FILE', '/run/secrets/db') },
      { name: 'GPG key fingerprint', change: env('GPG_KEY', HEX64.slice(0, 40).toUpperCase()) },
      { name: 'empty and reference values', change: all(env('DB_PASSWORD', ''), env('API_TOKEN', '${API_TOKEN}')) },
      { name: 'PWD', change: env('PWD', '/app') },
    ],
  },
  'CUSTOMS-BL-017': {
    positive: () => [
      {
        name: 'password in a database URL',
        change: env('DATABASE_URL', 'postgres://app:hunter2hunter2@db:5432/app'),
        expect: [expect('CUSTOMS-BL-017', { evidence: 'ENV DATABASE_URL=postgres://app:******** (14 chars)@db:5432/app' })],
      },
    ],
    negative: [
      { name: 'variable reference', change: env('DATABASE_URL', 'postgres://app:${DB_PASS}@db/app') },
      { name: 'URLs without credentials', change: all(env('REPO', 'https://github.com/org/repo'), label('vcs', 'ssh://git@github.com/org/repo')) },
    ],
  },
  'CUSTOMS-BL-015': {
    positive: () => [
      {
        name: 'cloud key found by the secret detector',
        change: secretFinding({ id: 'aws-access-key-id', category: 'secret/cloud', title: 'AWS access key ID', evidence: 'AKIA******** (20 chars)', location: { file: 'app/config.ini', line: 3, layerIndex: 1, layerDiffId: diffIdOf(1) } }),
        expect: [expect('CUSTOMS-BL-015', { title: 'Cloud access key stored in plaintext: AWS access key ID', file: 'app/config.ini', line: 3, layerIndex: 1, evidence: 'AKIA******** (20 chars)' })],
      },
    ],
    negative: [{ name: 'a VCS token', change: secretFinding({ id: 'github-personal-access-token', category: 'secret/vcs-ci', location: { file: 'app/.env', line: 1, layerIndex: 1 } }) }],
  },
  'CUSTOMS-BL-016': {
    positive: () => [
      {
        name: 'world-readable key',
        change: all(file(1, 'app/key.pem', { mode: 0o644 }), secretFinding({ id: 'rsa-private-key', category: 'secret/private-key', title: 'RSA private key', location: { file: 'app/key.pem', line: 1, layerIndex: 1 } })),
        expect: [expect('CUSTOMS-BL-016', { file: 'app/key.pem', line: 1, layerIndex: 1, evidence: 'mode 0644, owner 0:0 (RSA private key)' })],
      },
    ],
    negative: [
      { name: 'key readable by its owner only', change: all(file(1, 'app/key.pem', { mode: 0o600 }), secretFinding({ category: 'secret/private-key', title: 'RSA private key', location: { file: 'app/key.pem', line: 1, layerIndex: 1 } })) },
      {
        name: 'key deleted by a later layer',
        change: all(file(1, 'app/key.pem', { mode: 0o644 }), addRun('RUN /bin/sh -c rm /app/key.pem'), (spec) => void spec.whiteouts[2]!.push('app/key.pem'), secretFinding({ category: 'secret/private-key', location: { file: 'app/key.pem', line: 1, layerIndex: 1 } })),
      },
    ],
  },
  'DKL-DI-0001': {
    positive: () => [{ name: 'sudo in RUN', change: addRun('RUN /bin/sh -c sudo apt-get install -y curl'), expect: [expect('DKL-DI-0001', { historyIndex: 4, layerIndex: 2, evidence: 'RUN /bin/sh -c sudo apt-get install -y curl' })] }],
    negative: [{ name: 'installing the sudo package', change: addRun('RUN /bin/sh -c apt-get install -y sudo') }],
  },
  'DKL-DI-0002': {
    positive: () => [
      {
        name: 'docker socket and /etc',
        change: (spec) => void (spec.metadata.volumes = ['/data', '/etc/', '/var/run/docker.sock']),
        expect: [expect('DKL-DI-0002', { evidence: 'VOLUME /etc/' }), expect('DKL-DI-0002', { evidence: 'VOLUME /var/run/docker.sock' })],
      },
    ],
    negative: [{ name: 'data directories', change: (spec) => void (spec.metadata.volumes = ['/var/lib/mysql', '/etc/app']) }],
  },
  'DKL-DI-0003': {
    positive: () => [{ name: 'dist-upgrade', change: addRun('RUN /bin/sh -c apt-get update && apt-get dist-upgrade -y'), expect: [expect('DKL-DI-0003', { historyIndex: 4, layerIndex: 2, evidence: 'RUN /bin/sh -c apt-get update && apt-get dist-upgrade -y' })] }],
    negative: [{ name: 'plain upgrade', change: addRun('RUN /bin/sh -c apt-get update && apt-get upgrade -y') }],
  },
  'DKL-DI-0004': {
    positive: () => [{ name: 'apk add with the cache', change: addRun('RUN /bin/sh -c apk update && apk add curl'), expect: [expect('DKL-DI-0004', { historyIndex: 4, layerIndex: 2, evidence: 'RUN /bin/sh -c apk update && apk add curl' })] }],
    negative: [
      { name: 'apk add --no-cache', change: addRun('RUN /bin/sh -c apk add --no-cache curl') },
      { name: 'cache removed in the same RUN', change: addRun('RUN /bin/sh -c apk add curl && rm -rf /var/cache/apk/*') },
    ],
  },
  'DKL-DI-0005': {
    positive: () => [
      {
        name: 'apt lists, apt archives, pip and npm caches',
        change: all(
          file(0, 'var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease', { size: 100 }),
          file(0, 'var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages', { size: 1000 }),
          file(1, 'var/cache/apt/archives/curl_7.88_amd64.deb', { size: 500 }),
          file(1, 'root/.cache/pip/http/a/b/c', { size: 10 }),
          file(1, 'home/app/.npm/_cacache/index-v5/x', { size: 5 }),
        ),
        expect: [
          expect('DKL-DI-0005', { title: 'Package manager cache left in the image: npm cache', file: 'home/app/.npm/_cacache', layerIndex: 1, evidence: '1 file, 5 bytes' }),
          expect('DKL-DI-0005', { title: 'Package manager cache left in the image: pip cache', file: 'root/.cache/pip', layerIndex: 1, evidence: '1 file, 10 bytes' }),
          expect('DKL-DI-0005', { title: 'Package manager cache left in the image: apt package cache', file: 'var/cache/apt', layerIndex: 1, evidence: '1 file, 500 bytes' }),
          expect('DKL-DI-0005', { title: 'Package manager cache left in the image: apt package lists', file: 'var/lib/apt/lists', layerIndex: 0, evidence: '2 files, 1100 bytes' }),
        ],
      },
    ],
    negative: [
      { name: 'only lock files and empty directories', change: all(file(0, 'var/cache/apt/archives/lock', { size: 0 }), file(0, 'var/cache/apk', { type: 'dir' })) },
      {
        name: 'lists removed in a later layer',
        change: all(file(0, 'var/lib/apt/lists/x_Packages', { size: 5 }), addRun('RUN /bin/sh -c rm -rf /var/lib/apt/lists/*'), (spec) => void spec.whiteouts[2]!.push('var/lib/apt/lists/x_Packages')),
      },
    ],
  },
  'DKL-DI-0006': {
    positive: () => [
      { name: 'latest', change: (spec) => void (spec.reference = 'registry.example.com/team/app:latest'), expect: [expect('DKL-DI-0006', { evidence: 'registry.example.com/team/app:latest' })] },
      { name: 'no tag', change: (spec) => void (spec.reference = 'alpine'), expect: [expect('DKL-DI-0006', { evidence: 'alpine (no tag: latest implied)' })] },
      { name: 'OCI layout tag', change: (spec) => void (spec.reference = 'oci:/tmp/layout:latest'), expect: [expect('DKL-DI-0006', { evidence: 'oci:/tmp/layout:latest' })] },
    ],
    negative: [
      { name: 'version tag', change: (spec) => void (spec.reference = 'localhost:5000/app:1.0') },
      { name: 'digest', change: (spec) => void (spec.reference = `alpine@sha256:${HEX64}`) },
      { name: 'root filesystem', change: (spec) => void (spec.reference = 'dir:/srv/rootfs') },
    ],
  },
  'DKL-LI-0001': {
    positive: () => [
      {
        name: 'empty shadow and passwd fields',
        change: all(config('etc/shadow', BASE_SHADOW.replace('app:!:', 'app::')), config('etc/passwd', `${BASE_PASSWD}guest::1001:1001::/home/guest:/bin/sh\n`)),
        expect: [
          expect('DKL-LI-0001', { file: 'etc/shadow', line: 4, layerIndex: 0, evidence: 'app: empty password' }),
          expect('DKL-LI-0001', { file: 'etc/passwd', line: 5, layerIndex: 0, evidence: 'guest: empty password' }),
        ],
      },
    ],
    negative: [{ name: 'locked with ! and *', change: nothing }],
  },
  'DKL-LI-0002': {
    positive: () => [
      {
        name: 'duplicate uid and gid',
        change: all(config('etc/passwd', `${BASE_PASSWD}toor:x:0:0::/root:/bin/sh\n`), config('etc/group', `${BASE_GROUP}admins:x:27:\n`)),
        expect: [
          expect('DKL-LI-0002', { title: 'Duplicate user id', file: 'etc/passwd', line: 5, layerIndex: 0, evidence: 'uid 0: root, toor' }),
          expect('DKL-LI-0002', { title: 'Duplicate group id', file: 'etc/group', line: 5, layerIndex: 0, evidence: 'gid 27: sudo, admins' }),
        ],
      },
    ],
    negative: [{ name: 'same gid for a user and its group', change: nothing }],
  },
  'DKL-LI-0003': {
    positive: () => [
      {
        name: '.git, .DS_Store and a shell history',
        change: all(file(1, 'app/.git', { type: 'dir' }), file(1, 'app/.git/config', { size: 90 }), file(1, 'app/.DS_Store', { size: 6 }), file(1, 'root/.bash_history', { size: 20 })),
        expect: [
          expect('DKL-LI-0003', { title: 'Unnecessary file in the image: .DS_Store', file: 'app/.DS_Store', layerIndex: 1, evidence: '6 bytes' }),
          expect('DKL-LI-0003', { title: 'Unnecessary file in the image: .git', file: 'app/.git', layerIndex: 1, evidence: '.git directory' }),
          expect('DKL-LI-0003', { title: 'Unnecessary file in the image: .bash_history', file: 'root/.bash_history', layerIndex: 1, evidence: '20 bytes' }),
        ],
      },
    ],
    negative: [{ name: '.gitignore and .github', change: all(file(1, 'app/.gitignore'), file(1, 'app/.github/workflows/ci.yml'), file(1, 'app/git', { type: 'dir' })) }],
  },
  'CUSTOMS-BL-001': {
    positive: () => [{ name: 'mode 0666 file', change: file(1, 'app/data.json', { mode: 0o666 }), expect: [expect('CUSTOMS-BL-001', { file: 'app/data.json', layerIndex: 1, evidence: 'mode 0666, owner 0:0' })] }],
    negative: [
      { name: 'symlink', change: file(1, 'app/link', { type: 'symlink', linkname: 'data.json', mode: 0o777 }) },
      { name: 'device node', change: file(0, 'dev/null', { type: 'char', mode: 0o666 }) },
      { name: 'group-writable file', change: file(1, 'app/data.json', { mode: 0o664 }) },
    ],
  },
  'CUSTOMS-BL-002': {
    positive: () => [{ name: 'mode 0777 directory', change: file(1, 'app/uploads', { type: 'dir', mode: 0o777 }), expect: [expect('CUSTOMS-BL-002', { file: 'app/uploads', layerIndex: 1, evidence: 'mode 0777, owner 0:0' })] }],
    negative: [
      { name: 'sticky /tmp', change: nothing },
      { name: 'group-writable directory', change: file(1, 'app/uploads', { type: 'dir', mode: 0o775 }) },
    ],
  },
  'CUSTOMS-BL-003': {
    positive: () => [{ name: 'toor', change: config('etc/passwd', `${BASE_PASSWD}toor:x:0:0::/root:/bin/sh\n`), expect: [expect('CUSTOMS-BL-003', { file: 'etc/passwd', line: 5, layerIndex: 0, evidence: 'toor: uid 0' })] }],
    negative: [{ name: 'root alone', change: nothing }],
  },
  'CUSTOMS-BL-004': {
    positive: () => [
      {
        name: 'MD5 and DES hashes',
        change: config('etc/shadow', BASE_SHADOW.replace('app:!:', 'app:$1$saltsalt$qjXMvbEw8oaL.CzflDugX/:').replace('sync:*:', 'sync:abJnggxhB/yWI:')),
        expect: [
          expect('CUSTOMS-BL-004', { file: 'etc/shadow', line: 3, layerIndex: 0, evidence: 'sync: des hash' }),
          expect('CUSTOMS-BL-004', { file: 'etc/shadow', line: 4, layerIndex: 0, evidence: 'app: md5 hash' }),
        ],
      },
    ],
    negative: [{ name: 'SHA-512 hash', change: config('etc/shadow', BASE_SHADOW.replace('app:!:', 'app:$6$salt$HASHVALUE:')) }],
  },
  'CUSTOMS-BL-005': {
    positive: () => [{ name: 'root with a SHA-512 hash', change: config('etc/shadow', BASE_SHADOW.replace('root:*:', 'root:$6$salt$HASHVALUE:')), expect: [expect('CUSTOMS-BL-005', { file: 'etc/shadow', line: 1, layerIndex: 0, evidence: 'root: sha512 hash' })] }],
    negative: [{ name: 'locked accounts, and a locked hash', change: config('etc/shadow', BASE_SHADOW.replace('root:*:', 'root:!$6$salt$HASHVALUE:')) }],
  },
  'CUSTOMS-BL-006': {
    positive: () => [
      {
        name: 'NOPASSWD ALL in sudoers.d',
        change: config('etc/sudoers.d/app', 'app ALL=(ALL) NOPASSWD: ALL\n', 1),
        expect: [expect('CUSTOMS-BL-006', { file: 'etc/sudoers.d/app', line: 1, layerIndex: 1, evidence: 'app ALL=(ALL) NOPASSWD: ALL' })],
      },
      {
        name: 'Defaults !authenticate and a NOPASSWD command',
        change: config('etc/sudoers', 'Defaults !authenticate\ndeploy ALL=(root) NOPASSWD: /usr/bin/systemctl restart app\n', 1),
        expect: [
          expect('CUSTOMS-BL-006', { file: 'etc/sudoers', layerIndex: 1, evidence: 'Defaults !authenticate' }),
          expect('CUSTOMS-BL-006', { severity: 'MEDIUM', file: 'etc/sudoers', line: 2, layerIndex: 1, evidence: 'deploy ALL=(root) NOPASSWD: /usr/bin/systemctl restart app' }),
        ],
      },
    ],
    negative: [
      { name: 'sudo with a password', change: config('etc/sudoers', 'app ALL=(ALL) ALL\n', 1) },
      { name: 'a sudoers.d file sudo skips (has a dot)', change: config('etc/sudoers.d/app.disabled', 'app ALL=(ALL) NOPASSWD: ALL\n', 1) },
    ],
  },
  'CUSTOMS-BL-007': {
    positive: () => [
      {
        name: '%sudo with a member, and a user',
        change: all(config('etc/group', BASE_GROUP.replace('sudo:x:27:', 'sudo:x:27:app')), config('etc/sudoers', 'root ALL=(ALL:ALL) ALL\n%sudo ALL=(ALL:ALL) ALL\nalice ALL=(ALL) ALL\n', 1)),
        expect: [
          expect('CUSTOMS-BL-007', { file: 'etc/sudoers', line: 2, layerIndex: 1, evidence: '%sudo ALL=(ALL:ALL) ALL — for %sudo (app)' }),
          expect('CUSTOMS-BL-007', { file: 'etc/sudoers', line: 3, layerIndex: 1, evidence: 'alice ALL=(ALL) ALL — for alice' }),
        ],
      },
    ],
    negative: [
      { name: "Debian's stock sudoers with an empty sudo group", change: config('etc/sudoers', 'root ALL=(ALL:ALL) ALL\n%sudo ALL=(ALL:ALL) ALL\n@includedir /etc/sudoers.d\n', 1) },
      { name: 'a listed command', change: config('etc/sudoers', 'app ALL=(root) /usr/bin/apt-get\n', 1) },
    ],
  },
  'CUSTOMS-BL-008': {
    positive: () => [{ name: 'sshd binary', change: file(1, 'usr/sbin/sshd', { mode: 0o755 }), expect: [expect('CUSTOMS-BL-008', { file: 'usr/sbin/sshd', layerIndex: 1, evidence: 'usr/sbin/sshd (file)' })] }],
    negative: [{ name: 'ssh client only', change: file(1, 'usr/bin/ssh', { mode: 0o755 }) }],
  },
  'CUSTOMS-BL-009': {
    positive: () => [
      { name: 'PermitRootLogin yes', change: sshd('PermitRootLogin yes\nPasswordAuthentication no\n'), expect: [expect('CUSTOMS-BL-009', { file: 'etc/ssh/sshd_config', line: 1, layerIndex: 1, evidence: 'PermitRootLogin yes' })] },
      {
        name: 'an included drop-in comes first',
        change: all(sshd('Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin no\n'), config('etc/ssh/sshd_config.d/10-root.conf', 'PermitRootLogin yes\n', 1)),
        expect: [expect('CUSTOMS-BL-009', { file: 'etc/ssh/sshd_config.d/10-root.conf', line: 1, layerIndex: 1, evidence: 'PermitRootLogin yes' })],
      },
      {
        name: 'in a Match block',
        change: sshd('PermitRootLogin no\nMatch Address 10.0.0.0/8\n  PermitRootLogin yes\n'),
        expect: [expect('CUSTOMS-BL-009', { file: 'etc/ssh/sshd_config', line: 3, layerIndex: 1, evidence: 'Match Address 10.0.0.0/8: PermitRootLogin yes' })],
      },
    ],
    negative: [
      { name: 'prohibit-password', change: sshd('PermitRootLogin prohibit-password\n') },
      { name: 'first value wins', change: sshd('PermitRootLogin no\nPermitRootLogin yes\n') },
      { name: 'a drop-in no Include names', change: all(sshd('PermitRootLogin no\n'), config('etc/ssh/sshd_config.d/10-root.conf', 'PermitRootLogin yes\n', 1)) },
      { name: 'not set', change: sshd('Port 22\n') },
    ],
  },
  'CUSTOMS-BL-010': {
    positive: () => [
      { name: 'not set (default yes)', change: sshd('PermitRootLogin no\n'), expect: [expect('CUSTOMS-BL-010', { file: 'etc/ssh/sshd_config', layerIndex: 1, evidence: 'PasswordAuthentication not set (OpenSSH default: yes)' })] },
      { name: 'explicit yes', change: sshd('PasswordAuthentication yes\n'), expect: [expect('CUSTOMS-BL-010', { file: 'etc/ssh/sshd_config', line: 1, layerIndex: 1, evidence: 'PasswordAuthentication yes' })] },
    ],
    negative: [{ name: 'no', change: sshd('PasswordAuthentication no\n') }],
  },
  'CUSTOMS-BL-011': {
    positive: () => [{ name: 'yes', change: sshd('PasswordAuthentication no\nPermitEmptyPasswords yes\n'), expect: [expect('CUSTOMS-BL-011', { file: 'etc/ssh/sshd_config', line: 2, layerIndex: 1, evidence: 'PermitEmptyPasswords yes' })] }],
    negative: [
      { name: 'no', change: sshd('PasswordAuthentication no\nPermitEmptyPasswords no\n') },
      { name: 'not set', change: sshd('PasswordAuthentication no\n') },
    ],
  },
  'CUSTOMS-BL-012': {
    positive: () => [{ name: 'Protocol 2,1', change: sshd('PasswordAuthentication no\nProtocol 2,1\n'), expect: [expect('CUSTOMS-BL-012', { file: 'etc/ssh/sshd_config', line: 2, layerIndex: 1, evidence: 'Protocol 2,1' })] }],
    negative: [{ name: 'Protocol 2', change: sshd('PasswordAuthentication no\nProtocol 2\n') }],
  },
  'CUSTOMS-BL-013': {
    positive: () => [{ name: 'ed25519 host key', change: file(1, 'etc/ssh/ssh_host_ed25519_key', { mode: 0o600, size: 400 }), expect: [expect('CUSTOMS-BL-013', { file: 'etc/ssh/ssh_host_ed25519_key', layerIndex: 1, evidence: 'mode 0600, owner 0:0' })] }],
    negative: [{ name: 'public half only', change: file(1, 'etc/ssh/ssh_host_ed25519_key.pub', { size: 90 }) }],
  },
  'CUSTOMS-BL-014': {
    positive: () => [{ name: 'root authorized_keys', change: file(1, 'root/.ssh/authorized_keys', { mode: 0o600, size: 100 }), expect: [expect('CUSTOMS-BL-014', { file: 'root/.ssh/authorized_keys', layerIndex: 1, evidence: 'mode 0600, owner 0:0' })] }],
    negative: [
      { name: 'empty authorized_keys', change: file(1, 'root/.ssh/authorized_keys', { size: 0 }) },
      { name: 'known_hosts', change: file(1, 'root/.ssh/known_hosts', { size: 100 }) },
    ],
  },
  'CUSTOMS-BL-018': {
    positive: () => [
      {
        name: 'SSH and the Docker API',
        change: (spec) => void (spec.metadata.exposedPorts = ['22/tcp', '2375/tcp', '8080/tcp']),
        expect: [
          expect('CUSTOMS-BL-018', { title: 'Sensitive port exposed: 22 (SSH)', evidence: 'EXPOSE 22/tcp (SSH)' }),
          expect('CUSTOMS-BL-018', { severity: 'HIGH', title: 'Sensitive port exposed: 2375 (Docker API without TLS)', evidence: 'EXPOSE 2375/tcp (Docker API without TLS)' }),
        ],
      },
    ],
    negative: [{ name: 'web ports', change: (spec) => void (spec.metadata.exposedPorts = ['80/tcp', '443/tcp', '2222/tcp']) }],
  },
  'CUSTOMS-BL-019': {
    positive: () => [
      {
        name: 'world-writable passwd, group owned by a user',
        change: all(config('etc/passwd', BASE_PASSWD, 0, 0o666), file(0, 'etc/group', { content: BASE_GROUP, uid: 1000 })),
        expect: [
          expect('CUSTOMS-BL-019', { file: 'etc/group', layerIndex: 0, evidence: 'mode 0644, owner 1000:0' }),
          expect('CUSTOMS-BL-019', { file: 'etc/passwd', layerIndex: 0, evidence: 'mode 0666, owner 0:0' }),
        ],
      },
    ],
    negative: [{ name: 'root-owned 0644', change: nothing }],
  },
  'CUSTOMS-BL-020': {
    positive: () => [{ name: 'shadow 0644', change: file(0, 'etc/shadow', { content: BASE_SHADOW, mode: 0o644, gid: 42 }), expect: [expect('CUSTOMS-BL-020', { file: 'etc/shadow', layerIndex: 0, evidence: 'mode 0644, owner 0:42' })] }],
    negative: [
      { name: 'shadow 0640 (group shadow)', change: nothing },
      { name: 'shadow 0000', change: file(0, 'etc/shadow', { content: BASE_SHADOW, mode: 0 }) },
    ],
  },
  'CUSTOMS-BL-021': {
    positive: () => [
      { name: 'postgres with bash', change: config('etc/passwd', `${BASE_PASSWD}postgres:x:26:26::/var/lib/pgsql:/bin/bash\n`), expect: [expect('CUSTOMS-BL-021', { file: 'etc/passwd', line: 5, layerIndex: 0, evidence: 'postgres (uid 26): /bin/bash' })] },
    ],
    negative: [{ name: 'sync, nologin and a regular user with sh', change: nothing }],
  },
  'CUSTOMS-BL-022': {
    positive: () => [
      { name: 'ENCRYPT_METHOD MD5', change: config('etc/login.defs', 'ENCRYPT_METHOD MD5\n'), expect: [expect('CUSTOMS-BL-022', { file: 'etc/login.defs', layerIndex: 0, evidence: 'ENCRYPT_METHOD MD5' })] },
      { name: 'MD5_CRYPT_ENAB yes alone', change: config('etc/login.defs', 'MD5_CRYPT_ENAB yes\n'), expect: [expect('CUSTOMS-BL-022', { file: 'etc/login.defs', layerIndex: 0, evidence: 'MD5_CRYPT_ENAB yes' })] },
    ],
    negative: [
      { name: 'SHA512', change: nothing },
      { name: 'ENCRYPT_METHOD wins over MD5_CRYPT_ENAB', change: config('etc/login.defs', 'ENCRYPT_METHOD YESCRYPT\nMD5_CRYPT_ENAB yes\n') },
    ],
  },
  'CUSTOMS-BL-023': {
    positive: () => [{ name: 'Debian default', change: config('etc/login.defs', 'PASS_MAX_DAYS\t99999\nENCRYPT_METHOD SHA512\n'), expect: [expect('CUSTOMS-BL-023', { file: 'etc/login.defs', layerIndex: 0, evidence: 'PASS_MAX_DAYS 99999' })] }],
    negative: [
      { name: '90 days', change: nothing },
      { name: 'a year', change: config('etc/login.defs', 'PASS_MAX_DAYS 365\n') },
    ],
  },
  'CUSTOMS-BL-024': {
    positive: () => [{ name: 'sudo binary', change: file(1, 'usr/bin/sudo', { mode: 0o4755 }), expect: [expect('CUSTOMS-BL-024', { file: 'usr/bin/sudo', layerIndex: 1, evidence: 'usr/bin/sudo, mode 4755' })] }],
    negative: [{ name: 'sudo documentation only', change: file(1, 'usr/share/doc/sudo/copyright') }],
  },
  'CUSTOMS-BL-025': {
    positive: () => [
      {
        name: 'Node and Go settings',
        change: all(env('NODE_TLS_REJECT_UNAUTHORIZED', '0'), env('GOSUMDB', 'off')),
        expect: [
          expect('CUSTOMS-BL-025', { evidence: 'ENV NODE_TLS_REJECT_UNAUTHORIZED=0 (Node.js accepts any TLS certificate)' }),
          expect('CUSTOMS-BL-025', { evidence: 'ENV GOSUMDB=off (go skips the checksum database)' }),
        ],
      },
    ],
    negative: [{ name: 'verification on', change: all(env('NODE_TLS_REJECT_UNAUTHORIZED', '1'), env('GOSUMDB', 'sum.golang.org')) }],
  },
};

async function findingsFor(change: Change, enabled: Set<string> = ALL_CHECKS): Promise<RiskFinding[]> {
  const spec = cleanImage();
  change(spec);
  spec.enabled = enabled;
  return baselineFindings(await buildInput(spec));
}

describe('baseline checks', () => {
  it('has unique ids, complete data, and at least 25 checks', () => {
    const ids = baselineChecks.map((check) => check.id);
    assert.equal(new Set(ids).size, ids.length);
    assert.ok(ids.length >= 25, `${ids.length} checks`);
    for (const check of baselineChecks) {
      assert.match(check.id, /^(?:CIS-DI-\d{4}|DKL-(?:DI|LI)-\d{4}|CUSTOMS-BL-\d{3})$/);
      assert.ok(check.title && check.remediation && check.description, check.id);
    }
  });

  it('has at least one positive and one negative sample for every check, and none for unknown ids', () => {
    for (const check of baselineChecks) {
      const samples = SAMPLES[check.id];
      assert.ok(samples, `${check.id} has no samples`);
      assert.ok(samples.positive().some((sample) => sample.expect.length > 0), `${check.id} has no positive sample`);
      assert.ok(samples.negative.length > 0, `${check.id} has no negative sample`);
    }
    for (const id of Object.keys(SAMPLES)) assert.ok(ALL_CHECKS.has(id), `samples for unknown check ${id}`);
  });

  it('finds nothing at all in the clean image, every check enabled', async () => {
    assert.deepEqual((await findingsFor(nothing)).map(project), []);
  });

  for (const [id, samples] of Object.entries(SAMPLES)) {
    it(`${id}: exact findings on positive samples, none on near misses`, async () => {
      const check = baselineChecks.find((candidate) => candidate.id === id)!;
      for (const sample of samples.positive()) {
        const findings = (await findingsFor(sample.change)).filter((finding) => finding.id === id);
        assert.deepEqual(findings.map(project), sample.expect, sample.name);
        for (const finding of findings) {
          assert.equal(finding.category, BASELINE_CATEGORY);
          assert.equal(finding.remediation, check.remediation);
          if (finding.location.layerIndex !== undefined) assert.equal(finding.location.layerDiffId, diffIdOf(finding.location.layerIndex), sample.name);
        }
      }
      for (const negative of samples.negative) {
        const findings = (await findingsFor(negative.change)).filter((finding) => finding.id === id);
        assert.deepEqual(findings.map(project), [], negative.name);
      }
    });
  }

  it('runs the default-on checks unless told which to run', async () => {
    const change = all(config('etc/login.defs', 'PASS_MAX_DAYS 99999\n'), (spec) => void (spec.metadata.user = 'root'));
    const spec = cleanImage();
    change(spec);
    const byDefault = baselineFindings(await buildInput(spec)).map((finding) => finding.id);
    assert.deepEqual(byDefault, ['CIS-DI-0001'], 'CUSTOMS-BL-023 is off by default');
    assert.deepEqual((await findingsFor(change, new Set(['CUSTOMS-BL-023', 'CUSTOMS-HIS-001']))).map((finding) => finding.id), ['CUSTOMS-BL-023']);
    const offByDefault = baselineChecks.filter((check) => !check.defaultEnabled).map((check) => check.id);
    assert.deepEqual(offByDefault, ['CUSTOMS-BL-021', 'CUSTOMS-BL-023']);
  });

  it('masks secrets in build-step evidence the way the history rules do', async () => {
    const findings = await findingsFor(addRun('RUN |1 NPM_TOKEN=plain-value-1234 /bin/sh -c apt-get update'));
    const update = findings.find((finding) => finding.id === 'CIS-DI-0007');
    assert.equal(update?.evidence, `RUN |1 NPM_TOKEN=${maskSecret('plain-value-1234', 0)} /bin/sh -c apt-get update`);
  });

  it('reads the tag of every kind of reference', () => {
    const cases: Array<[string, ReturnType<typeof referenceTag>]> = [
      ['alpine', { tag: undefined, pinned: false }],
      ['alpine:3.19', { tag: '3.19', pinned: false }],
      ['localhost:5000/team/app', { tag: undefined, pinned: false }],
      ['docker://alpine:latest', { tag: 'latest', pinned: false }],
      [`alpine:3.19@sha256:${HEX64}`, { tag: undefined, pinned: true }],
      ['oci:/tmp/layout:latest', { tag: 'latest', pinned: false }],
      ['/tmp/layout:v1', { tag: 'v1', pinned: false }],
      ['oci:/tmp/layout', undefined],
      ['docker-archive:/tmp/image.tar:repo/app:latest', { tag: 'latest', pinned: false }],
      ['debian.tar', undefined],
      ['dir:/', undefined],
      ['', undefined],
    ];
    for (const [reference, expected] of cases) assert.deepEqual(referenceTag(reference), expected, reference);
  });
});
