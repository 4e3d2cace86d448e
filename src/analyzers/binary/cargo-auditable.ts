/**
 * Rust executables built with cargo-auditable carry their dependency tree in the ELF section
 * `.dep-v0`: zlib-compressed JSON, `{"packages": [{name, version, source, kind?, dependencies?,
 * root?}]}` (the auditable-serde format, version 0).
 */
import { inflateSync } from 'node:zlib';
import { z } from 'zod';
import type { FileAnalyzer } from '../../core/analyzer.js';
import type { PackageRecord } from '../../core/package.js';
import { isElf, parseElf, type ElfFile } from './elf.js';
import { MiB, mayBeExecutable, readElfExecutable } from './executable.js';

export const AUDITABLE_SECTION = '.dep-v0';
/** cargo-auditable's own reader stops at 8 MiB of JSON; a real tree of thousands of crates is far smaller. */
const MAX_JSON_SIZE = 8 * MiB;

const AuditableData = z.object({
  packages: z.array(
    z.object({
      name: z.string().min(1),
      version: z.string().min(1),
      // "crates.io", "git", "local", "registry", or another string for sources added later.
      source: z.string(),
      // Omitted for runtime dependencies.
      kind: z.enum(['runtime', 'build']).optional(),
    }),
  ),
});

/**
 * The crates.io packages of the tree: local crates (the workspace itself) and git or
 * alternative-registry sources have no crates.io identity to match advisories against.
 * properties.kind says whether the crate is linked in ("runtime") or only ran at build time
 * ("build": build scripts and proc macros).
 */
export function parseAuditableJson(json: string): PackageRecord[] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new Error(`cargo auditable data is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = AuditableData.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`cargo auditable data has an unexpected shape: ${issue ? `${issue.path.join('.') || '(top level)'}: ${issue.message}` : 'unknown error'}`);
  }
  const seen = new Set<string>();
  const records: PackageRecord[] = [];
  for (const entry of parsed.data.packages) {
    if (entry.source !== 'crates.io') continue;
    const key = `${entry.name}@${entry.version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    records.push({ ecosystem: 'cargo', name: entry.name, version: entry.version, properties: { kind: entry.kind ?? 'runtime' } });
  }
  return records;
}

/** The packages in an ELF file's `.dep-v0` section; undefined when it has none. */
export function readAuditableSection(elf: ElfFile): PackageRecord[] | undefined {
  const section = elf.section(AUDITABLE_SECTION);
  if (!section) return undefined;
  let json: Buffer;
  try {
    json = inflateSync(elf.sectionBytes(section), { maxOutputLength: MAX_JSON_SIZE });
  } catch (error) {
    const tooBig = (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
    throw new Error(tooBig ? `cargo auditable data in ${AUDITABLE_SECTION} inflates to more than ${MAX_JSON_SIZE} bytes` : `cargo auditable data in ${AUDITABLE_SECTION} is not zlib data: ${(error as Error).message}`);
  }
  return parseAuditableJson(json.toString('utf8'));
}

/** The crates of an executable; [] for anything that is not an ELF file with auditable data. */
export function parseCargoAuditableBinary(bytes: Buffer): PackageRecord[] {
  if (!isElf(bytes)) return [];
  return readAuditableSection(parseElf(bytes)) ?? [];
}

export const cargoAuditableAnalyzer: FileAnalyzer = {
  name: 'binary/cargo-auditable',
  version: 1,
  required: mayBeExecutable,
  async analyze(input) {
    const executable = await readElfExecutable(input);
    if (!executable) return [];
    const packages = readAuditableSection(executable.elf) ?? [];
    return packages.length > 0 ? [{ kind: 'packages', ecosystem: 'cargo', packages }] : [];
  },
};
