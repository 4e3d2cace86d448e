import { releaseFileAnalyzer } from './release-file.js';

/**
 * /etc/debian_version holds the point release ("12.8") on Debian, and a codename such as
 * "bookworm/sid" on Debian derivatives and testing; both are kept, the caller decides.
 */
export function parseDebianVersion(text: string): Record<string, string> | undefined {
  const value = text.trim().split(/\r?\n/)[0]?.trim();
  if (!value) return undefined;
  return /^\d+(\.\d+)*$/.test(value) ? { VERSION: value } : { CODENAME: value };
}

export const debianVersionAnalyzer = releaseFileAnalyzer({
  name: 'os/debian-version',
  version: 1,
  source: 'debian_version',
  paths: ['etc/debian_version'],
  parse: parseDebianVersion,
});
