/**
 * Mask a secret for display and storage: a few leading characters (enough to recognise which
 * key it is) and the length, never the rest.
 */
export function maskSecret(value: string, visible = 4): string {
  if (value.length === 0) return '';
  const shown = value.length <= visible * 2 ? Math.min(2, Math.floor(value.length / 4)) : visible;
  return `${value.slice(0, shown)}${'*'.repeat(8)} (${value.length} chars)`;
}
