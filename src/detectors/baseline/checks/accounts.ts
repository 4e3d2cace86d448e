/** Checks on accounts: /etc/passwd, /etc/shadow, /etc/group and /etc/login.defs facts. */
import { WEAK_HASH_TYPES } from '../files/password.js';
import type { PasswordState } from '../types.js';
import type { BaselineCheck, CheckContext, CheckHit } from './types.js';

const LOGIN_SHELLS = new Set(['sh', 'bash', 'zsh', 'ksh', 'csh', 'tcsh', 'dash', 'ash', 'fish', 'mksh', 'rbash']);
const FIRST_REGULAR_UID = 1000;

interface PasswordEntry {
  name: string;
  password: PasswordState;
  file: string;
  line: number;
  layerIndex: number;
}

/** Every password field that decides a login: shadow entries, and passwd entries that do not defer to shadow. */
function passwords(context: CheckContext): PasswordEntry[] {
  const entries: PasswordEntry[] = [];
  for (const file of context.configs('shadow')) {
    for (const entry of file.facts.entries) entries.push({ name: entry.name, password: entry.password, file: file.path, line: entry.line, layerIndex: file.layerIndex });
  }
  for (const file of context.configs('passwd')) {
    for (const user of file.facts.users) {
      if (user.password.state === 'empty' || user.password.state === 'hash') entries.push({ name: user.name, password: user.password, file: file.path, line: user.line, layerIndex: file.layerIndex });
    }
  }
  return entries;
}

function entryHit(entry: PasswordEntry, evidence: string): CheckHit {
  return { file: entry.file, line: entry.line, layerIndex: entry.layerIndex, evidence };
}

function duplicates<T>(items: readonly T[], key: (item: T) => string): Array<{ key: string; items: T[] }> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return [...groups.entries()].filter(([, group]) => group.length > 1).map(([value, group]) => ({ key: value, items: group }));
}

export const accountChecks: readonly BaselineCheck[] = [
  {
    id: 'DKL-LI-0001',
    title: 'Account with an empty password',
    severity: 'HIGH',
    remediation: 'Lock the account (passwd -l NAME, or * in /etc/shadow): an empty password lets anyone log in or su to it.',
    description: 'An empty password field in /etc/shadow, or in /etc/passwd where it does not defer to shadow (x).',
    defaultEnabled: true,
    run: (context) => passwords(context).filter((entry) => entry.password.state === 'empty').map((entry) => entryHit(entry, `${entry.name}: empty password`)),
  },
  {
    id: 'DKL-LI-0002',
    title: 'Duplicate user or group id or name',
    severity: 'MEDIUM',
    remediation: 'Give every account and group its own id and name; duplicates make ownership and audit ambiguous.',
    description: 'Two /etc/passwd entries with the same uid or name, or two /etc/group entries with the same gid or name.',
    defaultEnabled: true,
    run(context) {
      const hits: CheckHit[] = [];
      for (const file of context.configs('passwd')) {
        for (const { key, items } of duplicates(file.facts.users, (user) => String(user.uid))) {
          hits.push({ file: file.path, line: items[1]!.line, layerIndex: file.layerIndex, evidence: `uid ${key}: ${items.map((user) => user.name).join(', ')}`, title: 'Duplicate user id' });
        }
        for (const { key, items } of duplicates(file.facts.users, (user) => user.name)) {
          hits.push({ file: file.path, line: items[1]!.line, layerIndex: file.layerIndex, evidence: `user ${key}: ${items.length} entries`, title: 'Duplicate user name' });
        }
      }
      for (const file of context.configs('group')) {
        for (const { key, items } of duplicates(file.facts.groups, (group) => String(group.gid))) {
          hits.push({ file: file.path, line: items[1]!.line, layerIndex: file.layerIndex, evidence: `gid ${key}: ${items.map((group) => group.name).join(', ')}`, title: 'Duplicate group id' });
        }
        for (const { key, items } of duplicates(file.facts.groups, (group) => group.name)) {
          hits.push({ file: file.path, line: items[1]!.line, layerIndex: file.layerIndex, evidence: `group ${key}: ${items.length} entries`, title: 'Duplicate group name' });
        }
      }
      return hits;
    },
  },
  {
    id: 'CUSTOMS-BL-003',
    title: 'Account other than root with uid 0',
    severity: 'HIGH',
    remediation: 'Remove the account or give it its own unprivileged uid: uid 0 is root whatever the name.',
    description: 'An /etc/passwd entry with uid 0 whose name is not root.',
    defaultEnabled: true,
    run: (context) =>
      context.configs('passwd').flatMap((file) =>
        file.facts.users.filter((user) => user.uid === 0 && user.name !== 'root').map((user) => ({ file: file.path, line: user.line, layerIndex: file.layerIndex, evidence: `${user.name}: uid 0` })),
      ),
  },
  {
    id: 'CUSTOMS-BL-004',
    title: 'Password hashed with a weak scheme',
    severity: 'HIGH',
    remediation: 'Lock the account, or set the password again with yescrypt or SHA-512 (ENCRYPT_METHOD in /etc/login.defs).',
    description: 'A usable password hash of type DES, BSDi DES, MD5, Sun MD5 or NT hash: all are cracked quickly.',
    defaultEnabled: true,
    run: (context) =>
      passwords(context)
        .filter((entry) => entry.password.state === 'hash' && WEAK_HASH_TYPES.has(entry.password.hashType))
        .map((entry) => entryHit(entry, `${entry.name}: ${entry.password.state === 'hash' ? entry.password.hashType : ''} hash`)),
  },
  {
    id: 'CUSTOMS-BL-005',
    title: 'Password set for an account in the image',
    severity: 'MEDIUM',
    remediation: 'Lock accounts in images (passwd -l); every container shares a baked-in password and its hash can be cracked offline.',
    description: 'A usable password hash (any scheme) in /etc/shadow or /etc/passwd. Locked (!, *) and empty fields are not reported here.',
    defaultEnabled: true,
    run: (context) =>
      passwords(context)
        .filter((entry) => entry.password.state === 'hash')
        .map((entry) => entryHit(entry, `${entry.name}: ${entry.password.state === 'hash' ? entry.password.hashType : ''} hash`)),
  },
  {
    id: 'CUSTOMS-BL-021',
    title: 'System account with a login shell',
    severity: 'LOW',
    remediation: 'Set the shell of service accounts to /usr/sbin/nologin.',
    description: 'Accounts with uid 1-999 whose shell is an interactive shell (sh, bash, zsh, ...). Off by default: some distributions still ship service accounts this way.',
    defaultEnabled: false,
    run: (context) =>
      context.configs('passwd').flatMap((file) =>
        file.facts.users
          .filter((user) => user.uid > 0 && user.uid < FIRST_REGULAR_UID && LOGIN_SHELLS.has(user.shell.slice(user.shell.lastIndexOf('/') + 1)))
          .map((user) => ({ file: file.path, line: user.line, layerIndex: file.layerIndex, evidence: `${user.name} (uid ${user.uid}): ${user.shell}` })),
      ),
  },
  {
    id: 'CUSTOMS-BL-022',
    title: 'Weak password hashing configured in login.defs',
    severity: 'MEDIUM',
    remediation: 'Set ENCRYPT_METHOD YESCRYPT or SHA512 in /etc/login.defs.',
    description: 'ENCRYPT_METHOD DES or MD5, or no ENCRYPT_METHOD with MD5_CRYPT_ENAB yes.',
    defaultEnabled: true,
    run: (context) =>
      context.configs('login-defs').flatMap((file) => {
        const method = file.facts.encryptMethod ?? (file.facts.md5CryptEnab ? 'MD5' : undefined);
        return method === 'DES' || method === 'MD5' ? [{ file: file.path, layerIndex: file.layerIndex, evidence: file.facts.encryptMethod ? `ENCRYPT_METHOD ${method}` : 'MD5_CRYPT_ENAB yes' }] : [];
      }),
  },
  {
    id: 'CUSTOMS-BL-023',
    title: 'Password expiry longer than a year',
    severity: 'LOW',
    remediation: 'Set PASS_MAX_DAYS 365 or less in /etc/login.defs (CIS Linux benchmarks).',
    description: 'PASS_MAX_DAYS above 365 or negative (never). Off by default: it matters only where passwords are used at all, which is rare in containers.',
    defaultEnabled: false,
    run: (context) =>
      context.configs('login-defs').flatMap((file) => {
        const days = file.facts.passMaxDays;
        return days !== undefined && (days > 365 || days < 0) ? [{ file: file.path, layerIndex: file.layerIndex, evidence: `PASS_MAX_DAYS ${days}` }] : [];
      }),
  },
];
