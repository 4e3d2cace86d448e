/**
 * CVSS vectors: strict parsing for v2.0, v3.0, v3.1 and v4.0, and their scores.
 *
 * - v3.0 / v3.1: the base score, computed here from the specification's formulas (section 7.1 and
 *   Appendix A of the v3.1 document; v3.0 rounds up with a plain ceiling, as its calculator does).
 *   Temporal and environmental metrics are validated but do not change the score.
 * - v4.0: the score of the vector as written (CVSS-B, -BT, -BE or -BTE, as the FIRST calculator
 *   shows it), computed by ae-cvss-calculator after the vector passed the strict check here.
 * - v2.0: the base score (NVD's v2 guide), computed here.
 *
 * The library is lenient (a missing metric scores 0, an unknown one is dropped), so every vector is
 * checked here first: known version prefix, known metrics with allowed values, no duplicates, every
 * base metric present. Metric order is not enforced.
 */
import * as aeNamespace from 'ae-cvss-calculator';

// ae-cvss-calculator is a webpack UMD bundle: Node's ESM loader cannot see its named exports and
// offers module.exports as `default`, while CommonJS interop (tsx, bundlers) exposes them directly.
type AeModule = typeof import('ae-cvss-calculator');
const ae: AeModule = (aeNamespace as Partial<AeModule>).Cvss4P0 ? aeNamespace : (aeNamespace as unknown as { default: AeModule }).default;
const { Cvss4P0 } = ae;

export type CvssVersion = '2.0' | '3.0' | '3.1' | '4.0';
export type CvssRating = 'NONE' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

export interface CvssScore {
  version: CvssVersion;
  /** The vector as given (trimmed). */
  vector: string;
  /** 0.0 to 10.0, one decimal. */
  score: number;
  /** The specification's qualitative rating of the score (v2: NVD's LOW/MEDIUM/HIGH). */
  rating: CvssRating;
}

export class CvssError extends Error {
  constructor(vector: string, reason: string) {
    super(`invalid CVSS vector "${vector}": ${reason}`);
    this.name = 'CvssError';
  }
}

interface MetricSpec {
  /** Metrics that must be present, with their allowed values. */
  required: Record<string, readonly string[]>;
  /** Metrics that may be present. */
  optional: Record<string, readonly string[]>;
}

const HLN = ['H', 'L', 'N'] as const;
const XHLN = ['X', 'H', 'L', 'N'] as const;
const XLMH = ['X', 'L', 'M', 'H'] as const;

const V2: MetricSpec = {
  required: { AV: ['L', 'A', 'N'], AC: ['H', 'M', 'L'], Au: ['M', 'S', 'N'], C: ['N', 'P', 'C'], I: ['N', 'P', 'C'], A: ['N', 'P', 'C'] },
  optional: {
    E: ['U', 'POC', 'F', 'H', 'ND'],
    RL: ['OF', 'TF', 'W', 'U', 'ND'],
    RC: ['UC', 'UR', 'C', 'ND'],
    CDP: ['N', 'L', 'LM', 'MH', 'H', 'ND'],
    TD: ['N', 'L', 'M', 'H', 'ND'],
    CR: ['L', 'M', 'H', 'ND'],
    IR: ['L', 'M', 'H', 'ND'],
    AR: ['L', 'M', 'H', 'ND'],
  },
};

const V3: MetricSpec = {
  required: { AV: ['N', 'A', 'L', 'P'], AC: ['L', 'H'], PR: ['N', 'L', 'H'], UI: ['N', 'R'], S: ['U', 'C'], C: HLN, I: HLN, A: HLN },
  optional: {
    E: ['X', 'U', 'P', 'F', 'H'],
    RL: ['X', 'O', 'T', 'W', 'U'],
    RC: ['X', 'U', 'R', 'C'],
    CR: XLMH,
    IR: XLMH,
    AR: XLMH,
    MAV: ['X', 'N', 'A', 'L', 'P'],
    MAC: ['X', 'L', 'H'],
    MPR: ['X', 'N', 'L', 'H'],
    MUI: ['X', 'N', 'R'],
    MS: ['X', 'U', 'C'],
    MC: XHLN,
    MI: XHLN,
    MA: XHLN,
  },
};

const V4: MetricSpec = {
  required: {
    AV: ['N', 'A', 'L', 'P'],
    AC: ['L', 'H'],
    AT: ['N', 'P'],
    PR: ['N', 'L', 'H'],
    UI: ['N', 'P', 'A'],
    VC: HLN,
    VI: HLN,
    VA: HLN,
    SC: HLN,
    SI: HLN,
    SA: HLN,
  },
  optional: {
    E: ['X', 'A', 'P', 'U'],
    CR: XLMH,
    IR: XLMH,
    AR: XLMH,
    MAV: ['X', 'N', 'A', 'L', 'P'],
    MAC: ['X', 'L', 'H'],
    MAT: ['X', 'N', 'P'],
    MPR: ['X', 'N', 'L', 'H'],
    MUI: ['X', 'N', 'P', 'A'],
    MVC: XHLN,
    MVI: XHLN,
    MVA: XHLN,
    MSC: XHLN,
    MSI: ['X', 'S', 'H', 'L', 'N'],
    MSA: ['X', 'S', 'H', 'L', 'N'],
    S: ['X', 'N', 'P'],
    AU: ['X', 'N', 'Y'],
    R: ['X', 'A', 'U', 'I'],
    V: ['X', 'D', 'C'],
    RE: ['X', 'L', 'M', 'H'],
    U: ['X', 'Clear', 'Green', 'Amber', 'Red'],
  },
};

export interface ParsedCvss {
  version: CvssVersion;
  vector: string;
  metrics: ReadonlyMap<string, string>;
}

/** Check a vector strictly and split it into metrics; throws CvssError. */
export function parseCvssVector(input: string): ParsedCvss {
  const vector = input.trim();
  let version: CvssVersion;
  let body: string;
  const prefix = /^CVSS:(\d+\.\d+)\//.exec(vector);
  if (prefix) {
    const declared = prefix[1]!;
    if (declared !== '2.0' && declared !== '3.0' && declared !== '3.1' && declared !== '4.0') throw new CvssError(vector, `unsupported version ${declared}`);
    version = declared;
    body = vector.slice(prefix[0].length);
  } else if (/^\(?AV:[LAN]\/AC:[HML]\/Au:[MSN]\//.test(vector)) {
    version = '2.0';
    body = vector.replace(/^\((.*)\)$/, '$1');
  } else {
    throw new CvssError(vector, 'no CVSS:<version>/ prefix and not a CVSS v2 vector');
  }
  if (body.endsWith('/')) body = body.slice(0, -1);
  const spec = version === '2.0' ? V2 : version === '4.0' ? V4 : V3;
  const metrics = new Map<string, string>();
  for (const part of body.split('/')) {
    const colon = part.indexOf(':');
    if (colon <= 0) throw new CvssError(vector, `"${part}" is not a metric:value pair`);
    const key = part.slice(0, colon);
    const value = part.slice(colon + 1);
    const allowed = spec.required[key] ?? spec.optional[key];
    if (!allowed) throw new CvssError(vector, `unknown metric ${key}`);
    if (!allowed.includes(value)) throw new CvssError(vector, `${key}:${value} is not an allowed value (${allowed.join(', ')})`);
    if (metrics.has(key)) throw new CvssError(vector, `metric ${key} appears twice`);
    metrics.set(key, value);
  }
  const missing = Object.keys(spec.required).filter((key) => !metrics.has(key));
  if (missing.length > 0) throw new CvssError(vector, `missing base metric${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  return { version, vector, metrics };
}

/** The qualitative rating of a score: v3/v4 scale (NONE 0.0, LOW to 3.9, MEDIUM to 6.9, HIGH to 8.9, CRITICAL); v2 per NVD (LOW to 3.9, MEDIUM to 6.9, HIGH). */
export function cvssRating(score: number, version: CvssVersion): CvssRating {
  if (version === '2.0') return score < 4 ? 'LOW' : score < 7 ? 'MEDIUM' : 'HIGH';
  if (score === 0) return 'NONE';
  if (score < 4) return 'LOW';
  if (score < 7) return 'MEDIUM';
  if (score < 9) return 'HIGH';
  return 'CRITICAL';
}

const cache = new Map<string, CvssScore>();
const CACHE_LIMIT = 50_000;

/** Score a vector (see the module comment for which score); throws CvssError when the vector is not valid. */
export function cvssScore(vector: string): CvssScore {
  const cached = cache.get(vector);
  if (cached) return { ...cached };
  const parsed = parseCvssVector(vector);
  const score = parsed.version === '4.0' ? scoreV4(parsed) : parsed.version === '2.0' ? scoreV2(parsed.metrics) : scoreV3(parsed.metrics, parsed.version);
  const result: CvssScore = { version: parsed.version, vector: parsed.vector, score, rating: cvssRating(score, parsed.version) };
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(vector, result);
  return { ...result };
}

/** cvssScore, or undefined when the vector is not valid. */
export function tryCvssScore(vector: string): CvssScore | undefined {
  try {
    return cvssScore(vector);
  } catch (error) {
    if (error instanceof CvssError) return undefined;
    throw error;
  }
}

const V3_AV: Record<string, number> = { N: 0.85, A: 0.62, L: 0.55, P: 0.2 };
const V3_AC: Record<string, number> = { L: 0.77, H: 0.44 };
const V3_UI: Record<string, number> = { N: 0.85, R: 0.62 };
const V3_CIA: Record<string, number> = { H: 0.56, L: 0.22, N: 0 };

/** v3.1 Appendix A: round up to one decimal, working on integers so 4.000000000000001 stays 4.0. */
function roundUp31(value: number): number {
  const integer = Math.round(value * 100_000);
  return integer % 10_000 === 0 ? integer / 100_000 : (Math.floor(integer / 10_000) + 1) / 10;
}

/** v3.0: the smallest one-decimal number not below the input, as the v3.0 calculator computes it. */
function roundUp30(value: number): number {
  return Math.ceil(value * 10) / 10;
}

function scoreV3(m: ReadonlyMap<string, string>, version: '3.0' | '3.1'): number {
  const roundUp = version === '3.1' ? roundUp31 : roundUp30;
  const changed = m.get('S') === 'C';
  const pr = m.get('PR') === 'N' ? 0.85 : m.get('PR') === 'L' ? (changed ? 0.68 : 0.62) : changed ? 0.5 : 0.27;
  const iss = 1 - (1 - V3_CIA[m.get('C')!]!) * (1 - V3_CIA[m.get('I')!]!) * (1 - V3_CIA[m.get('A')!]!);
  const impact = changed ? 7.52 * (iss - 0.029) - 3.25 * Math.pow(iss - 0.02, 15) : 6.42 * iss;
  const exploitability = 8.22 * V3_AV[m.get('AV')!]! * V3_AC[m.get('AC')!]! * pr * V3_UI[m.get('UI')!]!;
  if (impact <= 0) return 0;
  return changed ? roundUp(Math.min(1.08 * (impact + exploitability), 10)) : roundUp(Math.min(impact + exploitability, 10));
}

const V2_AV: Record<string, number> = { L: 0.395, A: 0.646, N: 1.0 };
const V2_AC: Record<string, number> = { H: 0.35, M: 0.61, L: 0.71 };
const V2_AU: Record<string, number> = { M: 0.45, S: 0.56, N: 0.704 };
const V2_CIA: Record<string, number> = { N: 0, P: 0.275, C: 0.66 };

function scoreV2(m: ReadonlyMap<string, string>): number {
  const impact = 10.41 * (1 - (1 - V2_CIA[m.get('C')!]!) * (1 - V2_CIA[m.get('I')!]!) * (1 - V2_CIA[m.get('A')!]!));
  const exploitability = 20 * V2_AV[m.get('AV')!]! * V2_AC[m.get('AC')!]! * V2_AU[m.get('Au')!]!;
  const f = impact === 0 ? 0 : 1.176;
  const base = (0.6 * impact + 0.4 * exploitability - 1.5) * f;
  return Math.max(0, Math.round(base * 10 + 1e-9) / 10);
}

function scoreV4(parsed: ParsedCvss): number {
  // Hand the library the vector rebuilt from the checked metrics, without a trailing "/".
  const vector = `CVSS:4.0/${[...parsed.metrics].map(([key, value]) => `${key}:${value}`).join('/')}`;
  const score = new Cvss4P0(vector).calculateScores().overall;
  if (typeof score !== 'number' || !Number.isFinite(score) || score < 0 || score > 10) throw new CvssError(parsed.vector, `the v4.0 calculation gave ${String(score)}`);
  return Math.round(score * 10) / 10;
}
