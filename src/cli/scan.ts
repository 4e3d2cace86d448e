import { Command, Option } from 'commander';
import { buildReport } from '../report/model.js';
import { renderTable } from '../report/table.js';
import { addQuietOption, addSourceOptions, printWarnings, TARGET_HELP, withImageScan, writeOutput, type SourceFlags } from './scan-options.js';
import { TOOL_VERSION } from './version.js';

interface ScanFlags extends SourceFlags {
  format: 'table' | 'json';
  output?: string;
  listPackages?: boolean;
}

export function scanCommand(): Command {
  const command = new Command('scan')
    .description('scan an image: a registry reference, a docker save archive, an OCI layout or a root filesystem directory')
    .argument('<target>', TARGET_HELP)
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('-o, --output <file>', 'write the report to a file instead of standard output');
  addSourceOptions(command).option('--list-packages', 'list every OS and application package found (table and JSON)');
  return addQuietOption(command).action(async (target: string, flags: ScanFlags, self: Command) => {
    self.setOptionValue('exitCode', await runScan(target, flags));
  });
}

export async function runScan(target: string, flags: ScanFlags): Promise<number> {
  return withImageScan(target, flags, async (scan) => {
    const report = buildReport(scan, target, TOOL_VERSION, { includePackages: flags.listPackages === true });
    await writeOutput(flags.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderTable(report), flags.output);
    if (!flags.quiet) printWarnings(report.image.reference, report.warnings);
    return 0;
  });
}
