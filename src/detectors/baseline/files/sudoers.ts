import type { SudoersFacts, SudoRule } from '../types.js';
import { configFileAnalyzer, numberedLines } from './config-file-analyzer.js';

const ALIAS_TYPES = ['User_Alias', 'Runas_Alias', 'Host_Alias', 'Cmnd_Alias', 'Cmd_Alias'] as const;
const TAGS = new Set([
  'NOPASSWD', 'PASSWD', 'NOEXEC', 'EXEC', 'SETENV', 'NOSETENV', 'LOG_INPUT', 'NOLOG_INPUT', 'LOG_OUTPUT', 'NOLOG_OUTPUT',
  'MAIL', 'NOMAIL', 'FOLLOW', 'NOFOLLOW', 'INTERCEPT', 'NOINTERCEPT',
]);
/** Per-command options (`CWD=/`, `TIMEOUT=1m`, ...) that may precede a command. */
const OPTION = /^(?:CWD|CHROOT|ROLE|TYPE|APPARMOR_PROFILE|PRIVS|LIMITPRIVS|TIMEOUT|NOTBEFORE|NOTAFTER)=\S+\s*/;

/**
 * Parse sudoers(5): user specifications (who, on which hosts, as whom, with which tags, which
 * commands), aliases, include directives, and whether `Defaults !authenticate` turns passwords
 * off. Each returned rule is a run of commands sharing the same run-as list and NOPASSWD state
 * (tags and run-as carry over to later commands in a list, as sudo applies them).
 */
export function parseSudoers(text: string): SudoersFacts {
  const facts: SudoersFacts = { rules: [], authenticateDisabled: false, includes: [], aliases: {} };
  for (const { line, text: statement } of logicalLines(text)) {
    const include = /^[#@]include(?:dir)?\s+(.+)$/.exec(statement);
    if (include) {
      facts.includes.push(include[1]!.trim());
      continue;
    }
    const body = stripComment(statement).trim();
    if (body === '') continue;
    if (/^Defaults(?:[:@>!]\S+)?(?:\s|$)/.test(body)) {
      if (/(?:^|[\s,])!\s*authenticate(?:[\s,]|$)/.test(body.replace(/^Defaults\S*/, ' '))) facts.authenticateDisabled = true;
      continue;
    }
    const aliasType = ALIAS_TYPES.find((type) => body.startsWith(`${type} `) || body.startsWith(`${type}\t`));
    if (aliasType) {
      parseAliases(body.slice(aliasType.length), aliasType === 'Cmd_Alias' ? 'Cmnd_Alias' : aliasType, facts);
      continue;
    }
    facts.rules.push(...parseUserSpec(body, line));
  }
  return facts;
}

/** Join backslash-continued lines, keeping the first line's number. */
function logicalLines(text: string): Array<{ line: number; text: string }> {
  const result: Array<{ line: number; text: string }> = [];
  let pending: { line: number; text: string } | undefined;
  for (const { line, text: raw } of numberedLines(text)) {
    const continued = /\\$/.test(raw);
    const part = continued ? raw.slice(0, -1) : raw;
    pending = pending ? { line: pending.line, text: `${pending.text} ${part.trim()}` } : { line, text: part.trim() };
    if (!continued) {
      result.push(pending);
      pending = undefined;
    }
  }
  if (pending) result.push(pending);
  return result;
}

/** `#` starts a comment, except `#123` (a numeric uid) and inside double quotes. */
function stripComment(text: string): string {
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === '\\') {
      index++;
      continue;
    }
    if (char === '"') quoted = !quoted;
    if (char === '#' && !quoted && !/\d/.test(text[index + 1] ?? '')) return text.slice(0, index);
  }
  return text;
}

function parseAliases(text: string, type: 'User_Alias' | 'Runas_Alias' | 'Host_Alias' | 'Cmnd_Alias', facts: SudoersFacts): void {
  for (const definition of text.split(/\s:\s*(?=[A-Z][A-Z0-9_]*\s*=)/)) {
    const match = /^\s*([A-Z][A-Z0-9_]*)\s*=\s*(.*)$/.exec(definition);
    if (match) facts.aliases[match[1]!] = { type, members: splitList(match[2]!) };
  }
}

/** Split on commas that are neither escaped with a backslash nor inside a `(run-as)` list. */
function splitList(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let current = '';
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (char === '\\' && index + 1 < text.length) {
      current += char + text[++index]!;
      continue;
    }
    if (char === '(') depth++;
    if (char === ')') depth = Math.max(0, depth - 1);
    if (char === ',' && depth === 0) {
      items.push(current);
      current = '';
      continue;
    }
    current += char;
  }
  items.push(current);
  return items.map((item) => item.trim()).filter(Boolean);
}

function parseUserSpec(body: string, line: number): SudoRule[] {
  const equals = body.indexOf('=');
  if (equals < 0) return [];
  const left = body.slice(0, equals).replace(/\s*,\s*/g, ',').trim().split(/\s+/);
  if (left.length !== 2) return [];
  const principals = splitList(left[0]!);
  let hosts = splitList(left[1]!);
  const rules: SudoRule[] = [];
  // Further `: hosts = commands` specifications for the same users.
  const specs = body.slice(equals + 1).split(/\s*:\s*(?=[^\s=:()]+\s*=)/);
  specs.forEach((spec, index) => {
    let commandsText = spec;
    if (index > 0) {
      const hostEquals = spec.indexOf('=');
      hosts = splitList(spec.slice(0, hostEquals));
      commandsText = spec.slice(hostEquals + 1);
    }
    rules.push(...parseCommandList(commandsText, principals, hosts, line));
  });
  return rules;
}

function parseCommandList(text: string, principals: string[], hosts: string[], line: number): SudoRule[] {
  const rules: SudoRule[] = [];
  let runAsUsers = ['root'];
  let runAsGroups: string[] = [];
  let nopasswd = false;
  for (const item of splitList(text)) {
    let rest = item;
    const runAs = /^\(([^)]*)\)\s*/.exec(rest);
    if (runAs) {
      const [users = '', groups] = runAs[1]!.split(':');
      runAsUsers = users.trim() === '' ? (groups === undefined ? ['root'] : []) : splitList(users);
      runAsGroups = groups === undefined ? [] : splitList(groups);
      rest = rest.slice(runAs[0].length);
    }
    for (;;) {
      const option = OPTION.exec(rest);
      if (option) {
        rest = rest.slice(option[0].length);
        continue;
      }
      const tag = /^([A-Z_]+):\s*/.exec(rest);
      if (!tag || !TAGS.has(tag[1]!)) break;
      if (tag[1] === 'NOPASSWD') nopasswd = true;
      if (tag[1] === 'PASSWD') nopasswd = false;
      rest = rest.slice(tag[0].length);
    }
    const command = rest.trim();
    if (command === '') continue;
    const previous = rules[rules.length - 1];
    if (previous && previous.nopasswd === nopasswd && same(previous.runAsUsers, runAsUsers) && same(previous.runAsGroups, runAsGroups)) {
      previous.commands.push(command);
      previous.allCommands ||= command === 'ALL';
    } else {
      rules.push({ principals, hosts, runAsUsers, runAsGroups, nopasswd, commands: [command], allCommands: command === 'ALL', line });
    }
  }
  return rules;
}

function same(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

/**
 * sudo reads /etc/sudoers and, through its `@includedir /etc/sudoers.d`, every file directly in
 * that directory whose name neither ends in `~` nor contains a `.`: those are skipped by sudo,
 * so they are not read here either (a `.dpkg-old` or `README.md` grants nothing).
 */
export function isSudoersPath(path: string): boolean {
  if (path === 'etc/sudoers') return true;
  const match = /^etc\/sudoers\.d\/([^/]+)$/.exec(path);
  return match !== null && !match[1]!.endsWith('~') && !match[1]!.includes('.');
}

export const sudoersAnalyzer = configFileAnalyzer({
  name: 'baseline/sudoers',
  version: 1,
  format: 'sudoers',
  matches: isSudoersPath,
  parse: (text) => parseSudoers(text),
});
