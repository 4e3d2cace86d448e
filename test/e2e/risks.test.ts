import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fake } from '../../src/detectors/secrets/rules/fake.js';
import type { ScanReport } from '../../src/report/model.js';
import { runCli } from '../support/cli.js';
import { buildTarLayer, gzip, writeOciLayout } from '../support/oci-writer.js';

/**
 * The risk scanners end to end through the CLI, on an image whose first layer ships an AWS key
 * pair in a .env file that the second layer deletes, that runs as root without a healthcheck, and
 * whose history pipes a download into a shell. The raw secrets must appear nowhere in any output.
 */
const awsId = `AKIA${fake(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 'e2e-id')}`;
const awsSecret = fake(40, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'e2e-secret');
let work: string;
let layout: string;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'customs-e2e-risks-'));
  layout = join(work, 'layout');
  const first = await buildTarLayer([
    { path: 'app/', type: 'dir' },
    { path: 'app/.env', content: `# deploy settings\nAWS_ACCESS_KEY_ID=${awsId}\nAWS_SECRET_ACCESS_KEY=${awsSecret}\n` },
    { path: 'app/server.js', content: 'console.log("hello")\n' },
  ]);
  const second = await buildTarLayer([{ path: 'app/', type: 'dir' }, { path: 'app/.wh..env' }]);
  await writeOciLayout(layout, {
    tag: 'v1',
    layers: [
      { bytes: gzip(first), mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' },
      { bytes: gzip(second), mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' },
    ],
    config: {
      config: { Cmd: ['node', 'app/server.js'] },
      history: [
        { created: '2024-01-01T00:00:00Z', created_by: '/bin/sh -c curl -fsSL https://get.example.test/install.sh | sh' },
        { created: '2024-01-01T00:00:00Z', created_by: '/bin/sh -c rm app/.env' },
      ],
    },
  });
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('risk scanners, end to end', () => {
  it('reports a deleted secret with its layer, baseline and build-command risks, all masked', async () => {
    const result = await runCli(['scan', `oci:${layout}:v1`, '--scanners', 'secret,baseline,history', '--format', 'json', '--no-cache']);
    assert.equal(result.status, 0, result.stderr);
    for (const output of [result.stdout, result.stderr]) {
      assert.ok(!output.includes(awsSecret) && !output.includes(awsId), 'no raw secret in the output');
    }
    const report = JSON.parse(result.stdout) as ScanReport;
    assert.deepEqual(
      report.secrets!.map((f) => [f.id, f.severity, f.location.file, f.location.line, f.location.layerIndex, /deleted in a later layer/.test(f.title)]),
      [
        ['aws-secret-access-key', 'CRITICAL', 'app/.env', 3, 0, true],
        ['aws-access-key-id', 'HIGH', 'app/.env', 2, 0, true],
      ],
    );
    assert.ok(report.secrets!.every((f) => f.evidence !== undefined && f.evidence.includes('chars')));
    const baselineIds = report.baseline!.map((f) => f.id);
    for (const id of ['CIS-DI-0001', 'CIS-DI-0006', 'CUSTOMS-BL-015']) assert.ok(baselineIds.includes(id), `${id} in ${baselineIds.join(', ')}`);
    assert.deepEqual(report.buildCommands!.map((f) => [f.id, f.location.historyIndex]), [['CUSTOMS-HIS-001', 0]]);
    assert.deepEqual(report.scanners, ['secret', 'baseline', 'history']);

    const table = await runCli(['scan', `oci:${layout}:v1`, '--scanners', 'secret,baseline,history', '--no-cache']);
    assert.ok(!table.stdout.includes(awsSecret) && !table.stdout.includes(awsId));
    assert.ok(table.stdout.includes('SECRETS (total 2: CRITICAL 1, HIGH 1)'), table.stdout);
    const sarif = await runCli(['scan', `oci:${layout}:v1`, '--scanners', 'secret', '--no-cache', '--format', 'sarif']);
    assert.ok(!sarif.stdout.includes(awsSecret));
    const failing = await runCli(['scan', `oci:${layout}:v1`, '--scanners', 'secret', '--no-cache', '--severity', 'CRITICAL', '--exit-code', '5', '-q']);
    assert.equal(failing.status, 5);
  });

  it('turns a secret category off, and checks off by id', async () => {
    const result = await runCli(['scan', `oci:${layout}:v1`, '--scanners', 'secret,baseline', '--disable-category', 'cloud', '--checks', 'CIS-DI-0006', '--format', 'json', '--no-cache']);
    assert.equal(result.status, 0, result.stderr);
    const report = JSON.parse(result.stdout) as ScanReport;
    // With the cloud rules off, the generic .env rule still catches the secret by its variable name.
    assert.deepEqual(report.secrets!.map((f) => [f.id, f.location.line]), [['dotenv-secret', 3]]);
    assert.deepEqual(report.baseline!.map((f) => f.id), ['CIS-DI-0006']);
    const oneRuleOff = await runCli(['scan', `oci:${layout}:v1`, '--scanners', 'secret', '--disable-rule', 'aws-secret-access-key', '--format', 'json', '--no-cache']);
    // The secret key's own rule is off; the .env rule still reports the value by its variable name.
    assert.deepEqual((JSON.parse(oneRuleOff.stdout) as ScanReport).secrets!.map((f) => f.id), ['aws-access-key-id', 'dotenv-secret']);
  });
});
