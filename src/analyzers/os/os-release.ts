import { releaseFileAnalyzer } from './release-file.js';

/**
 * Parse os-release(5): KEY=value lines, values optionally in shell quotes with backslash
 * escapes. Lines that are not assignments are ignored, as the spec asks.
 */
export function parseOsRelease(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!match) continue;
    fields[match[1]!] = unquote(match[2]!);
  }
  return fields;
}

function unquote(value: string): string {
  const quote = value[0];
  if ((quote === '"' || quote === "'") && value.length >= 2 && value.endsWith(quote)) {
    const inner = value.slice(1, -1);
    return quote === '"' ? inner.replace(/\\([\\$"`])/g, '$1') : inner;
  }
  return value.replace(/\\(.)/g, '$1');
}

export const osReleaseAnalyzer = releaseFileAnalyzer({
  name: 'os/os-release',
  version: 1,
  source: 'os-release',
  paths: ['etc/os-release', 'usr/lib/os-release'],
  parse: (text) => {
    const fields = parseOsRelease(text);
    return Object.keys(fields).length > 0 ? fields : undefined;
  },
});
