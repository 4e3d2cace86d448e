/**
 * Facts read from configuration files that baseline checks need (accounts, sudoers, sshd).
 * Only facts are kept, never secrets: a password hash is reduced to its type.
 */
export interface ConfigFileResult {
  kind: 'config-file';
  format: string;
  facts: Record<string, unknown>;
}
