/**
 * The CLI's config file (`--config`, else ./customs.yaml when present): settings a team keeps in
 * its repository rather than repeating as flags. Flags win over the file. Paths in the file are
 * relative to the file. Validated at the edge; an unknown key is an error, not a silent no-op.
 *
 *   malware:
 *     engines: [clamav, yara, hash]
 *     clamd: tcp://127.0.0.1:3310
 *     clamavDatabase: /var/lib/clamav
 *     yaraRules: [rules/extra.yar]
 *     hashLists: [iocs/sha256.txt]
 *     whitelist:
 *       - type: miner
 *         repository: registry.example.com/bench/xmrig
 *         reason: mining benchmark image
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { CustomsError } from '../core/errors.js';
import { malwareWhitelistRuleSchema } from '../detectors/malware/whitelist.js';
import { MALWARE_ENGINES } from '../detectors/malware/types.js';

export const DEFAULT_CONFIG_FILE = 'customs.yaml';

const configSchema = z
  .object({
    malware: z
      .object({
        engines: z.array(z.enum(MALWARE_ENGINES)).min(1).optional(),
        clamd: z.string().min(1).optional(),
        clamavDatabase: z.string().min(1).optional(),
        yaraRules: z.array(z.string().min(1)).optional(),
        hashLists: z.array(z.string().min(1)).optional(),
        whitelist: z.array(malwareWhitelistRuleSchema).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type CustomsConfig = z.infer<typeof configSchema>;

/**
 * Read the config: `file` when given (it must exist), else ./customs.yaml if there is one,
 * else nothing.
 */
export async function loadConfig(file: string | undefined): Promise<CustomsConfig> {
  const path = resolve(file ?? DEFAULT_CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (file === undefined && (error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new CustomsError('INVALID_INPUT', `cannot read config file: ${(error as Error).message}`, { file: path });
  }
  let data: unknown;
  try {
    data = parseYaml(text) ?? {};
  } catch (error) {
    throw new CustomsError('INVALID_INPUT', `not valid YAML: ${(error as Error).message.split('\n')[0]}`, { file: path });
  }
  const parsed = configSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CustomsError('INVALID_INPUT', `${issue.path.join('.') || '(top level)'}: ${issue.message}`, { file: path });
  }
  return resolvePaths(parsed.data, dirname(path));
}

function resolvePaths(config: CustomsConfig, base: string): CustomsConfig {
  const malware = config.malware;
  if (!malware) return config;
  const local = (path: string): string => resolve(base, path);
  return {
    ...config,
    malware: {
      ...malware,
      clamavDatabase: malware.clamavDatabase === undefined ? undefined : local(malware.clamavDatabase),
      // A clamd address is a socket path only when it is not a URL.
      clamd: malware.clamd === undefined || /^[a-z]+:/.test(malware.clamd) ? malware.clamd : local(malware.clamd),
      yaraRules: malware.yaraRules?.map(local),
      hashLists: malware.hashLists?.map(local),
    },
  };
}
