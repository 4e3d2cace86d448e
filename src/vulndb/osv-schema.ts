/**
 * An OSV record (ossf/osv-schema, validation/schema.json and docs/schema.md up to 1.7), as far as
 * the database needs it.
 *
 * Strict on what matching relies on: `id`, a parseable `modified`, `withdrawn`, and in each
 * affected entry the package's ecosystem and name, the range types and events (each event exactly
 * one of introduced / fixed / last_affected / limit, a non-empty string), and the `versions` list.
 * A record failing any of these is malformed and skipped.
 *
 * Tolerant of everything else: unknown fields are accepted and dropped; `null` is accepted where
 * the schema allows it; a badly typed descriptive field (summary, details, published, aliases,
 * related, upstream, a severity or reference item, a free-form block) is dropped rather than
 * failing the record. Free-form blocks (`ecosystem_specific`, `database_specific`) are kept whole.
 */
import { z } from 'zod';

const freeForm = z.record(z.unknown());
/** A free-form block, or undefined when it is not an object. */
const optionalFreeForm = freeForm.nullish().catch(undefined);

/** A list of strings, checked in one pass: distro records list thousands of affected versions, too many for per-item schemas. */
const stringList = z.custom<string[]>((value) => Array.isArray(value) && value.every((item) => typeof item === 'string'), { message: 'expected a list of strings' });

/** A list whose items are kept only when they are strings. */
const lenientStringList = z
  .unknown()
  .transform((value) => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : undefined));

const severityEntry = z.object({ type: z.string().min(1), score: z.string() });

/** Severity items that are not {type, score} strings are dropped. */
const severityList = z.unknown().transform((value) => {
  if (!Array.isArray(value)) return undefined;
  const entries: Array<z.infer<typeof severityEntry>> = [];
  for (const item of value) {
    const parsed = severityEntry.safeParse(item);
    if (parsed.success) entries.push(parsed.data);
  }
  return entries;
});

const reference = z.object({ type: z.string().catch('WEB'), url: z.string() });

const referenceList = z.unknown().transform((value) => {
  if (!Array.isArray(value)) return undefined;
  const references: Array<z.infer<typeof reference>> = [];
  for (const item of value) {
    const parsed = reference.safeParse(item);
    if (parsed.success) references.push(parsed.data);
  }
  return references;
});

/** `related` is a list of ids; a draft of the schema also allowed `{type, id}` objects. */
const relatedList = z.unknown().transform((value) => {
  if (!Array.isArray(value)) return undefined;
  const ids: string[] = [];
  for (const item of value) {
    if (typeof item === 'string') ids.push(item);
    else if (typeof item === 'object' && item !== null && typeof (item as { id?: unknown }).id === 'string') ids.push((item as { id: string }).id);
  }
  return ids;
});

const optionalText = z.string().nullish().catch(undefined);

const EVENT_KEYS = ['introduced', 'fixed', 'last_affected', 'limit'] as const;

const event = z
  .object({
    introduced: z.string().min(1).optional(),
    fixed: z.string().min(1).optional(),
    last_affected: z.string().min(1).optional(),
    limit: z.string().min(1).optional(),
  })
  .refine((value) => EVENT_KEYS.filter((key) => value[key] !== undefined).length === 1, {
    message: 'an event has exactly one of introduced, fixed, last_affected, limit',
  });

const range = z.object({
  type: z.string().min(1),
  repo: z.string().optional().catch(undefined),
  events: z.array(event).min(1),
  database_specific: freeForm.optional().catch(undefined),
});

const affectedPackage = z.object({
  ecosystem: z.string().trim().min(1),
  name: z.string().trim().min(1),
  purl: z.string().optional().catch(undefined),
});

const affected = z.object({
  package: affectedPackage.optional(),
  severity: severityList,
  ranges: z.array(range).nullish(),
  versions: stringList.nullish(),
  ecosystem_specific: optionalFreeForm,
  database_specific: optionalFreeForm,
});

const dateTime = z.string().refine((value) => !Number.isNaN(Date.parse(value)), { message: 'not a date-time' });

export const osvRecordSchema = z.object({
  schema_version: optionalText,
  id: z.string().trim().min(1),
  modified: dateTime,
  published: optionalText,
  withdrawn: z.string().nullish(),
  aliases: lenientStringList,
  upstream: lenientStringList,
  related: relatedList,
  summary: optionalText,
  details: optionalText,
  severity: severityList,
  affected: z.array(affected).nullish(),
  references: referenceList,
  database_specific: optionalFreeForm,
});

export type OsvRecord = z.infer<typeof osvRecordSchema>;
export type OsvAffected = z.infer<typeof affected>;
export type OsvSeverityEntry = z.infer<typeof severityEntry>;

export type ParseResult = { ok: true; record: OsvRecord } | { ok: false; error: string };

/** Validate one decoded JSON value; the error names the first few problems with their paths. */
export function parseOsvRecord(value: unknown): ParseResult {
  const result = osvRecordSchema.safeParse(value);
  if (result.success) return { ok: true, record: result.data };
  const problems = result.error.issues.slice(0, 3).map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(record)'}: ${issue.message}`);
  const more = result.error.issues.length > 3 ? ` (and ${result.error.issues.length - 3} more)` : '';
  return { ok: false, error: `${problems.join('; ')}${more}` };
}
