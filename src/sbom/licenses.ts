import { createRequire } from 'node:module';
import parseSpdx from 'spdx-expression-parse';

// JSON-only packages; require keeps them out of the ESM import-attribute dance.
const require = createRequire(import.meta.url);
const LICENSE_IDS: readonly string[] = [...(require('spdx-license-ids') as string[]), ...(require('spdx-license-ids/deprecated.json') as string[])];
const EXCEPTION_IDS: readonly string[] = [...(require('spdx-exceptions') as string[]), ...(require('spdx-exceptions/deprecated.json') as string[])];

// SPDX ids match case-insensitively (spec Annex D), but the parser only knows the canonical spelling.
const CANONICAL = new Map<string, string>([...LICENSE_IDS, ...EXCEPTION_IDS, 'AND', 'OR', 'WITH'].map((id) => [id.toLowerCase(), id]));
const KNOWN_IDS = new Set(LICENSE_IDS);

/** How one recorded license string reads as SPDX. */
export type LicenseReading =
  /** One identifier from the SPDX license list (deprecated ones included: CycloneDX's enum has them). */
  | { kind: 'id'; id: string; text: string }
  /** A valid SPDX expression that is not a single listed id: compound, `+`, `WITH`, `LicenseRef-`. */
  | { kind: 'expression'; expression: string; text: string }
  /** Anything else ("GPL-2+", "BSD", "Public Domain"): kept as recorded. */
  | { kind: 'name'; text: string };

export function readLicense(recorded: string): LicenseReading {
  const text = recorded.trim();
  const canonical = text
    .split(/(\s+|[()])/)
    .map((token) => CANONICAL.get(token.toLowerCase()) ?? token)
    .join('')
    .replace(/\s+/g, ' ');
  let parsed: parseSpdx.Info;
  try {
    parsed = parseSpdx(canonical);
  } catch {
    return { kind: 'name', text };
  }
  if ('license' in parsed && !parsed.plus && !parsed.exception && KNOWN_IDS.has(parsed.license)) return { kind: 'id', id: parsed.license, text };
  return { kind: 'expression', expression: canonical, text };
}

/**
 * One SPDX expression for all of a package's recorded licenses, or undefined when any of them is
 * not SPDX (a partial expression would claim more than was recorded). Several recorded licenses
 * all apply to the package (Debian copyright files list one per file group), hence AND.
 */
export function combinedExpression(readings: readonly LicenseReading[]): string | undefined {
  if (readings.length === 0) return undefined;
  const parts: string[] = [];
  for (const reading of readings) {
    if (reading.kind === 'name') return undefined;
    const part = reading.kind === 'id' ? reading.id : reading.expression;
    if (!parts.includes(part)) parts.push(part);
  }
  return parts.length === 1 ? parts[0] : parts.map((part) => (/\s/.test(part) ? `(${part})` : part)).join(' AND ');
}
