import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import type { ValidateFunction } from 'ajv';
import AjvDraft04Module from 'ajv-draft-04';
import type { RiskFinding } from '../core/finding.js';
import type { VulnerabilityFinding } from '../core/vulnerability.js';
import { toSarif } from './sarif.js';

// The official SARIF 2.1.0 schema (draft-04), as Microsoft's SARIF SDK ships it.
const require = createRequire(import.meta.url);
const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;
// ajv-draft-04 is CommonJS; under NodeNext its class arrives as the default export's default.
const AjvDraft04 = (AjvDraft04Module as unknown as { default: new (options: object) => { compile(schema: object): ValidateFunction } }).default;
// The schema's language-tag pattern is not valid in Unicode mode, as ajv 8 compiles by default.
const validate = new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false }).compile(schema);

const vulnerability: VulnerabilityFinding = {
  id: 'CVE-2021-44228',
  aliases: ['GHSA-jfh8-c2jp-5v3q'],
  recordIds: ['GHSA-jfh8-c2jp-5v3q'],
  package: { ecosystem: 'maven', name: 'org.apache.logging.log4j:log4j-core', purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1', file: 'srv/app war.war', innerPath: 'WEB-INF/lib/log4j-core-2.14.1.jar', layerIndex: 1, layerDiffId: 'sha256:ab' },
  installedVersion: '2.14.1',
  fixedVersions: ['2.15.0'],
  status: 'fixed',
  severity: 'CRITICAL',
  score: 10,
  vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H',
  severitySource: 'cvss-v3.1',
  title: 'Remote code injection in Log4j',
  references: ['https://nvd.nist.gov/vuln/detail/CVE-2021-44228'],
  dataSource: 'Maven',
};
const secret: RiskFinding = {
  id: 'aws-access-key-id',
  category: 'secret/cloud',
  severity: 'HIGH',
  title: 'AWS access key ID',
  remediation: 'Revoke it.',
  location: { file: 'app/.env', line: 2, layerIndex: 0, layerDiffId: 'sha256:cd' },
  evidence: 'AKIA******** (20 chars)',
};
const history: RiskFinding = {
  id: 'CUSTOMS-HIS-001',
  category: 'build-history',
  severity: 'MEDIUM',
  title: 'Remote script piped into a shell',
  remediation: 'Download, verify, then run.',
  location: { historyIndex: 3 },
};

describe('toSarif', () => {
  it('writes a log the official SARIF 2.1.0 schema accepts, one rule per id', () => {
    const log = toSarif({ target: 'registry.test/app:1', toolVersion: '0.1.0', vulnerabilities: [vulnerability, { ...vulnerability, package: { ...vulnerability.package, file: 'srv/other.war' } }], risks: [secret, history] });
    assert.equal(validate(log), true, JSON.stringify(validate.errors));
    const run = log.runs[0]!;
    assert.deepEqual(run.tool.driver.rules.map((rule) => [rule.id, rule.defaultConfiguration.level, rule.properties['security-severity']]), [
      ['CVE-2021-44228', 'error', '10.0'],
      ['aws-access-key-id', 'error', '8.0'],
      ['CUSTOMS-HIS-001', 'warning', '5.5'],
    ]);
    assert.deepEqual(run.results.map((result) => [result.ruleId, result.ruleIndex, result.locations[0]!.physicalLocation.artifactLocation.uri, result.locations[0]!.physicalLocation.region.startLine]), [
      ['CVE-2021-44228', 0, 'srv/app%20war.war', 1],
      ['CVE-2021-44228', 0, 'srv/other.war', 1],
      ['aws-access-key-id', 1, 'app/.env', 2],
      ['CUSTOMS-HIS-001', 2, 'history/3', 1],
    ]);
    assert.ok(run.results[2]!.message.text.includes('AKIA******** (20 chars)'));
  });

  it('fails validation when the log is broken, so the check above can fail', () => {
    const log = toSarif({ target: 't', toolVersion: '0.1.0', vulnerabilities: [vulnerability], risks: [] }) as unknown as { runs: Array<{ results: Array<{ level: string }> }> };
    log.runs[0]!.results[0]!.level = 'fatal';
    assert.equal(validate(log), false);
  });
});
