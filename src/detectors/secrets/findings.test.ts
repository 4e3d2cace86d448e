import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FileInfo } from '../../core/files.js';
import type { LayerAnalysis } from '../../layer/analysis.js';
import { FinalFilesystem } from '../../layer/filesystem.js';
import { SECRET_ANALYZER_NAME } from './analyzer.js';
import { collectSecretResults, DELETED_SUFFIX, isSecretFinding, secretFindings, type LocatedSecrets } from './findings.js';
import type { SecretRule } from './rule.js';
import type { SecretMatch, SecretsResult } from './types.js';

const match = (ruleId: string, line: number, fingerprint: string, extra: Partial<SecretMatch> = {}): SecretMatch => ({ ruleId, line, masked: `${fingerprint.slice(0, 4)}******** (40 chars)`, fingerprint, ...extra });
const result = (...matches: SecretMatch[]): SecretsResult => ({ kind: 'secrets', matches });
const located = (path: string, layerIndex: number, visible: boolean, ...matches: SecretMatch[]): LocatedSecrets => ({ path, layerIndex, layerDiffId: `sha256:layer${layerIndex}`, result: result(...matches), visible });

describe('secret findings', () => {
  it('carries the rule metadata, the location and the masked evidence', () => {
    const [finding] = secretFindings([located('app/.env', 1, true, match('dotenv-secret', 3, 'aaaa1111', { masked: '******** (12 chars)', note: 'DB_PASSWORD' }))]);
    assert.deepEqual(finding, {
      id: 'dotenv-secret',
      category: 'secret/credentials-file',
      severity: 'HIGH',
      title: 'Secret in an environment file or variable',
      remediation: finding?.remediation,
      location: { file: 'app/.env', line: 3, layerIndex: 1, layerDiffId: 'sha256:layer1' },
      evidence: '******** (12 chars) [DB_PASSWORD]',
    });
    assert.ok(finding && finding.remediation.length > 20 && isSecretFinding(finding));
  });

  it('reports a secret whose file was deleted later, and says so', () => {
    const findings = secretFindings([located('root/.ssh/id_rsa', 0, false, match('rsa-private-key', 1, 'bbbb2222'))]);
    assert.equal(findings.length, 1);
    assert.equal(findings[0]?.title, `RSA private key ${DELETED_SUFFIX}`);
    assert.equal(DELETED_SUFFIX, '(file deleted in a later layer)');
  });

  it('reports the same value in the same file once, at the lowest layer', () => {
    const findings = secretFindings([
      located('app/.env', 2, true, match('github-personal-access-token', 5, 'cccc3333')),
      located('app/.env', 0, false, match('github-personal-access-token', 1, 'cccc3333'), match('github-personal-access-token', 9, 'cccc3333')),
      located('app/other.env', 2, true, match('github-personal-access-token', 1, 'cccc3333')),
    ]);
    assert.deepEqual(
      findings.map((finding) => [finding.location.file, finding.location.line, finding.location.layerIndex, finding.title]),
      [
        // Still there at the top (layer 2 has it visible), so not "deleted".
        ['app/.env', 1, 0, 'GitHub personal access token (classic)'],
        ['app/.env', 9, 0, 'GitHub personal access token (classic)'],
        ['app/other.env', 1, 2, 'GitHub personal access token (classic)'],
      ],
    );
  });

  it('sorts by severity, then file, then line', () => {
    const findings = secretFindings([
      located('b/config', 0, true, match('jwt', 4, 'dddd'), match('aws-secret-access-key', 9, 'eeee')),
      located('a/config', 0, true, match('jwt', 2, 'ffff'), match('aws-secret-access-key', 7, 'gggg'), match('aws-access-key-id', 6, 'hhhh')),
    ]);
    assert.deepEqual(
      findings.map((finding) => `${finding.severity} ${finding.location.file}:${finding.location.line}`),
      ['CRITICAL a/config:7', 'CRITICAL b/config:9', 'HIGH a/config:6', 'MEDIUM a/config:2', 'MEDIUM b/config:4'],
    );
  });

  it('uses the given rules (user rules), falls back for unknown ids, and leaves line out for whole files', () => {
    const custom: SecretRule = { id: 'acme-api-key', category: 'saas', severity: 'LOW', title: 'ACME key', remediation: 'Revoke.', keywords: ['acme_'] };
    const findings = secretFindings([located('app/a', 0, true, match('acme-api-key', 1, 'iiii'), match('retired-rule', 2, 'jjjj')), located('app/c.p12', 0, true, match('pkcs12-file', 0, 'kkkk'))], [custom]);
    assert.deepEqual(
      findings.map((finding) => [finding.id, finding.severity, finding.title, finding.category, finding.location.line]),
      [
        ['retired-rule', 'MEDIUM', 'Secret (rule retired-rule)', 'secret/unknown', 2],
        ['pkcs12-file', 'MEDIUM', 'Secret (rule pkcs12-file)', 'secret/unknown', undefined],
        ['acme-api-key', 'LOW', 'ACME key', 'secret/saas', 1],
      ],
    );
  });

  it('collects results from every layer of a final filesystem, with visibility', () => {
    const info = (path: string): FileInfo => ({ path, type: 'file', mode: 0o600, size: 10, uid: 0, gid: 0 });
    const layer = (files: FileInfo[], results: Array<[string, SecretsResult]>, whiteouts: string[] = []): LayerAnalysis => ({
      files,
      whiteouts,
      opaqueDirs: [],
      results: results.map(([path, secrets]) => ({ analyzer: SECRET_ANALYZER_NAME, path, result: secrets })),
      warnings: [],
      analyzerFailures: [],
      uncompressedSize: 0,
    });
    const filesystem = new FinalFilesystem([
      layer([info('root/.ssh/id_rsa'), info('app/.env')], [
        ['root/.ssh/id_rsa', result(match('rsa-private-key', 1, 'key1'))],
        ['app/.env', result(match('dotenv-secret', 1, 'pw1'))],
      ]),
      layer([info('app/.env')], [['app/.env', result(match('dotenv-secret', 1, 'pw2'))]], ['root/.ssh/id_rsa']),
    ]);
    const collected = collectSecretResults(filesystem, ['sha256:base', 'sha256:app']);
    assert.deepEqual(
      collected.map((entry) => [entry.path, entry.layerIndex, entry.layerDiffId, entry.visible]),
      [
        ['root/.ssh/id_rsa', 0, 'sha256:base', false],
        ['app/.env', 0, 'sha256:base', false],
        ['app/.env', 1, 'sha256:app', true],
      ],
    );
    assert.deepEqual(
      secretFindings(collected).map((finding) => [finding.id, finding.location.layerIndex, finding.title.endsWith(DELETED_SUFFIX)]),
      [
        ['rsa-private-key', 0, true],
        ['dotenv-secret', 0, true],
        ['dotenv-secret', 1, false],
      ],
    );
  });
});
