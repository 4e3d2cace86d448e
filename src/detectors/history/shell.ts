/**
 * Just enough shell to reason about build commands: simple commands split at `&&`, `||`, `;`,
 * `|`, `&` and newlines outside quotes, each with its offset, and words with quotes removed.
 * Not a shell parser: heredocs, nested substitutions and the like are taken as plain text.
 */
export interface SimpleCommand {
  text: string;
  offset: number;
  /** The operator that ended this command (`|` for a pipe into the next one), or '' at the end. */
  next: string;
}

export function splitCommands(text: string): SimpleCommand[] {
  const commands: SimpleCommand[] = [];
  let start = 0;
  let quote: string | undefined;
  const push = (end: number, operator: string): void => {
    const raw = text.slice(start, end);
    const leading = raw.length - raw.trimStart().length;
    const trimmed = raw.trim();
    if (trimmed !== '') commands.push({ text: trimmed, offset: start + leading, next: operator });
  };
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (char === '\\') {
      index++;
      continue;
    }
    if (quote) {
      if (char === quote) quote = undefined;
      continue;
    }
    if (char === '"' || char === "'") {
      quote = char;
      continue;
    }
    const two = text.slice(index, index + 2);
    if (two === '&&' || two === '||') {
      push(index, two);
      start = index + 2;
      index++;
    } else if (char === '&' && (text[index - 1] === '>' || text[index - 1] === '<' || text[index + 1] === '>')) {
      // A redirection (`2>&1`, `&>file`), not a background operator.
      continue;
    } else if (char === ';' || char === '\n' || char === '|' || char === '&') {
      push(index, char);
      start = index + 1;
    }
  }
  push(text.length, '');
  return commands;
}

/** Words of a simple command with quotes removed (no expansion). */
export function words(command: string): string[] {
  const result: string[] = [];
  for (const match of command.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|((?:[^\s"'\\]|\\.)+)/g)) {
    result.push(match[1] ?? match[2] ?? match[3]!.replace(/\\(.)/g, '$1'));
  }
  // Adjacent quoted and unquoted parts form one word in the shell; close enough to split here.
  return result;
}

const WRAPPERS = new Set(['sudo', 'env', 'nohup', 'time', 'exec', 'command', 'nice', 'xargs', 'then', 'do', 'else', '{', '(', '!']);

/**
 * The program a simple command runs and its arguments, skipping `sudo`, `env A=b`, leading
 * assignments and `then`/`do` keywords. `sudo` reports whether sudo was among the wrappers.
 */
export function commandOf(command: string): { program: string; args: string[]; sudo: boolean } {
  const all = words(command.replace(/^[({]\s*/, ''));
  let index = 0;
  let sudo = false;
  while (index < all.length) {
    const word = all[index]!;
    if (WRAPPERS.has(word)) {
      if (word === 'sudo') sudo = true;
      index++;
      // Options of the wrapper (`sudo -E`, `sudo -u app`, `env -i`).
      while (index < all.length && all[index]!.startsWith('-')) index += /^-[ugCDhprT]$/.test(all[index]!) ? 2 : 1;
      continue;
    }
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) {
      index++;
      continue;
    }
    break;
  }
  const program = (all[index] ?? '').replace(/^.*\//, '');
  return { program, args: all.slice(index + 1), sudo };
}

/** Install commands of the usual package managers: the package names they were given (options dropped). */
export function installedPackages(command: string): string[] {
  const { program, args } = commandOf(command);
  const positional = args.filter((arg) => !arg.startsWith('-'));
  const verb = positional[0];
  const managers: Record<string, string[]> = {
    'apt-get': ['install'],
    apt: ['install'],
    aptitude: ['install'],
    apk: ['add'],
    yum: ['install'],
    dnf: ['install'],
    microdnf: ['install'],
    tdnf: ['install'],
    zypper: ['install', 'in'],
    pacman: [],
  };
  if (program === 'pacman') return args.some((arg) => /^-S[a-z]*$/.test(arg)) ? positional : [];
  const verbs = managers[program];
  if (!verbs || verb === undefined || !verbs.includes(verb)) return [];
  // Strip version pins and architectures: nmap=7.93, nmap-7.9, netcat:amd64.
  return positional.slice(1).map((name) => name.replace(/[=:].*$/, ''));
}
