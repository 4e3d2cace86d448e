import { releaseFileAnalyzer } from './release-file.js';

/** The distro names these files use, mapped to the os-release ID the vulnerability data knows. */
const DISTRO_IDS: ReadonlyArray<[RegExp, string]> = [
  [/^Red Hat Enterprise Linux/i, 'rhel'],
  [/^CentOS Stream/i, 'centos'],
  [/^CentOS/i, 'centos'],
  [/^Rocky Linux/i, 'rocky'],
  [/^AlmaLinux/i, 'almalinux'],
  [/^Fedora/i, 'fedora'],
  [/^Oracle Linux/i, 'ol'],
  [/^Amazon Linux/i, 'amzn'],
  [/^CBL-Mariner/i, 'mariner'],
];

/** "Rocky Linux release 9.3 (Blue Onyx)" -> { ID: rocky, NAME: Rocky Linux, VERSION: 9.3, CODENAME: Blue Onyx } */
export function parseRedhatRelease(text: string): Record<string, string> | undefined {
  const line = text.trim().split(/\r?\n/)[0]?.trim() ?? '';
  const match = /^(.*?)\s+release\s+(\S+)(?:\s+\((.+)\))?/i.exec(line);
  if (!match) return undefined;
  const name = match[1]!.trim();
  const id = DISTRO_IDS.find(([pattern]) => pattern.test(name))?.[1];
  const fields: Record<string, string> = { NAME: name, VERSION: match[2]! };
  if (id) fields.ID = id;
  if (match[3]) fields.CODENAME = match[3];
  return fields;
}

export const redhatReleaseAnalyzer = releaseFileAnalyzer({
  name: 'os/redhat-release',
  version: 1,
  source: 'redhat-release',
  // Most specific first: detect.ts prefers them in this order.
  paths: [
    'etc/rocky-release',
    'etc/almalinux-release',
    'etc/centos-release',
    'etc/fedora-release',
    'etc/oracle-release',
    'etc/redhat-release',
    'etc/system-release',
  ],
  parse: parseRedhatRelease,
});
