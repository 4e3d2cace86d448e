import type { PackageRecord } from '../../../core/package.js';
import { MiB, PackageList, baseName, packageFileAnalyzer } from '../common.js';

/** requirements.txt and its conventional variants: requirements-dev.txt, requirements_prod.txt, ... */
export function isRequirementsFile(path: string): boolean {
  return /^requirements[^/]*\.txt$/.test(baseName(path));
}

/** "name[extras] == version", nothing more: only an exact pin says which version is installed. */
const PINNED = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[[^\]]*\])?\s*==\s*([A-Za-z0-9][A-Za-z0-9.+!_-]*)$/;

/**
 * pip requirements files: exact pins only (`name==1.2.3`, with extras, environment markers and
 * --hash options). Ranges, URLs, editable installs and option lines (-r, -c, -e, --index-url)
 * do not name an installed version and are ignored; markers are not evaluated.
 */
export function parseRequirements(text: string): PackageRecord[] {
  const list = new PackageList('pypi');
  for (const logicalLine of joinContinuations(text)) {
    const line = stripComment(logicalLine).trim();
    if (line === '' || line.startsWith('-')) continue;
    // Per-requirement options (--hash=...) follow whitespace; markers follow ";".
    const requirement = line.split(/\s-{1,2}[A-Za-z]/)[0]!.split(';')[0]!.trim();
    const pin = PINNED.exec(requirement);
    if (pin) list.add({ name: pin[1]!, version: pin[2]! });
  }
  return list.records();
}

/** pip joins a line ending in a backslash with the next one. */
function joinContinuations(text: string): string[] {
  const lines: string[] = [];
  let pending = '';
  for (const line of text.split(/\r?\n/)) {
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    lines.push(pending + line);
    pending = '';
  }
  if (pending !== '') lines.push(pending);
  return lines;
}

/** A comment starts at "#" at the line start or after whitespace; "#egg=" inside a URL is not one. */
function stripComment(line: string): string {
  const match = /(^|\s)#/.exec(line);
  return match ? line.slice(0, match.index) : line;
}

export const requirementsAnalyzer = packageFileAnalyzer({
  name: 'language/requirements',
  version: 1,
  ecosystem: 'pypi',
  maxBytes: 16 * MiB,
  required: isRequirementsFile,
  parse: parseRequirements,
});
