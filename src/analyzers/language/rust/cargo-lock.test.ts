import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { isCargoLock, parseCargoLock } from './cargo-lock.js';

const testdata = (name: string): string => readFileSync(new URL(`testdata/${name}`, import.meta.url), 'utf8');

describe('Cargo.lock', () => {
  it('wants Cargo.lock', () => {
    assert.equal(isCargoLock('src/app/Cargo.lock'), true);
    assert.equal(isCargoLock('Cargo.lock'), true);
    assert.equal(isCargoLock('src/app/Cargo.toml'), false);
    assert.equal(isCargoLock('src/app/cargo.lock'), false);
  });

  it('reads format v1 (checksums under [metadata]); the workspace member is skipped', () => {
    assert.deepEqual(parseCargoLock(testdata('Cargo-v1.lock')), [
      { ecosystem: 'cargo', name: 'autocfg', version: '1.0.1' },
      { ecosystem: 'cargo', name: 'num-traits', version: '0.2.14' },
      { ecosystem: 'cargo', name: 'serde', version: '1.0.117' },
    ]);
  });

  it('reads format v2, with two versions of one crate', () => {
    assert.deepEqual(parseCargoLock(testdata('Cargo-v2.lock')), [
      { ecosystem: 'cargo', name: 'cfg-if', version: '1.0.0' },
      { ecosystem: 'cargo', name: 'log', version: '0.4.14' },
      { ecosystem: 'cargo', name: 'smallvec', version: '0.6.14' },
      { ecosystem: 'cargo', name: 'smallvec', version: '1.6.1' },
    ]);
  });

  it('reads format v3: git sources kept, path dependencies and members skipped', () => {
    assert.deepEqual(parseCargoLock(testdata('Cargo-v3.lock')), [
      { ecosystem: 'cargo', name: 'bytes', version: '1.5.0' },
      { ecosystem: 'cargo', name: 'http-body', version: '1.0.0' },
      { ecosystem: 'cargo', name: 'tokio', version: '1.33.0' },
    ]);
  });

  it('reads format v4, with a sparse registry', () => {
    assert.deepEqual(parseCargoLock(testdata('Cargo-v4.lock')), [
      { ecosystem: 'cargo', name: 'itoa', version: '1.0.11' },
      { ecosystem: 'cargo', name: 'ryu', version: '1.0.18' },
      { ecosystem: 'cargo', name: 'serde_json', version: '1.0.128' },
    ]);
  });

  it('throws on malformed files', () => {
    assert.throws(() => parseCargoLock('[[package]]\nname = "a"\nversion = "1.0.0"\nsource = \n'), /Cargo\.lock is not valid TOML/);
    assert.throws(() => parseCargoLock('version = 3\n[[package]]\nname = "a"\n'), /Cargo\.lock has an unexpected shape: package\.0\.version: Required/);
    assert.throws(() => parseCargoLock('version = 7\n'), /Cargo\.lock: unknown lockfile version 7/);
    assert.throws(() => parseCargoLock(`a = ${'{b = '.repeat(100)}1${'}'.repeat(100)}`), /Cargo\.lock nests more than 64 levels deep/);
  });
});
