/**
 * go.mod: the modules a Go project requires, with `replace` directives applied. Since Go 1.17
 * go.mod lists every module in the build (`// indirect` marks the ones the project does not
 * import itself), so go.sum is not needed for versions. `exclude`, `retract` and directives this
 * reader does not know (newer Go adds some: godebug, tool, ignore) do not change what is built
 * from the requirements, and are skipped.
 */
import type { FileAnalyzer } from '../../core/analyzer.js';
import type { PackageRecord } from '../../core/package.js';
import { formatBytes } from '../../layer/limits.js';
import { MiB } from './executable.js';

const MAX_GO_MOD_SIZE = 8 * MiB;

export function isGoMod(path: string): boolean {
  if (path !== 'go.mod' && !path.endsWith('/go.mod')) return false;
  // Vendored copies and the module download cache hold other modules' go.mod files, not a project's.
  const inside = (folder: string): boolean => path.startsWith(`${folder}/`) || path.includes(`/${folder}/`);
  return !inside('vendor') && !inside('pkg/mod');
}

interface Token {
  text: string;
  /** A `//` comment, which ends the line. */
  comment?: boolean;
}

/** Splits one line into Go's go.mod tokens: words, quoted strings, `(`, `)`, `=>` and a trailing comment. */
function tokenize(line: string, lineNumber: number): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < line.length) {
    const char = line[at] ?? '';
    if (char === ' ' || char === '\t' || char === '\r') {
      at++;
    } else if (line.startsWith('//', at)) {
      tokens.push({ text: line.slice(at + 2).trim(), comment: true });
      break;
    } else if (char === '(' || char === ')') {
      tokens.push({ text: char });
      at++;
    } else if (line.startsWith('=>', at)) {
      tokens.push({ text: '=>' });
      at += 2;
    } else if (char === '"' || char === '`') {
      const end = findClosingQuote(line, at, char);
      if (end < 0) throw new Error(`go.mod line ${lineNumber}: unterminated quoted string`);
      const quoted = line.slice(at, end + 1);
      tokens.push({ text: char === '`' ? quoted.slice(1, -1) : unquote(quoted, lineNumber) });
      at = end + 1;
    } else {
      let end = at;
      while (end < line.length && !' \t\r()"`'.includes(line[end] ?? ' ') && !line.startsWith('//', end) && !line.startsWith('=>', end)) end++;
      tokens.push({ text: line.slice(at, end) });
      at = end;
    }
  }
  return tokens;
}

function findClosingQuote(line: string, start: number, quote: string): number {
  for (let at = start + 1; at < line.length; at++) {
    if (quote === '"' && line[at] === '\\') at++;
    else if (line[at] === quote) return at;
  }
  return -1;
}

function unquote(quoted: string, lineNumber: number): string {
  try {
    const value: unknown = JSON.parse(quoted);
    if (typeof value === 'string') return value;
  } catch {
    // Go escapes that JSON lacks (\x41, \101) never appear in module paths or versions.
  }
  throw new Error(`go.mod line ${lineNumber}: cannot read the quoted string ${quoted}`);
}

interface Requirement {
  path: string;
  version: string;
  indirect: boolean;
}

interface Replacement {
  oldPath: string;
  /** Empty when every version of the module is replaced. */
  oldVersion: string;
  newPath: string;
  /** Empty when the replacement is a local directory. */
  newVersion: string;
}

function readRequirement(tokens: Token[], lineNumber: number): Requirement {
  const words = tokens.filter((token) => !token.comment);
  const [path, version] = words;
  if (words.length !== 2 || !path || !version) throw new Error(`go.mod line ${lineNumber}: a requirement needs a module path and a version`);
  const comment = tokens.find((token) => token.comment)?.text ?? '';
  return { path: path.text, version: version.text, indirect: comment === 'indirect' || comment.startsWith('indirect;') };
}

function readReplacement(tokens: Token[], lineNumber: number): Replacement {
  const words = tokens.filter((token) => !token.comment).map((token) => token.text);
  const arrow = words.indexOf('=>');
  const before = words.slice(0, Math.max(arrow, 0));
  const after = words.slice(arrow + 1);
  if (arrow < 0 || before.length < 1 || before.length > 2 || after.length < 1 || after.length > 2) {
    throw new Error(`go.mod line ${lineNumber}: a replacement needs "module [version] => module version" or "module [version] => directory"`);
  }
  return { oldPath: before[0] ?? '', oldVersion: before[1] ?? '', newPath: after[0] ?? '', newVersion: after[1] ?? '' };
}

export function parseGoMod(text: string): PackageRecord[] {
  const requirements: Requirement[] = [];
  const replacements: Replacement[] = [];
  let block: { keyword: string; startLine: number } | undefined;

  const handle = (keyword: string, tokens: Token[], lineNumber: number): void => {
    if (keyword === 'require') requirements.push(readRequirement(tokens, lineNumber));
    else if (keyword === 'replace') replacements.push(readReplacement(tokens, lineNumber));
  };

  for (const [index, line] of text.split('\n').entries()) {
    const lineNumber = index + 1;
    const tokens = tokenize(line, lineNumber);
    const words = tokens.filter((token) => !token.comment);
    if (words.length === 0) continue;
    if (block) {
      if (words.length === 1 && words[0]?.text === ')') block = undefined;
      else handle(block.keyword, tokens, lineNumber);
      continue;
    }
    const [keyword, ...rest] = tokens;
    if (!keyword || keyword.comment) continue;
    if (rest[0]?.text === '(' && !rest[0].comment) {
      const inside = rest.slice(1).filter((token) => !token.comment);
      if (inside.length === 1 && inside[0]?.text === ')') continue;
      if (inside.length > 0) throw new Error(`go.mod line ${lineNumber}: a block must start on its own line after "${keyword.text} ("`);
      block = { keyword: keyword.text, startLine: lineNumber };
      continue;
    }
    handle(keyword.text, rest, lineNumber);
  }
  if (block) throw new Error(`go.mod line ${block.startLine}: the "${block.keyword} (" block is never closed`);

  const seen = new Set<string>();
  const records: PackageRecord[] = [];
  for (const requirement of requirements) {
    // A replacement for this exact version wins over one for every version, as in cmd/go.
    const replacement =
      replacements.find((candidate) => candidate.oldPath === requirement.path && candidate.oldVersion === requirement.version) ??
      replacements.find((candidate) => candidate.oldPath === requirement.path && candidate.oldVersion === '');
    const properties: Record<string, string> = {};
    let name = requirement.path;
    let version = requirement.version;
    if (replacement && replacement.newVersion === '') {
      properties.replacedBy = replacement.newPath;
    } else if (replacement) {
      name = replacement.newPath;
      version = replacement.newVersion;
      properties.replaces = `${requirement.path}@${requirement.version}`;
    }
    if (requirement.indirect) properties.indirect = 'true';
    const key = `${name}@${version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    records.push({ ecosystem: 'golang', name, version, ...(Object.keys(properties).length > 0 ? { properties } : {}) });
  }
  return records;
}

export const goModAnalyzer: FileAnalyzer = {
  name: 'binary/go-mod',
  version: 1,
  required: (path) => isGoMod(path),
  async analyze(input) {
    if (input.info.size > MAX_GO_MOD_SIZE) throw new Error(`go.mod is ${formatBytes(input.info.size)}, over the ${formatBytes(MAX_GO_MOD_SIZE)} read from one file`);
    const packages = parseGoMod((await input.read()).toString('utf8'));
    return packages.length > 0 ? [{ kind: 'packages', ecosystem: 'golang', packages }] : [];
  },
};
