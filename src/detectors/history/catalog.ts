import { createHash } from 'node:crypto';
import type { Severity } from '../../core/finding.js';
import { scanTextForSecrets } from '../secrets/index.js';

/** One match of the secret catalog (value-pattern rules) over a piece of text, as scanTextForSecrets reports it. */
export interface CatalogMatch {
  ruleId: string;
  line: number;
  masked: string;
  fingerprint: string;
  title: string;
  severity: Severity;
  category: string;
}

/** A catalog match, and where its value is in the text when that could be established. */
export interface CatalogSecret extends CatalogMatch {
  /** Where the value is, with the catalog's masked form to show in its place. */
  span?: { start: number; end: number; masked: string } | undefined;
}

/**
 * Run the secret catalog over `text` and find each secret's value again, so it can be masked
 * in place: the catalog reports only the line, the masked form (leading characters and length,
 * core/mask.ts) and the sha256 fingerprint of the value. Candidates on that line with the shown
 * prefix and length are hashed until one has the fingerprint; a value on several lines (a PEM
 * block) is found the same way from its first line. A match whose value cannot be found keeps
 * no span, and callers must then withhold the text rather than show it.
 */
export function findCatalogSecrets(text: string): CatalogSecret[] {
  const matches: CatalogMatch[] = scanTextForSecrets(text);
  if (matches.length === 0) return [];
  const lineStarts = [0];
  for (let index = text.indexOf('\n'); index >= 0; index = text.indexOf('\n', index + 1)) lineStarts.push(index + 1);
  return matches.map((match) => {
    const found = locate(text, lineStarts, match);
    return { ...match, span: found ? { ...found, masked: match.masked } : undefined };
  });
}

function locate(text: string, lineStarts: number[], match: CatalogMatch): { start: number; end: number } | undefined {
  const shown = /^([\s\S]*?)\*{8} \((\d+) chars\)$/.exec(match.masked);
  const lineIndex = Math.min(Math.max(match.line - 1, 0), lineStarts.length - 1);
  // The reported line first, then the whole text (in case lines are counted differently).
  const ranges: Array<[number, number]> = [
    [lineStarts[lineIndex]!, lineStarts[lineIndex + 1] ?? text.length],
    [0, text.length],
  ];
  for (const [from, to] of ranges) {
    if (shown) {
      const prefix = shown[1]!;
      const length = Number(shown[2]);
      for (let start = from; start < to; start++) {
        if (!text.startsWith(prefix, start) || start + length > text.length) continue;
        if (sha256(text.slice(start, start + length)) === match.fingerprint) return { start, end: start + length };
      }
    } else {
      // An unfamiliar masked form: try every token of the line.
      for (const token of text.slice(from, to).matchAll(/[^\s'"`=:,;()[\]{}<>]+/g)) {
        if (sha256(token[0]) === match.fingerprint) return { start: from + token.index, end: from + token.index + token[0].length };
      }
    }
  }
  return undefined;
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
