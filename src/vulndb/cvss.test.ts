import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as aeNamespace from 'ae-cvss-calculator';
import { cvssRating, cvssScore, CvssError, parseCvssVector, tryCvssScore } from './cvss.js';

type AeModule = typeof import('ae-cvss-calculator');
const ae: AeModule = (aeNamespace as Partial<AeModule>).Cvss3P1 ? aeNamespace : (aeNamespace as unknown as { default: AeModule }).default;

/** FIRST's "CVSS v3.1: Examples" document: every example's base vector and base score. */
const V31_EXAMPLES: Array<[string, string, number]> = [
  ['CVE-2013-1937 phpMyAdmin reflected XSS', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 6.1],
  ['CVE-2013-0375 MySQL stored SQL injection', 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N', 6.4],
  ['CVE-2014-3566 SSLv3 POODLE', 'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N', 3.1],
  ['CVE-2012-1516 VMware guest to host escape', 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H', 9.9],
  ['CVE-2009-0783 Apache Tomcat XML parser', 'CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:L', 4.2],
  ['CVE-2012-0384 Cisco IOS command injection', 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', 8.8],
  ['CVE-2015-1098 iWork denial of service', 'CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H', 7.8],
  ['CVE-2014-0160 Heartbleed', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', 7.5],
  ['CVE-2014-6271 Shellshock', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8],
  ['CVE-2008-1447 DNS Kaminsky bug', 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:N/I:H/A:N', 6.8],
  ['CVE-2014-2005 Sophos login screen bypass', 'CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 6.8],
  ['CVE-2010-0467 Joomla directory traversal', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:L/I:N/A:N', 5.8],
  ['CVE-2012-1342 Cisco ACL bypass', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:L/A:N', 5.8],
  ['CVE-2013-6014 Juniper proxy ARP denial of service', 'CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:C/C:H/I:N/A:H', 9.3],
  ['CVE-2014-9253 DokuWiki reflected XSS', 'CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N', 5.4],
  ['CVE-2009-0658 Adobe Acrobat buffer overflow', 'CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H', 7.8],
  ['CVE-2011-1265 Microsoft Windows Bluetooth RCE', 'CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 8.8],
  ['CVE-2014-2019 Apple iOS security control bypass', 'CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N', 4.6],
  ['CVE-2015-0970 SearchBlox CSRF', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H', 8.8],
  ['CVE-2014-0224 OpenSSL CCS injection', 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N', 7.4],
  ['CVE-2012-5376 Google Chrome sandbox bypass', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H', 9.6],
];

/**
 * CVSS v4.0 vectors with the FIRST calculator's scores (RedHatProductSecurity/cvss, tests/vectors_simple4
 * and tests/test_cvss4.py, generated from and checked against the FIRST calculator).
 */
const V40_EXAMPLES: Array<[string, number]> = [
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:H/VA:L/SC:N/SI:H/SA:L', 9.2],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:H/SI:N/SA:L', 7.8],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:N/SC:N/SI:L/SA:N', 6.9],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:H/SI:L/SA:H', 7.9],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:H/VI:N/VA:L/SC:N/SI:H/SA:N', 8.3],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 8.6],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N', 5.1],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:N/VA:N/SC:H/SI:N/SA:N', 8.3],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:N/VI:H/VA:H/SC:N/SI:N/SA:L', 7.2],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:P/VC:H/VI:L/VA:L/SC:L/SI:L/SA:L', 7.0],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:A/VC:H/VI:H/VA:H/SC:H/SI:N/SA:H', 9.3],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:A/VC:N/VI:L/VA:L/SC:L/SI:L/SA:H', 6.2],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:N/VC:L/VI:L/VA:L/SC:L/SI:L/SA:N', 5.1],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:P/VC:L/VI:L/VA:N/SC:L/SI:N/SA:N', 4.8],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:A/VC:L/VI:N/VA:N/SC:H/SI:N/SA:H', 6.0],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:A/VC:N/VI:N/VA:N/SC:H/SI:H/SA:H', 6.2],
  ['CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:N/SA:H', 9.5],
  ['CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:N/VI:L/VA:L/SC:H/SI:L/SA:L', 7.0],
  ['CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:L/VI:L/VA:N/SC:H/SI:N/SA:N', 4.9],
  ['CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:A/VC:N/VI:N/VA:N/SC:L/SI:N/SA:N', 2.1],
  ['CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:N/VC:N/VI:N/VA:N/SC:N/SI:L/SA:N', 2.3],
  ['CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:A/VC:L/VI:L/VA:N/SC:N/SI:H/SA:L', 4.5],
  ['CVSS:4.0/AV:N/AC:L/AT:P/PR:H/UI:N/VC:N/VI:L/VA:L/SC:H/SI:H/SA:H', 5.5],
  ['CVSS:4.0/AV:N/AC:L/AT:P/PR:H/UI:A/VC:N/VI:L/VA:L/SC:L/SI:N/SA:N', 1.8],
  ['CVSS:4.0/AV:N/AC:L/AT:P/PR:H/UI:A/VC:N/VI:N/VA:L/SC:L/SI:N/SA:H', 4.3],
  ['CVSS:4.0/AV:N/AC:H/AT:N/PR:N/UI:N/VC:H/VI:H/VA:N/SC:L/SI:H/SA:L', 9.4],
  ['CVSS:4.0/AV:N/AC:H/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:L/SI:L/SA:H', 7.0],
  ['CVSS:4.0/AV:N/AC:H/AT:N/PR:N/UI:A/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N', 2.1],
  ['CVSS:4.0/AV:N/AC:H/AT:N/PR:L/UI:P/VC:H/VI:H/VA:H/SC:H/SI:L/SA:H', 8.8],
  ['CVSS:4.0/AV:N/AC:H/AT:N/PR:L/UI:A/VC:L/VI:L/VA:L/SC:H/SI:H/SA:H', 5.2],
  ['CVSS:4.0/AV:N/AC:H/AT:N/PR:H/UI:N/VC:N/VI:N/VA:N/SC:L/SI:H/SA:N', 4.8],
  ['CVSS:4.0/AV:N/AC:H/AT:N/PR:H/UI:A/VC:N/VI:N/VA:N/SC:N/SI:H/SA:N', 4.0],
  ['CVSS:4.0/AV:N/AC:H/AT:P/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:L/SA:N', 9.5],
  ['CVSS:4.0/AV:N/AC:H/AT:P/PR:N/UI:N/VC:N/VI:L/VA:N/SC:L/SI:H/SA:L', 7.0],
  // Environmental metrics change the score (CVSS-BE), as in the FIRST calculator.
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N', 8.7],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N/AR:L', 7.9],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/MSI:H', 7.7],
  ['CVSS:4.0/AV:A/AC:H/AT:P/PR:L/UI:P/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N', 0],
];

/** Full vectors (every metric group, not in the specification's order) with the calculator's rating. */
const V40_RATINGS: Array<[string, string]> = [
  ['CVSS:4.0/AV:L/AC:H/AT:P/PR:N/UI:P/VC:H/VI:N/VA:N/SC:N/SI:N/AU:N/SA:N/S:P/R:A/V:D/RE:L/U:Red/MAV:L/MAC:L/MAT:N/MPR:L/MUI:A/MVC:L/MVI:N/MVA:H/MSC:H/MSI:L/MSA:N/CR:H/IR:L/AR:L/E:P', 'LOW'],
  ['CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:P/VC:N/VI:L/VA:L/SC:H/SI:N/AU:Y/SA:N/S:N/R:I/V:C/RE:M/U:Amber/MAV:L/MAC:H/MAT:P/MPR:N/MUI:P/MVC:L/MVI:N/MVA:H/MSC:H/MSI:H/MSA:S/CR:M/IR:M/AR:M/E:A', 'HIGH'],
  ['CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:A/VC:H/VI:H/VA:N/SC:H/SI:N/AU:Y/SA:N/S:N/R:I/V:C/RE:L/U:Green/MAV:L/MAC:L/MAT:N/MPR:H/MUI:P/MVC:L/MVI:L/MVA:N/MSC:H/MSI:H/MSA:S/CR:H/IR:H/AR:H/E:P', 'MEDIUM'],
  ['CVSS:4.0/AV:A/AC:H/AT:N/PR:H/UI:A/VC:H/VI:N/VA:H/SC:L/SI:N/AU:N/SA:H/S:P/R:I/V:D/RE:M/U:Red/MAV:N/MAC:L/MAT:N/MPR:N/MUI:N/MVC:H/MVI:H/MVA:H/MSC:H/MSI:S/MSA:S/CR:H/IR:H/AR:H/E:U', 'CRITICAL'],
  ['CVSS:4.0/AV:L/AC:H/AT:N/PR:N/UI:N/VC:L/VI:N/VA:H/SC:L/SI:H/AU:N/SA:H/S:P/R:U/V:C/RE:H/U:Red/MAV:L/MAC:L/MAT:P/MPR:L/MUI:P/MVC:N/MVI:N/MVA:N/MSC:N/MSI:N/MSA:N/CR:H/IR:H/AR:H/E:P', 'NONE'],
];

function* v3Vectors(version: '3.0' | '3.1'): Generator<string> {
  for (const AV of 'NALP') for (const AC of 'LH') for (const PR of 'NLH') for (const UI of 'NR') for (const S of 'UC') for (const C of 'HLN') for (const I of 'HLN') for (const A of 'HLN') {
    yield `CVSS:${version}/AV:${AV}/AC:${AC}/PR:${PR}/UI:${UI}/S:${S}/C:${C}/I:${I}/A:${A}`;
  }
}

describe('CVSS v3.1', () => {
  for (const [name, vector, score] of V31_EXAMPLES) {
    it(`${name}: ${score}`, () => {
      const result = cvssScore(vector);
      assert.equal(result.score, score);
      assert.equal(result.version, '3.1');
      assert.equal(result.vector, vector);
      assert.equal(result.rating, cvssRating(score, '3.1'));
    });
  }

  it('no impact is 0.0 (NONE) in both scopes; the lowest impacts round up', () => {
    assert.deepEqual(cvssScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:N/A:N'), { version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:N/A:N', score: 0, rating: 'NONE' });
    assert.equal(cvssScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N').score, 0);
    assert.equal(cvssScore('CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:L').score, 1.6);
    assert.equal(cvssScore('CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:C/C:N/I:N/A:L').score, 1.8);
  });

  it('temporal and environmental metrics are accepted and leave the base score', () => {
    const result = cvssScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:C/CR:L/MAV:L');
    assert.equal(result.score, 9.8);
    assert.equal(result.rating, 'CRITICAL');
  });

  it('metric order is free', () => {
    assert.equal(cvssScore('CVSS:3.1/S:U/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H').score, 9.8);
  });

  it('agrees with ae-cvss-calculator on all 2,592 base vectors', () => {
    const mismatches: string[] = [];
    for (const vector of v3Vectors('3.1')) {
      const expected = new ae.Cvss3P1(vector).calculateScores().base;
      if (cvssScore(vector).score !== expected) mismatches.push(`${vector}: ${cvssScore(vector).score} != ${expected}`);
    }
    assert.deepEqual(mismatches, []);
  });
});

describe('CVSS v3.0', () => {
  it('the examples score the same with the v3.0 prefix', () => {
    for (const [, vector, score] of V31_EXAMPLES) assert.equal(cvssScore(vector.replace('CVSS:3.1/', 'CVSS:3.0/')).score, score, vector);
  });

  it('agrees with ae-cvss-calculator on all 2,592 base vectors (plain round-up)', () => {
    const mismatches: string[] = [];
    for (const vector of v3Vectors('3.0')) {
      const expected = new ae.Cvss3P0(vector).calculateScores().base;
      if (cvssScore(vector).score !== expected) mismatches.push(`${vector}: ${cvssScore(vector).score} != ${expected}`);
    }
    assert.deepEqual(mismatches, []);
    assert.equal(cvssScore('CVSS:3.0/AV:L/AC:H/PR:L/UI:N/S:C/C:H/I:H/A:N').version, '3.0');
  });
});

describe('CVSS v4.0', () => {
  for (const [vector, score] of V40_EXAMPLES) {
    it(`${vector}: ${score}`, () => {
      const result = cvssScore(vector);
      assert.equal(result.score, score);
      assert.equal(result.version, '4.0');
    });
  }

  for (const [vector, rating] of V40_RATINGS) {
    it(`full vector rated ${rating}`, () => {
      assert.equal(cvssScore(vector).rating, rating);
    });
  }
});

describe('CVSS v2.0', () => {
  it('the v2 guide examples', () => {
    assert.equal(cvssScore('AV:N/AC:L/Au:N/C:N/I:N/A:C').score, 7.8); // CVE-2002-0392
    assert.equal(cvssScore('AV:N/AC:L/Au:N/C:C/I:C/A:C').score, 10); // CVE-2003-0818
    assert.equal(cvssScore('AV:L/AC:H/Au:N/C:C/I:C/A:C').score, 6.2); // CVE-2003-0062
    assert.equal(cvssScore('(AV:N/AC:L/Au:N/C:P/I:P/A:P)').score, 7.5);
    assert.equal(cvssScore('CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P').score, 7.5);
    assert.equal(cvssScore('AV:N/AC:L/Au:N/C:P/I:P/A:P').rating, 'HIGH');
    assert.equal(cvssScore('AV:N/AC:M/Au:N/C:N/I:P/A:N').rating, 'MEDIUM');
  });

  it('agrees with ae-cvss-calculator on all 729 base vectors', () => {
    const mismatches: string[] = [];
    for (const AV of 'LAN') for (const AC of 'HML') for (const Au of 'MSN') for (const C of 'NPC') for (const I of 'NPC') for (const A of 'NPC') {
      const vector = `AV:${AV}/AC:${AC}/Au:${Au}/C:${C}/I:${I}/A:${A}`;
      const expected = new ae.Cvss2(vector).calculateScores().base;
      if (cvssScore(vector).score !== expected) mismatches.push(`${vector}: ${cvssScore(vector).score} != ${expected}`);
    }
    assert.deepEqual(mismatches, []);
  });
});

describe('invalid vectors', () => {
  const invalid: Array<[string, RegExp]> = [
    ['', /no CVSS/],
    ['garbage', /no CVSS/],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H', /missing base metric A\b/],
    ['CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', /AV:Q is not an allowed value/],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/A:L', /A appears twice/],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/ZZ:L', /unknown metric ZZ/],
    ['CVSS:3.2/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', /unsupported version 3.2/],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N', /missing base metric SA/],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N', /SI:S is not an allowed value/],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H//', /is not a metric:value pair/],
    ['AV:N/AC:L/Au:N/C:P/I:P', /missing base metric A\b/],
  ];
  for (const [vector, message] of invalid) {
    it(JSON.stringify(vector), () => {
      assert.throws(() => cvssScore(vector), (error: unknown) => error instanceof CvssError && message.test(error.message));
      assert.equal(tryCvssScore(vector), undefined);
    });
  }

  it('a single trailing slash and surrounding spaces are tolerated', () => {
    assert.equal(cvssScore(' CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/ ').score, 9.8);
    assert.equal(parseCvssVector('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/').metrics.size, 8);
  });
});

describe('cvssRating', () => {
  it('uses the specification bands', () => {
    assert.deepEqual(
      [0, 0.1, 3.9, 4, 6.9, 7, 8.9, 9, 10].map((score) => cvssRating(score, '3.1')),
      ['NONE', 'LOW', 'LOW', 'MEDIUM', 'MEDIUM', 'HIGH', 'HIGH', 'CRITICAL', 'CRITICAL'],
    );
    assert.deepEqual(
      [0, 3.9, 4, 6.9, 7, 10].map((score) => cvssRating(score, '2.0')),
      ['LOW', 'LOW', 'MEDIUM', 'MEDIUM', 'HIGH', 'HIGH'],
    );
  });
});
