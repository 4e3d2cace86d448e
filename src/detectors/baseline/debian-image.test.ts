/**
 * End to end: the baseline config-file analyzers and checks over the real Debian test image
 * (debootstrap bookworm minbase plus the debian-layered recipe). Every expectation is derived
 * from what the fixture recipe and the unpacked image say, not from what the checks report.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { fileAnalyzers } from '../../analyzers/index.js';
import { scanImage, type ImageScan } from '../../engine/scan.js';
import { openSource } from '../../source/index.js';
import { DEBIAN_LAYERED, ensureFixtures, type FinalFile, type Fixtures } from '../../../test/support/fixtures.js';
import { historyFindings } from '../history/index.js';
import { baselineChecks, baselineFileAnalyzers, baselineFindings, collectConfigFiles } from './index.js';

let fixtures: Fixtures;
let scan: ImageScan;
let reference: string;

before(async () => {
  fixtures = await ensureFixtures();
  reference = `oci:${fixtures.debianLayered.layout}:${fixtures.debianLayered.tag}`;
  const source = await openSource(reference);
  try {
    scan = await scanImage(source, { analyzers: [...fileAnalyzers, ...baselineFileAnalyzers] });
  } finally {
    await source.close();
  }
});

const isRegular = (file: FinalFile): boolean => file.type === 'file';
const byPath = (path: string): FinalFile | undefined => fixtures.debianLayered.finalFiles.find((file) => file.path === path);

function run(enabled?: Set<string>) {
  return baselineFindings({
    reference: scan.image.reference,
    metadata: scan.metadata,
    filesystem: scan.filesystem,
    configFiles: collectConfigFiles(scan.filesystem),
    secretFindings: [],
    enabled,
    diffIds: scan.image.layers.map((layer) => layer.diffId),
  });
}

/** The check ids the fixture's facts call for, each with the reason. */
function expectedIds(allChecks: boolean): Map<string, string> {
  const files = fixtures.debianLayered.finalFiles;
  const expected = new Map<string, string>();
  // The recipe sets USER 1000:1000 and a HEALTHCHECK, and its history has no ADD, apt-get update, sudo, ENV or VOLUME: no
  // CIS-DI-0001/0006/0007/0009/0010, DKL-DI-0001..0004.
  assert.equal(DEBIAN_LAYERED.user, '1000:1000');
  assert.ok(DEBIAN_LAYERED.healthcheck.Test.length > 0);
  // CIS-DI-0008: debootstrap's setuid/setgid binaries (su, passwd, mount, ... unix_chkpwd) and the recipe's suid-tool.
  if (files.some((file) => isRegular(file) && (file.mode & 0o6000) !== 0)) expected.set('CIS-DI-0008', 'setuid/setgid files');
  // DKL-DI-0005: debootstrap leaves the downloaded .debs in var/cache/apt/archives and the indexes in var/lib/apt/lists.
  if (files.some((file) => isRegular(file) && (file.path.startsWith('var/lib/apt/lists/') || /^var\/cache\/apt\/.*\.deb$/.test(file.path)))) expected.set('DKL-DI-0005', 'apt caches');
  // DKL-DI-0006: the image is referenced by the tag "latest".
  assert.equal(fixtures.debianLayered.tag, 'latest');
  expected.set('DKL-DI-0006', 'latest tag');
  // World-writable regular files and non-sticky directories: none in minbase (the 0666 device nodes are not regular files).
  if (files.some((file) => isRegular(file) && (file.mode & 0o002) !== 0)) expected.set('CUSTOMS-BL-001', 'world-writable files');
  if (files.some((file) => file.type === 'dir' && (file.mode & 0o002) !== 0 && (file.mode & 0o1000) === 0)) expected.set('CUSTOMS-BL-002', 'world-writable dirs');
  // Account files: passwd/group 0644 root, shadow 0640 root:shadow.
  for (const path of ['etc/passwd', 'etc/group']) {
    const file = byPath(path)!;
    if ((file.mode & 0o022) !== 0 || file.uid !== 0) expected.set('CUSTOMS-BL-019', `${path} writable`);
  }
  if ((byPath('etc/shadow')!.mode & 0o006) !== 0) expected.set('CUSTOMS-BL-020', 'shadow readable');
  // No sshd, no sudo, no sudoers, no host keys in minbase.
  for (const path of ['usr/sbin/sshd', 'usr/bin/sudo', 'etc/sudoers', 'etc/ssh/sshd_config']) assert.equal(byPath(path), undefined, path);
  // login.defs says PASS_MAX_DAYS 99999: CUSTOMS-BL-023, which is off by default.
  if (allChecks) expected.set('CUSTOMS-BL-023', 'PASS_MAX_DAYS 99999');
  return expected;
}

describe('baseline checks on the Debian test image', () => {
  it('reads passwd, shadow, group and login.defs, keeping no hash', () => {
    const configs = collectConfigFiles(scan.filesystem);
    assert.deepEqual(configs.map((config) => `${config.path}:${config.result.format}@${config.layerIndex}`).sort(), [
      'etc/group:group@0',
      'etc/login.defs:login-defs@0',
      'etc/passwd:passwd@0',
      'etc/shadow:shadow@0',
    ]);
    const shadow = configs.find((config) => config.result.format === 'shadow')!.result;
    assert.ok(shadow.format === 'shadow');
    // debootstrap locks every account with "*".
    assert.ok(shadow.facts.entries.length > 0 && shadow.facts.entries.every((entry) => entry.password.state === 'locked'));
    const passwd = configs.find((config) => config.result.format === 'passwd')!.result;
    assert.ok(passwd.format === 'passwd');
    assert.deepEqual(passwd.facts.users.find((user) => user.name === 'root'), { name: 'root', uid: 0, gid: 0, home: '/root', shell: '/bin/bash', password: { state: 'shadowed' }, line: 1 });
  });

  it('raises exactly the findings the image calls for, by default and with every check on', () => {
    const ids = (findings: ReturnType<typeof run>): string[] => [...new Set(findings.map((finding) => finding.id))].sort();
    assert.deepEqual(ids(run()), [...expectedIds(false).keys()].sort());
    assert.deepEqual(ids(run(new Set(baselineChecks.map((check) => check.id)))), [...expectedIds(true).keys()].sort());
  });

  it('finds no risky build command in the recipe history', () => {
    // debootstrap, COPY app /app, RUN rm ..., RUN rm -rf ... && mkdir ... && echo new > ...: nothing a rule looks for.
    assert.deepEqual(scan.metadata.history.map((step) => step.createdBy), [...DEBIAN_LAYERED.historyCreatedBy]);
    assert.deepEqual(historyFindings(scan.metadata.history), []);
  });

  it('lists every setuid and setgid file with its layer, and only those', () => {
    const expected = fixtures.debianLayered.finalFiles
      .filter((file) => isRegular(file) && (file.mode & 0o6000) !== 0)
      .map((file) => `${file.path} ${(file.mode & 0o7777).toString(8)} @${file.path === DEBIAN_LAYERED.suidPath ? 1 : 0}`)
      .sort();
    const actual = run(new Set(['CIS-DI-0008'])).map((finding) => `${finding.location.file} ${/mode (\d+)/.exec(finding.evidence ?? '')?.[1]?.replace(/^0/, '')} @${finding.location.layerIndex}`);
    assert.deepEqual(actual.sort(), expected);
    assert.ok(actual.some((line) => line.startsWith(`${DEBIAN_LAYERED.suidPath} 4755 @1`)));
    for (const finding of run(new Set(['CIS-DI-0008']))) assert.equal(finding.location.layerDiffId, scan.image.layers[finding.location.layerIndex!]!.diffId);
  });

  it('reports the apt caches debootstrap left, per cache and layer', () => {
    const files = fixtures.debianLayered.finalFiles.filter(isRegular);
    const lists = files.filter((file) => file.path.startsWith('var/lib/apt/lists/') && !file.path.endsWith('/lock'));
    const debs = files.filter((file) => /^var\/cache\/apt\/.*\.(?:deb|bin)$/.test(file.path));
    const sum = (list: FinalFile[]): number => list.reduce((total, file) => total + (file.size ?? 0), 0);
    assert.deepEqual(
      run(new Set(['DKL-DI-0005'])).map((finding) => [finding.location.file, finding.location.layerIndex, finding.evidence]),
      [
        ['var/cache/apt', 0, `${debs.length} files, ${sum(debs)} bytes`],
        ['var/lib/apt/lists', 0, `${lists.length} files, ${sum(lists)} bytes`],
      ],
    );
  });
});
