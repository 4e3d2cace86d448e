import type { FileAnalyzer } from '../../../core/analyzer.js';
import type { FileInfo } from '../../../core/files.js';
import type { ConfigFileFormat, ConfigFileOf } from '../types.js';

/** Account and daemon configuration files are small; anything bigger is not worth reading whole. */
export const MAX_CONFIG_FILE_SIZE = 4 * 1024 * 1024;

/**
 * The shape every baseline config-file analyzer shares: paths decided from the name alone, a
 * small text file, a pure parser from text to facts (never secrets: results are cached on disk).
 */
export function configFileAnalyzer<F extends ConfigFileFormat>(spec: {
  name: string;
  version: number;
  format: F;
  matches: (path: string) => boolean;
  parse: (text: string, path: string) => ConfigFileOf<F>['facts'] | undefined;
}): FileAnalyzer {
  return {
    name: spec.name,
    version: spec.version,
    required: (path: string, info: FileInfo) => spec.matches(path) && info.size <= MAX_CONFIG_FILE_SIZE,
    async analyze(input) {
      const facts = spec.parse((await input.read()).toString('utf8'), input.path);
      if (facts === undefined) return [];
      return [{ kind: 'config-file', format: spec.format, facts } as ConfigFileOf<F>];
    },
  };
}

/** Lines of a text file with their 1-based numbers, CRLF tolerated. */
export function numberedLines(text: string): Array<{ line: number; text: string }> {
  return text.split(/\r?\n/).map((line, index) => ({ line: index + 1, text: line }));
}

/** A decimal id as the account files write it, or undefined for anything else. */
export function parseId(text: string): number | undefined {
  return /^\d{1,10}$/.test(text) ? Number(text) : undefined;
}
