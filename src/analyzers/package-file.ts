import type { FileAnalyzer } from '../core/analyzer.js';
import type { Ecosystem, PackageRecord } from '../core/package.js';
import { formatBytes } from '../layer/limits.js';

export interface PackageFileSpec {
  name: string;
  version: number;
  ecosystem: Ecosystem;
  /**
   * Bigger files are refused with an error recorded against the file, never skipped silently
   * in `required` and never parsed: the tree-building parsers hold several times the file size.
   */
  maxBytes: number;
  required(path: string): boolean;
  parse(bytes: Buffer, path: string): PackageRecord[];
}

/** The analyzer around a pure package-file parser: size guard, read, parse, one packages result. */
export function packageFileAnalyzer(spec: PackageFileSpec): FileAnalyzer {
  return {
    name: spec.name,
    version: spec.version,
    required: (path) => spec.required(path),
    async analyze(input) {
      const tooBig = (size: number): Error => new Error(`${formatBytes(size)} is over the ${formatBytes(spec.maxBytes)} that ${spec.name} reads from one file`);
      if (input.info.size > spec.maxBytes) throw tooBig(input.info.size);
      const bytes = await input.read();
      if (bytes.length > spec.maxBytes) throw tooBig(bytes.length);
      const packages = spec.parse(bytes, input.path);
      return packages.length > 0 ? [{ kind: 'packages', ecosystem: spec.ecosystem, packages }] : [];
    },
  };
}
