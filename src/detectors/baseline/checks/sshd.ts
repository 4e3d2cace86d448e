/** Checks on the SSH daemon configuration, resolved the way sshd reads it. */
import type { SshdConfigFacts } from '../types.js';
import type { BaselineCheck, CheckContext, CheckHit, TypedConfigFile } from './types.js';

const MAIN_CONFIG = 'etc/ssh/sshd_config';
const MAX_INCLUDE_DEPTH = 8;

interface Located {
  value: string;
  file: string;
  line: number;
  layerIndex: number;
}

interface Resolved {
  /** The first value sshd obtains outside Match blocks, following Include in place; undefined when never set. */
  global: Located | undefined;
  /** Values set inside Match blocks, which override the global one for matching connections. */
  inMatch: Array<Located & { criteria: string }>;
  main: TypedConfigFile<'sshd-config'>;
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${escaped}$`);
}

/**
 * Resolve one keyword over etc/ssh/sshd_config and the files it includes (relative Include paths
 * are relative to /etc/ssh, glob matches are read in lexical order, as sshd does). Drop-in files
 * that no Include names are not read by sshd and are ignored here too.
 */
function resolve(context: CheckContext, keyword: string): Resolved | undefined {
  const files = context.configs('sshd-config');
  const main = files.find((file) => file.path === MAIN_CONFIG);
  if (!main) return undefined;
  const result: Resolved = { global: undefined, inMatch: [], main };
  const walk = (file: TypedConfigFile<'sshd-config'>, depth: number): void => {
    const facts: SshdConfigFacts = file.facts;
    for (const directive of facts.directives) {
      if (directive.type === 'setting') {
        if (directive.setting.keyword === keyword && result.global === undefined) {
          result.global = { value: directive.setting.value, file: file.path, line: directive.setting.line, layerIndex: file.layerIndex };
        }
        continue;
      }
      if (depth >= MAX_INCLUDE_DEPTH) continue;
      for (const pattern of directive.patterns) {
        const path = pattern.startsWith('/') ? pattern.slice(1) : `etc/ssh/${pattern}`;
        const regex = globToRegExp(path);
        for (const included of files.filter((candidate) => regex.test(candidate.path)).sort((a, b) => (a.path < b.path ? -1 : 1))) walk(included, depth + 1);
      }
    }
    for (const block of facts.matchBlocks) {
      const setting = block.settings.find((candidate) => candidate.keyword === keyword);
      if (setting) result.inMatch.push({ value: setting.value, file: file.path, line: setting.line, layerIndex: file.layerIndex, criteria: block.criteria });
    }
  };
  walk(main, 0);
  return result;
}

function keywordCheck(spec: {
  id: string;
  title: string;
  severity: 'HIGH' | 'MEDIUM';
  remediation: string;
  description: string;
  keyword: string;
  display: string;
  bad: (value: string) => boolean;
  /** OpenSSH's value when the keyword is not set. */
  defaultValue: string;
  matchAllowed?: boolean;
}): BaselineCheck {
  return {
    id: spec.id,
    title: spec.title,
    severity: spec.severity,
    remediation: spec.remediation,
    description: spec.description,
    defaultEnabled: true,
    run(context) {
      const resolved = resolve(context, spec.keyword);
      if (!resolved) return [];
      const hits: CheckHit[] = [];
      if (resolved.global) {
        if (spec.bad(resolved.global.value)) {
          hits.push({ file: resolved.global.file, line: resolved.global.line, layerIndex: resolved.global.layerIndex, evidence: `${spec.display} ${resolved.global.value}` });
        }
      } else if (spec.bad(spec.defaultValue)) {
        hits.push({ file: resolved.main.path, layerIndex: resolved.main.layerIndex, evidence: `${spec.display} not set (OpenSSH default: ${spec.defaultValue})` });
      }
      if (spec.matchAllowed !== false) {
        for (const entry of resolved.inMatch) {
          if (spec.bad(entry.value)) hits.push({ file: entry.file, line: entry.line, layerIndex: entry.layerIndex, evidence: `Match ${entry.criteria}: ${spec.display} ${entry.value}` });
        }
      }
      return hits;
    },
  };
}

const isYes = (value: string): boolean => value.toLowerCase() === 'yes';

export const sshdChecks: readonly BaselineCheck[] = [
  keywordCheck({
    id: 'CUSTOMS-BL-009',
    title: 'sshd permits root login with a password',
    severity: 'HIGH',
    remediation: 'Set PermitRootLogin no (or prohibit-password) in sshd_config, and remove sshd from the image.',
    description: 'PermitRootLogin yes, globally or in a Match block, resolved across sshd_config and the files it includes (first value wins).',
    keyword: 'permitrootlogin',
    display: 'PermitRootLogin',
    bad: isYes,
    defaultValue: 'prohibit-password',
  }),
  keywordCheck({
    id: 'CUSTOMS-BL-010',
    title: 'sshd accepts password authentication',
    severity: 'MEDIUM',
    remediation: 'Set PasswordAuthentication no in sshd_config and use keys (or remove sshd from the image).',
    description: 'PasswordAuthentication yes, or not set at all (OpenSSH defaults to yes), globally or in a Match block.',
    keyword: 'passwordauthentication',
    display: 'PasswordAuthentication',
    bad: isYes,
    defaultValue: 'yes',
  }),
  keywordCheck({
    id: 'CUSTOMS-BL-011',
    title: 'sshd permits empty passwords',
    severity: 'HIGH',
    remediation: 'Set PermitEmptyPasswords no in sshd_config.',
    description: 'PermitEmptyPasswords yes, globally or in a Match block.',
    keyword: 'permitemptypasswords',
    display: 'PermitEmptyPasswords',
    bad: isYes,
    defaultValue: 'no',
  }),
  keywordCheck({
    id: 'CUSTOMS-BL-012',
    title: 'sshd allows SSH protocol 1',
    severity: 'HIGH',
    remediation: 'Remove the Protocol line (only protocol 2 exists in current OpenSSH) or set Protocol 2.',
    description: 'A Protocol setting that includes 1 (SSH-1 is broken; old daemons still honour it).',
    keyword: 'protocol',
    display: 'Protocol',
    bad: (value) => value.split(/[\s,]+/).includes('1'),
    defaultValue: '2',
    matchAllowed: false,
  }),
];
