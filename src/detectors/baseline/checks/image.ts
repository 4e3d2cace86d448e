/** Checks on the image configuration: user, healthcheck, volumes, tag, ports, run-time environment. */
import { isRootUser } from './helpers.js';
import type { BaselineCheck, CheckHit } from './types.js';

/** Volumes that hand the container the host's system directories or its Docker daemon (Dockle's list plus the socket). */
const SENSITIVE_VOLUMES = new Set(['/', '/boot', '/dev', '/etc', '/lib', '/proc', '/sys', '/usr', '/var/run/docker.sock', '/run/docker.sock', '/var/run', '/run', '/root']);

/** Ports of remote-login, cleartext or control-plane services that should not be reachable in a container. */
const SENSITIVE_PORTS: Record<number, { service: string; severity?: 'HIGH' }> = {
  21: { service: 'FTP' },
  22: { service: 'SSH' },
  23: { service: 'Telnet', severity: 'HIGH' },
  69: { service: 'TFTP' },
  111: { service: 'rpcbind' },
  135: { service: 'MS RPC' },
  139: { service: 'NetBIOS' },
  445: { service: 'SMB' },
  512: { service: 'rexec' },
  513: { service: 'rlogin' },
  514: { service: 'rsh' },
  2375: { service: 'Docker API without TLS', severity: 'HIGH' },
  2376: { service: 'Docker API' },
  2379: { service: 'etcd' },
  3389: { service: 'RDP' },
  5900: { service: 'VNC' },
  5985: { service: 'WinRM' },
  5986: { service: 'WinRM' },
  6000: { service: 'X11' },
  10250: { service: 'kubelet API' },
};

/** Environment settings that turn TLS or signature verification off for every process in the container. */
const INSECURE_ENV: ReadonlyArray<{ name: RegExp; value: RegExp; what: string }> = [
  { name: /^NODE_TLS_REJECT_UNAUTHORIZED$/, value: /^0$/, what: 'Node.js accepts any TLS certificate' },
  { name: /^PYTHONHTTPSVERIFY$/, value: /^0$/, what: 'Python skips HTTPS certificate checks' },
  { name: /^GIT_SSL_NO_VERIFY$/, value: /^(?:1|true|yes)$/i, what: 'git skips TLS certificate checks' },
  { name: /^(?:NPM_CONFIG_STRICT_SSL|npm_config_strict_ssl|YARN_STRICT_SSL)$/, value: /^(?:false|0)$/i, what: 'npm/yarn skip TLS certificate checks' },
  { name: /^PIP_TRUSTED_HOST$/, value: /\S/, what: 'pip skips TLS checks for the listed hosts' },
  { name: /^GOINSECURE$/, value: /\S/, what: 'go fetches the listed modules without TLS checks' },
  { name: /^GOSUMDB$/, value: /^off$/, what: 'go skips the checksum database' },
  { name: /^(?:GONOSUMDB|GONOSUMCHECK)$/, value: /^\*$/, what: 'go skips the checksum database' },
  { name: /^DOCKER_CONTENT_TRUST$/, value: /^0$/, what: 'Docker content trust is off' },
  { name: /^CURL_CA_BUNDLE$/, value: /^$/, what: 'Python requests skips certificate checks (empty CURL_CA_BUNDLE)' },
];

/**
 * Parse the tag out of an image reference: `{ tag }` for `repo:tag`, `{ pinned: true }` for
 * `@sha256:`, `{ tag: undefined }` for a registry name without one (Docker then pulls `latest`),
 * `undefined` when the reference is a local path or root filesystem that carries no name.
 */
export function referenceTag(reference: string): { tag: string | undefined; pinned: boolean } | undefined {
  let rest = reference.trim();
  if (rest === '') return undefined;
  if (/@sha256:[0-9a-f]{64}$/i.test(rest)) return { tag: undefined, pinned: true };
  if (/^(?:dir|rootfs):/.test(rest)) return undefined;
  const transport = /^(?:docker:\/\/|oci:|oci-archive:|docker-archive:)/.exec(rest);
  if (transport) rest = rest.slice(transport[0].length);
  const local = (transport !== null && transport[0] !== 'docker://') || /^(?:\/|\.\.?\/|~)/.test(rest) || /\.tar(?:\.gz)?$/.test(rest);
  const lastColon = rest.lastIndexOf(':');
  const tag = lastColon > rest.lastIndexOf('/') ? rest.slice(lastColon + 1) : undefined;
  if (local) return tag === undefined || /\.tar(?:\.gz)?$/.test(rest) ? undefined : { tag, pinned: false };
  return { tag, pinned: false };
}

export const imageChecks: readonly BaselineCheck[] = [
  {
    id: 'CIS-DI-0001',
    title: 'Image runs as root',
    severity: 'MEDIUM',
    remediation: 'Create an unprivileged user (useradd -r app) and end the Dockerfile with USER app (or a numeric uid).',
    description: 'CIS 4.1: the configured USER is empty, root, uid 0, or a name that /etc/passwd maps to uid 0.',
    defaultEnabled: true,
    run({ input, configs, history }) {
      const user = input.metadata.user.trim();
      const lastUserStep = [...history].reverse().find((entry) => entry.step.instruction === 'USER');
      const at = { historyIndex: lastUserStep?.step.index };
      if (user === '') return [{ evidence: 'no USER set: the container runs as root' }];
      if (isRootUser(user)) return [{ ...at, evidence: `USER ${user}` }];
      const name = user.split(':')[0]!;
      if (/^\d+$/.test(name)) return [];
      const account = configs('passwd').flatMap((file) => file.facts.users.map((entry) => ({ file, entry }))).find(({ entry }) => entry.name === name);
      if (account && account.entry.uid === 0) return [{ ...at, file: account.file.path, line: account.entry.line, layerIndex: account.file.layerIndex, evidence: `USER ${user} has uid 0 in /etc/passwd` }];
      return [];
    },
  },
  {
    id: 'CIS-DI-0006',
    title: 'No HEALTHCHECK in the image',
    severity: 'LOW',
    remediation: 'Add a HEALTHCHECK instruction so the orchestrator can tell when the container stops serving.',
    description: 'CIS 4.6: no healthcheck in the configuration, or HEALTHCHECK NONE.',
    defaultEnabled: true,
    run({ input }) {
      const healthcheck = input.metadata.healthcheck;
      if (!healthcheck) return [{ evidence: 'no HEALTHCHECK' }];
      if (healthcheck.test[0] === 'NONE') return [{ evidence: 'HEALTHCHECK NONE' }];
      return [];
    },
  },
  {
    id: 'DKL-DI-0002',
    title: 'Sensitive directory declared as a volume',
    severity: 'HIGH',
    remediation: 'Do not declare VOLUME for system directories or the Docker socket; mount only application data paths.',
    description: 'VOLUME of /, /boot, /dev, /etc, /lib, /proc, /sys, /usr, /root, /run, /var/run or the Docker socket.',
    defaultEnabled: true,
    run({ input }) {
      return input.metadata.volumes
        .filter((volume) => SENSITIVE_VOLUMES.has(volume.replace(/(.)\/+$/, '$1')))
        .map((volume) => ({ evidence: `VOLUME ${volume}` }));
    },
  },
  {
    id: 'DKL-DI-0006',
    title: 'Image referenced by the latest tag',
    severity: 'LOW',
    remediation: 'Reference images by an explicit version tag or, better, by digest (repo@sha256:...), so every deployment gets the same image.',
    description: 'The reference has the tag latest, or no tag at all (which means latest). References pinned by digest, local paths and root filesystems are not judged.',
    defaultEnabled: true,
    run({ input }) {
      const parsed = referenceTag(input.reference);
      if (!parsed || parsed.pinned) return [];
      if (parsed.tag === undefined) return [{ evidence: `${input.reference} (no tag: latest implied)` }];
      return parsed.tag === 'latest' ? [{ evidence: input.reference }] : [];
    },
  },
  {
    id: 'CUSTOMS-BL-018',
    title: 'Sensitive port exposed',
    severity: 'MEDIUM',
    remediation: 'Do not run remote-login, cleartext or control-plane services in the container; remove the EXPOSE and the service.',
    description: 'EXPOSE of SSH, Telnet, FTP, TFTP, RPC/SMB, r-services, the Docker API, etcd, RDP, VNC, WinRM, X11 or the kubelet port.',
    defaultEnabled: true,
    run({ input }) {
      const hits: CheckHit[] = [];
      for (const exposed of input.metadata.exposedPorts) {
        const match = /^(\d+)(?:\/(\w+))?$/.exec(exposed);
        if (!match) continue;
        const known = SENSITIVE_PORTS[Number(match[1])];
        if (!known) continue;
        hits.push({ evidence: `EXPOSE ${exposed} (${known.service})`, severity: known.severity, title: `Sensitive port exposed: ${match[1]} (${known.service})` });
      }
      return hits;
    },
  },
  {
    id: 'CUSTOMS-BL-025',
    title: 'TLS or signature verification turned off in the environment',
    severity: 'HIGH',
    remediation: 'Remove the variable; trust an internal CA by adding it to the trust store (or NODE_EXTRA_CA_CERTS) instead.',
    description: 'ENV settings such as NODE_TLS_REJECT_UNAUTHORIZED=0, PYTHONHTTPSVERIFY=0, GIT_SSL_NO_VERIFY=1, GOSUMDB=off, DOCKER_CONTENT_TRUST=0 that affect every process in the container.',
    defaultEnabled: true,
    run({ input }) {
      const hits: CheckHit[] = [];
      for (const { name, value } of input.metadata.env) {
        const rule = INSECURE_ENV.find((candidate) => candidate.name.test(name) && candidate.value.test(value));
        if (rule) hits.push({ evidence: `ENV ${name}=${value} (${rule.what})` });
      }
      return hits;
    },
  },
];
