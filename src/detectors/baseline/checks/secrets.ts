/** Checks on secrets: in ENV and labels, and what the secret detector found in files. */
import { maskSecret } from '../../../core/mask.js';
import { findCatalogSecrets, findUrlCredentials, isPlaceholderValue, isSecretName, maskSpans, parseAssignments } from '../../history/index.js';
import { octal } from './helpers.js';
import type { BaselineCheck, CheckContext, CheckHit } from './types.js';

interface Setting {
  kind: 'ENV' | 'LABEL';
  name: string;
  value: string;
}

function settings(context: CheckContext): Setting[] {
  return [
    ...context.input.metadata.env.map(({ name, value }) => ({ kind: 'ENV' as const, name, value })),
    ...Object.entries(context.input.metadata.labels).map(([name, value]) => ({ kind: 'LABEL' as const, name, value })),
  ];
}

/** The last history step that set this ENV or LABEL, to point at the instruction. */
function definingStep(context: CheckContext, setting: Setting): Pick<CheckHit, 'historyIndex' | 'layerIndex'> {
  for (let index = context.history.length - 1; index >= 0; index--) {
    const { step } = context.history[index]!;
    if (step.instruction !== setting.kind) continue;
    if (parseAssignments(step.text).some((pair) => pair.name === setting.name)) return { historyIndex: step.index, layerIndex: step.layerIndex };
  }
  return {};
}

const PRIVATE_KEY = /private[-_ ]?key/i;

export const secretChecks: readonly BaselineCheck[] = [
  {
    id: 'CIS-DI-0010',
    title: 'Secret in ENV or a label',
    severity: 'HIGH',
    remediation: 'Remove the secret from the image configuration (pass it at run time from a secret store) and rotate it.',
    description:
      'CIS 4.10: ENV variables and labels whose value the secret catalog recognises (severity from the catalog rule), or whose name says secret (PASSWORD, SECRET, TOKEN, API_KEY, ACCESS_KEY, ...) with a value that is not empty, a variable reference, a path or a placeholder. One finding per variable; the catalog wins when both apply.',
    defaultEnabled: true,
    run(context) {
      const hits: CheckHit[] = [];
      for (const setting of settings(context)) {
        const text = `${setting.name}=${setting.value}`;
        const catalog = findCatalogSecrets(text);
        if (catalog.length > 0) {
          const withheld = catalog.some((secret) => secret.span === undefined);
          const masked = maskSpans(text, catalog.flatMap((secret) => (secret.span ? [secret.span] : []))).text;
          for (const secret of catalog) {
            hits.push({
              ...definingStep(context, setting),
              severity: secret.severity,
              title: `Secret in ${setting.kind} ${setting.name}: ${secret.title}`,
              evidence: withheld ? `${setting.kind} ${setting.name}=[withheld]` : `${setting.kind} ${masked}`,
            });
          }
          continue;
        }
        if (isSecretName(setting.name) && !isPlaceholderValue(setting.value)) {
          hits.push({ ...definingStep(context, setting), title: `Secret in ${setting.kind} ${setting.name}`, evidence: `${setting.kind} ${setting.name}=${maskSecret(setting.value, 0)}` });
        }
      }
      return hits;
    },
  },
  {
    id: 'CUSTOMS-BL-017',
    title: 'Password in a URL in ENV or a label',
    severity: 'HIGH',
    remediation: 'Keep credentials out of connection URLs in the image; pass the URL (or the password) at run time and rotate it.',
    description: 'ENV or label values with credentials written into a URL (scheme://user:password@host, or a token as the user of an https URL). Variable references are not reported.',
    defaultEnabled: true,
    run(context) {
      const hits: CheckHit[] = [];
      for (const setting of settings(context)) {
        const found = findUrlCredentials(setting.value).filter((credential) => !credential.reference && !isPlaceholderValue(credential.secret));
        if (found.length === 0) continue;
        const masked = maskSpans(setting.value, found.map((credential) => ({ start: credential.offset, end: credential.offset + credential.secret.length }))).text;
        hits.push({ ...definingStep(context, setting), evidence: `${setting.kind} ${setting.name}=${masked}` });
      }
      return hits;
    },
  },
  {
    id: 'CUSTOMS-BL-015',
    title: 'Cloud access key stored in plaintext',
    severity: 'HIGH',
    remediation: 'Remove the key from the image and rotate it; give workloads cloud credentials through the platform (instance roles, workload identity).',
    description: 'Every secret-detector finding of the cloud category (AWS, GCP, Azure, Alibaba Cloud, ... keys) in a file of the image.',
    defaultEnabled: true,
    run: ({ input }) =>
      input.secretFindings
        .filter((finding) => finding.category.replace(/^secret\//, '') === 'cloud')
        .map((finding) => ({
          file: finding.location.file?.replace(/^\/+/, ''),
          line: finding.location.line,
          layerIndex: finding.location.layerIndex,
          title: `Cloud access key stored in plaintext: ${finding.title}`,
          evidence: finding.evidence,
        })),
  },
  {
    id: 'CUSTOMS-BL-016',
    title: 'Private key readable by other users',
    severity: 'MEDIUM',
    remediation: 'chmod 600 the key and chown it to the user that needs it (better: mount keys at run time instead of shipping them).',
    description: 'Files where the secret detector found a private key (category private-key) and whose visible version is readable or writable by others. Keys in files deleted by a later layer have no permissions to judge.',
    defaultEnabled: true,
    run({ input }) {
      const hits: CheckHit[] = [];
      const seen = new Set<string>();
      for (const finding of input.secretFindings) {
        if (finding.category.replace(/^secret\//, '') !== 'private-key' && !PRIVATE_KEY.test(finding.id)) continue;
        const path = finding.location.file?.replace(/^\/+/, '');
        if (path === undefined || seen.has(path)) continue;
        const file = input.filesystem.get(path);
        if (!file || (finding.location.layerIndex !== undefined && file.layerIndex !== finding.location.layerIndex) || (file.mode & 0o006) === 0) continue;
        seen.add(path);
        hits.push({ file: path, line: finding.location.line, layerIndex: file.layerIndex, evidence: `mode ${octal(file.mode)}, owner ${file.uid}:${file.gid} (${finding.title})` });
      }
      return hits;
    },
  },
];
