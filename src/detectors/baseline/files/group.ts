import type { GroupEntry, GroupFacts } from '../types.js';
import { configFileAnalyzer, numberedLines, parseId } from './config-file-analyzer.js';

/** Parse group(5): `name:password:gid:member,member`. The password field is not kept. */
export function parseGroup(text: string): GroupFacts {
  const groups: GroupEntry[] = [];
  for (const { line, text: raw } of numberedLines(text)) {
    if (raw.trim() === '' || raw.startsWith('#')) continue;
    const fields = raw.split(':');
    if (fields.length !== 4) continue;
    const [name = '', , gidText = '', memberText = ''] = fields;
    const gid = parseId(gidText);
    if (name === '' || name.startsWith('+') || name.startsWith('-') || gid === undefined) continue;
    const members = memberText.split(',').map((member) => member.trim()).filter(Boolean);
    groups.push({ name, gid, members, line });
  }
  return { groups };
}

export const groupAnalyzer = configFileAnalyzer({
  name: 'baseline/group',
  version: 1,
  format: 'group',
  matches: (path) => path === 'etc/group',
  parse: (text) => parseGroup(text),
});
