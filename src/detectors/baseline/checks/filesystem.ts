/** Checks on the final filesystem: permissions, special bits, leftovers and what is installed. */
import type { FinalFile } from '../../../layer/filesystem.js';
import { baseName, fileHit, isRegular, octal } from './helpers.js';
import type { BaselineCheck, CheckHit } from './types.js';

interface CacheLocation {
  name: string;
  /** Matches a file inside the cache; group 1 is the cache directory reported. */
  pattern: RegExp;
  include?: (path: string) => boolean;
}

/** Package-manager caches that only add size (and stale metadata) to an image. */
const CACHE_LOCATIONS: readonly CacheLocation[] = [
  { name: 'apt package lists', pattern: /^(var\/lib\/apt\/lists)\//, include: (path) => baseName(path) !== 'lock' },
  { name: 'apt package cache', pattern: /^(var\/cache\/apt)\//, include: (path) => /\.(?:deb|bin)$/.test(path) },
  { name: 'apk cache', pattern: /^(var\/cache\/apk)\// },
  { name: 'yum cache', pattern: /^(var\/cache\/yum)\// },
  { name: 'dnf cache', pattern: /^(var\/cache\/dnf)\// },
  { name: 'zypper cache', pattern: /^(var\/cache\/zypp)\// },
  { name: 'pip cache', pattern: /^((?:root|home\/[^/]+)\/\.cache\/pip)\// },
  { name: 'npm cache', pattern: /^((?:root|home\/[^/]+)\/\.npm\/_cacache)\// },
  { name: 'yarn cache', pattern: /^((?:usr\/local\/share|root|home\/[^/]+)\/\.cache\/yarn)\// },
];

/** Names that never belong in an image: VCS metadata, editor and OS droppings, shell histories. */
const UNNECESSARY_DIRECTORIES = new Set(['.git', '.svn', '.hg', '.idea', '.vscode']);
const UNNECESSARY_FILES = new Set([
  '.DS_Store', 'Thumbs.db', 'desktop.ini', '.bash_history', '.zsh_history', '.sh_history', '.ash_history', '.python_history',
  '.mysql_history', '.psql_history', '.node_repl_history', '.sqlite_history', '.rediscli_history', '.viminfo', '.lesshst',
]);

const SSH_SERVERS = new Set(['usr/sbin/sshd', 'sbin/sshd', 'usr/bin/sshd', 'usr/sbin/dropbear', 'usr/bin/dropbear', 'sbin/dropbear', 'usr/sbin/tinysshd', 'usr/bin/tinysshd']);
const PRIVILEGE_TOOLS = new Set(['usr/bin/sudo', 'bin/sudo', 'usr/sbin/sudo', 'usr/bin/doas', 'bin/doas']);

function files(list: readonly FinalFile[], test: (file: FinalFile) => boolean, evidence?: (file: FinalFile) => string): CheckHit[] {
  return list.filter(test).map((file) => fileHit(file, evidence?.(file)));
}

export const filesystemChecks: readonly BaselineCheck[] = [
  {
    id: 'CIS-DI-0008',
    title: 'setuid or setgid file',
    severity: 'LOW',
    remediation: 'Remove the setuid/setgid bit where the program does not need it (chmod u-s,g-s), or remove the program.',
    description:
      'CIS 4.8: every regular file (hard links included) with the setuid or setgid bit, one finding each, base-image binaries included. Directories with setgid (group inheritance, e.g. /var/mail) are not privileges and are not reported.',
    defaultEnabled: true,
    run: ({ files: list }) =>
      list
        .filter((file) => isRegular(file) && (file.mode & 0o6000) !== 0)
        .map((file) => {
          const bits = [(file.mode & 0o4000) !== 0 ? 'setuid' : '', (file.mode & 0o2000) !== 0 ? 'setgid' : ''].filter(Boolean).join(' and ');
          return fileHit(file, undefined, { title: `${bits} file` });
        }),
  },
  {
    id: 'DKL-DI-0005',
    title: 'Package manager cache left in the image',
    severity: 'LOW',
    remediation: 'Clean caches in the same RUN that fills them (rm -rf /var/lib/apt/lists/*, apt-get clean, apk --no-cache, yum clean all, pip --no-cache-dir, npm cache clean --force).',
    description:
      'Non-empty apt lists (var/lib/apt/lists, lock excluded), .deb/.bin files under var/cache/apt, var/cache/apk, yum, dnf and zypp caches, pip, npm (_cacache) and yarn caches of root and home directories. One finding per cache and layer that left files in it.',
    defaultEnabled: true,
    run({ files: list }) {
      const groups = new Map<string, { cache: CacheLocation; dir: string; layerIndex: number; count: number; bytes: number }>();
      for (const file of list) {
        if (!isRegular(file)) continue;
        for (const cache of CACHE_LOCATIONS) {
          const match = cache.pattern.exec(file.path);
          if (!match || (cache.include && !cache.include(file.path))) continue;
          const key = `${match[1]}\u0000${file.layerIndex}`;
          const group = groups.get(key) ?? { cache, dir: match[1]!, layerIndex: file.layerIndex, count: 0, bytes: 0 };
          group.count++;
          group.bytes += file.size;
          groups.set(key, group);
          break;
        }
      }
      return [...groups.values()].map((group) => ({
        file: group.dir,
        layerIndex: group.layerIndex,
        title: `Package manager cache left in the image: ${group.cache.name}`,
        evidence: `${group.count} file${group.count === 1 ? '' : 's'}, ${group.bytes} bytes`,
      }));
    },
  },
  {
    id: 'DKL-LI-0003',
    title: 'Unnecessary file in the image',
    severity: 'LOW',
    remediation: 'Exclude it from the build context (.dockerignore) or delete it in the step that creates it.',
    description: 'VCS and editor directories (.git, .svn, .hg, .idea, .vscode), OS droppings (.DS_Store, Thumbs.db, desktop.ini) and shell or REPL history files. A listed directory is reported once, not each file in it.',
    defaultEnabled: true,
    run({ files: list }) {
      const hits: CheckHit[] = [];
      for (const file of list) {
        const name = baseName(file.path);
        if (file.path.split('/').slice(0, -1).some((part) => UNNECESSARY_DIRECTORIES.has(part))) continue;
        if (UNNECESSARY_DIRECTORIES.has(name) && (file.type === 'dir' || name === '.git')) hits.push(fileHit(file, `${name} ${file.type === 'dir' ? 'directory' : 'file'}`, { title: `Unnecessary file in the image: ${name}` }));
        else if (UNNECESSARY_FILES.has(name) && isRegular(file)) hits.push(fileHit(file, `${file.size} bytes`, { title: `Unnecessary file in the image: ${name}` }));
      }
      return hits;
    },
  },
  {
    id: 'CUSTOMS-BL-001',
    title: 'World-writable file',
    severity: 'MEDIUM',
    remediation: 'Remove write permission for others (chmod o-w); give write access only to the owning user or group.',
    description: 'Regular files (hard links included) writable by others. Symlinks (always 0777) and device nodes, FIFOs and sockets are not regular files and are not reported.',
    defaultEnabled: true,
    run: ({ files: list }) => files(list, (file) => isRegular(file) && (file.mode & 0o002) !== 0),
  },
  {
    id: 'CUSTOMS-BL-002',
    title: 'World-writable directory without the sticky bit',
    severity: 'MEDIUM',
    remediation: 'Remove write permission for others, or set the sticky bit (chmod +t) as /tmp has, so users cannot delete each other\'s files.',
    description: 'Directories writable by others without the sticky bit; sticky ones like /tmp and /var/tmp are fine.',
    defaultEnabled: true,
    run: ({ files: list }) => files(list, (file) => file.type === 'dir' && (file.mode & 0o002) !== 0 && (file.mode & 0o1000) === 0),
  },
  {
    id: 'CUSTOMS-BL-008',
    title: 'SSH server installed',
    severity: 'MEDIUM',
    remediation: 'Remove openssh-server/dropbear: containers are entered with docker exec or kubectl exec, not SSH.',
    description: 'An sshd, dropbear or tinysshd binary in the usual locations.',
    defaultEnabled: true,
    run: ({ files: list }) => files(list, (file) => SSH_SERVERS.has(file.path) && (isRegular(file) || file.type === 'symlink'), (file) => `${file.path} (${file.type})`),
  },
  {
    id: 'CUSTOMS-BL-013',
    title: 'SSH host private key in the image',
    severity: 'HIGH',
    remediation: 'Delete the host keys from the image (rm /etc/ssh/ssh_host_*) and generate them when the container first starts.',
    description: 'etc/ssh/ssh_host_*_key and dropbear host keys: every container of the image shares them, so one leak lets anyone impersonate all.',
    defaultEnabled: true,
    run: ({ files: list }) => files(list, (file) => isRegular(file) && /^etc\/(?:ssh\/ssh_host_[a-z0-9]+_key|dropbear\/dropbear_[a-z0-9]+_host_key)$/.test(file.path)),
  },
  {
    id: 'CUSTOMS-BL-014',
    title: 'SSH authorized_keys in the image',
    severity: 'MEDIUM',
    remediation: 'Do not bake login keys into images; if SSH access is really needed, provide keys at run time.',
    description: 'Non-empty .ssh/authorized_keys or authorized_keys2 files anywhere: whoever holds the matching key can log in to every container.',
    defaultEnabled: true,
    run: ({ files: list }) => files(list, (file) => isRegular(file) && file.size > 0 && /(?:^|\/)\.ssh\/authorized_keys2?$/.test(file.path)),
  },
  {
    id: 'CUSTOMS-BL-019',
    title: 'Account database writable by non-root or not owned by root',
    severity: 'HIGH',
    remediation: 'chown root:root /etc/passwd /etc/group && chmod 644 /etc/passwd /etc/group.',
    description: 'etc/passwd or etc/group writable by group or others, or owned by a uid other than 0: anyone who can write it can make themselves root.',
    defaultEnabled: true,
    run: ({ files: list }) =>
      files(list, (file) => (file.path === 'etc/passwd' || file.path === 'etc/group') && isRegular(file) && ((file.mode & 0o022) !== 0 || file.uid !== 0)),
  },
  {
    id: 'CUSTOMS-BL-020',
    title: 'Password hash file readable by others',
    severity: 'HIGH',
    remediation: 'chmod 640 (or 000) /etc/shadow /etc/gshadow, owned by root (group shadow where the distribution uses it).',
    description: 'etc/shadow or etc/gshadow readable or writable by others.',
    defaultEnabled: true,
    run: ({ files: list }) => files(list, (file) => (file.path === 'etc/shadow' || file.path === 'etc/gshadow') && isRegular(file) && (file.mode & 0o006) !== 0),
  },
  {
    id: 'CUSTOMS-BL-024',
    title: 'sudo or doas installed',
    severity: 'LOW',
    remediation: 'Remove sudo/doas from the image: its configuration is easy to get wrong and containers rarely need to change user.',
    description: 'A sudo or doas binary in the usual locations.',
    defaultEnabled: true,
    run: ({ files: list }) => files(list, (file) => PRIVILEGE_TOOLS.has(file.path) && isRegular(file), (file) => `${file.path}, mode ${octal(file.mode)}`),
  },
];
