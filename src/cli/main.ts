import { Command, CommanderError } from 'commander';
import { CustomsError } from '../core/errors.js';
import { TOOL_VERSION } from './version.js';

/**
 * The commands, in the order `customs --help` lists them. Each module is imported only when its
 * command may run: `customs sbom` does not load the vulnerability database, the detectors, the
 * report writers or the HTTP stack that `scan` and `db` need (some 150 ms of start-up).
 */
const COMMANDS: ReadonlyArray<[name: string, load: () => Promise<Command>]> = [
  ['scan', async () => (await import('./scan.js')).scanCommand()],
  ['sbom', async () => (await import('./sbom.js')).sbomCommand()],
  ['db', async () => (await import('./db.js')).dbCommand()],
];

/**
 * The commands to register for this command line: only the named one when the first argument
 * names a command (commander dispatches to it without looking at the others), every one
 * otherwise (`--help`, `help <command>`, `--version`, an unknown command, no command at all).
 */
async function loadCommands(argv: readonly string[]): Promise<Command[]> {
  const named = COMMANDS.find(([name]) => name === argv[2]);
  return Promise.all((named ? [named] : COMMANDS).map(([, load]) => load()));
}

/** Exit codes: 0 done, 1 the scan failed (the message says why), 2 the command line was wrong. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('customs')
    .description('customs: container image security scanner')
    .version(TOOL_VERSION)
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  for (const command of await loadCommands(argv)) program.addCommand(command);
  // Subcommands added with addCommand do not inherit these; without them commander exits the process itself.
  for (const command of program.commands) {
    command.exitOverride().configureOutput({ writeErr: (text) => process.stderr.write(text) });
  }
  try {
    await program.parseAsync([...argv]);
    const invoked = program.commands.find((command) => command.getOptionValue('exitCode') !== undefined);
    return (invoked?.getOptionValue('exitCode') as number | undefined) ?? 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    const message = error instanceof CustomsError ? error.message : error instanceof Error ? error.message : String(error);
    process.stderr.write(`customs: error: ${message}\n`);
    if (process.env.CUSTOMS_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return 1;
  }
}
