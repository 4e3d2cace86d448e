import type { PasswdFacts, PasswdUser } from '../types.js';
import { configFileAnalyzer, numberedLines, parseId } from './config-file-analyzer.js';
import { classifyPassword } from './password.js';

/**
 * Parse passwd(5): `name:password:uid:gid:gecos:home:shell`. Lines that do not have seven
 * fields or numeric ids are skipped (NIS `+`/`-` entries among them); the password field is
 * reduced to its state, so an old-style hash in passwd is never kept.
 */
export function parsePasswd(text: string): PasswdFacts {
  const users: PasswdUser[] = [];
  for (const { line, text: raw } of numberedLines(text)) {
    if (raw.trim() === '' || raw.startsWith('#')) continue;
    const fields = raw.split(':');
    if (fields.length !== 7) continue;
    const [name = '', password = '', uidText = '', gidText = '', , home = '', shell = ''] = fields;
    const uid = parseId(uidText);
    const gid = parseId(gidText);
    if (name === '' || name.startsWith('+') || name.startsWith('-') || uid === undefined || gid === undefined) continue;
    users.push({ name, uid, gid, home, shell, password: classifyPassword(password, 'passwd'), line });
  }
  return { users };
}

export const passwdAnalyzer = configFileAnalyzer({
  name: 'baseline/passwd',
  version: 1,
  format: 'passwd',
  matches: (path) => path === 'etc/passwd',
  parse: (text) => parsePasswd(text),
});
