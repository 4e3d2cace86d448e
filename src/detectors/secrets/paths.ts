/**
 * Path matching for rules and the global exclusion list. Paths are relative to the image root,
 * without a leading slash ("etc/shadow", "app/node_modules/x/test/key.pem").
 */
import type { PathPattern } from './rule.js';

const globCache = new Map<string, RegExp>();

/**
 * Compile a glob: `**` any number of directories, `*` and `?` within one segment, `{a,b}`
 * alternatives. A glob without `/` matches the base name at any depth (`.netrc`, `*.p12`); one with
 * `/` matches the whole path (a leading `/` is ignored, `**\/` may match nothing).
 */
export function globToRegExp(glob: string): RegExp {
  const cached = globCache.get(glob);
  if (cached) return cached;
  let source = glob.startsWith('/') ? glob.slice(1) : glob;
  const basenameOnly = !source.includes('/');
  let out = '';
  let braceDepth = 0;
  for (let i = 0; i < source.length; i++) {
    const char = source[i]!;
    if (char === '*') {
      if (source[i + 1] === '*') {
        const atSegmentStart = i === 0 || source[i - 1] === '/';
        const followedBySlash = source[i + 2] === '/';
        if (atSegmentStart && followedBySlash) {
          out += '(?:[^/]*/)*';
          i += 2;
        } else {
          out += '.*';
          i += 1;
        }
      } else {
        out += '[^/]*';
      }
    } else if (char === '?') out += '[^/]';
    else if (char === '{') {
      braceDepth++;
      out += '(?:';
    } else if (char === '}' && braceDepth > 0) {
      braceDepth--;
      out += ')';
    } else if (char === ',' && braceDepth > 0) out += '|';
    else out += char.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  source = basenameOnly ? `(?:^|/)${out}$` : `^${out}$`;
  const regex = new RegExp(source);
  globCache.set(glob, regex);
  return regex;
}

/** One matcher for a list of globs and regexes (the globs combined into one regex); undefined when the list is empty. */
export function pathMatcher(patterns: readonly PathPattern[] | undefined): ((path: string) => boolean) | undefined {
  if (!patterns || patterns.length === 0) return undefined;
  const globs = patterns.filter((pattern): pattern is string => typeof pattern === 'string');
  const combined = globs.length > 0 ? new RegExp(globs.map((glob) => `(?:${globToRegExp(glob).source})`).join('|')) : undefined;
  const regexes = patterns.filter((pattern): pattern is RegExp => pattern instanceof RegExp).map((regex) => new RegExp(regex.source, regex.flags.replace(/[gy]/g, '')));
  return (path) => (combined?.test(path) ?? false) || regexes.some((regex) => regex.test(path));
}

export interface ExcludedPaths {
  id: string;
  reason: string;
  paths: readonly PathPattern[];
}

/**
 * Files no rule scans by default: test fixtures, examples and documentation that package managers
 * install, and the vendored test keys of crypto libraries. They hold sample keys and tokens by
 * design, and reporting them buries real findings (Trivy's builtin allow rules and Gitleaks'
 * global allowlist do the same, more broadly). Replace or extend it with the analyzer's
 * `excludePaths` / `defaultExcludes` options or a rules file's `excludePaths`; a rule can also
 * carry its own `excludePaths`.
 */
export const DEFAULT_EXCLUDED_PATHS: readonly ExcludedPaths[] = [
  {
    id: 'npm-package-tests',
    reason: 'tests, fixtures and examples shipped inside npm packages',
    paths: ['**/node_modules/**/{test,tests,__tests__,spec,specs,fixture,fixtures,__fixtures__,example,examples,testdata,test-data}/**'],
  },
  {
    id: 'python-package-tests',
    reason: 'tests shipped inside installed Python packages, and the cryptography test vectors',
    paths: [
      '**/{site,dist}-packages/**/{test,tests,testing,testdata}/**',
      '**/{site,dist}-packages/**/test_*.py',
      '**/{site,dist}-packages/cryptography_vectors/**',
      // The standard library's own test suite (keycert.pem and friends), in python:* images.
      '**/lib/python{2,3}*/test/**',
      '**/lib/python{2,3}*/**/{test,tests}/**',
    ],
  },
  {
    id: 'go-tests',
    reason: "Go's testdata directories and _test.go files (crypto/tls and x509 test keys) in the toolchain, the module cache and vendor trees",
    paths: [
      '{usr/local/go,usr/lib/go*,usr/share/go*}/**/testdata/**',
      '{usr/local/go,usr/lib/go*,usr/share/go*}/**/*_test.go',
      '**/go/pkg/mod/**/testdata/**',
      '**/go/pkg/mod/**/*_test.go',
      '**/vendor/**/testdata/**',
      '**/vendor/**/*_test.go',
      '**/go/src/**/testdata/**',
    ],
  },
  {
    id: 'ruby-gem-tests',
    reason: 'tests and specs shipped inside installed gems',
    paths: ['**/gems/*/{test,tests,spec}/**'],
  },
  {
    id: 'php-vendor-tests',
    reason: 'tests shipped inside Composer packages and PEAR',
    paths: ['**/vendor/*/*/{test,tests,Tests}/**', '**/lib/php/test/**'],
  },
  {
    id: 'cargo-registry-tests',
    reason: 'tests and examples inside the Cargo registry cache',
    paths: ['**/.cargo/registry/src/**/{tests,examples,benches}/**'],
  },
  {
    id: 'system-docs',
    reason: 'documentation, manual pages and locales installed by the OS',
    paths: ['usr/share/doc/**', 'usr/share/man/**', 'usr/share/info/**', 'usr/share/help/**', 'usr/share/locale/**', 'usr/share/i18n/**'],
  },
  {
    id: 'api-examples',
    reason: 'API example documents shipped by SDKs (aws-sdk apis/*.examples.json, botocore examples-1.json): sample passwords, keys and tokens',
    paths: ['*.examples.json', '**/botocore/data/**/examples-*.json'],
  },
  {
    id: 'type-declarations',
    reason: 'TypeScript declaration files: types and doc comments only, whose examples show token and URL formats',
    paths: ['*.d.ts', '*.d.mts', '*.d.cts'],
  },
  {
    id: 'markdown-docs',
    reason: 'Markdown and reStructuredText documents (READMEs, changelogs) explain token formats with examples',
    paths: ['*.md', '*.markdown', '*.rst'],
  },
];

/**
 * Extensions of files that are binary or compressed: not read at all (a rule with `paths`, such as
 * the .p12 one, still sees them). Anything else is read and skipped when its first bytes look binary.
 */
export const BINARY_EXTENSIONS: ReadonlySet<string> = new Set([
  // images, audio, video, fonts
  'png', 'jpg', 'jpeg', 'gif', 'bmp', 'ico', 'icns', 'webp', 'tif', 'tiff', 'psd', 'xcf', 'svgz', 'avif', 'heic',
  'mp3', 'mp4', 'm4a', 'wav', 'ogg', 'oga', 'flac', 'avi', 'mov', 'mkv', 'webm',
  'ttf', 'otf', 'woff', 'woff2', 'eot', 'pfb', 'pcf',
  // archives and packages
  'gz', 'tgz', 'bz2', 'tbz2', 'xz', 'txz', 'lz', 'lz4', 'lzma', 'zst', 'br', 'z', 'zip', 'jar', 'war', 'ear', 'whl', 'egg', '7z', 'rar', 'tar', 'deb', 'udeb', 'rpm', 'cab', 'iso', 'dmg', 'xpi', 'nupkg', 'crate',
  // object code and bytecode
  'so', 'a', 'o', 'ko', 'dll', 'exe', 'dylib', 'lib', 'obj', 'class', 'pyc', 'pyo', 'wasm', 'node', 'beam', 'elc', 'mo', 'gmo', 'rlib', 'pdb',
  // data
  'db', 'sqlite', 'sqlite3', 'pdf', 'bin', 'pack', 'idx', 'der', 'cer', 'dat', 'npy', 'pkl', 'parquet', 'h5', 'onnx', 'pt', 'mmdb', 'cdb',
  // key stores: binary, and matched by their own path-only rules
  'p12', 'pfx', 'jks', 'keystore', 'bks', 'kdbx',
]);

/** Versioned shared objects (libfoo.so.1.2.3) and kernel modules compressed in place (.ko.xz). */
const BINARY_NAME = /\.so(?:\.\d+)+$|\.ko\.(?:xz|zst|gz)$/;

export function hasBinaryExtension(path: string): boolean {
  const slash = path.lastIndexOf('/');
  const name = path.slice(slash + 1);
  const dot = name.lastIndexOf('.');
  if (dot > 0 && BINARY_EXTENSIONS.has(name.slice(dot + 1).toLowerCase())) return true;
  return BINARY_NAME.test(name);
}
