import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { HistoryStep } from '../../analyzers/image/metadata.js';
import type { RiskFinding } from '../../core/finding.js';
import { maskSecret } from '../../core/mask.js';
import { scanTextForSecrets } from '../secrets/index.js';
import { analyseHistory, historyFindings, historyRules, HISTORY_CATEGORY, normalizeCreatedBy, stepEvidence } from './index.js';
import { maskSpans } from './masking.js';
import { findUrlCredentials, isPlaceholderValue, isSecretName } from './sensitive.js';

// Token-shaped test values are built at run time, never written out whole (push protection and
// this very scanner would flag a literal).
function pseudo(length: number, alphabet: string, seed: number): string {
  let state = seed;
  let out = '';
  for (let index = 0; index < length; index++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    out += alphabet[(state >>> 16) % alphabet.length];
  }
  return out;
}
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const GITHUB_TOKEN = `gh${'p'}_${pseudo(36, ALNUM, 7)}`;
const AWS_KEY_ID = `AK${'IA'}${pseudo(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 11)}`;
const HEX64 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** How a value shows in evidence: the catalog's masked form when the catalog knows it, else only its length. */
function masked(text: string, value: string): string {
  const fingerprint = createHash('sha256').update(value).digest('hex');
  return scanTextForSecrets(text).find((match) => match.fingerprint === fingerprint)?.masked ?? maskSecret(value, 0);
}
const maskIn = (text: string, ...values: string[]): string => values.reduce((result, value) => result.split(value).join(masked(text, value)), text);

/** History entries as a builder writes them; steps that make a layer get one. */
function history(createdBy: readonly string[]): HistoryStep[] {
  let layer = 0;
  return createdBy.map((text, index) => {
    const emptyLayer = !['RUN', 'ADD', 'COPY', 'OTHER'].includes(normalizeCreatedBy(text).instruction);
    const layerIndex = emptyLayer ? undefined : layer++;
    return { index, createdBy: text, emptyLayer, layerIndex, diffId: layerIndex === undefined ? undefined : `sha256:${String(layerIndex).padStart(64, '0')}` };
  });
}

interface Expected {
  severity: string;
  title: string;
  evidence: string;
  historyIndex?: number;
}

interface RuleSample {
  steps: string[];
  expect: Expected[];
}

/** Expected findings of one rule over one step, with the rule's own title and severity unless given. */
function one(ruleId: string, createdBy: string, evidence = createdBy, extra: Partial<Expected> = {}): RuleSample {
  const rule = historyRules.find((candidate) => candidate.id === ruleId)!;
  return { steps: [createdBy], expect: [{ severity: rule.severity, title: rule.title, evidence, historyIndex: 0, ...extra }] };
}

/** A sample whose evidence is the command with these secret values masked. */
const masks = (ruleId: string, createdBy: string, ...secrets: string[]): RuleSample => one(ruleId, createdBy, maskIn(createdBy, ...secrets));

const gitCloneWithToken = `RUN /bin/sh -c git clone https://x-access-token:${GITHUB_TOKEN}@github.com/org/repo.git /src`;
const npmrcEcho = 'RUN /bin/sh -c echo "//registry.npmjs.org/:_authToken=s3cr3tt0k3nvalue" > /root/.npmrc && npm ci';
const npmrcContent = '//registry.npmjs.org/:_authToken=s3cr3tt0k3nvalue';

/** Every rule: realistic created_by strings (Docker classic and BuildKit) that must and must not trigger it. */
const SAMPLES: Record<string, { positive: () => RuleSample[]; negative: string[] }> = {
  'CUSTOMS-HIS-001': {
    positive: () => [
      one('CUSTOMS-HIS-001', '/bin/sh -c curl -fsSL https://get.example.com/install.sh | sh'),
      one('CUSTOMS-HIS-001', 'RUN /bin/sh -c wget -qO- https://example.com/setup | sudo -E bash -'),
      one('CUSTOMS-HIS-001', 'RUN /bin/sh -c bash <(curl -s https://example.com/i.sh)'),
      one('CUSTOMS-HIS-001', 'RUN /bin/sh -c curl -sL https://example.com/x 2>&1 | tee /tmp/log | bash'),
    ],
    negative: [
      'RUN /bin/sh -c curl -fsSL https://example.com/key.gpg | gpg --dearmor -o /usr/share/keyrings/example.gpg',
      'RUN /bin/sh -c curl -s https://api.example.com/v | python3 -c "import sys,json; print(json.load(sys.stdin))"',
      'RUN /bin/sh -c curl -fsSL https://example.com/x.tgz | tar -xz -C /opt',
      'RUN /bin/sh -c curl -fsSL https://example.com/x.sh | sha256sum',
    ],
  },
  'CUSTOMS-HIS-002': {
    positive: () => [one('CUSTOMS-HIS-002', 'ADD https://example.com/tool.tar.gz /opt/ # buildkit'), one('CUSTOMS-HIS-002', '/bin/sh -c #(nop) ADD https://example.com/app.jar /app/app.jar')],
    negative: [`ADD --checksum=sha256:${HEX64} https://example.com/tool.tar.gz /opt/ # buildkit`, 'ADD app.tar.gz /opt/ # buildkit', `/bin/sh -c #(nop) ADD file:${HEX64} in / `],
  },
  'CUSTOMS-HIS-003': {
    positive: () => [
      masks('CUSTOMS-HIS-003', 'ENV DB_PASSWORD=hunter2hunter2', 'hunter2hunter2'),
      masks('CUSTOMS-HIS-003', '/bin/sh -c #(nop)  ENV API_TOKEN=abc123def456', 'abc123def456'),
      masks('CUSTOMS-HIS-003', 'ENV LANG=C.UTF-8 SMTP_PASS="pa ss word"', 'pa ss word'),
    ],
    negative: ['ENV PASSWORD_FILE=/run/secrets/db', `ENV GPG_KEY=${HEX64.slice(0, 40).toUpperCase()}`, 'ENV API_TOKEN=${API_TOKEN}', 'ENV MYSQL_PASSWORD=', 'ENV PWD=/app', 'ENV AWS_ACCESS_KEY_ID_FILE=/run/secrets/aws'],
  },
  'CUSTOMS-HIS-004': {
    positive: () => [
      masks('CUSTOMS-HIS-004', 'RUN |1 NPM_TOKEN=npm-build-secret-42 /bin/sh -c npm ci', 'npm-build-secret-42'),
      masks('CUSTOMS-HIS-004', '|2 BUILD_ENV=prod DB_PASSWORD=pa55w0rd! /bin/sh -c ./migrate', 'pa55w0rd!'),
      one('CUSTOMS-HIS-004', 'ARG GITHUB_TOKEN', 'ARG GITHUB_TOKEN', { severity: 'MEDIUM', title: 'Secret declared as a build argument' }),
      masks('CUSTOMS-HIS-004', 'ARG DB_PASSWORD=defaultpw1', 'defaultpw1'),
      masks('CUSTOMS-HIS-004', 'RUN /bin/sh -c docker build --build-arg API_KEY=k3y-v4lue-123 .', 'k3y-v4lue-123'),
    ],
    negative: ['RUN |2 VERSION=1.2.3 TARGETARCH=amd64 /bin/sh -c make', 'ARG TOKEN_URL=https://auth.example.com/token', 'ARG VERSION=1.0', 'RUN /bin/sh -c docker build --build-arg VERSION=2 .'],
  },
  'CUSTOMS-HIS-005': {
    positive: () => {
      const [aws] = scanTextForSecrets(`ENV SETTINGS=${AWS_KEY_ID}`);
      assert.ok(aws, 'the secret catalog recognises an AWS access key ID');
      const run = `RUN |1 REGION=eu-west-1 /bin/sh -c aws configure set aws_access_key_id ${AWS_KEY_ID} && aws s3 ls`;
      const samples = [
        one('CUSTOMS-HIS-005', `ENV SETTINGS=${AWS_KEY_ID}`, `ENV SETTINGS=${aws.masked}`, { severity: aws.severity, title: `Secret in a build command: ${aws.title}` }),
        one('CUSTOMS-HIS-005', run, run.replace(AWS_KEY_ID, aws.masked), { severity: aws.severity, title: `Secret in a build command: ${aws.title}` }),
      ];
      // With a catalog that knows GitHub tokens, the same holds for one in a clone URL.
      const [token] = scanTextForSecrets(gitCloneWithToken);
      if (token) samples.push(one('CUSTOMS-HIS-005', gitCloneWithToken, maskIn(gitCloneWithToken, GITHUB_TOKEN), { severity: token.severity, title: `Secret in a build command: ${token.title}` }));
      return samples;
    },
    negative: ['RUN /bin/sh -c git clone https://github.com/org/repo.git /src', 'ENV SETTINGS=/etc/app/settings.yaml'],
  },
  'CUSTOMS-HIS-006': {
    positive: () => [
      one('CUSTOMS-HIS-006', npmrcEcho, npmrcEcho.replace(npmrcContent, maskSecret(npmrcContent, 0))),
      one('CUSTOMS-HIS-006', 'RUN /bin/sh -c echo "$NPM_TOKEN" | tee /root/.npmrc', undefined, { severity: 'MEDIUM', title: 'Credential file written during the build' }),
      one('CUSTOMS-HIS-006', "RUN /bin/sh -c printf 'password=hunter2\\n' > /etc/app.conf", `RUN /bin/sh -c printf '${maskSecret('password=hunter2\\n', 0)}' > /etc/app.conf`),
    ],
    negative: ['RUN /bin/sh -c echo "deb http://deb.debian.org/debian bookworm main" > /etc/apt/sources.list', 'RUN /bin/sh -c echo hello > /tmp/greeting', 'RUN /bin/sh -c cat /root/.npmrc'],
  },
  'CUSTOMS-HIS-007': {
    positive: () => [one('CUSTOMS-HIS-007', 'RUN /bin/sh -c chmod -R 777 /app'), one('CUSTOMS-HIS-007', '/bin/sh -c mkdir /data && chmod a+rwx /data'), one('CUSTOMS-HIS-007', 'RUN /bin/sh -c chmod 0666 /app/db.sqlite')],
    negative: ['RUN /bin/sh -c chmod 755 /app', 'RUN /bin/sh -c chmod 1777 /scratch', 'RUN /bin/sh -c chmod g+w /app', 'RUN /bin/sh -c chmod -R o-w /app'],
  },
  'CUSTOMS-HIS-008': {
    positive: () => [
      one('CUSTOMS-HIS-008', 'RUN /bin/sh -c curl -sSLk https://internal.example/x -o /x'),
      one('CUSTOMS-HIS-008', '/bin/sh -c wget --no-check-certificate https://example.com/y'),
      one('CUSTOMS-HIS-008', 'RUN /bin/sh -c npm config set strict-ssl false && npm ci'),
      one('CUSTOMS-HIS-008', 'RUN /bin/sh -c git config --global http.sslVerify false'),
      one('CUSTOMS-HIS-008', 'ENV NODE_TLS_REJECT_UNAUTHORIZED=0'),
      one('CUSTOMS-HIS-008', '/bin/sh -c #(nop)  ENV PYTHONHTTPSVERIFY=0'),
      one('CUSTOMS-HIS-008', 'RUN /bin/sh -c pip install --trusted-host pypi.internal -r requirements.txt'),
      one('CUSTOMS-HIS-008', 'RUN /bin/sh -c echo \'Acquire::https::Verify-Peer "false";\' > /etc/apt/apt.conf.d/99insecure'),
    ],
    negative: [
      'RUN /bin/sh -c curl -fsSL https://example.com/kubectl -o /tmp/kubectl',
      'RUN /bin/sh -c curl --key /etc/client.key https://example.com',
      'ENV NODE_TLS_REJECT_UNAUTHORIZED=1',
      'RUN /bin/sh -c git config --global http.sslVerify true',
      'RUN /bin/sh -c kubectl -k overlays/prod apply',
    ],
  },
  'CUSTOMS-HIS-009': {
    positive: () => [
      one('CUSTOMS-HIS-009', 'RUN /bin/sh -c apt-get install -y --allow-unauthenticated foo'),
      one('CUSTOMS-HIS-009', '/bin/sh -c apt-get install -y --force-yes foo'),
      one('CUSTOMS-HIS-009', 'RUN /bin/sh -c printf "[repo]\\ngpgcheck=0\\n" > /etc/yum.repos.d/x.repo'),
      one('CUSTOMS-HIS-009', 'RUN /bin/sh -c apk add --allow-untrusted /tmp/x.apk'),
      one('CUSTOMS-HIS-009', 'RUN /bin/sh -c echo "deb [trusted=yes] http://repo.internal/ ./" > /etc/apt/sources.list.d/internal.list'),
      one('CUSTOMS-HIS-009', 'ENV GOSUMDB=off'),
    ],
    negative: ['RUN /bin/sh -c echo "gpgcheck=1" >> /etc/yum.conf', 'RUN /bin/sh -c apt-get install -y --no-install-recommends foo', 'ENV GOSUMDB=sum.golang.org'],
  },
  'CUSTOMS-HIS-010': {
    positive: () => [one('CUSTOMS-HIS-010', 'RUN /bin/sh -c sudo apt-get update'), one('CUSTOMS-HIS-010', '/bin/sh -c apt-get update && sudo -E make install')],
    negative: ['RUN /bin/sh -c apt-get install -y sudo', 'RUN /bin/sh -c echo sudo', 'RUN /bin/sh -c visudo -c'],
  },
  'CUSTOMS-HIS-011': {
    positive: () => [
      one('CUSTOMS-HIS-011', '/bin/sh -c #(nop)  EXPOSE 22/tcp', undefined, { title: 'Remote-access port exposed: 22 (SSH)' }),
      one('CUSTOMS-HIS-011', 'EXPOSE map[3389/tcp:{} 80/tcp:{}]', undefined, { title: 'Remote-access port exposed: 3389 (RDP)' }),
    ],
    negative: ['EXPOSE map[80/tcp:{} 443/tcp:{}]', '/bin/sh -c #(nop)  EXPOSE 2222/tcp', 'EXPOSE map[22/udp:{}]'],
  },
  'CUSTOMS-HIS-012': {
    positive: () => [
      one('CUSTOMS-HIS-012', 'RUN /bin/sh -c apt-get update && apt-get upgrade -y'),
      one('CUSTOMS-HIS-012', 'RUN /bin/sh -c apk upgrade --no-cache'),
      one('CUSTOMS-HIS-012', '/bin/sh -c yum update -y && yum clean all'),
    ],
    negative: ['RUN /bin/sh -c yum update -y openssl', 'RUN /bin/sh -c apt-get update && apt-get install -y --only-upgrade openssl', 'RUN /bin/sh -c apt-get update'],
  },
  'CUSTOMS-HIS-013': {
    positive: () => [
      one('CUSTOMS-HIS-013', 'RUN /bin/sh -c apt-get install -y nmap netcat-openbsd curl', undefined, { title: 'Network or attack tool installed: nmap, netcat-openbsd' }),
      one('CUSTOMS-HIS-013', 'RUN /bin/sh -c apk add --no-cache socat=1.7.4-r0 tcpdump', undefined, { title: 'Network or attack tool installed: socat, tcpdump' }),
    ],
    negative: ['RUN /bin/sh -c apt-get install -y curl ca-certificates', 'RUN /bin/sh -c apt-get remove -y nmap', 'RUN /bin/sh -c pip install john-doe-utils'],
  },
  'CUSTOMS-HIS-014': {
    positive: () => [
      one('CUSTOMS-HIS-014', '/bin/sh -c #(nop)  LABEL RUN=docker run -it --privileged -v /:/host IMAGE'),
      one('CUSTOMS-HIS-014', 'LABEL io.example.run-flags=--cap-add=SYS_ADMIN --pid=host'),
    ],
    negative: ['LABEL description="runs unprivileged"', 'LABEL org.opencontainers.image.title=app', 'LABEL io.example.run-flags=--cap-add=NET_BIND_SERVICE'],
  },
  'CUSTOMS-HIS-015': {
    positive: () => [
      { steps: ['USER app', 'RUN /bin/sh -c id', 'USER root'], expect: [{ severity: 'MEDIUM', title: 'USER switched back to root after a non-root user', evidence: 'USER root', historyIndex: 2 }] },
      { steps: ['/bin/sh -c #(nop)  USER 1000', '/bin/sh -c #(nop)  USER 0:0', '/bin/sh -c apt-get install -y curl', '/bin/sh -c #(nop)  USER 1000'], expect: [{ severity: 'LOW', title: 'USER switched back to root after a non-root user', evidence: '/bin/sh -c #(nop)  USER 0:0', historyIndex: 1 }] },
    ],
    negative: ['USER root', 'USER app'],
  },
  'CUSTOMS-HIS-016': {
    positive: () => [
      one('CUSTOMS-HIS-016', 'RUN /bin/sh -c curl -fsSLo /tmp/x.tgz http://downloads.example.com/x.tgz'),
      one('CUSTOMS-HIS-016', 'RUN /bin/sh -c pip install --index-url http://pypi.internal/simple foo'),
      one('CUSTOMS-HIS-016', 'ADD http://example.com/a.tgz /opt/ # buildkit'),
    ],
    negative: [
      'RUN /bin/sh -c echo "deb http://deb.debian.org/debian bookworm main" > /etc/apt/sources.list',
      'RUN /bin/sh -c curl -f http://localhost:8080/health',
      'RUN /bin/sh -c curl -fsSL https://example.com/x.tgz -o /tmp/x.tgz',
    ],
  },
  'CUSTOMS-HIS-017': {
    positive: () => [one('CUSTOMS-HIS-017', 'RUN /bin/sh -c setcap cap_net_bind_service=+ep /usr/bin/node')],
    negative: ['RUN /bin/sh -c setcap -r /usr/bin/ping', 'RUN /bin/sh -c getcap /usr/bin/ping', 'RUN /bin/sh -c apt-get install -y libcap2-bin'],
  },
  'CUSTOMS-HIS-018': {
    positive: () => [one('CUSTOMS-HIS-018', 'VOLUME [/var/run/docker.sock]'), one('CUSTOMS-HIS-018', 'ENV DOCKER_HOST=unix:///var/run/docker.sock')],
    negative: ['ENV DOCKER_HOST=tcp://docker:2376', 'VOLUME [/var/lib/docker]'],
  },
  'CUSTOMS-HIS-019': {
    positive: () => {
      const clone = 'RUN /bin/sh -c git clone https://deploy:Sup3rS3cretPass@git.example.com/org/repo.git';
      const env = 'ENV DATABASE_URL=postgres://app:hunter2hunter2@db:5432/app';
      return [
        masks('CUSTOMS-HIS-019', clone, 'Sup3rS3cretPass'),
        one('CUSTOMS-HIS-019', 'RUN /bin/sh -c git clone https://$GITHUB_TOKEN@github.com/org/private.git', undefined, { severity: 'MEDIUM', title: 'Credentials in a git clone URL (kept in .git/config)' }),
        masks('CUSTOMS-HIS-019', env, 'hunter2hunter2'),
      ];
    },
    negative: ['RUN /bin/sh -c git clone https://github.com/org/repo.git', 'RUN /bin/sh -c git clone ssh://git@github.com/org/repo.git', 'RUN /bin/sh -c curl -fsSL https://$TOKEN@example.com/x -o /x'],
  },
  'CUSTOMS-HIS-020': {
    positive: () => {
      const cases: Array<[string, string]> = [
        ["RUN /bin/sh -c sshpass -p 'hunter22' ssh user@host true", 'hunter22'],
        ['RUN /bin/sh -c curl -u admin:adm1nPass -fsSL https://repo.example.com/x -o /x', 'adm1nPass'],
        ['RUN /bin/sh -c mysql -uroot -pR00tPass -e "CREATE DATABASE app"', 'R00tPass'],
        ['RUN /bin/sh -c docker login -u bot -p b0tPassw0rd registry.example.com', 'b0tPassw0rd'],
        ['RUN /bin/sh -c mc alias set s3 https://s3.example.com admin --password=m1nioPass', 'm1nioPass'],
      ];
      return cases.map(([text, secret]) => masks('CUSTOMS-HIS-020', text, secret));
    },
    negative: [
      'RUN /bin/sh -c echo "$PASS" | docker login -u bot --password-stdin registry.example.com',
      'RUN /bin/sh -c mysql -uroot -p"$MYSQL_ROOT_PASSWORD" -e "select 1"',
      'RUN /bin/sh -c curl -u "$USER:$PASS" https://repo.example.com/x',
    ],
  },
  'CUSTOMS-HIS-021': {
    positive: () => [
      one('CUSTOMS-HIS-021', 'RUN /bin/sh -c curl -fsSLo /tmp/install.sh https://example.com/install.sh && sh /tmp/install.sh --yes'),
      one('CUSTOMS-HIS-021', '/bin/sh -c wget https://example.com/setup.sh && bash setup.sh'),
      one('CUSTOMS-HIS-021', 'RUN /bin/sh -c curl -fsSL https://example.com/get -o /usr/local/bin/get && chmod +x /usr/local/bin/get && /usr/local/bin/get'),
    ],
    negative: [
      `RUN /bin/sh -c curl -fsSLo /tmp/install.sh https://example.com/install.sh && echo "${HEX64}  /tmp/install.sh" | sha256sum -c - && sh /tmp/install.sh`,
      'RUN /bin/sh -c curl -fsSLo /tmp/data.json https://example.com/data.json && sh /opt/other.sh',
    ],
  },
  'CUSTOMS-HIS-022': {
    positive: () => {
      const chpasswd = "RUN /bin/sh -c echo 'root:Passw0rd!' | chpasswd";
      const useradd = "RUN /bin/sh -c useradd -m -p '$6$salt$hashhashhash' app";
      return [
        masks('CUSTOMS-HIS-022', chpasswd, 'Passw0rd!'),
        masks('CUSTOMS-HIS-022', useradd, '$6$salt$hashhashhash'),
        one('CUSTOMS-HIS-022', 'RUN /bin/sh -c echo "app:$APP_PASSWORD" | chpasswd', undefined, { severity: 'MEDIUM' }),
      ];
    },
    negative: ['RUN /bin/sh -c useradd -m -s /bin/bash app', 'RUN /bin/sh -c passwd -l root', 'RUN /bin/sh -c echo root | tee /etc/hostname'],
  },
  'CUSTOMS-HIS-023': {
    positive: () => [one('CUSTOMS-HIS-023', 'RUN /bin/sh -c apt-get update && apt-get install -y openssh-server'), one('CUSTOMS-HIS-023', 'RUN /bin/sh -c apk add --no-cache dropbear')],
    negative: ['RUN /bin/sh -c apt-get install -y openssh-client', 'RUN /bin/sh -c apk add --no-cache openssh-keygen'],
  },
  'CUSTOMS-HIS-024': {
    positive: () => [
      one('CUSTOMS-HIS-024', 'COPY id_rsa /root/.ssh/id_rsa # buildkit', undefined, { title: 'Credential file copied into the image: id_rsa' }),
      one('CUSTOMS-HIS-024', `/bin/sh -c #(nop) COPY file:${HEX64} in /root/.aws/credentials `, undefined, { title: 'Credential file copied into the image: /root/.aws/credentials' }),
      one('CUSTOMS-HIS-024', 'COPY .env /app/.env # buildkit', undefined, { title: 'Credential file copied into the image: .env' }),
    ],
    negative: ['COPY .env.example /app/ # buildkit', 'COPY package.json package-lock.json /app/ # buildkit', 'COPY --from=builder /src/keys.go /app/ # buildkit'],
  },
  'CUSTOMS-HIS-025': {
    positive: () => [one('CUSTOMS-HIS-025', 'RUN /bin/sh -c pip install --extra-index-url https://pypi.internal/simple app'), one('CUSTOMS-HIS-025', 'ENV PIP_EXTRA_INDEX_URL=https://pypi.internal/simple')],
    negative: ['RUN /bin/sh -c pip install --index-url https://pypi.internal/simple app'],
  },
  'CUSTOMS-HIS-026': {
    positive: () => [one('CUSTOMS-HIS-026', 'RUN /bin/sh -c echo "app ALL=(ALL) NOPASSWD: ALL" >> /etc/sudoers')],
    negative: ['RUN /bin/sh -c echo "app ALL=(ALL) ALL" > /etc/sudoers.d/app', 'RUN /bin/sh -c grep NOPASSWD /usr/share/doc/README'],
  },
  'CUSTOMS-HIS-027': {
    positive: () => [one('CUSTOMS-HIS-027', 'RUN /bin/sh -c umask 000 && mkdir /shared')],
    negative: ['RUN /bin/sh -c umask 022 && make', 'RUN /bin/sh -c umask 002'],
  },
  'CUSTOMS-HIS-028': {
    positive: () => [one('CUSTOMS-HIS-028', 'RUN /bin/sh -c chmod u+s /usr/local/bin/helper'), one('CUSTOMS-HIS-028', 'RUN /bin/sh -c chmod 4755 /usr/local/bin/helper')],
    negative: ['RUN /bin/sh -c chmod g+s /srv/shared', 'RUN /bin/sh -c chmod 2775 /srv/shared', 'RUN /bin/sh -c chmod 0755 /usr/local/bin/helper'],
  },
};

function project(finding: RiskFinding): Expected {
  return { severity: finding.severity, title: finding.title, evidence: finding.evidence ?? '', historyIndex: finding.location.historyIndex };
}

describe('history normalisation', () => {
  it('reads Docker classic, BuildKit and plain created_by forms', () => {
    const cases: Array<[string, string, string]> = [
      ['/bin/sh -c #(nop)  ENV PATH=/usr/local/bin:/usr/bin', 'ENV', 'PATH=/usr/local/bin:/usr/bin'],
      ['/bin/sh -c #(nop) ADD file:abc in / ', 'ADD', 'file:abc in /'],
      ['/bin/sh -c #(nop)  CMD ["bash"]', 'CMD', '["bash"]'],
      ['/bin/sh -c apt-get update', 'RUN', 'apt-get update'],
      ['/bin/sh -c set -eux; make', 'RUN', 'set -eux; make'],
      ['|2 A=b C=d /bin/sh -c make', 'RUN', 'make'],
      ['RUN |2 A=b C=d /bin/sh -c make all', 'RUN', 'make all'],
      ['RUN /bin/bash -o pipefail -c curl x | sh', 'RUN', 'curl x | sh'],
      ['RUN /bin/sh -eux -c make', 'RUN', 'make'],
      ['RUN echo exec-form', 'RUN', 'echo exec-form'],
      ['COPY app /app # buildkit', 'COPY', 'app /app'],
      ['EXPOSE map[8080/tcp:{}]', 'EXPOSE', 'map[8080/tcp:{}]'],
      ['USER 1000:1000', 'USER', '1000:1000'],
      ['debootstrap bookworm minbase', 'OTHER', 'debootstrap bookworm minbase'],
      ['', 'OTHER', ''],
    ];
    for (const [createdBy, instruction, text] of cases) {
      const step = normalizeCreatedBy(createdBy);
      assert.deepEqual([step.instruction, step.text], [instruction, text], createdBy);
      assert.equal(createdBy.slice(step.offset, step.offset + step.text.length), step.text, `offset of ${createdBy}`);
    }
    assert.deepEqual(normalizeCreatedBy('RUN |3 A=1 B=two words C=x /bin/sh -c true').buildArgs.map(({ name, value }) => [name, value]), [
      ['A', '1'],
      ['B', 'two words'],
      ['C', 'x'],
    ]);
  });

  it('recognises secret names, placeholder values and credentials in URLs', () => {
    for (const name of ['DB_PASSWORD', 'API_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'stripeApiKey', 'com.example.db-password', 'SMTP_PASS', 'CLIENT_SECRET', 'PRIVATE_KEY']) assert.ok(isSecretName(name), name);
    for (const name of ['PASSWORD_FILE', 'TOKEN_URL', 'GPG_KEY', 'AWS_ACCESS_KEY_ID', 'PWD', 'OLDPWD', 'PASS_MAX_DAYS', 'KEYRING', 'PATH', 'MONKEY']) assert.ok(!isSecretName(name), name);
    for (const value of ['', '${TOKEN}', '$TOKEN', '<your-token>', 'xxxx', 'changeit_here', '/run/secrets/db', 'true']) assert.ok(isPlaceholderValue(value), value);
    for (const value of ['hunter2', 's3cr3t-Passw0rd']) assert.ok(!isPlaceholderValue(value), value);
    assert.deepEqual(
      findUrlCredentials('a https://u:p4ss@h/x b https://$T@h c ssh://git@h').map(({ user, secret, reference }) => [user, secret, reference]),
      [
        ['u', 'p4ss', false],
        ['', '$T', true],
      ],
    );
  });
});

describe('build-command rules', () => {
  it('has unique CUSTOMS-HIS ids and complete rule data', () => {
    const ids = historyRules.map((rule) => rule.id);
    assert.equal(new Set(ids).size, ids.length);
    assert.ok(ids.length >= 20, `${ids.length} rules`);
    for (const rule of historyRules) {
      assert.match(rule.id, /^CUSTOMS-HIS-\d{3}$/);
      assert.ok(rule.title && rule.remediation && rule.instructions.length > 0, rule.id);
    }
  });

  it('has at least one positive and one negative sample for every rule, and none for unknown ids', () => {
    const ids = new Set(historyRules.map((rule) => rule.id));
    for (const id of ids) {
      const samples = SAMPLES[id];
      assert.ok(samples, `${id} has no samples`);
      assert.ok(samples.positive().some((sample) => sample.expect.length > 0), `${id} has no positive sample`);
      assert.ok(samples.negative.length > 0, `${id} has no negative sample`);
    }
    for (const id of Object.keys(SAMPLES)) assert.ok(ids.has(id), `samples for unknown rule ${id}`);
  });

  for (const [id, samples] of Object.entries(SAMPLES)) {
    it(`${id}: exact findings on positive samples, none on near misses`, () => {
      const rule = historyRules.find((candidate) => candidate.id === id)!;
      for (const sample of samples.positive()) {
        const findings = historyFindings(history(sample.steps), new Set([id]));
        assert.deepEqual(findings.map(project), sample.expect, sample.steps.join(' ; '));
        for (const finding of findings) {
          assert.equal(finding.category, HISTORY_CATEGORY);
          assert.equal(finding.remediation, rule.remediation);
          const step = history(sample.steps)[finding.location.historyIndex!]!;
          assert.equal(finding.location.layerIndex, step.layerIndex);
          assert.equal(finding.location.layerDiffId, step.diffId);
        }
      }
      for (const negative of samples.negative) {
        assert.deepEqual(historyFindings(history([negative]), new Set([id])).map(project), [], negative);
      }
    });
  }
});

describe('historyFindings', () => {
  it('masks every secret any rule recognised, in every finding of the step', () => {
    const step = 'ENV DB_PASSWORD=hunter2hunter2 NODE_TLS_REJECT_UNAUTHORIZED=0';
    const [finding] = historyFindings(history([step]), new Set(['CUSTOMS-HIS-008']));
    assert.equal(finding?.evidence, maskIn(step, 'hunter2hunter2'));
    assert.ok(!finding?.evidence?.includes('hunter2'));
    const buildArg = 'RUN |1 GITHUB_TOKEN=plain-value-1234 /bin/sh -c curl -k https://x/y | sh';
    for (const found of historyFindings(history([buildArg]))) assert.ok(!found.evidence?.includes('plain-value-1234'), found.id);
  });

  it('runs the default-on rules by default and only the listed ones when given', () => {
    const steps = history(['RUN /bin/sh -c curl -k https://x/y | sh']);
    assert.deepEqual(historyFindings(steps).map((finding) => finding.id), ['CUSTOMS-HIS-001', 'CUSTOMS-HIS-008']);
    assert.deepEqual(historyFindings(steps, new Set(['CUSTOMS-HIS-008', 'CIS-DI-0001'])).map((finding) => finding.id), ['CUSTOMS-HIS-008']);
    assert.deepEqual(historyFindings(steps, new Set()), []);
  });

  it('reports nothing for a clean Debian-style history', () => {
    const clean = [
      `/bin/sh -c #(nop) ADD file:${HEX64} in / `,
      '/bin/sh -c #(nop)  CMD ["bash"]',
      'RUN /bin/sh -c apt-get update && apt-get install -y --no-install-recommends ca-certificates curl && rm -rf /var/lib/apt/lists/*',
      'COPY app /app # buildkit',
      'WORKDIR /app',
      'EXPOSE map[8080/tcp:{}]',
      'USER 1000:1000',
      'HEALTHCHECK &{["CMD-SHELL" "curl -f http://localhost:8080/ || exit 1"] "30s" "3s" "0s" \'\\x03\'}',
      'CMD ["/app/server"]',
    ];
    assert.deepEqual(historyFindings(history(clean)), []);
  });

  it('withholds a command whose secret could not be located, and windows long ones', () => {
    const [analysed] = analyseHistory(history(['RUN /bin/sh -c true']));
    assert.equal(stepEvidence({ ...analysed!, withheld: true }), 'RUN [command withheld: it contains a secret that could not be masked]');
    const long = `RUN /bin/sh -c ${'echo padding && '.repeat(40)}chmod 777 /app && ${'echo more && '.repeat(40)}true`;
    const [finding] = historyFindings(history([long]), new Set(['CUSTOMS-HIS-007']));
    assert.ok(finding?.evidence?.startsWith('…') && finding.evidence.endsWith('…') && finding.evidence.includes('chmod 777 /app'), finding?.evidence);
  });

  it('maps offsets through masked spans', () => {
    const { text, map } = maskSpans('a=secretvalue b=x secretvalue', [{ start: 2, end: 13 }]);
    assert.equal(text, 'a=******** (11 chars) b=x ******** (11 chars)');
    assert.equal(text.slice(map(14), map(17)), 'b=x');
  });
});

describe('catalog and context rules together', () => {
  it('reports a secret once: by the context rule that names it, by the catalog only when that rule is off', () => {
    const step = 'ENV DB_PASSWORD=hunter2hunter2';
    const catalogSees = scanTextForSecrets(step).length > 0;
    assert.deepEqual(historyFindings(history([step])).map((finding) => finding.id), ['CUSTOMS-HIS-003']);
    const withoutName = historyFindings(history([step]), new Set(historyRules.map((rule) => rule.id).filter((id) => id !== 'CUSTOMS-HIS-003')));
    assert.deepEqual(withoutName.map((finding) => finding.id), catalogSees ? ['CUSTOMS-HIS-005'] : []);
  });
});
