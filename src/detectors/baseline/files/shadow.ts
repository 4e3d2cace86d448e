import type { ShadowEntry, ShadowFacts } from '../types.js';
import { configFileAnalyzer, numberedLines } from './config-file-analyzer.js';
import { classifyPassword } from './password.js';

/**
 * Parse shadow(5), keeping per user ONLY the password state (empty, locked, or the hash type
 * from its prefix). The hash never leaves this function: results are cached on disk.
 */
export function parseShadow(text: string): ShadowFacts {
  const entries: ShadowEntry[] = [];
  for (const { line, text: raw } of numberedLines(text)) {
    if (raw.trim() === '' || raw.startsWith('#')) continue;
    const fields = raw.split(':');
    if (fields.length < 2) continue;
    const name = fields[0] ?? '';
    if (name === '' || name.startsWith('+') || name.startsWith('-')) continue;
    entries.push({ name, password: classifyPassword(fields[1] ?? '', 'shadow'), line });
  }
  return { entries };
}

export const shadowAnalyzer = configFileAnalyzer({
  name: 'baseline/shadow',
  version: 1,
  format: 'shadow',
  matches: (path) => path === 'etc/shadow',
  parse: (text) => parseShadow(text),
});
