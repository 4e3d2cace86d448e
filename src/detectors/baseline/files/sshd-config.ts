import type { SshdConfigFacts, SshdMatchBlock, SshdSetting } from '../types.js';
import { configFileAnalyzer, numberedLines } from './config-file-analyzer.js';

/**
 * Parse sshd_config(5) into what sshd reads in order: settings and Include directives outside
 * any Match block (keywords lower-cased; sshd keeps the first value it obtains for most keywords,
 * and so do the checks), and Match blocks with their own settings. An Include inside a Match
 * block is not followed.
 */
export function parseSshdConfig(text: string): SshdConfigFacts {
  const facts: SshdConfigFacts = { directives: [], matchBlocks: [] };
  let block: SshdMatchBlock | undefined;
  for (const { line, text: raw } of numberedLines(text)) {
    const tokens = tokenize(raw);
    if (tokens.length === 0) continue;
    let keyword = tokens[0]!;
    let values = tokens.slice(1);
    // `Keyword=value` and `Keyword = value` are both allowed.
    const equals = keyword.indexOf('=');
    if (equals > 0) {
      values = [keyword.slice(equals + 1), ...values].filter((value) => value !== '');
      keyword = keyword.slice(0, equals);
    } else if (values[0] === '=') values = values.slice(1);
    else if (values[0]?.startsWith('=')) values = [values[0].slice(1), ...values.slice(1)].filter((value) => value !== '');
    const lower = keyword.toLowerCase();
    if (lower === 'match') {
      block = { criteria: values.join(' '), line, settings: [] };
      facts.matchBlocks.push(block);
      continue;
    }
    if (lower === 'include') {
      if (!block) facts.directives.push({ type: 'include', patterns: values, line });
      continue;
    }
    const setting: SshdSetting = { keyword: lower, value: values.join(' '), line };
    if (block) block.settings.push(setting);
    else facts.directives.push({ type: 'setting', setting });
  }
  return facts;
}

/** Whitespace-separated tokens, double quotes grouping, a token starting with `#` ending the line. */
function tokenize(line: string): string[] {
  const tokens: string[] = [];
  const pattern = /"([^"]*)"|(\S+)/g;
  for (let match = pattern.exec(line); match; match = pattern.exec(line)) {
    if (match[2]?.startsWith('#')) break;
    tokens.push(match[1] ?? match[2]!);
  }
  return tokens;
}

export function isSshdConfigPath(path: string): boolean {
  return path === 'etc/ssh/sshd_config' || /^etc\/ssh\/sshd_config\.d\/[^/]+\.conf$/.test(path);
}

export const sshdConfigAnalyzer = configFileAnalyzer({
  name: 'baseline/sshd-config',
  version: 1,
  format: 'sshd-config',
  matches: isSshdConfigPath,
  parse: (text) => parseSshdConfig(text),
});
