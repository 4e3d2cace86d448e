import { Command, Option } from 'commander';
import { toCycloneDx } from '../sbom/cyclonedx.js';
import { sbomInputFromScan } from '../sbom/input.js';
import { toSpdx } from '../sbom/spdx.js';
import { addQuietOption, addSourceOptions, printWarnings, scanWarnings, TARGET_HELP, withImageScan, writeOutput, type SourceFlags } from './scan-options.js';
import { TOOL_VERSION } from './version.js';

export const SBOM_FORMATS = ['cyclonedx', 'spdx-json'] as const;
export type SbomFormat = (typeof SBOM_FORMATS)[number];

interface SbomFlags extends SourceFlags {
  format: SbomFormat;
  output?: string;
}

export function sbomCommand(): Command {
  const command = new Command('sbom')
    .description('write a software bill of materials for an image: CycloneDX 1.6 or SPDX 2.3, as JSON')
    .argument('<target>', TARGET_HELP)
    .addOption(new Option('-f, --format <format>', 'SBOM format').choices(SBOM_FORMATS).default('cyclonedx'))
    .option('-o, --output <file>', 'write the SBOM to a file instead of standard output');
  return addQuietOption(addSourceOptions(command)).action(async (target: string, flags: SbomFlags, self: Command) => {
    self.setOptionValue('exitCode', await runSbom(target, flags));
  });
}

export async function runSbom(target: string, flags: SbomFlags): Promise<number> {
  return withImageScan(target, flags, async (scan) => {
    const input = sbomInputFromScan(scan, TOOL_VERSION, new Date());
    const document = flags.format === 'spdx-json' ? toSpdx(input) : toCycloneDx(input);
    await writeOutput(`${JSON.stringify(document, null, 2)}\n`, flags.output);
    if (!flags.quiet) printWarnings(scan.image.reference, scanWarnings(scan));
    return 0;
  });
}
