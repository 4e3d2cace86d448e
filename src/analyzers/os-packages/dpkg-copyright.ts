import type { FileAnalyzer } from '../../core/analyzer.js';

const COPYRIGHT_PATH = /^usr\/share\/doc\/([^/]+)\/copyright$/;
const MAX_COPYRIGHT_SIZE = 1024 * 1024;
const COMMON_LICENSE = /\/usr\/share\/common-licenses\/([A-Za-z0-9][A-Za-z0-9.+-]*[A-Za-z0-9+])/g;

/**
 * The licenses a Debian package declares in its copyright file. Machine-readable files (DEP-5)
 * name them in `License:` fields (the first line is the short name or expression); older free-form
 * files are read for references to /usr/share/common-licenses/<name>, as Trivy does. Order of
 * first appearance, duplicates dropped.
 */
export function parseDebianCopyright(text: string): string[] {
  const licenses: string[] = [];
  const add = (license: string): void => {
    const trimmed = license.trim();
    if (trimmed !== '' && !licenses.includes(trimmed)) licenses.push(trimmed);
  };
  const machineReadable = /^Format:\s*\S*copyright-format/im.test(text.slice(0, 2048));
  if (machineReadable) {
    for (const line of text.split(/\r?\n/)) {
      const match = /^License:[ \t]*(.*)$/i.exec(line);
      if (match) add(match[1]!);
    }
    if (licenses.length > 0) return licenses;
  }
  for (const match of text.matchAll(COMMON_LICENSE)) add(match[1]!);
  return licenses;
}

export const dpkgCopyrightAnalyzer: FileAnalyzer = {
  name: 'os-packages/dpkg-copyright',
  version: 1,
  required: (path, info) => COPYRIGHT_PATH.test(path) && info.size <= MAX_COPYRIGHT_SIZE,
  async analyze(input) {
    const name = COPYRIGHT_PATH.exec(input.path)?.[1];
    if (!name) return [];
    const licenses = parseDebianCopyright((await input.read()).toString('utf8'));
    return licenses.length > 0 ? [{ kind: 'package-licenses', ecosystem: 'deb', name, licenses }] : [];
  },
};
