/** Test helpers for the version schemes (imported by the *.test.ts files only). */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidVersionError, type VersionScheme } from './types.js';

const show = (v: string) => JSON.stringify(v);

/** Checks [a, b, expected sign] rows both ways round. */
export function assertOrderTable(scheme: VersionScheme, rows: readonly (readonly [string, string, number])[]): void {
  for (const [a, b, expected] of rows) {
    assert.equal(Math.sign(scheme.compare(a, b)), expected, `${scheme.name}: compare(${show(a)}, ${show(b)})`);
    assert.equal(Math.sign(scheme.compare(b, a)), 0 - expected, `${scheme.name}: compare(${show(b)}, ${show(a)})`);
  }
}

/** Every earlier version is strictly lower than every later one (the lists of the ecosystems' own suites). */
export function assertStrictlyAscending(scheme: VersionScheme, versions: readonly string[]): void {
  for (let i = 0; i < versions.length; i++) {
    for (let j = i + 1; j < versions.length; j++) {
      const a = versions[i]!;
      const b = versions[j]!;
      assert.ok(scheme.compare(a, b) < 0, `${scheme.name}: expected ${show(a)} < ${show(b)}`);
      assert.ok(scheme.compare(b, a) > 0, `${scheme.name}: expected ${show(b)} > ${show(a)}`);
    }
  }
}

/** Every pair of the group compares equal. */
export function assertAllEqual(scheme: VersionScheme, versions: readonly string[]): void {
  for (const a of versions) {
    for (const b of versions) assert.equal(scheme.compare(a, b), 0, `${scheme.name}: expected ${show(a)} == ${show(b)}`);
  }
}

export function assertInvalid(scheme: VersionScheme, versions: readonly string[]): void {
  for (const version of versions) {
    assert.equal(scheme.isValid(version), false, `${scheme.name}: isValid(${show(version)})`);
    assert.throws(
      () => scheme.compare(version, version),
      (error: unknown) => error instanceof InvalidVersionError && error.scheme === scheme.name && error.version === version && error.message.includes(show(version)),
      `${scheme.name}: compare(${show(version)}) throws InvalidVersionError`,
    );
  }
}

export function assertValid(scheme: VersionScheme, versions: readonly string[]): void {
  for (const version of versions) {
    assert.equal(scheme.isValid(version), true, `${scheme.name}: isValid(${show(version)})`);
    assert.equal(scheme.compare(version, version), 0);
  }
}

/**
 * The shared vectors folder, /work/shared/vectors in a checkout laid out as <dir>/main and
 * <dir>/shared: the repository root is the nearest folder above this file with a package.json,
 * and shared/ is its sibling. Undefined when absent (a fresh clone elsewhere): tests then skip.
 */
export function sharedVectorsDir(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) {
      const vectors = join(dir, '..', 'shared', 'vectors');
      return existsSync(vectors) ? vectors : undefined;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
