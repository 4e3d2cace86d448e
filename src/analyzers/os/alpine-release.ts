import { releaseFileAnalyzer } from './release-file.js';

/** /etc/alpine-release holds the full version ("3.19.1"), more precise than os-release's VERSION_ID. */
export function parseAlpineRelease(text: string): Record<string, string> | undefined {
  const version = text.trim().split(/\s+/)[0];
  return version && /^\d+(\.\d+)*(_\w+)?$/.test(version) ? { VERSION: version } : undefined;
}

export const alpineReleaseAnalyzer = releaseFileAnalyzer({
  name: 'os/alpine-release',
  version: 1,
  source: 'alpine-release',
  paths: ['etc/alpine-release'],
  parse: parseAlpineRelease,
});
