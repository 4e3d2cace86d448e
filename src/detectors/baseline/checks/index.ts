import { accountChecks } from './accounts.js';
import { buildChecks } from './build.js';
import { filesystemChecks } from './filesystem.js';
import { imageChecks } from './image.js';
import { secretChecks } from './secrets.js';
import { sshdChecks } from './sshd.js';
import { sudoChecks } from './sudo.js';
import type { BaselineCheck } from './types.js';

/** Every baseline check, sorted by id. */
export const baselineChecks: readonly BaselineCheck[] = [...imageChecks, ...buildChecks, ...secretChecks, ...filesystemChecks, ...accountChecks, ...sudoChecks, ...sshdChecks].sort(
  (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
);

/**
 * CIS Docker Benchmark section 4 items (as Dockle numbers them) that cannot be judged from an
 * image, and why. They are documented rather than implemented.
 */
export const UNCHECKABLE_CIS_ITEMS: Readonly<Record<string, string>> = {
  'CIS-DI-0002': '4.2 Use trusted base images: trust is a policy decision about the image source, not a property of its bytes.',
  'CIS-DI-0003': '4.3 Do not install unnecessary packages: "necessary" depends on the application; the package inventory lists what is there.',
  'CIS-DI-0004': '4.4 Scan and rebuild images to include security patches: that is the vulnerability scan itself, not a configuration check.',
  'CIS-DI-0005': '4.5 Enable Content trust for Docker: DOCKER_CONTENT_TRUST is a setting of the client that pulls, not of the image (an image that turns it off in ENV is reported by CUSTOMS-BL-025).',
  'CIS-DI-0011': '4.11 Install verified packages only: not decidable from the result; build steps that turn verification off are reported by CUSTOMS-HIS-008/009.',
};

export type { BaselineCheck, BaselineInput, CheckContext, CheckHit, LocatedConfigFile, TypedConfigFile } from './types.js';
