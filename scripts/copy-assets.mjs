// tsc compiles TypeScript only: copy the files dist/ needs at run time next to the code that reads them.
// Stale copies are removed first, so a renamed or deleted rule file cannot linger in dist/.
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const ASSETS = [{ from: 'src/detectors/malware/rules', to: 'dist/detectors/malware/rules', extension: '.yar' }];

for (const { from, to, extension } of ASSETS) {
  const source = path.join(root, from);
  const target = path.join(root, to);
  mkdirSync(target, { recursive: true });
  for (const name of readdirSync(target)) if (name.endsWith(extension)) rmSync(path.join(target, name));
  const names = readdirSync(source).filter((name) => name.endsWith(extension));
  for (const name of names) copyFileSync(path.join(source, name), path.join(target, name));
  console.log(`copied ${names.length} ${extension} files to ${to}`);
}
