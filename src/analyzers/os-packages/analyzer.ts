/**
 * The thin adapter every OS package database analyzer shares: a path test, a size cap and a pure
 * parser from the file's bytes to package records.
 */

export const MiB = 1024 * 1024;

export type { PackageFileSpec as PackageDatabaseSpec } from '../package-file.js';
/** Package databases are read as bytes (rpmdb) or text (dpkg, apk): the shared analyzer takes bytes. */
export { packageFileAnalyzer as packageDatabaseAnalyzer } from '../package-file.js';

/** Text databases are UTF-8; a byte order mark in front is an editor's doing and not part of the first field. */
export function decodeText(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** A value from the file as error messages show it: cut short, so a hostile value cannot flood the report. */
export function clip(value: string, max = 80): string {
  return value.length > max ? `${value.slice(0, max)}…` : value;
}
