import type { PackageRecord } from '../../../core/package.js';
import { MiB, baseName, packageFileAnalyzer } from '../common.js';

/**
 * Specifications RubyGems writes for installed gems: `<gem home>/specifications/name-1.0.gemspec`,
 * and `specifications/default/` for the default gems bundled with Ruby.
 */
const INSTALLED_SPEC = /(?:^|\/)specifications\/(?:default\/)?[^/]+\.gemspec$/;

export function isInstalledGemspec(path: string): boolean {
  return INSTALLED_SPEC.test(path);
}

/**
 * An installed gem's specification. RubyGems generates these files as plain Ruby with literal
 * values (`s.name = "rake".freeze`, `s.version = "13.0.6"`, older ones
 * `Gem::Version.new("1.2")`), so the assignments are read without evaluating Ruby. The
 * "# stub:" header line fills in what the body lacks, and the file name (`name-version` plus an
 * optional platform) must agree: RubyGems names the file after the gem it describes.
 */
export function parseGemspec(text: string, path: string): PackageRecord[] {
  const fileName = baseName(path);
  const stub = /^# stub: (\S+) (\S+)/m.exec(text);
  const name = assignedString(text, 'name') ?? stub?.[1];
  if (!name) throw new Error(`${fileName} assigns no literal name: not a generated gem specification`);
  const fullName = fileName.replace(/\.gemspec$/, '');
  const version = assignedString(text, 'version') ?? stub?.[2] ?? (fullName.startsWith(`${name}-`) ? fullName.slice(name.length + 1).split('-')[0] : undefined);
  if (!version) throw new Error(`${fileName} assigns no literal version`);
  if (fullName !== `${name}-${version}` && !fullName.startsWith(`${name}-${version}-`)) {
    throw new Error(`${fileName} describes ${name} ${version}, which does not match its file name`);
  }
  const record: PackageRecord = { ecosystem: 'gem', name, version };
  const licenses = assignedStrings(text, 'licenses') ?? assignedStrings(text, 'license');
  if (licenses && licenses.length > 0) record.licenses = licenses;
  return [record];
}

/** The right-hand side of `<spec>.<attribute> = ...` on its own line. */
function assignment(text: string, attribute: string): string | undefined {
  return new RegExp(`^\\s*\\w+\\.${attribute}\\s*=\\s*(.+)$`, 'm').exec(text)?.[1];
}

function assignedString(text: string, attribute: string): string | undefined {
  const expression = assignment(text, attribute);
  if (expression === undefined) return undefined;
  // Gem::Version.new("1.2.3"), with or without parentheses.
  const unwrapped = expression.replace(/^Gem::Version\.new\s*\(?\s*/, '');
  return readStringLiteral(unwrapped)?.value;
}

/** `["MIT".freeze, "Ruby".freeze]` or a single literal. */
function assignedStrings(text: string, attribute: string): string[] | undefined {
  const expression = assignment(text, attribute);
  if (expression === undefined) return undefined;
  if (!expression.startsWith('[')) {
    const single = readStringLiteral(expression);
    return single ? [single.value] : undefined;
  }
  const values: string[] = [];
  let rest = expression.slice(1);
  for (;;) {
    rest = rest.replace(/^[\s,]+/, '');
    if (rest.startsWith(']') || rest === '') break;
    const literal = readStringLiteral(rest);
    if (!literal) return undefined;
    values.push(literal.value);
    rest = literal.rest.replace(/^\.freeze/, '');
  }
  return values;
}

const CLOSING: Record<string, string> = { '(': ')', '[': ']', '{': '}', '<': '>' };

/** A Ruby string literal at the start of `source`: "..." (without interpolation), '...', %q(...), %Q{...}. */
function readStringLiteral(source: string): { value: string; rest: string } | undefined {
  let open = source[0];
  let start = 1;
  const percent = /^%[qQ]?([^\w\s])/.exec(source);
  if (percent) {
    open = percent[1]!;
    start = percent[0].length;
  } else if (open !== '"' && open !== "'") {
    return undefined;
  }
  const close = CLOSING[open!] ?? open!;
  let value = '';
  for (let i = start; i < source.length; i++) {
    const char = source[i]!;
    if (char === '\\' && i + 1 < source.length) {
      value += source[++i];
      continue;
    }
    if (char === close) return { value, rest: source.slice(i + 1) };
    // Interpolation is computed by Ruby; a generated specification never has it.
    if (char === '#' && source[i + 1] === '{' && open === '"') return undefined;
    value += char;
  }
  return undefined;
}

export const gemspecAnalyzer = packageFileAnalyzer({
  name: 'language/gemspec',
  version: 1,
  ecosystem: 'gem',
  maxBytes: 4 * MiB,
  required: isInstalledGemspec,
  parse: parseGemspec,
});
