/** Checks on sudoers rules. */
import type { SudoRule } from '../types.js';
import type { BaselineCheck, CheckContext, CheckHit } from './types.js';

function ruleText(rule: SudoRule): string {
  const runAs = rule.runAsGroups.length > 0 ? `${rule.runAsUsers.join(',')}:${rule.runAsGroups.join(',')}` : rule.runAsUsers.join(',');
  return `${rule.principals.join(',')} ${rule.hosts.join(',')}=(${runAs}) ${rule.nopasswd ? 'NOPASSWD: ' : ''}${rule.commands.join(', ')}`;
}

/** Members of a group: listed members and users whose primary group it is. */
function groupMembers(context: CheckContext, name: string): string[] | undefined {
  const groups = context.configs('group').flatMap((file) => file.facts.groups);
  const group = groups.find((entry) => (name.startsWith('#') ? `#${entry.gid}` === name : entry.name === name));
  if (!group) return undefined;
  const primary = context.configs('passwd').flatMap((file) => file.facts.users.filter((user) => user.gid === group.gid).map((user) => user.name));
  return [...new Set([...group.members, ...primary])];
}

export const sudoChecks: readonly BaselineCheck[] = [
  {
    id: 'CUSTOMS-BL-006',
    title: 'sudo without a password (NOPASSWD)',
    severity: 'HIGH',
    remediation: 'Remove NOPASSWD (and Defaults !authenticate) from sudoers; better, remove sudo from the image.',
    description: 'sudoers rules tagged NOPASSWD (HIGH when they allow ALL commands, MEDIUM for listed commands) and Defaults !authenticate, in /etc/sudoers and the files sudo reads from /etc/sudoers.d.',
    defaultEnabled: true,
    run(context) {
      const hits: CheckHit[] = [];
      for (const file of context.configs('sudoers')) {
        if (file.facts.authenticateDisabled) hits.push({ file: file.path, layerIndex: file.layerIndex, evidence: 'Defaults !authenticate' });
        for (const rule of file.facts.rules) {
          if (!rule.nopasswd) continue;
          hits.push({ file: file.path, line: rule.line, layerIndex: file.layerIndex, evidence: ruleText(rule), severity: rule.allCommands ? 'HIGH' : 'MEDIUM' });
        }
      }
      return hits;
    },
  },
  {
    id: 'CUSTOMS-BL-007',
    title: 'Unrestricted sudo for a non-root user or group',
    severity: 'MEDIUM',
    remediation: 'Limit sudo rules to the commands needed, or drop sudo: ALL=(ALL) ALL makes the user root.',
    description:
      'Rules allowing ALL commands as root or ALL for principals other than root. A rule for a %group with no members (neither listed nor as primary group) grants nothing and is not reported; Debian\'s stock `%sudo ALL=(ALL:ALL) ALL` is reported only when the sudo group has members.',
    defaultEnabled: true,
    run(context) {
      const hits: CheckHit[] = [];
      for (const file of context.configs('sudoers')) {
        for (const rule of file.facts.rules) {
          if (!rule.allCommands || !rule.runAsUsers.some((user) => user === 'ALL' || user === 'root' || user === '#0')) continue;
          const who: string[] = [];
          for (const principal of rule.principals) {
            if (principal === 'root' || principal === '#0') continue;
            if (principal.startsWith('%')) {
              const members = groupMembers(context, principal.slice(1));
              if (members !== undefined && members.length === 0) continue;
              who.push(members ? `${principal} (${members.join(', ')})` : principal);
            } else who.push(principal);
          }
          if (who.length > 0) hits.push({ file: file.path, line: rule.line, layerIndex: file.layerIndex, evidence: `${ruleText(rule)} — for ${who.join(', ')}` });
        }
      }
      return hits;
    },
  },
];
