import { writeFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { DirectoryLayerCache, defaultCacheDir, noCache } from '../cache/layer-cache.js';
import { CustomsError } from '../core/errors.js';
import { parsePlatform, type Platform } from '../core/image.js';
import { scanImage } from '../engine/scan.js';
import { DEFAULT_LIMITS } from '../layer/limits.js';
import { buildReport } from '../report/model.js';
import { renderTable } from '../report/table.js';
import { openSource } from '../source/index.js';
import { parsePositiveInt, parseSeconds, parseSize } from './options.js';
import { ProgressLine } from './progress.js';
import { TOOL_VERSION } from './version.js';

interface ScanFlags {
  format: 'table' | 'json';
  output?: string;
  platform?: string;
  username?: string;
  password?: string;
  insecure?: boolean;
  cacheDir?: string;
  cache: boolean;
  maxFileSize: number;
  maxLayerSize: number;
  timeout?: number;
  retries?: number;
  quiet?: boolean;
  listPackages?: boolean;
}

export function scanCommand(): Command {
  return new Command('scan')
    .description('scan an image: a registry reference, a docker save archive, an OCI layout or a root filesystem directory')
    .argument('<target>', 'e.g. alpine:3.19, 127.0.0.1:5000/app@sha256:..., docker-archive:image.tar, oci:dir:tag, dir:/path/to/rootfs')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .option('--platform <os/arch[/variant]>', 'platform to pick from a multi-platform image (default linux/amd64)')
    .option('--username <name>', 'registry user name (or CUSTOMS_REGISTRY_USERNAME)')
    .option('--password <secret>', 'registry password or token (or CUSTOMS_REGISTRY_PASSWORD)')
    .option('--insecure', 'allow plain HTTP and unverified TLS for the registry')
    .option('--cache-dir <dir>', 'layer cache directory', defaultCacheDir())
    .option('--no-cache', 'neither read nor write the layer cache')
    .option('--max-file-size <size>', 'files larger than this are not analysed (warning)', parseSize, DEFAULT_LIMITS.maxFileSize)
    .option('--max-layer-size <size>', 'refuse layers whose uncompressed size exceeds this', parseSize, DEFAULT_LIMITS.maxLayerSize)
    .option('--timeout <seconds>', 'give up on the whole scan after this long', parseSeconds)
    .option('--retries <n>', 'registry request retries on 429/5xx and dropped connections', parsePositiveInt)
    .option('--list-packages', 'list every OS and application package found (table and JSON)')
    .option('-q, --quiet', 'no progress display')
    .action(async (target: string, flags: ScanFlags, command: Command) => {
      command.setOptionValue('exitCode', await runScan(target, flags));
    });
}

export async function runScan(target: string, flags: ScanFlags): Promise<number> {
  let platform: Platform | undefined;
  try {
    platform = flags.platform ? parsePlatform(flags.platform) : undefined;
  } catch (error) {
    throw new CustomsError('INVALID_INPUT', (error as Error).message);
  }
  const signal = flags.timeout ? AbortSignal.timeout(flags.timeout * 1000) : undefined;
  const progress = new ProgressLine(process.stderr, !flags.quiet && process.stderr.isTTY === true);
  const credentials = flags.username !== undefined ? { username: flags.username, password: flags.password ?? '' } : undefined;
  const source = await openSource(target, {
    platform,
    registry: { credentials, insecure: flags.insecure === true, retries: flags.retries },
  });
  try {
    const scan = await scanImage(source, {
      cache: flags.cache ? new DirectoryLayerCache(flags.cacheDir ?? defaultCacheDir()) : noCache,
      limits: { maxFileSize: flags.maxFileSize, maxLayerSize: flags.maxLayerSize },
      onEvent: progress.handle,
      signal,
    }).catch((error: unknown) => {
      if (signal?.aborted) throw new CustomsError('TIMEOUT', `scan did not finish within ${flags.timeout} s`, { image: target });
      throw error;
    });
    progress.finish();
    const report = buildReport(scan, target, TOOL_VERSION, { includePackages: flags.listPackages === true });
    const text = flags.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderTable(report);
    if (flags.output) await writeFile(flags.output, text);
    else process.stdout.write(text);
    if (!flags.quiet) {
      for (const warning of report.warnings) {
        process.stderr.write(`customs: warning: ${report.image.reference}: ${warning.layer ? `layer ${warning.layer}: ` : ''}${warning.file ? `file ${warning.file}: ` : ''}${warning.message}\n`);
      }
    }
    return 0;
  } finally {
    progress.finish();
    await source.close();
  }
}
