import type { PackageRecord } from '../../../core/package.js';
import { MiB, PackageList, baseName, packageFileAnalyzer } from '../common.js';

export function isGemfileLock(path: string): boolean {
  // gems.locked is the name Bundler uses next to a gems.rb.
  const name = baseName(path);
  return name === 'Gemfile.lock' || name === 'gems.locked';
}

/**
 * A platform suffix as Bundler writes it after the version ("1.15.4-x86_64-linux",
 * "1.9.6-java", "1.16.0-arm64-darwin"): it starts with a CPU or OS name, which a RubyGems
 * version never contains ("1.0.0-beta" is normalised to "1.0.0.pre.beta").
 */
const PLATFORM_SUFFIX = /-(?:x86_64|x86|x64|i[3-6]86|amd64|arm64|aarch64|arm|armv\w+|universal|powerpc\w*|ppc64\w*|s390x|sparc\w*|riscv64|loongarch64|wasm32|java|jruby|dalvik\w*|mswin\w*|mingw\w*|darwin\w*|linux\w*|freebsd\w*|openbsd\w*|netbsd\w*|solaris\w*|cygwin)(?:[-_.\w]*)$/;

/** "    name (version)" at four spaces: a spec; deeper lines are that spec's own dependencies. */
const SPEC_LINE = /^ {4}([^\s(]+) \(([^)\s]+)\)$/;

/**
 * Gemfile.lock: the gems of every GEM section (gems from a rubygems source). GIT and PATH
 * sections are the project or checkouts whose version number says nothing about the code;
 * they are not reported. Platform suffixes are dropped and the variants of one version merged.
 */
export function parseGemfileLock(text: string): PackageRecord[] {
  const list = new PackageList('gem');
  let section = '';
  let inSpecs = false;
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (line.trim() === '') continue;
    if (!line.startsWith(' ')) {
      section = line.trim();
      if (!/^[A-Z][A-Z ]*$/.test(section)) throw new Error(`Gemfile.lock line ${index + 1}: expected a section name such as GEM or PLATFORMS, found ${JSON.stringify(section.slice(0, 80))}`);
      inSpecs = false;
      continue;
    }
    if (section !== 'GEM') continue;
    if (/^ {2}\S/.test(line)) {
      inSpecs = line.trim() === 'specs:';
      continue;
    }
    if (!inSpecs || line.startsWith('      ')) continue;
    const spec = SPEC_LINE.exec(line);
    if (!spec) throw new Error(`Gemfile.lock line ${index + 1}: expected "    name (version)" in the GEM specs, found ${JSON.stringify(line.trim().slice(0, 80))}`);
    list.add({ name: spec[1]!, version: spec[2]!.replace(PLATFORM_SUFFIX, '') });
  }
  return list.records();
}

export const gemfileLockAnalyzer = packageFileAnalyzer({
  name: 'language/gemfile-lock',
  version: 1,
  ecosystem: 'gem',
  maxBytes: 16 * MiB,
  required: isGemfileLock,
  parse: parseGemfileLock,
});
