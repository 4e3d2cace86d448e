/**
 * Build-command rules over the image history: each is data (id, title, severity, remediation,
 * which instructions it reads) plus a small matcher over one normalised step. Matchers return
 * offsets into `created_by` and the spans of any secret values they saw, so the runner can mask
 * them before anything is stored or shown.
 */
import type { Severity } from '../../core/finding.js';
import type { Instruction } from './normalize.js';
import { exposedPorts, parseAssignments } from './normalize.js';
import { findUrlCredentials, isPlaceholderValue, isSecretName } from './sensitive.js';
import { commandOf, installedPackages, splitCommands, words, type SimpleCommand } from './shell.js';
import type { HistoryRule, RuleContext, RuleHit, RuleStep } from './types.js';
import type { Span } from './masking.js';

// ---------------------------------------------------------------------------------------------
// Helpers

/** Every match of each pattern in the step's text as a hit; `secretGroup` names the capture holding a secret. */
function regexHits(step: RuleStep, patterns: readonly RegExp[], secretGroup?: number): RuleHit[] {
  const hits: RuleHit[] = [];
  for (const pattern of patterns) {
    const global = new RegExp(pattern.source, `${pattern.flags.replace(/[gd]/g, '')}gd`);
    for (const match of step.text.matchAll(global)) {
      const start = step.offset + match.index;
      const hit: RuleHit = { start, end: start + match[0].length };
      const indices = secretGroup === undefined ? undefined : match.indices?.[secretGroup];
      if (indices) {
        const value = match[secretGroup!]!;
        if (isReference(value)) continue;
        hit.secrets = [{ start: step.offset + indices[0], end: step.offset + indices[1] }];
      }
      hits.push(hit);
    }
  }
  return hits;
}

/** Hits for the simple commands of a RUN step that satisfy `test`. */
function commandHits(step: RuleStep, test: (command: SimpleCommand, all: SimpleCommand[], index: number) => boolean | Partial<RuleHit>): RuleHit[] {
  const commands = splitCommands(step.text);
  const hits: RuleHit[] = [];
  commands.forEach((command, index) => {
    const result = test(command, commands, index);
    if (result === false) return;
    const start = step.offset + command.offset;
    hits.push({ start, end: start + command.text.length, ...(result === true ? {} : result) });
  });
  return hits;
}

/** A `$VAR`, `${VAR}` or `$(command)` in place of a value: the value itself is not in the text. */
function isReference(value: string): boolean {
  return /^["']?\$(?:\{?[A-Za-z_]|\()/.test(value) || /^%[A-Za-z_]+%$/.test(value);
}

function isRootUser(user: string): boolean {
  const name = user.trim().split(':')[0] ?? '';
  return name === 'root' || name === '0';
}

const SHELLS = /^(?:ba|z|da|k|a|mk|fi)?sh$|^(?:python[\d.]*|perl|ruby|node|nodejs|php[\d.]*|pwsh|powershell|iex|Invoke-Expression)$/i;
const FETCHERS = new Set(['curl', 'wget', 'fetch', 'aria2c', 'http', 'https', 'Invoke-WebRequest', 'iwr', 'irm', 'Invoke-RestMethod']);
const VERIFIERS = /\b(?:sha(?:1|224|256|384|512)sum|shasum|md5sum|b2sum|gpg\s+(?:--batch\s+)?--verify|gpgv|cosign\s+verify|minisign\s+-V|openssl\s+dgst|sha256sum)\b/;

/** Where a download command writes its file: `-o FILE`, `-O FILE`, `--output FILE`, `> FILE`, or the URL's basename. */
function downloadTargets(command: SimpleCommand): string[] {
  const { program, args } = commandOf(command.text);
  if (program !== 'curl' && program !== 'wget') return [];
  const targets: string[] = [];
  const urls = args.filter((arg) => /^(?:https?|ftp):\/\//i.test(arg));
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    if ((program === 'curl' && (arg === '-o' || arg === '--output')) || (program === 'wget' && (arg === '-O' || arg === '--output-document'))) {
      const next = args[index + 1];
      if (next && next !== '-') targets.push(next);
    } else if (/^--output(?:-document)?=/.test(arg)) targets.push(arg.replace(/^[^=]*=/, ''));
    else if (program === 'curl' && /^-[a-zA-Z]*O[a-zA-Z]*$/.test(arg)) targets.push(...urls.map(basename));
    else if (program === 'curl' && /^-[a-zA-Z]*o$/.test(arg) && args[index + 1]) targets.push(args[index + 1]!);
  }
  if (program === 'wget' && !args.some((arg) => /^-[a-zA-Z]*O|^--output-document/.test(arg))) targets.push(...urls.map(basename));
  const redirect = />\s*([^\s;&|>]+)\s*$/.exec(command.text);
  if (redirect) targets.push(redirect[1]!);
  return targets.filter(Boolean);
}

function basename(path: string): string {
  return path.replace(/[?#].*$/, '').replace(/\/+$/, '').replace(/^.*\//, '');
}

/** The sources and destination of a COPY or ADD, without flags and without the classic builder's `in`. */
function copyOperands(text: string): { sources: string[]; destination: string | undefined; flags: string[] } {
  const all = words(text);
  const flags = all.filter((word) => word.startsWith('--'));
  const operands = all.filter((word) => !word.startsWith('--'));
  // Classic builder: `ADD file:3b1c... in /dest` (the source as a content hash).
  const inIndex = operands.indexOf('in');
  if (inIndex > 0 && inIndex === operands.length - 2) return { sources: operands.slice(0, inIndex), destination: operands[inIndex + 1], flags };
  // JSON form: COPY ["a", "b"].
  if (text.trim().startsWith('[')) {
    try {
      const parsed = JSON.parse(text.trim()) as unknown;
      if (Array.isArray(parsed) && parsed.every((item) => typeof item === 'string')) {
        const list = parsed as string[];
        return { sources: list.slice(0, -1), destination: list[list.length - 1], flags };
      }
    } catch {
      // Fall through to plain words.
    }
  }
  return { sources: operands.slice(0, -1), destination: operands[operands.length - 1], flags };
}

const CREDENTIAL_FILE =
  /(?:^|\/)(?:id_(?:rsa|dsa|ecdsa|ed25519)(?:_sk)?|\.npmrc|\.yarnrc(?:\.yml)?|\.pypirc|\.netrc|\.git-credentials|\.pgpass|\.my\.cnf|\.env(?:\.(?!example|sample|template|dist)[\w-]+)?|credentials(?:\.json)?|kubeconfig|\.kube\/config|\.docker\/config\.json|auth\.json|secrets?\.(?:ya?ml|json|env|txt|toml)|[^/]+\.(?:key|p12|pfx|jks|keystore))$|(?:^|\/)\.(?:ssh|aws|gnupg)(?:\/|$)/;

function hasVerb(args: string[], verbs: readonly string[]): { verb: string; rest: string[] } | undefined {
  const positional = args.filter((arg) => !arg.startsWith('-'));
  const verb = positional[0];
  return verb !== undefined && verbs.includes(verb) ? { verb, rest: positional.slice(1) } : undefined;
}

function secretAssignmentHits(step: RuleStep, pairs: Array<{ name: string; value: string; offset: number }>, severity?: Severity): RuleHit[] {
  return pairs
    .filter((pair) => isSecretName(pair.name) && !isPlaceholderValue(pair.value))
    .map((pair) => {
      const nameStart = Math.max(step.offset, step.createdBy.lastIndexOf(pair.name, pair.offset));
      return { start: nameStart, end: pair.offset + pair.value.length, secrets: [{ start: pair.offset, end: pair.offset + pair.value.length }], severity };
    });
}

// ---------------------------------------------------------------------------------------------
// The rules

const RUN: readonly Instruction[] = ['RUN'];

const ATTACK_TOOLS = new Set([
  'nmap', 'netcat', 'netcat-traditional', 'netcat-openbsd', 'nc', 'ncat', 'socat', 'tcpdump', 'hydra', 'john', 'masscan', 'telnet',
  'inetutils-telnet', 'nikto', 'sqlmap', 'hashcat', 'aircrack-ng', 'metasploit-framework', 'ettercap-text-only', 'ettercap-graphical',
  'ettercap', 'tshark', 'wireshark', 'dsniff', 'hping3', 'medusa', 'responder', 'proxychains', 'proxychains4', 'zmap', 'netdiscover',
  'arp-scan', 'ophcrack', 'ncrack', 'thc-hydra',
]);
const SSH_SERVERS = new Set(['openssh-server', 'openssh', 'dropbear', 'dropbear-bin', 'ssh', 'tinysshd', 'openssh-server-pam']);
const REMOTE_ACCESS_PORTS: Record<number, string> = { 22: 'SSH', 23: 'Telnet', 2375: 'Docker API without TLS', 3389: 'RDP', 5900: 'VNC' };
const LOCAL_HOST = /^(?:localhost|127(?:\.\d+){3}|\[::1\]|0\.0\.0\.0)(?::\d+)?$/i;

export const historyRules: readonly HistoryRule[] = [
  {
    id: 'CUSTOMS-HIS-001',
    title: 'Remote script piped into a shell',
    severity: 'HIGH',
    remediation: 'Download the script to a file, verify its checksum or signature, then run it; better, install from a signed package.',
    instructions: RUN,
    defaultEnabled: true,
    match(step) {
      const hits = regexHits(step, [
        /\b(?:ba|z|da|k)?sh\s+(?:-\S+\s+)*<\(\s*(?:curl|wget)\b[^)]*\)/,
        /(?:^|[\s;&|])(?:source|\.)\s+<\(\s*(?:curl|wget)\b[^)]*\)/,
        /\b(?:(?:ba|z|da|k)?sh|python[\d.]*|perl|ruby|node|eval)\s+(?:-\S+\s+)*["']?\$\(\s*(?:curl|wget)\b[^)]*\)/,
      ]);
      const commands = splitCommands(step.text);
      commands.forEach((command, index) => {
        if (index === 0 || commands[index - 1]!.next !== '|') return;
        const { program, args } = commandOf(command.text);
        // `python -c ...`, `node -e ...`, `sh -c ...`: the piped data is input to a given program, not the program.
        const runsShell = SHELLS.test(program) && !args.some((arg) => /^-(?:c|m|e|r|E)$/.test(arg));
        if (!runsShell) return;
        // Walk back along the pipe to a download.
        for (let back = index - 1; back >= 0 && (back === index - 1 || commands[back]!.next === '|'); back--) {
          if (FETCHERS.has(commandOf(commands[back]!.text).program)) {
            const start = step.offset + commands[back]!.offset;
            hits.push({ start, end: step.offset + command.offset + command.text.length });
            return;
          }
          if (back > 0 && commands[back - 1]!.next !== '|') break;
        }
      });
      return hits;
    },
  },
  {
    id: 'CUSTOMS-HIS-002',
    title: 'ADD from a remote URL',
    severity: 'MEDIUM',
    remediation: 'Download with RUN curl/wget and verify a checksum, or use ADD --checksum=sha256:...; prefer COPY for local files.',
    instructions: ['ADD'],
    defaultEnabled: true,
    match(step) {
      const { sources, flags } = copyOperands(step.text);
      if (flags.some((flag) => flag.startsWith('--checksum='))) return [];
      const remote = sources.find((source) => /^(?:https?|ftp):\/\//i.test(source) || /^git@[^:]+:/.test(source));
      if (!remote) return [];
      const start = step.createdBy.indexOf(remote, step.offset);
      return [{ start, end: start + remote.length }];
    },
  },
  {
    id: 'CUSTOMS-HIS-003',
    title: 'Secret in an ENV instruction',
    severity: 'HIGH',
    remediation: 'Do not bake secrets into the image: pass them at run time (orchestrator secrets, mounted files), and rotate the exposed one.',
    instructions: ['ENV'],
    defaultEnabled: true,
    match: (step) => secretAssignmentHits(step, parseAssignments(step.text, step.offset)),
  },
  {
    id: 'CUSTOMS-HIS-004',
    title: 'Secret passed as a build argument',
    severity: 'HIGH',
    remediation: 'Build arguments are recorded in the image history; use BuildKit secret mounts (RUN --mount=type=secret) instead, and rotate the exposed value.',
    instructions: ['ARG', 'RUN'],
    defaultEnabled: true,
    match(step) {
      if (step.instruction === 'ARG') {
        const hits: RuleHit[] = [];
        for (const match of step.text.matchAll(/(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)(?:=("[^"]*"|'[^']*'|\S*))?/g)) {
          const name = match[1]!;
          if (!isSecretName(name)) continue;
          const nameStart = step.offset + match.index + match[0].indexOf(name);
          const raw = match[2];
          if (raw === undefined || isPlaceholderValue(raw)) {
            if (raw === undefined) hits.push({ start: nameStart, end: nameStart + name.length, severity: 'MEDIUM', title: 'Secret declared as a build argument' });
            continue;
          }
          const quoted = /^["']/.test(raw);
          const valueStart = nameStart + name.length + 1 + (quoted ? 1 : 0);
          const valueEnd = nameStart + name.length + 1 + raw.length - (quoted ? 1 : 0);
          hits.push({ start: nameStart, end: valueEnd + (quoted ? 1 : 0), secrets: [{ start: valueStart, end: valueEnd }] });
        }
        return hits;
      }
      const hits = secretAssignmentHits(
        step,
        step.buildArgs.map((arg) => ({ name: arg.name, value: arg.value, offset: arg.offset })),
      );
      for (const match of step.text.matchAll(/--build-arg(?:=|\s+)(["']?)([A-Za-z_][A-Za-z0-9_]*)=([^\s"']*)\1/dg)) {
        const [, , name = '', value = ''] = match;
        if (!isSecretName(name) || isPlaceholderValue(value) || isReference(value)) continue;
        const valueIndices = match.indices![3]!;
        hits.push({
          start: step.offset + match.index,
          end: step.offset + match.index + match[0].length,
          secrets: [{ start: step.offset + valueIndices[0], end: step.offset + valueIndices[1] }],
        });
      }
      return hits;
    },
  },
  {
    id: 'CUSTOMS-HIS-005',
    title: 'Secret in a build command',
    severity: 'HIGH',
    remediation: 'Remove the secret from the build (BuildKit secret mounts, run-time configuration), rebuild, and rotate the exposed secret.',
    instructions: ['RUN', 'ENV', 'ARG', 'LABEL', 'ADD', 'COPY', 'CMD', 'ENTRYPOINT', 'HEALTHCHECK', 'ONBUILD', 'USER', 'WORKDIR', 'VOLUME', 'EXPOSE', 'SHELL', 'STOPSIGNAL', 'MAINTAINER', 'FROM', 'OTHER'],
    defaultEnabled: true,
    match(_step, context) {
      return context.catalog.map((secret) => ({
        start: secret.span?.start ?? 0,
        end: secret.span?.end ?? 0,
        secrets: secret.span ? [secret.span] : [],
        unlocatedSecret: secret.span === undefined,
        severity: secret.severity,
        title: `Secret in a build command: ${secret.title}`,
      }));
    },
  },
  {
    id: 'CUSTOMS-HIS-006',
    title: 'Secret written to a file during the build',
    severity: 'HIGH',
    remediation: 'Files written in a RUN step stay in that layer even if deleted later; use a BuildKit secret mount for credentials needed while building.',
    instructions: RUN,
    defaultEnabled: true,
    match(step) {
      return commandHits(step, (command, all, index) => {
        const { program } = commandOf(command.text);
        if (program !== 'echo' && program !== 'printf') return false;
        const redirect = /^(.*?)\s*\d?>>?\s*([^\s;&|>]+)\s*$/s.exec(command.text);
        const teeTarget = command.next === '|' ? /^(?:sudo\s+)?tee\s+(?:-a\s+)?(\S+)/.exec(all[index + 1]?.text ?? '')?.[1] : undefined;
        const target = redirect?.[2] ?? teeTarget;
        if (target === undefined) return false;
        const body = (redirect?.[1] ?? command.text).replace(/^\s*(?:echo|printf)(?:\s+-[neE]+)*\s*/, '');
        const content = body.replace(/^(["'])(.*)\1$/s, '$2');
        const credentialContent = /(?<![A-Za-z])(?:_authToken|_auth|_password|password|passwd|api[_-]?key|secret|token)\s*[=:]/i.test(content) || /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(content);
        if (!CREDENTIAL_FILE.test(target) && !credentialContent) return false;
        if (content.trim() === '') return false;
        if (content.includes('$')) return { severity: 'MEDIUM', title: 'Credential file written during the build' };
        const contentStart = step.offset + command.offset + command.text.indexOf(content);
        return { secrets: [{ start: contentStart, end: contentStart + content.length }] };
      });
    },
  },
  {
    id: 'CUSTOMS-HIS-007',
    title: 'World-writable permissions set (chmod 777, a+w)',
    severity: 'MEDIUM',
    remediation: 'Grant write access only to the user that needs it (chown to that user, chmod 755/644), or use a sticky directory.',
    instructions: RUN,
    defaultEnabled: true,
    match(step) {
      return commandHits(step, (command) => {
        const { program, args } = commandOf(command.text);
        if (program !== 'chmod') return false;
        const mode = args.find((arg) => !arg.startsWith('-'));
        if (mode === undefined) return false;
        if (/^[0-7]{3,4}$/.test(mode)) {
          const digits = mode.padStart(4, '0');
          return (Number(digits[3]) & 2) !== 0 && (Number(digits[0]) & 1) === 0;
        }
        return mode.split(',').some((clause) => {
          const parsed = /^([ugoa]*)([+=])([rwxXst]*)$/.exec(clause);
          return parsed !== null && /[oa]/.test(parsed[1]!) && parsed[3]!.includes('w') && !parsed[3]!.includes('t');
        });
      });
    },
  },
  {
    id: 'CUSTOMS-HIS-008',
    title: 'TLS certificate verification turned off',
    severity: 'HIGH',
    remediation: 'Keep TLS verification on; add the internal CA to the trust store (update-ca-certificates) instead of disabling checks.',
    instructions: ['RUN', 'ENV', 'ARG'],
    defaultEnabled: true,
    match: (step) =>
      regexHits(step, [
        /--no-check-certificate\b/,
        /\bcurl\b[^;&|\n]*?\s(?:-[a-zA-Z]*k[a-zA-Z]*|--insecure)(?=\s|$)/,
        /\bstrict[-_]ssl\b["']?(?:\s*=\s*|\s+)["']?false\b/i,
        /\bhttp\.sslverify\b["']?(?:\s*=\s*|\s+)["']?(?:false|0|no)\b/i,
        /\bGIT_SSL_NO_VERIFY(?:\s*=\s*|\s+)["']?(?:1|true|yes)\b/i,
        /\bNODE_TLS_REJECT_UNAUTHORIZED(?:\s*=\s*|\s+)["']?0\b/,
        /\bPYTHONHTTPSVERIFY(?:\s*=\s*|\s+)["']?0\b/,
        /--trusted-host\b|\bPIP_TRUSTED_HOST(?:\s*=\s*|\s+)\S|\btrusted-host\s*=/i,
        /\bsslverify\s*=\s*["']?(?:0|false|no)\b/i,
        /Acquire::https?::(?:[^:\s]+::)?Verify-(?:Peer|Host)["']?(?:\s*=\s*|\s+)["']?false/i,
        /\bverify_ssl\s*=\s*["']?(?:false|0)\b/i,
        /--insecure-skip-tls-verify\b|--tls-verify=false\b|--disable-tls-verification\b/,
      ]),
  },
  {
    id: 'CUSTOMS-HIS-009',
    title: 'Package signature verification turned off',
    severity: 'HIGH',
    remediation: 'Install only signed packages: import the repository key (signed-by=) instead of --allow-unauthenticated, gpgcheck=0 or --allow-untrusted.',
    instructions: ['RUN', 'ENV', 'ARG'],
    defaultEnabled: true,
    match: (step) =>
      regexHits(step, [
        /--allow-unauthenticated\b|--force-yes\b|--allow-insecure-repositories\b|--allow-downgrades-unauthenticated\b/,
        /\bAllowUnauthenticated["']?(?:\s*=\s*|\s+)["']?(?:true|1|yes)\b/i,
        /\btrusted=yes\b/,
        /gpgcheck\s*=\s*["']?(?:0|false|no)\b/i,
        /--nogpgcheck\b|--no-gpg-checks?\b|--allow-untrusted\b|--skip-broken-signatures\b/,
        /\brpm\b[^;&|\n]*\s--no(?:signature|digest)\b/,
        /\bGOSUMDB(?:\s*=\s*|\s+)["']?off\b|\bGOFLAGS(?:\s*=\s*|\s+)["']?[^\s"']*-insecure\b/,
        /\bDOCKER_CONTENT_TRUST(?:\s*=\s*|\s+)["']?0\b|--disable-content-trust(?:=true)?\b/,
      ]),
  },
  {
    id: 'CUSTOMS-HIS-010',
    title: 'sudo used in a build step',
    severity: 'MEDIUM',
    remediation: 'Run the step as root with USER root (then switch back), rather than installing and using sudo in the image.',
    instructions: RUN,
    defaultEnabled: true,
    match: (step) => commandHits(step, (command) => commandOf(command.text).sudo || /^sudo$/.test(commandOf(command.text).program)),
  },
  {
    id: 'CUSTOMS-HIS-011',
    title: 'Remote-access port exposed',
    severity: 'MEDIUM',
    remediation: 'Do not run remote-login daemons in containers; use docker exec / kubectl exec for access and drop the EXPOSE.',
    instructions: ['EXPOSE'],
    defaultEnabled: true,
    match(step) {
      return exposedPorts(step.text)
        .filter((entry) => entry.protocol === 'tcp' && REMOTE_ACCESS_PORTS[entry.port] !== undefined)
        .map((entry) => ({ start: step.offset, end: step.offset + step.text.length, title: `Remote-access port exposed: ${entry.port} (${REMOTE_ACCESS_PORTS[entry.port]})` }));
    },
  },
  {
    id: 'CUSTOMS-HIS-012',
    title: 'Full OS package upgrade during the build',
    severity: 'LOW',
    remediation: 'Rebuild on an updated base image instead of upgrading every package in a layer (unpinned, irreproducible, large).',
    instructions: RUN,
    defaultEnabled: true,
    match: (step) =>
      commandHits(step, (command) => {
        const { program, args } = commandOf(command.text);
        const verbs: Record<string, string[]> = {
          'apt-get': ['upgrade', 'dist-upgrade', 'full-upgrade'],
          apt: ['upgrade', 'full-upgrade', 'dist-upgrade'],
          aptitude: ['upgrade', 'safe-upgrade', 'full-upgrade', 'dist-upgrade'],
          yum: ['update', 'upgrade'],
          dnf: ['update', 'upgrade', 'distro-sync'],
          microdnf: ['update', 'upgrade'],
          tdnf: ['update', 'upgrade'],
          apk: ['upgrade'],
          zypper: ['update', 'up', 'dist-upgrade', 'dup'],
        };
        const found = verbs[program] ? hasVerb(args, verbs[program]!) : undefined;
        return found !== undefined && found.rest.length === 0;
      }),
  },
  {
    id: 'CUSTOMS-HIS-013',
    title: 'Network or attack tool installed',
    severity: 'MEDIUM',
    remediation: 'Remove scanning, sniffing and password-cracking tools from runtime images; they serve an intruder more than the application.',
    instructions: RUN,
    defaultEnabled: true,
    match: (step) =>
      commandHits(step, (command) => {
        const tools = installedPackages(command.text).filter((name) => ATTACK_TOOLS.has(name));
        return tools.length > 0 && { title: `Network or attack tool installed: ${tools.join(', ')}` };
      }),
  },
  {
    id: 'CUSTOMS-HIS-014',
    title: 'Label asks for a privileged container',
    severity: 'MEDIUM',
    remediation: 'Do not ship run instructions that need --privileged, host namespaces or broad capabilities; grant only the capability needed, at deploy time.',
    instructions: ['LABEL'],
    defaultEnabled: true,
    match: (step) =>
      regexHits(step, [
        /--privileged\b|\bprivileged["']?\s*[=:]\s*["']?true\b/i,
        /--cap-add(?:=|\s+)["']?(?:CAP_)?(?:SYS_ADMIN|ALL|NET_ADMIN|SYS_PTRACE|SYS_MODULE|DAC_READ_SEARCH|SYS_RAWIO)\b/i,
        /--(?:pid|net|network|ipc|userns|uts)(?:=|\s+)host\b/,
        /--security-opt(?:=|\s+)["']?(?:seccomp|apparmor|label)[=:]?(?:unconfined|disable)\b/,
      ]),
  },
  {
    id: 'CUSTOMS-HIS-015',
    title: 'USER switched back to root after a non-root user',
    severity: 'MEDIUM',
    remediation: 'Do root-only work before switching to the application user, and make sure the last USER is not root.',
    instructions: ['USER'],
    defaultEnabled: true,
    match(step, context) {
      if (!isRootUser(step.text)) return [];
      const earlier = context.steps.slice(0, context.position).filter((other) => other.instruction === 'USER');
      const previous = earlier[earlier.length - 1];
      if (!previous || isRootUser(previous.text)) return [];
      const later = context.steps.slice(context.position + 1).filter((other) => other.instruction === 'USER');
      const last = later[later.length - 1];
      const backToNonRoot = last !== undefined && !isRootUser(last.text);
      return [{ start: step.offset, end: step.offset + step.text.length, severity: backToNonRoot ? 'LOW' : 'MEDIUM' }];
    },
  },
  {
    id: 'CUSTOMS-HIS-016',
    title: 'Download over plain HTTP',
    severity: 'MEDIUM',
    remediation: 'Download over HTTPS (and verify a checksum or signature): plain HTTP can be tampered with on the way.',
    instructions: ['RUN', 'ADD'],
    defaultEnabled: true,
    match(step) {
      const plainHttp = (word: string): boolean => {
        const match = /^http:\/\/([^/\s?#]+)/i.exec(word.replace(/^[^=]*=(?=http:)/i, ''));
        return match !== null && !LOCAL_HOST.test(match[1]!.replace(/^[^@]*@/, ''));
      };
      if (step.instruction === 'ADD') {
        const source = copyOperands(step.text).sources.find(plainHttp);
        if (!source) return [];
        const start = step.createdBy.indexOf(source, step.offset);
        return [{ start, end: start + source.length }];
      }
      const downloaders = new Set([...FETCHERS, 'git', 'pip', 'pip3', 'pipx', 'uv', 'npm', 'yarn', 'gem', 'go', 'helm', 'apk']);
      return commandHits(step, (command) => {
        const { program, args } = commandOf(command.text);
        const isPythonPip = /^python[\d.]*$/.test(program) && args[0] === '-m' && args[1] === 'pip';
        return (downloaders.has(program) || isPythonPip) && args.some(plainHttp);
      });
    },
  },
  {
    id: 'CUSTOMS-HIS-017',
    title: 'File capabilities granted with setcap',
    severity: 'MEDIUM',
    remediation: 'Avoid file capabilities in images; grant the capability to the container at deploy time (--cap-add) if it is really needed.',
    instructions: RUN,
    defaultEnabled: true,
    match: (step) =>
      commandHits(step, (command) => {
        const { program, args } = commandOf(command.text);
        return program === 'setcap' && !args.includes('-r');
      }),
  },
  {
    id: 'CUSTOMS-HIS-018',
    title: 'Docker socket used by the image',
    severity: 'HIGH',
    remediation: 'Do not mount or expect /var/run/docker.sock: it gives root on the host. Use a rootless builder or a scoped API proxy.',
    instructions: ['RUN', 'VOLUME', 'ENV', 'ARG', 'LABEL'],
    defaultEnabled: true,
    match: (step) => regexHits(step, [/docker\.sock\b/]),
  },
  {
    id: 'CUSTOMS-HIS-019',
    title: 'Credentials embedded in a URL (git clone https://user:token@...)',
    severity: 'HIGH',
    remediation: 'Use a BuildKit secret or SSH mount for private repositories; a URL with credentials is kept in the history and in .git/config.',
    instructions: ['RUN', 'ENV', 'ARG', 'ADD', 'LABEL'],
    defaultEnabled: true,
    match(step) {
      const hits: RuleHit[] = [];
      for (const credential of findUrlCredentials(step.text)) {
        const start = step.offset + credential.offset;
        if (!credential.reference) {
          if (isPlaceholderValue(credential.secret)) continue;
          hits.push({ start, end: start + credential.secret.length, secrets: [{ start, end: start + credential.secret.length }] });
          continue;
        }
        // A variable: its value is not in the history, but git keeps the expanded URL in .git/config.
        const command = splitCommands(step.text).find((candidate) => candidate.offset <= credential.offset && credential.offset < candidate.offset + candidate.text.length);
        const parsed = command ? commandOf(command.text) : undefined;
        if (step.instruction === 'RUN' && parsed?.program === 'git' && parsed.args.includes('clone')) {
          hits.push({ start, end: start + credential.secret.length, severity: 'MEDIUM', title: 'Credentials in a git clone URL (kept in .git/config)' });
        }
      }
      return hits;
    },
  },
  {
    id: 'CUSTOMS-HIS-020',
    title: 'Password given on a command line',
    severity: 'HIGH',
    remediation: 'Read passwords from a BuildKit secret mount or stdin (--password-stdin), never from the command line: it is recorded in the history.',
    instructions: RUN,
    defaultEnabled: true,
    match: (step) => [
      ...regexHits(step, [/\bsshpass\s+-p\s*(["']?)([^\s"']+)\1/], 2),
      ...regexHits(step, [/\bcurl\b[^;&|\n]*?\s(?:-u|--user)(?:\s+|=)(["']?)[^\s:"']+:([^\s"']+)\1/], 2),
      ...regexHits(step, [/(?:^|\s)--(?:password|passwd|pass|http-password|ftp-password|proxy-password|db-password|dbpass)(?:=|\s+)(["']?)([^\s"']+)\1/], 2),
      ...regexHits(step, [/\bmysql(?:dump|admin|import|show|check)?\b[^;&|\n]*?\s-p(["']?)([^\s"']+)\1/], 2),
      ...regexHits(step, [/\b(?:docker|podman|buildah|skopeo|helm|oras|nerdctl)\s+(?:registry\s+)?login\b[^;&|\n]*?\s-p\s+(["']?)([^\s"']+)\1/], 2),
    ],
  },
  {
    id: 'CUSTOMS-HIS-021',
    title: 'Downloaded script executed without verification',
    severity: 'MEDIUM',
    remediation: 'Check the downloaded file against a published checksum (sha256sum -c) or signature before running it.',
    instructions: RUN,
    defaultEnabled: true,
    match(step) {
      if (VERIFIERS.test(step.text)) return [];
      const commands = splitCommands(step.text);
      const downloaded = new Set(commands.flatMap(downloadTargets).map(basename));
      if (downloaded.size === 0) return [];
      return commandHits(step, (command) => {
        const { program, args } = commandOf(command.text);
        if (SHELLS.test(program)) {
          const script = args.find((arg) => !arg.startsWith('-'));
          return script !== undefined && downloaded.has(basename(script));
        }
        const direct = words(command.text)[0] ?? '';
        return direct.includes('/') && downloaded.has(basename(direct));
      });
    },
  },
  {
    id: 'CUSTOMS-HIS-022',
    title: 'Account password set in a build step',
    severity: 'HIGH',
    remediation: 'Do not set passwords at build time: the password (or its hash) is in the history and every container shares it; lock the account and use keys or run-time secrets.',
    instructions: RUN,
    defaultEnabled: true,
    match(step) {
      const hits: RuleHit[] = [];
      const commands = splitCommands(step.text);
      commands.forEach((command, index) => {
        const next = commands[index + 1];
        const { program, args } = commandOf(command.text);
        if ((program === 'echo' || program === 'printf') && command.next === '|' && next) {
          const target = commandOf(next.text);
          if (target.program !== 'chpasswd' && !(target.program === 'passwd' && (target.args.includes('--stdin') || target.args.length <= 1))) return;
          const start = step.offset + command.offset;
          const end = step.offset + next.offset + next.text.length;
          const payload = command.text.replace(/^\s*(?:sudo\s+)?(?:echo|printf)(?:\s+-[neE]+)*\s*/, '');
          const inner = payload.replace(/^(["'])(.*)\1$/s, '$2');
          const innerStart = step.offset + command.offset + command.text.indexOf(inner);
          const secrets: Span[] = [];
          if (target.program === 'chpasswd') {
            for (const pair of inner.matchAll(/([^\s:\\]+):([^\s\\]+)/g)) {
              if (isReference(pair[2]!)) continue;
              const at = innerStart + pair.index + pair[1]!.length + 1;
              secrets.push({ start: at, end: at + pair[2]!.length });
            }
          } else if (!inner.includes('$')) secrets.push({ start: innerStart, end: innerStart + inner.length });
          hits.push(secrets.length > 0 ? { start, end, secrets } : { start, end, severity: 'MEDIUM' });
          return;
        }
        if (program === 'useradd' || program === 'usermod' || program === 'adduser') {
          const flag = args.findIndex((arg) => arg === '-p' || arg === '--password' || arg.startsWith('--password='));
          if (flag < 0) return;
          const value = args[flag]!.startsWith('--password=') ? args[flag]!.slice('--password='.length) : args[flag + 1];
          if (value === undefined || value === '') return;
          const start = step.offset + command.offset;
          if (isReference(value) || value.startsWith('$(')) {
            hits.push({ start, end: start + command.text.length, severity: 'MEDIUM' });
            return;
          }
          const at = step.createdBy.indexOf(value, start);
          hits.push({ start, end: start + command.text.length, secrets: at >= 0 ? [{ start: at, end: at + value.length }] : [] });
        }
      });
      return hits;
    },
  },
  {
    id: 'CUSTOMS-HIS-023',
    title: 'SSH server installed',
    severity: 'MEDIUM',
    remediation: 'Containers do not need an SSH daemon: use docker exec / kubectl exec, and remove openssh-server or dropbear.',
    instructions: RUN,
    defaultEnabled: true,
    match: (step) => commandHits(step, (command) => installedPackages(command.text).some((name) => SSH_SERVERS.has(name))),
  },
  {
    id: 'CUSTOMS-HIS-024',
    title: 'Credential file copied into the image',
    severity: 'HIGH',
    remediation: 'Keep keys, .npmrc, .env and cloud credentials out of the build context (.dockerignore) and use BuildKit secret mounts.',
    instructions: ['COPY', 'ADD'],
    defaultEnabled: true,
    match(step) {
      const { sources, destination } = copyOperands(step.text);
      const candidates = [...sources.filter((source) => !/^(?:file|dir|multi):[0-9a-f]{16,}$/.test(source)), ...(destination ? [destination] : [])];
      const found = candidates.find((candidate) => CREDENTIAL_FILE.test(candidate.replace(/\/+$/, '')));
      if (!found) return [];
      const start = step.createdBy.indexOf(found, step.offset);
      return [{ start, end: start + found.length, title: `Credential file copied into the image: ${found}` }];
    },
  },
  {
    id: 'CUSTOMS-HIS-025',
    title: 'Extra package index used (dependency confusion)',
    severity: 'LOW',
    remediation: 'Use a single index that proxies the public one (--index-url) so a public package cannot shadow an internal name.',
    instructions: ['RUN', 'ENV', 'ARG'],
    defaultEnabled: true,
    match: (step) => regexHits(step, [/--extra-index-url\b|\bPIP_EXTRA_INDEX_URL(?:\s*=\s*|\s+)\S|\bextra-index-url\s*=/i]),
  },
  {
    id: 'CUSTOMS-HIS-026',
    title: 'Passwordless sudo granted in a build step',
    severity: 'HIGH',
    remediation: 'Do not grant NOPASSWD sudo in images; run privileged setup at build time as root and drop sudo.',
    instructions: RUN,
    defaultEnabled: true,
    match: (step) => (/sudoers/.test(step.text) ? regexHits(step, [/\bNOPASSWD\b/]) : []),
  },
  {
    id: 'CUSTOMS-HIS-027',
    title: 'Permissive umask set (files created world-writable)',
    severity: 'LOW',
    remediation: 'Keep the default umask (022) so files created in the image are not writable by every user.',
    instructions: RUN,
    defaultEnabled: true,
    match: (step) =>
      commandHits(step, (command) => {
        const { program, args } = commandOf(command.text);
        const mode = args[0];
        return program === 'umask' && mode !== undefined && /^[0-7]{1,4}$/.test(mode) && (Number(mode[mode.length - 1]) & 2) === 0;
      }),
  },
  {
    id: 'CUSTOMS-HIS-028',
    title: 'setuid bit set with chmod',
    severity: 'MEDIUM',
    remediation: 'Avoid adding setuid binaries: a flaw in one is a privilege escalation. Use capabilities at deploy time or run as the needed user.',
    instructions: RUN,
    defaultEnabled: true,
    match: (step) =>
      commandHits(step, (command) => {
        const { program, args } = commandOf(command.text);
        if (program !== 'chmod') return false;
        const mode = args.find((arg) => !arg.startsWith('-'));
        if (mode === undefined) return false;
        if (/^[0-7]{4}$/.test(mode)) return (Number(mode[0]) & 4) !== 0;
        return mode.split(',').some((clause) => {
          const parsed = /^([ugoa]*)[+=]([rwxXst]*)$/.exec(clause);
          return parsed !== null && parsed[2]!.includes('s') && (parsed[1] === '' || /[ua]/.test(parsed[1]!));
        });
      }),
  },
];

export type { HistoryRule, RuleContext, RuleHit, RuleStep };
