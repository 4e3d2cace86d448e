/**
 * The thin adapter every OS package database analyzer shares: a path test, a size cap and a pure
 * parser from the file's bytes to package records.
 */
import type { FileAnalyzer } from '../../core/analyzer.js';
import type { Ecosystem, PackageRecord } from '../../core/package.js';
import { formatBytes } from '../../layer/limits.js';

export const MiB = 1024 * 1024;

export interface PackageDatabaseSpec {
  name: string;
  version: number;
  ecosystem: Ecosystem;
  /**
   * Bigger files are refused with an error naming the file rather than skipped in `required`,
   * so a scan never drops a package database silently.
   */
  maxBytes: number;
  required(path: string): boolean;
  parse(bytes: Buffer, path: string): PackageRecord[];
}

export function packageDatabaseAnalyzer(spec: PackageDatabaseSpec): FileAnalyzer {
  return {
    name: spec.name,
    version: spec.version,
    required: (path) => spec.required(path),
    async analyze(input) {
      const tooBig = (size: number): Error => new Error(`${formatBytes(size)} is over the ${formatBytes(spec.maxBytes)} that ${spec.name} reads from one file`);
      if (input.info.size > spec.maxBytes) throw tooBig(input.info.size);
      const bytes = await input.read();
      if (bytes.length > spec.maxBytes) throw tooBig(bytes.length);
      const packages = spec.parse(bytes, input.path);
      return packages.length > 0 ? [{ kind: 'packages', ecosystem: spec.ecosystem, packages }] : [];
    },
  };
}

/** Text databases are UTF-8; a byte order mark in front is an editor's doing and not part of the first field. */
export function decodeText(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** A value from the file as error messages show it: cut short, so a hostile value cannot flood the report. */
export function clip(value: string, max = 80): string {
  return value.length > max ? `${value.slice(0, max)}…` : value;
}
