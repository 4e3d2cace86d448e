import type { PackageRecord } from '../../../core/package.js';
import { MiB, packageFileAnalyzer } from '../common.js';

/**
 * Installed distributions: wheels leave `name-1.0.dist-info/METADATA`; setuptools eggs leave
 * `name-1.0.egg-info/PKG-INFO`, a single `name-1.0.egg-info` file (Debian's python3-* packages),
 * or `EGG-INFO/PKG-INFO` inside a `.egg` folder.
 */
const METADATA_PATH = /(?:^|\/)(?:[^/]+\.dist-info\/METADATA|[^/]+\.egg-info\/PKG-INFO|[^/]+\.egg\/EGG-INFO\/PKG-INFO|[^/]+\.egg-info)$/;

export function isPythonMetadata(path: string): boolean {
  return METADATA_PATH.test(path);
}

/** A License field longer than this, or spanning lines, is the license text, not its name. */
const MAX_LICENSE_NAME = 200;

/**
 * Core metadata (PEP 241 to 643, the RFC 822 header block of METADATA and PKG-INFO). Licenses
 * in order of precision: License-Expression (PEP 639), else a License field that names a
 * license, else the "License ::" trove classifiers.
 */
export function parsePythonMetadata(text: string, path: string): PackageRecord[] {
  const headers = parseHeaders(text);
  const name = headers.get('name')?.[0]?.trim();
  const version = headers.get('version')?.[0]?.trim();
  const file = path.slice(path.lastIndexOf('/') + 1) || 'METADATA';
  if (!name) throw new Error(`${file} has no Name field: not Python package metadata`);
  if (!version) throw new Error(`${file} has no Version field`);
  const record: PackageRecord = { ecosystem: 'pypi', name, version };
  const licenses = licensesOf(headers);
  if (licenses.length > 0) record.licenses = licenses;
  return [record];
}

function licensesOf(headers: Map<string, string[]>): string[] {
  const expression = headers.get('license-expression')?.[0]?.trim();
  if (expression) return [expression];
  const license = headers.get('license')?.[0]?.trim();
  if (license && license !== 'UNKNOWN' && !license.includes('\n') && license.length <= MAX_LICENSE_NAME) return [license];
  const fromClassifiers: string[] = [];
  for (const classifier of headers.get('classifier') ?? []) {
    const parts = classifier.split('::').map((part) => part.trim());
    // "License :: OSI Approved" alone says nothing about which license.
    if (parts[0] === 'License' && parts.length > 1 && !(parts.length === 2 && parts[1] === 'OSI Approved')) fromClassifiers.push(parts[parts.length - 1]!);
  }
  return fromClassifiers;
}

/**
 * The header block up to the first empty line, field names lower-cased, repeated fields kept in
 * order. Indented lines continue the previous field (setuptools indents license text that way);
 * the first line that is neither ends the block, as Python's email parser does.
 */
function parseHeaders(text: string): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  let last: { values: string[]; index: number } | undefined;
  // The description after the block can be megabytes of README; it is not split.
  const end = text.search(/\r?\n\r?\n/);
  for (const line of (end < 0 ? text : text.slice(0, end)).split(/\r?\n/)) {
    if (line === '') break;
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (!last) break;
      last.values[last.index] += `\n${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0 || /\s/.test(line.slice(0, colon))) break;
    const key = line.slice(0, colon).toLowerCase();
    const values = headers.get(key) ?? [];
    values.push(line.slice(colon + 1).trim());
    headers.set(key, values);
    last = { values, index: values.length - 1 };
  }
  return headers;
}

export const pythonMetadataAnalyzer = packageFileAnalyzer({
  name: 'language/python-metadata',
  version: 1,
  ecosystem: 'pypi',
  maxBytes: 16 * MiB,
  required: isPythonMetadata,
  parse: parsePythonMetadata,
});
