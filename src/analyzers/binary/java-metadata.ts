/**
 * The two text formats Java archives describe themselves in: the JAR manifest
 * (META-INF/MANIFEST.MF) and Java properties files (Maven's pom.properties).
 */

/** Far beyond any real manifest or pom.properties; stops a crafted file from costing much. */
const MAX_LINES = 100_000;

/**
 * The main section of a JAR manifest (the attributes before the first blank line), keyed by
 * lower-cased attribute name since the JAR specification makes names case-insensitive. Lines
 * starting with one space continue the previous one: manifests wrap at 72 bytes, often in the
 * middle of a word.
 */
export function parseManifest(text: string): Map<string, string> {
  const attributes = new Map<string, string>();
  const lines = text.split(/\r\n|\r|\n/, MAX_LINES);
  let current: { name: string; value: string } | undefined;
  const flush = (): void => {
    if (current && !attributes.has(current.name)) attributes.set(current.name, current.value.trim());
    current = undefined;
  };
  for (const line of lines) {
    if (line === '') break;
    if (line.startsWith(' ')) {
      if (current) current.value += line.slice(1);
      continue;
    }
    flush();
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`MANIFEST.MF: "${line.slice(0, 80)}" is not a "Name: value" attribute`);
    current = { name: line.slice(0, colon).trim().toLowerCase(), value: line.slice(colon + 1) };
  }
  flush();
  return attributes;
}

const ESCAPES: Record<string, string> = { t: '\t', n: '\n', r: '\r', f: '\f' };

function unescapeProperty(raw: string): string {
  return raw.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_match, escaped: string) =>
    escaped.length === 5 ? String.fromCharCode(Number.parseInt(escaped.slice(1), 16)) : (ESCAPES[escaped] ?? escaped),
  );
}

/** An odd number of trailing backslashes continues the line; an even number is escaped backslashes. */
function endsWithContinuation(line: string): boolean {
  let backslashes = 0;
  for (let at = line.length - 1; at >= 0 && line[at] === '\\'; at--) backslashes++;
  return backslashes % 2 === 1;
}

/**
 * A Java properties file as java.util.Properties.load reads it: `#` and `!` comments, keys ending
 * at the first unescaped `=`, `:` or whitespace, backslash line continuations and escapes.
 * Later keys win, as in Java.
 */
export function parseProperties(text: string): Map<string, string> {
  const properties = new Map<string, string>();
  const lines = text.split(/\r\n|\r|\n/, MAX_LINES);
  for (let index = 0; index < lines.length; index++) {
    let logical = (lines[index] ?? '').replace(/^[ \t\f]+/, '');
    if (logical === '' || logical.startsWith('#') || logical.startsWith('!')) continue;
    while (endsWithContinuation(logical) && index + 1 < lines.length) {
      index++;
      logical = logical.slice(0, -1) + (lines[index] ?? '').replace(/^[ \t\f]+/, '');
    }
    const separator = /(?<!\\)(?:\\\\)*[=: \t\f]/.exec(logical);
    let key = logical;
    let value = '';
    if (separator) {
      const keyEnd = separator.index + separator[0].length - 1;
      key = logical.slice(0, keyEnd);
      let rest = logical.slice(keyEnd + 1).replace(/^[ \t\f]+/, '');
      // "key = value": whitespace ends the key, and one "=" or ":" after it is still the separator.
      if (/[ \t\f]/.test(logical[keyEnd] ?? '') && /^[=:]/.test(rest)) rest = rest.slice(1).replace(/^[ \t\f]+/, '');
      value = rest;
    }
    properties.set(unescapeProperty(key), unescapeProperty(value));
  }
  return properties;
}
