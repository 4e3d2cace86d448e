/**
 * Real ClamAV for tests: a small custom signature database (no freshclam, no network) and a real
 * clamd (`clamav-daemon`) on a free 127.0.0.1 port, started and stopped by the tests themselves.
 * ClamAV appends `.UNOFFICIAL` to every signature that is not signed by Cisco Talos, so the names
 * the engines report are the ones below plus that suffix.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CustomsError } from '../../src/core/errors.js';
import type { DeferredEngine, EngineVerdict, ScanTarget } from '../../src/detectors/malware/types.js';
import { startOnFreePort, stopProcess } from './service.js';

/**
 * The EICAR test file, built from two halves so that this source file itself is not flagged by
 * the virus scanner of whoever checks it out.
 */
export const EICAR = Buffer.from('X5O!P%@AP[4\\PZX54(P^)7CC)7}$' + 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*', 'latin1');

/** A harmless string that the test database calls a trojan, so classification sees a real threat category. */
export const CUSTOMS_TEST_TROJAN_MARKER = 'customs-test-trojan-marker:2f6b9c1e-harmless-bytes-for-malware-tests';

export const TEST_SIGNATURES = {
  eicar: 'Customs.Test.EICAR',
  clamavTestfile: 'Customs.Test.ClamavTestfile',
  trojan: 'Unix.Trojan.CustomsTestSample',
} as const;

/** The suffix ClamAV gives to signatures from unsigned databases such as ours. */
export const UNOFFICIAL = '.UNOFFICIAL';

/** Files of the Debian package clamav-testfiles: small harmless samples in many containers (zip, tar.gz, PE packers, ...). */
export const CLAMAV_TESTFILES_DIR = '/usr/share/clamav-testfiles';

export interface TestSignatureDatabase {
  dir: string;
  /** The clamav-testfiles covered by the hash signatures, by base name. */
  testfiles: string[];
}

/**
 * Writes `customs-test.ndb` (body signatures: EICAR and the trojan marker, anywhere in a file of
 * any type) and `customs-test.hsb` (SHA-256 hash signatures, `sha256:size:name`, one per
 * clamav-testfiles file) into `dir`.
 */
export async function writeTestSignatureDatabase(dir: string): Promise<TestSignatureDatabase> {
  await mkdir(dir, { recursive: true });
  const bodySignatures = [
    bodySignature(TEST_SIGNATURES.eicar, EICAR),
    bodySignature(TEST_SIGNATURES.trojan, Buffer.from(CUSTOMS_TEST_TROJAN_MARKER, 'latin1')),
  ];
  await writeFile(path.join(dir, 'customs-test.ndb'), `${bodySignatures.join('\n')}\n`);
  const testfiles = (await readdir(CLAMAV_TESTFILES_DIR)).sort();
  const hashSignatures: string[] = [];
  for (const name of testfiles) {
    const bytes = await readFile(path.join(CLAMAV_TESTFILES_DIR, name));
    hashSignatures.push(`${createHash('sha256').update(bytes).digest('hex')}:${bytes.length}:${TEST_SIGNATURES.clamavTestfile}`);
  }
  await writeFile(path.join(dir, 'customs-test.hsb'), `${hashSignatures.join('\n')}\n`);
  return { dir, testfiles };
}

/** `.ndb` format: Name:TargetType:Offset:HexSignature; target type 0 = any file, offset * = anywhere. */
function bodySignature(name: string, body: Buffer): string {
  return `${name}:0:*:${body.toString('hex')}`;
}

export interface TestClamd {
  /** tcp://127.0.0.1:PORT */
  address: string;
  port: number;
  /** The same clamd on a Unix socket (LocalSocket), as Debian's own clamd.conf sets it up. */
  socketPath: string;
  databaseDir: string;
  /** For tests that kill clamd the hard way; stop() still waits for it and cleans up. */
  pid: number;
  /** StreamMaxLength in bytes: INSTREAM of more answers "INSTREAM size limit exceeded. ERROR". */
  streamMaxLength: number;
  stop(): Promise<void>;
}

export interface StartClamdOptions {
  /** Default: a fresh test database (writeTestSignatureDatabase) in the temp dir. */
  databaseDir?: string | undefined;
}

/** Small, so the size-limit behaviour is cheap to reach. */
export const TEST_STREAM_MAX_LENGTH = 10 * 1024 * 1024;

export async function startClamd(options: StartClamdOptions = {}): Promise<TestClamd> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'customs-clamd-'));
  try {
    const databaseDir = options.databaseDir ?? (await writeTestSignatureDatabase(path.join(dir, 'db'))).dir;
    const { port, child } = await spawnClamd(dir, databaseDir);
    let stopped: Promise<void> | undefined;
    return {
      address: `tcp://127.0.0.1:${port}`,
      port,
      socketPath: path.join(dir, 'clamd.sock'),
      databaseDir,
      pid: child.pid!,
      streamMaxLength: TEST_STREAM_MAX_LENGTH,
      stop() {
        stopped ??= (async () => {
          await stopProcess(child);
          await rm(dir, { recursive: true, force: true });
        })();
        return stopped;
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

function clamdConfig(dir: string, databaseDir: string, port: number): string {
  const lines = [
    'Foreground yes',
    `TCPSocket ${port}`,
    'TCPAddr 127.0.0.1',
    `LocalSocket ${path.join(dir, 'clamd.sock')}`,
    `DatabaseDirectory ${databaseDir}`,
    `LogFile ${path.join(dir, 'clamd.log')}`,
    `PidFile ${path.join(dir, 'clamd.pid')}`,
    `StreamMaxLength ${TEST_STREAM_MAX_LENGTH / (1024 * 1024)}M`,
    // Off by default: clamd then answers OK for what a limit kept it from scanning (an archive
    // nested deeper than MaxRecursion). On, it says Heuristics.Limits.Exceeded.*, a warning for us.
    'AlertExceedsMax yes',
    // Reloading signatures in the middle of a test would only add noise.
    'SelfCheck 0',
  ];
  // clamd drops privileges to the clamav user by default; as root that user could not read our temp dir.
  if (process.getuid?.() === 0) lines.push('User root');
  return `${lines.join('\n')}\n`;
}

function spawnClamd(dir: string, databaseDir: string): Promise<{ port: number; child: ChildProcess }> {
  return startOnFreePort({
    name: 'clamd',
    notReady: 'did not answer PING',
    outputFile: path.join(dir, 'clamd.out'),
    async command(port) {
      const configFile = path.join(dir, 'clamd.conf');
      await writeFile(configFile, clamdConfig(dir, databaseDir, port));
      // clamd lives in /usr/sbin, which is not on every user's PATH.
      const env = { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/sbin:/sbin` };
      return { command: 'clamd', args: ['-c', configFile], env };
    },
    ready: waitForPong,
    logTail: () => logTail(dir),
    inUse: /already in use/i,
  });
}

async function logTail(dir: string): Promise<string> {
  const texts = await Promise.all(['clamd.log', 'clamd.out'].map((name) => readFile(path.join(dir, name), 'utf8').catch(() => '')));
  return texts
    .join('\n')
    .split('\n')
    .filter(Boolean)
    .slice(-15)
    .join('\n');
}

/** Polls zPING until clamd answers PONG (signatures loaded, socket bound) or the process died. */
async function waitForPong(port: number, exited: () => boolean): Promise<boolean> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && !exited()) {
    if ((await ping(port)) === 'PONG') return !exited();
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return false;
}

function ping(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const done = (answer: string | undefined): void => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(1000, () => done(undefined));
    socket.on('connect', () => socket.write('zPING\0'));
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      const text = Buffer.concat(chunks).toString('latin1');
      if (text.includes('\0')) done(text.slice(0, text.indexOf('\0')));
    });
    socket.on('error', () => done(undefined));
    socket.on('close', () => done(undefined));
  });
}

/** For assert.rejects: a CustomsError with code ENGINE_ERROR and exactly this message. */
export function isEngineError(message: string): (error: unknown) => boolean {
  return (error: unknown) => {
    assert.ok(error instanceof CustomsError, String(error));
    assert.equal(error.code, 'ENGINE_ERROR');
    assert.equal(error.message, message);
    return true;
  };
}

/** A file to submit to a malware engine, its SHA-256 computed from the bytes. */
export function scanTarget(filePath: string, bytes: Buffer): ScanTarget {
  return { path: filePath, sha256: createHash('sha256').update(bytes).digest('hex'), bytes };
}

/** Submits every file, flushes once, and returns the verdicts by path. */
export async function scanAll(engine: DeferredEngine, files: Record<string, Buffer>): Promise<Record<string, EngineVerdict>> {
  const pending: Array<[string, Promise<EngineVerdict>]> = [];
  for (const [filePath, bytes] of Object.entries(files)) pending.push([filePath, (await engine.submit(scanTarget(filePath, bytes))).verdict]);
  await engine.flush();
  const verdicts: Record<string, EngineVerdict> = {};
  for (const [filePath, verdict] of pending) verdicts[filePath] = await verdict;
  return verdicts;
}
