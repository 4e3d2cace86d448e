import { maskSecret } from '../../core/mask.js';

export interface Span {
  start: number;
  end: number;
  /** The masked form to show (the secret catalog's, which knows how much of its kind may show); default: length only. */
  masked?: string | undefined;
}

/**
 * Replace each secret span of `text` with its masked form (core/mask.ts): the span's own `masked`
 * when it has one, otherwise only the length (free-form passwords found by context show nothing).
 * Every other occurrence of a secret value of 4 characters or more is masked too. Returns the
 * masked text and a function mapping an offset of the original text to the masked one.
 */
export function maskSpans(text: string, spans: readonly Span[]): { text: string; map: (offset: number) => number } {
  const all: Span[] = spans.filter((span) => span.end > span.start).map((span) => ({ ...span }));
  for (const span of spans) {
    const value = text.slice(span.start, span.end);
    if (value.length < 4) continue;
    for (let index = text.indexOf(value); index >= 0; index = text.indexOf(value, index + 1)) all.push({ start: index, end: index + value.length, masked: span.masked });
  }
  all.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Span[] = [];
  for (const span of all) {
    const last = merged[merged.length - 1];
    if (last && span.start < last.end) {
      // The same value found twice keeps the catalog's masked form; overlapping different spans show the length only.
      if (span.start === last.start && span.end === last.end) last.masked ??= span.masked;
      else last.masked = undefined;
      last.end = Math.max(last.end, span.end);
    } else merged.push({ ...span });
  }
  let output = '';
  let cursor = 0;
  const shifts: Array<{ at: number; end: number; maskedStart: number; maskedEnd: number }> = [];
  for (const span of merged) {
    output += text.slice(cursor, span.start);
    const maskedStart = output.length;
    output += span.masked ?? maskSecret(text.slice(span.start, span.end), 0);
    shifts.push({ at: span.start, end: span.end, maskedStart, maskedEnd: output.length });
    cursor = span.end;
  }
  output += text.slice(cursor);
  const map = (offset: number): number => {
    let delta = 0;
    for (const shift of shifts) {
      if (offset < shift.at) break;
      if (offset < shift.end) return shift.maskedStart;
      delta = shift.maskedEnd - shift.end;
    }
    return offset + delta;
  };
  return { text: output, map };
}

const EVIDENCE_LIMIT = 400;
const CONTEXT = 160;

/** The masked text, or a window of it around [start, end) when it is long. */
export function evidenceWindow(masked: string, start: number, end: number): string {
  if (masked.length <= EVIDENCE_LIMIT) return masked;
  const from = Math.max(0, start - CONTEXT);
  const to = Math.min(masked.length, Math.max(end, start) + CONTEXT);
  return `${from > 0 ? '…' : ''}${masked.slice(from, to)}${to < masked.length ? '…' : ''}`;
}
