import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dpkg } from './dpkg/index.js';
import { go } from './go/index.js';
import { maven } from './maven/index.js';
import { fixedVersions, isAffected, type OsvAffectedVersions, type OsvProblem } from './osv-range.js';
import { pep440 } from './pep440/index.js';
import { semver } from './semver/index.js';
import type { VersionScheme } from './types.js';

interface Case {
  name: string;
  scheme: VersionScheme;
  affected: OsvAffectedVersions;
  /** version → affected? */
  expect: Record<string, boolean>;
}

const semverRange = (...events: object[]): OsvAffectedVersions => ({ ranges: [{ type: 'SEMVER', events }] });
const ecosystemRange = (...events: object[]): OsvAffectedVersions => ({ ranges: [{ type: 'ECOSYSTEM', events }] });
const twoPairs = [{ introduced: '1.0.0' }, { fixed: '1.0.2' }, { introduced: '3.0.0' }, { fixed: '3.2.5' }];

const CASES: Case[] = [
  {
    name: 'introduced 0, fixed (the schema\'s "fixed vulnerability" example)',
    scheme: semver,
    affected: semverRange({ introduced: '0' }, { fixed: '1.0.2' }),
    expect: { '0.0.0': true, '0.9.0': true, '1.0.1': true, '1.0.2-rc.1': true, '1.0.2': false, '1.0.3': false, '2.0.0': false },
  },
  {
    name: 'two introduced/fixed pairs (the "multiple range" example)',
    scheme: semver,
    affected: semverRange(...twoPairs),
    expect: { '0.9.0': false, '1.0.0': true, '1.0.1': true, '1.0.2': false, '2.0.0': false, '3.0.0-rc.1': false, '3.0.0': true, '3.2.4': true, '3.2.5': false, '4.0.0': false },
  },
  {
    name: 'the same events out of order',
    scheme: semver,
    affected: semverRange({ fixed: '3.2.5' }, { introduced: '3.0.0' }, { fixed: '1.0.2' }, { introduced: '1.0.0' }),
    expect: { '0.9.0': false, '1.0.0': true, '1.0.1': true, '1.0.2': false, '2.0.0': false, '3.0.0': true, '3.2.4': true, '3.2.5': false, '4.0.0': false },
  },
  {
    name: 'last_affected is inclusive',
    scheme: semver,
    affected: semverRange({ introduced: '1.0.0' }, { last_affected: '1.5.0' }),
    expect: { '0.9.0': false, '1.0.0': true, '1.5.0': true, '1.5.1-rc.1': false, '1.5.1': false },
  },
  {
    name: 'unfixed: affected from introduced on',
    scheme: semver,
    affected: semverRange({ introduced: '2.0.0' }),
    expect: { '1.9.9': false, '2.0.0-rc.1': false, '2.0.0': true, '99.0.0': true },
  },
  {
    name: 'introduced 0 alone: every version',
    scheme: semver,
    affected: semverRange({ introduced: '0' }),
    expect: { '0.0.0-0': true, '0.0.0': true, '1.0.0': true },
  },
  {
    name: 'a limit bounds an unfixed range',
    scheme: semver,
    affected: semverRange({ introduced: '0' }, { limit: '2.0.0' }),
    expect: { '1.9.9': true, '2.0.0': false, '3.0.0': false },
  },
  {
    name: 'several limits: below any one of them is enough',
    scheme: semver,
    affected: semverRange({ introduced: '1.0.0' }, { limit: '1.5.0' }, { limit: '3.0.0' }),
    expect: { '0.5.0': false, '1.0.0': true, '2.0.0': true, '3.0.0': false },
  },
  {
    name: 'limit "*" is infinity',
    scheme: semver,
    affected: semverRange({ introduced: '1.0.0' }, { limit: '*' }),
    expect: { '0.5.0': false, '1.0.0': true, '1000.0.0': true },
  },
  {
    name: 'a fix at a version that is introduced again re-opens the range',
    scheme: semver,
    affected: semverRange({ introduced: '1.0.0' }, { fixed: '2.0.0' }, { introduced: '2.0.0' }, { fixed: '3.0.0' }),
    expect: { '1.5.0': true, '2.0.0': true, '2.5.0': true, '3.0.0': false },
  },
  {
    name: 'introduced and fixed at the same version: empty',
    scheme: semver,
    affected: semverRange({ introduced: '1.0.0' }, { fixed: '1.0.0' }),
    expect: { '0.1.0': false, '1.0.0': false, '1.1.0': false },
  },
  {
    name: 'the versions list, by exact string',
    scheme: semver,
    affected: { versions: ['1.2.3', '1.2.4'] },
    expect: { '1.2.3': true, '1.2.4': true, '1.2.5': false, 'v1.2.3': false },
  },
  {
    name: 'a long versions list',
    scheme: pep440,
    affected: { versions: Array.from({ length: 50 }, (_, i) => `1.${i}`) },
    expect: { '1.0': true, '1.49': true, '1.50': false },
  },
  {
    name: 'GIT ranges are ignored; the versions list still counts',
    scheme: semver,
    affected: { ranges: [{ type: 'GIT', repo: 'https://example.invalid/repo', events: [{ introduced: '0' }, { fixed: 'a'.repeat(40) }] }], versions: ['1.0.0'] },
    expect: { '0.5.0': false, '1.0.0': true, '2.0.0': false },
  },
  {
    name: 'unknown range types are ignored',
    scheme: semver,
    affected: { ranges: [{ type: 'FUTURE', events: [{ introduced: '0' }] }] },
    expect: { '1.0.0': false },
  },
  {
    name: 'any one range is enough',
    scheme: semver,
    affected: { ranges: [{ type: 'SEMVER', events: [{ introduced: '1.0.0' }, { fixed: '1.1.0' }] }, { type: 'ECOSYSTEM', events: [{ introduced: '2.0.0' }, { fixed: '2.1.0' }] }] },
    expect: { '1.0.5': true, '1.5.0': false, '2.0.5': true, '2.1.0': false },
  },
  {
    name: 'ECOSYSTEM ranges use the ecosystem order: dpkg epochs and tildes',
    scheme: dpkg,
    affected: ecosystemRange({ introduced: '0' }, { fixed: '1.2-1' }),
    expect: { '~1': true, '1.2~rc1-1': true, '1.1-9': true, '1.2-0.1': true, '1.2-1': false, '1.2-1+deb12u1': false, '1:1.0-1': false },
  },
  {
    name: 'ECOSYSTEM ranges use the ecosystem order: PEP 440',
    scheme: pep440,
    affected: ecosystemRange({ introduced: '1.0' }, { fixed: '2.0' }),
    expect: { '1.0rc1': false, '1.0.0': true, '2.0rc1': true, '2.0.dev1': true, '2.0': false, '2.0.0': false, '2.0.post1': false },
  },
  {
    name: 'ECOSYSTEM ranges use the ecosystem order: Maven',
    scheme: maven,
    affected: ecosystemRange({ introduced: '0' }, { fixed: '2.15.0' }),
    expect: { '2.15.0-rc1': true, '2.14.9': true, '2.15.0': false, '2.15': false, '2.15.0.Final': false },
  },
  {
    name: 'SEMVER ranges read a leading v (Go module versions)',
    scheme: go,
    affected: semverRange({ introduced: '0' }, { fixed: '1.2.4' }),
    expect: { 'v1.2.3': true, 'v1.2.4': false, 'v0.0.0-20191109021931-daa7c04131f5': true, 'v2.0.0+incompatible': false },
  },
  {
    name: 'an unreadable fixed event is skipped: the range stays open',
    scheme: semver,
    affected: semverRange({ introduced: '1.0.0' }, { fixed: 'not a version' }),
    expect: { '0.9.0': false, '1.0.0': true, '5.0.0': true },
  },
  {
    name: 'an unreadable introduced event is skipped: nothing opens the range',
    scheme: semver,
    affected: semverRange({ introduced: 'garbage' }, { fixed: '2.0.0' }),
    expect: { '1.0.0': false, '3.0.0': false },
  },
  {
    name: 'an unreadable limit is skipped',
    scheme: semver,
    affected: semverRange({ introduced: '0' }, { limit: 'x.y' }),
    expect: { '1.0.0': true },
  },
  {
    name: 'an unreadable version matches only through the versions list',
    scheme: semver,
    affected: { ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }], versions: ['weird-1'] },
    expect: { 'weird-1': true, 'weird-2': false },
  },
];

describe('OSV range evaluation', () => {
  for (const c of CASES) {
    it(c.name, () => {
      for (const [version, expected] of Object.entries(c.expect)) {
        assert.equal(isAffected(version, c.affected, c.scheme), expected, `${version} in ${JSON.stringify(c.affected)}`);
      }
    });
  }

  it('reports unreadable versions without throwing', () => {
    const problems: OsvProblem[] = [];
    const affected = semverRange({ introduced: 'garbage' }, { fixed: '2.0.0' }, { limit: 'x.y' });
    assert.equal(isAffected('1.0.0', affected, semver, { onProblem: (p) => problems.push(p) }), false);
    assert.deepEqual(
      problems.map((p) => [p.field, p.version, p.rangeType]),
      [
        ['introduced', 'garbage', 'SEMVER'],
        ['limit', 'x.y', 'SEMVER'],
      ],
    );
    problems.length = 0;
    assert.equal(isAffected('not-a-version', affected, semver, { onProblem: (p) => problems.push(p) }), false);
    assert.deepEqual(problems.map((p) => p.field), ['version']);
    assert.match(problems[0]!.reason, /invalid semver version "not-a-version"/);
  });

  it('matches 2,000 packages against 20,000 ranges quickly', (t) => {
    // Debian-like data: each package has 10 entries of two ranges with 2 to 3 events.
    let seed = 1;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    const version = () => `${random(5) === 0 ? '1:' : ''}${random(10)}.${random(30)}.${random(20)}-${random(5)}${random(3) === 0 ? `+deb12u${random(12)}` : ''}`;
    const packages = Array.from({ length: 2000 }, version);
    const entries = packages.map(() =>
      Array.from({ length: 10 }, () => ({
        ranges: [
          { type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: version() }] },
          { type: 'ECOSYSTEM', events: [{ introduced: version() }, { fixed: version() }, { introduced: version() }] },
        ],
      })),
    );
    const run = () => {
      const started = performance.now();
      let hits = 0;
      for (let i = 0; i < packages.length; i++) for (const entry of entries[i]!) if (isAffected(packages[i]!, entry, dpkg)) hits++;
      return { ms: performance.now() - started, hits };
    };
    const first = run();
    const second = run();
    assert.equal(second.hits, first.hits);
    t.diagnostic(`first run ${first.ms.toFixed(1)} ms, second ${second.ms.toFixed(1)} ms, ${first.hits} hits`);
    // Typically 30 to 60 ms on a busy 2-core machine; the bound only catches a blow-up.
    assert.ok(second.ms < 1500, `${second.ms} ms`);
  });

  it('survives records without ranges or events', () => {
    assert.equal(isAffected('1.0.0', {}, semver), false);
    assert.equal(isAffected('1.0.0', { ranges: [] }, semver), false);
    assert.equal(isAffected('1.0.0', semverRange(), semver), false);
    assert.deepEqual(fixedVersions('1.0.0', {}, semver), []);
  });
});

describe('fixed versions to upgrade to', () => {
  it('names the fix that closes the interval the version is in', () => {
    const affected = semverRange(...twoPairs);
    assert.deepEqual(fixedVersions('1.0.1', affected, semver), ['1.0.2']);
    assert.deepEqual(fixedVersions('3.1.0', affected, semver), ['3.2.5']);
    assert.deepEqual(fixedVersions('2.0.0', affected, semver), []); // not affected
    assert.deepEqual(fixedVersions('0.5.0', affected, semver), []);
  });

  it('works on unsorted events and takes the first fix above the version', () => {
    const affected = semverRange({ fixed: '1.3.0' }, { introduced: '0' }, { fixed: '1.2.0' });
    assert.deepEqual(fixedVersions('1.1.0', affected, semver), ['1.2.0']);
  });

  it('has none for unfixed ranges and last_affected ceilings', () => {
    assert.deepEqual(fixedVersions('3.0.0', semverRange({ introduced: '2.0.0' }), semver), []);
    assert.deepEqual(fixedVersions('1.2.0', semverRange({ introduced: '1.0.0' }, { last_affected: '1.5.0' }), semver), []);
  });

  it('collects one fix per affecting range, unique and ascending', () => {
    const affected: OsvAffectedVersions = {
      ranges: [
        { type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.0-3' }] },
        { type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1:1.0-1' }] },
        { type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.9-1' }] },
        { type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.0-3' }] },
      ],
    };
    assert.deepEqual(fixedVersions('1.5-1', affected, dpkg), ['1.9-1', '2.0-3', '1:1.0-1']);
  });
});
