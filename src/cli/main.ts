import { Command, CommanderError } from 'commander';
import { CustomsError } from '../core/errors.js';
import { dbCommand } from './db.js';
import { sbomCommand } from './sbom.js';
import { scanCommand } from './scan.js';
import { TOOL_VERSION } from './version.js';

/** Exit codes: 0 done, 1 the scan failed (the message says why), 2 the command line was wrong. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('customs')
    .description('customs: container image security scanner')
    .version(TOOL_VERSION)
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) })
    .addCommand(scanCommand())
    .addCommand(sbomCommand())
    .addCommand(dbCommand());
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
