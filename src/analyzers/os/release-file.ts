import type { FileAnalyzer } from '../../core/analyzer.js';
import type { FileInfo } from '../../core/files.js';

/** OS identification files are tiny; anything bigger is not one and is not worth reading. */
const MAX_RELEASE_FILE_SIZE = 64 * 1024;

/**
 * The shape every OS identification analyzer shares: a fixed set of paths, a small text file,
 * a pure parser from text to fields.
 */
export function releaseFileAnalyzer(spec: {
  name: string;
  version: number;
  source: string;
  paths: readonly string[];
  parse: (text: string, path: string) => Record<string, string> | undefined;
}): FileAnalyzer {
  const paths = new Set(spec.paths);
  return {
    name: spec.name,
    version: spec.version,
    required: (path: string, info: FileInfo) => paths.has(path) && info.size <= MAX_RELEASE_FILE_SIZE,
    async analyze(input) {
      const fields = spec.parse((await input.read()).toString('utf8'), input.path);
      return fields ? [{ kind: 'os-release', source: spec.source, fields }] : [];
    },
  };
}
