import type { FinalFile } from '../../../layer/filesystem.js';
import type { CheckHit } from './types.js';

/** Regular files as a container sees them (hard links included). */
export function isRegular(file: FinalFile): boolean {
  return file.type === 'file' || file.type === 'hardlink';
}

export function octal(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}

export function fileHit(file: FinalFile, evidence?: string, extra: Partial<CheckHit> = {}): CheckHit {
  return { file: file.path, layerIndex: file.layerIndex, evidence: evidence ?? `mode ${octal(file.mode)}, owner ${file.uid}:${file.gid}`, ...extra };
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Whether a USER value (`root`, `0`, `root:root`, `0:0`) names the root user. */
export function isRootUser(user: string): boolean {
  const name = user.trim().split(':')[0] ?? '';
  return name === 'root' || name === '0';
}
