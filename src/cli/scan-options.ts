import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { fileAnalyzers } from '../analyzers/index.js';
import type { FileAnalyzer } from '../core/analyzer.js';
import { DirectoryLayerCache, defaultCacheDir, noCache } from '../cache/layer-cache.js';
import { CustomsError } from '../core/errors.js';
import { parsePlatform, type Platform } from '../core/image.js';
import { scanImage, type ImageScan } from '../engine/scan.js';
import { DEFAULT_LIMITS } from '../layer/limits.js';
import { openSource } from '../source/index.js';
import { parsePositiveInt, parseSeconds, parseSize } from './options.js';
import { ProgressLine } from './progress.js';

/** The options of every command that reads an image: where it comes from, the cache, the limits. */
export interface SourceFlags {
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
}

export const TARGET_HELP = 'e.g. alpine:3.19, 127.0.0.1:5000/app@sha256:..., docker-archive:image.tar, oci:dir:tag, dir:/path/to/rootfs';

export function addSourceOptions(command: Command): Command {
  return command
    .option('--platform <os/arch[/variant]>', 'platform to pick from a multi-platform image (default linux/amd64)')
    .option('--username <name>', 'registry user name (or CUSTOMS_REGISTRY_USERNAME)')
    .option('--password <secret>', 'registry password or token (or CUSTOMS_REGISTRY_PASSWORD)')
    .option('--insecure', 'allow plain HTTP and unverified TLS for the registry')
    .option('--cache-dir <dir>', 'layer cache directory', defaultCacheDir())
    .option('--no-cache', 'neither read nor write the layer cache')
    .option('--max-file-size <size>', 'files larger than this are not analysed (warning)', parseSize, DEFAULT_LIMITS.maxFileSize)
    .option('--max-layer-size <size>', 'refuse layers whose uncompressed size exceeds this', parseSize, DEFAULT_LIMITS.maxLayerSize)
    .option('--timeout <seconds>', 'give up on the whole scan after this long', parseSeconds)
    .option('--retries <n>', 'registry request retries on 429/5xx and dropped connections', parsePositiveInt);
}

// Separate so each command keeps -q last in its help, after its own options.
export function addQuietOption(command: Command): Command {
  return command.option('-q, --quiet', 'no progress display');
}

/**
 * Open the target, scan it with the progress line and the timeout the flags ask for, hand the
 * scan to `use`, and close the source whatever happens.
 */
export async function withImageScan<T>(target: string, flags: SourceFlags, use: (scan: ImageScan) => Promise<T>, extraAnalyzers: readonly FileAnalyzer[] = []): Promise<T> {
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
      analyzers: [...fileAnalyzers, ...extraAnalyzers],
      cache: flags.cache ? new DirectoryLayerCache(flags.cacheDir ?? defaultCacheDir()) : noCache,
      limits: { maxFileSize: flags.maxFileSize, maxLayerSize: flags.maxLayerSize },
      onEvent: progress.handle,
      signal,
    }).catch((error: unknown) => {
      if (signal?.aborted) throw new CustomsError('TIMEOUT', `scan did not finish within ${flags.timeout} s`, { image: target });
      throw error;
    });
    progress.finish();
    return await use(scan);
  } finally {
    progress.finish();
    await source.close();
  }
}

export async function writeOutput(text: string, file: string | undefined): Promise<void> {
  if (file) await writeFile(file, text);
  else process.stdout.write(text);
}

/** One line per walk warning (oversized file, unreadable entry, ...) on standard error. */
export function printWarnings(reference: string, warnings: ReadonlyArray<{ layer: string | null; file: string | null; message: string }>): void {
  for (const warning of warnings) {
    process.stderr.write(`customs: warning: ${reference}: ${warning.layer ? `layer ${warning.layer}: ` : ''}${warning.file ? `file ${warning.file}: ` : ''}${warning.message}\n`);
  }
}

/** The walk warnings of a scan, in the report's shape. */
export function scanWarnings(scan: ImageScan): Array<{ layer: string | null; file: string | null; message: string }> {
  return scan.layers.flatMap(({ descriptor, analysis }) => analysis.warnings.map((warning) => ({ layer: descriptor.digest || null, file: warning.file ?? null, message: warning.message })));
}
