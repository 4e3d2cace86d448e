/**
 * Real daemons for tests (clamd, docker-registry): started on a free 127.0.0.1 port with their
 * output in a log file, waited for until they answer, and started again on another port when
 * something else took the port between our probe and their bind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import net from 'node:net';

/** A port nobody listens on right now: bind 0, read, release. Races are handled by retrying the start. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface ServiceCommand {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv | undefined;
}

export interface ServiceOptions {
  /** The daemon's name in errors, e.g. "clamd". */
  name: string;
  /** What errors say when it never got ready, before " on 127.0.0.1:PORT". Default: "did not start". */
  notReady?: string | undefined;
  /** Receives the daemon's stdout and stderr, appended to across attempts. */
  outputFile: string;
  /** Writes whatever configuration the port needs and says what to run. */
  command(port: number): ServiceCommand | Promise<ServiceCommand>;
  /** Resolves true once the daemon on `port` serves, false when it gave up or the process exited. */
  ready(port: number, exited: () => boolean): Promise<boolean>;
  /** The end of the daemon's logs, for errors and for recognising `inUse`. */
  logTail(): Promise<string>;
  /** Matches the log of a daemon that could not bind because the port was taken: start it again on another. */
  inUse: RegExp;
}

const ATTEMPTS = 5;

export async function startOnFreePort(options: ServiceOptions): Promise<{ port: number; child: ChildProcess }> {
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const port = await freePort();
    const { command, args, env } = await options.command(port);
    const output = openSync(options.outputFile, 'a');
    const child = spawn(command, args, { stdio: ['ignore', output, output], env });
    closeSync(output);
    let exited = false;
    child.on('exit', () => {
      exited = true;
    });
    child.on('error', (error) => {
      lastError = error;
      exited = true;
    });
    if (await options.ready(port, () => exited)) return { port, child };
    await stopProcess(child);
    const log = await options.logTail();
    lastError ??= new Error(`${options.name} ${options.notReady ?? 'did not start'} on 127.0.0.1:${port}:\n${log}`);
    // Another process took the port between our probe and the daemon's bind: try another one.
    if (!options.inUse.test(log)) break;
    lastError = undefined;
  }
  throw lastError ?? new Error(`${options.name} did not start`);
}

/** SIGTERM, then SIGKILL after 2 s; resolves once the process has exited. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
  await exited;
  clearTimeout(timer);
}
