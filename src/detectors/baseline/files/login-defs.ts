import type { LoginDefsFacts } from '../types.js';
import { configFileAnalyzer, numberedLines } from './config-file-analyzer.js';

/** Parse login.defs(5) for the settings baseline checks use: `KEY value` lines, `#` comments. */
export function parseLoginDefs(text: string): LoginDefsFacts {
  const facts: LoginDefsFacts = {};
  for (const { text: raw } of numberedLines(text)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([A-Z0-9_]+)\s+(.*)$/.exec(line);
    if (!match) continue;
    const key = match[1]!;
    const value = match[2]!.trim().replace(/^"(.*)"$/, '$1');
    if (key === 'ENCRYPT_METHOD') facts.encryptMethod = value.toUpperCase();
    else if (key === 'PASS_MAX_DAYS' && /^-?\d+$/.test(value)) facts.passMaxDays = Number(value);
    else if (key === 'MD5_CRYPT_ENAB') facts.md5CryptEnab = value.toLowerCase() === 'yes';
  }
  return facts;
}

export const loginDefsAnalyzer = configFileAnalyzer({
  name: 'baseline/login-defs',
  version: 1,
  format: 'login-defs',
  matches: (path) => path === 'etc/login.defs',
  parse: (text) => parseLoginDefs(text),
});
