import { readFile } from 'node:fs/promises';

export interface IgnoreRule {
  id: string;
  /** The rule stops applying after this day (inclusive), as Trivy's `exp:` does. */
  expires?: Date | undefined;
  comment?: string | undefined;
}

/**
 * Parse `.customsignore` / `.trivyignore`: one id per line, optional `exp:YYYY-MM-DD`, `#` comments
 * (whole-line or trailing). Malformed dates are an error naming the line, not a silent ignore.
 */
export function parseIgnoreFile(text: string, file: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const hash = raw.indexOf('#');
    const comment = hash >= 0 ? raw.slice(hash + 1).trim() : undefined;
    const body = (hash >= 0 ? raw.slice(0, hash) : raw).trim();
    if (body === '') return;
    const [id, ...rest] = body.split(/\s+/);
    let expires: Date | undefined;
    for (const token of rest) {
      const match = /^exp:(\d{4}-\d{2}-\d{2})$/.exec(token);
      if (!match) throw new Error(`${file}:${index + 1}: unexpected "${token}" (expected exp:YYYY-MM-DD or a # comment)`);
      expires = new Date(`${match[1]}T23:59:59.999Z`);
      if (Number.isNaN(expires.getTime())) throw new Error(`${file}:${index + 1}: invalid date in "${token}"`);
    }
    rules.push({ id: id!, expires, comment: comment || undefined });
  });
  return rules;
}

export async function loadIgnoreFiles(files: readonly string[]): Promise<IgnoreRule[]> {
  const rules: IgnoreRule[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    rules.push(...parseIgnoreFile(text, file));
  }
  return rules;
}

/** Ids still ignored at `now`. */
export function activeIgnores(rules: readonly IgnoreRule[], now: Date): Set<string> {
  return new Set(rules.filter((rule) => !rule.expires || rule.expires >= now).map((rule) => rule.id));
}
