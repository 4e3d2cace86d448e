import type { PackageRecord } from '../../core/package.js';
import { clip, decodeText, MiB, packageDatabaseAnalyzer } from './analyzer.js';

interface ApkStanza {
  line: number;
  name?: string;
  version?: string;
  arch?: string;
  origin?: string;
  license?: string;
}

/**
 * lib/apk/db/installed (Alpine, Wolfi, Chainguard): one `X:value` line per fact, a blank line
 * between packages. Package facts (P name, V version, A arch, o origin, L license) come before the
 * file lists (F folder, R file, Z checksum, a/M permissions), whose letters never collide with them.
 */
export function parseApkInstalled(text: string, _path: string): PackageRecord[] {
  const packages: PackageRecord[] = [];
  let stanza: ApkStanza | undefined;
  let lineNumber = 0;
  const finish = (): void => {
    if (stanza) packages.push(packageFromStanza(stanza));
    stanza = undefined;
  };
  for (const rawLine of text.split('\n')) {
    lineNumber++;
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line.trim() === '') {
      finish();
      continue;
    }
    if (line.length < 2 || line[1] !== ':') throw new Error(`line ${lineNumber}: not an "X:value" line: ${JSON.stringify(clip(line))}`);
    stanza ??= { line: lineNumber };
    const value = line.slice(2);
    switch (line[0]) {
      case 'P':
        stanza.name = value;
        break;
      case 'V':
        stanza.version = value;
        break;
      case 'A':
        stanza.arch = value;
        break;
      case 'o':
        stanza.origin = value;
        break;
      case 'L':
        stanza.license = value;
        break;
    }
  }
  finish();
  return packages;
}

function packageFromStanza(stanza: ApkStanza): PackageRecord {
  const name = stanza.name;
  if (!name) throw new Error(`the package at line ${stanza.line} has no P: name`);
  if (!stanza.version) throw new Error(`package ${clip(name)} (line ${stanza.line}) has no V: version`);
  // A package that is not split from a bigger source has no origin line: it is its own origin.
  const record: PackageRecord = { ecosystem: 'apk', name, version: stanza.version, sourceName: stanza.origin || name, sourceVersion: stanza.version };
  if (stanza.arch) record.arch = stanza.arch;
  if (stanza.license) record.licenses = [stanza.license];
  return record;
}

export const apkInstalledAnalyzer = packageDatabaseAnalyzer({
  name: 'os-packages/apk',
  version: 1,
  ecosystem: 'apk',
  // The file lists make this file large on big images (tens of MiB); the cap keeps a hostile one out of memory.
  maxBytes: 256 * MiB,
  required: (path) => path === 'lib/apk/db/installed',
  parse: (bytes, path) => parseApkInstalled(decodeText(bytes), path),
});
