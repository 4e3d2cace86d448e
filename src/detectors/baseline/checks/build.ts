/** Checks on how the image was built, read from its history (Dockerfile instructions). */
import { stepEvidence, type AnalysedStep } from '../../history/index.js';
import { commandOf, splitCommands, words, type SimpleCommand } from '../../history/shell.js';
import type { BaselineCheck, CheckContext, CheckHit } from './types.js';

/** Commands that only refresh a package index. */
const INDEX_UPDATES: Record<string, readonly string[]> = {
  'apt-get': ['update'],
  apt: ['update'],
  aptitude: ['update'],
  apk: ['update'],
  yum: ['makecache'],
  dnf: ['makecache'],
  microdnf: ['makecache'],
  zypper: ['refresh', 'ref'],
};
/** Commands that use a refreshed index. */
const INDEX_USERS: Record<string, readonly string[]> = {
  'apt-get': ['install', 'upgrade', 'dist-upgrade', 'full-upgrade', 'build-dep', 'source', 'download', 'reinstall'],
  apt: ['install', 'upgrade', 'full-upgrade', 'dist-upgrade', 'reinstall'],
  aptitude: ['install', 'upgrade', 'safe-upgrade', 'full-upgrade', 'dist-upgrade'],
  apk: ['add', 'upgrade', 'fix'],
  yum: ['install', 'update', 'upgrade', 'reinstall'],
  dnf: ['install', 'update', 'upgrade', 'reinstall', 'distro-sync'],
  microdnf: ['install', 'update', 'upgrade'],
  zypper: ['install', 'in', 'update', 'up', 'dist-upgrade', 'dup'],
};

function verbOf(command: SimpleCommand): { program: string; verb: string | undefined; args: string[] } {
  const { program, args } = commandOf(command.text);
  return { program, verb: args.find((arg) => !arg.startsWith('-')), args };
}

function runSteps(context: CheckContext): Array<{ analysed: AnalysedStep; commands: SimpleCommand[] }> {
  return context.history.filter((analysed) => analysed.step.instruction === 'RUN').map((analysed) => ({ analysed, commands: splitCommands(analysed.step.text) }));
}

function stepHit(analysed: AnalysedStep, command?: SimpleCommand): CheckHit {
  const start = command ? analysed.step.offset + command.offset : undefined;
  return {
    historyIndex: analysed.step.index,
    layerIndex: analysed.step.layerIndex,
    evidence: stepEvidence(analysed, start, start === undefined ? undefined : start + command!.text.length),
  };
}

const ARCHIVE = /\.(?:tar|tgz|tar\.(?:gz|bz2|xz|zst|lz4)|tbz2?|txz)$/i;

export const buildChecks: readonly BaselineCheck[] = [
  {
    id: 'CIS-DI-0007',
    title: 'Package index update alone in a RUN instruction',
    severity: 'LOW',
    remediation: 'Refresh the index and install in the same RUN (apt-get update && apt-get install -y ...), so a cached layer never pairs a stale index with new installs.',
    description: 'CIS 4.7: a RUN step refreshes a package index (apt-get/apt/apk update, yum/dnf makecache, zypper refresh) without installing or upgrading in the same step.',
    defaultEnabled: true,
    run(context) {
      const hits: CheckHit[] = [];
      for (const { analysed, commands } of runSteps(context)) {
        const parsed = commands.map((command) => ({ command, ...verbOf(command) }));
        const update = parsed.find(({ program, verb }) => verb !== undefined && INDEX_UPDATES[program]?.includes(verb));
        const uses = parsed.some(({ program, verb }) => verb !== undefined && INDEX_USERS[program]?.includes(verb));
        if (update && !uses) hits.push(stepHit(analysed, update.command));
      }
      return hits;
    },
  },
  {
    id: 'CIS-DI-0009',
    title: 'ADD used instead of COPY',
    severity: 'LOW',
    remediation: 'Use COPY for local files; ADD fetches URLs and unpacks archives implicitly, which hides what enters the image.',
    description: "CIS 4.9: every ADD step except the two uses of ADD that COPY cannot replace: the classic builder's base root filesystem (`ADD file:<hash> in /`) and unpacking a local tar archive.",
    defaultEnabled: true,
    run({ history }) {
      return history
        .filter(({ step }) => step.instruction === 'ADD')
        .filter(({ step }) => {
          const operands = words(step.text).filter((word) => !word.startsWith('--'));
          const sources = operands[operands.length - 2] === 'in' ? operands.slice(0, -2) : operands.slice(0, -1);
          if (sources.length === 0) return true;
          return !sources.every((source) => /^file:[0-9a-f]{16,}$/.test(source) || (!/^[a-z]+:\/\//i.test(source) && ARCHIVE.test(source)));
        })
        .map((analysed) => stepHit(analysed));
    },
  },
  {
    id: 'DKL-DI-0001',
    title: 'sudo used in the build',
    severity: 'MEDIUM',
    remediation: 'Use USER root for the steps that need it instead of sudo, and do not ship sudo in the image.',
    description: 'A RUN step runs a command through sudo.',
    defaultEnabled: true,
    run(context) {
      const hits: CheckHit[] = [];
      for (const { analysed, commands } of runSteps(context)) {
        const withSudo = commands.find((command) => commandOf(command.text).sudo);
        if (withSudo) hits.push(stepHit(analysed, withSudo));
      }
      return hits;
    },
  },
  {
    id: 'DKL-DI-0003',
    title: 'Distribution upgrade in the build (apt-get dist-upgrade)',
    severity: 'LOW',
    remediation: 'Do not dist-upgrade in an image: use a newer base image instead.',
    description: 'A RUN step runs apt-get/apt dist-upgrade or full-upgrade (aptitude too).',
    defaultEnabled: true,
    run(context) {
      const hits: CheckHit[] = [];
      for (const { analysed, commands } of runSteps(context)) {
        const upgrade = commands.find((command) => {
          const { program, verb } = verbOf(command);
          return ['apt-get', 'apt', 'aptitude'].includes(program) && (verb === 'dist-upgrade' || verb === 'full-upgrade');
        });
        if (upgrade) hits.push(stepHit(analysed, upgrade));
      }
      return hits;
    },
  },
  {
    id: 'DKL-DI-0004',
    title: 'apk add without --no-cache',
    severity: 'LOW',
    remediation: 'Use apk add --no-cache so the package index is not left in the layer.',
    description: 'A RUN step runs apk add without --no-cache and does not remove /var/cache/apk in the same step.',
    defaultEnabled: true,
    run(context) {
      const hits: CheckHit[] = [];
      for (const { analysed, commands } of runSteps(context)) {
        const add = commands.find((command) => {
          const { program, verb, args } = verbOf(command);
          return program === 'apk' && verb === 'add' && !args.includes('--no-cache');
        });
        const cleaned = commands.some((command) => /^rm$/.test(commandOf(command.text).program) && /\/var\/cache\/apk\b/.test(command.text));
        if (add && !cleaned) hits.push(stepHit(analysed, add));
      }
      return hits;
    },
  },
];
