import type { ConvictionCategory, IssuerRole, OrdinanceSection } from '../shared/vocabulary';
import { epochMsOf } from '../shared/date-time';

/** A listed exception under which a jurisdiction may honor a detainer without a judicial warrant. */
export interface DetainerException {
  code: string;
  description: string;
  convictionCategories: ConvictionCategory[];
  withinYears: number;
}

/** The ordinance as adopted at one moment (§ 14). Acts are judged by the version in force when they happened. */
export interface OrdinanceVersion {
  /** 1-based sequence on the `ordinance` stream; violations name the version that judged them. */
  version: number;
  effectiveFrom: string;
  sectionsInForce: OrdinanceSection[];
  judicialWarrantIssuers: IssuerRole[];
  detainerExceptions: DetainerException[];
  releaseGraceMinutes: number;
  noticeDeadlineHours: number;
  certificationDeadlineDays: number;
  certificationExpeditedDays: number;
  reportingPeriod: 'QUARTER' | 'YEAR';
  reportDueDays: number;
  smallCellThreshold: number;
  timeZone: string;
}

const VIOLENT_OR_SERIOUS_FELONY_5Y = 'VIOLENT_OR_SERIOUS_FELONY_5Y';

/** API.md's default version, recorded on first start. */
export function defaultOrdinanceVersion(effectiveFrom = '2000-01-01T00:00:00Z'): OrdinanceVersion {
  return {
    version: 1,
    effectiveFrom,
    sectionsInForce: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
    judicialWarrantIssuers: ['FEDERAL_JUDGE', 'FEDERAL_MAGISTRATE_JUDGE'],
    detainerExceptions: [
      {
        code: VIOLENT_OR_SERIOUS_FELONY_5Y,
        description: 'Convicted of a violent or serious felony within the past 5 years',
        convictionCategories: ['VIOLENT_FELONY', 'SERIOUS_FELONY'],
        withinYears: 5,
      },
    ],
    releaseGraceMinutes: 60,
    noticeDeadlineHours: 24,
    certificationDeadlineDays: 90,
    certificationExpeditedDays: 14,
    reportingPeriod: 'QUARTER',
    reportDueDays: 60,
    smallCellThreshold: 5,
    timeZone: 'UTC',
  };
}

/** Every version adopted so far, in adoption order. */
export type OrdinanceHistory = readonly OrdinanceVersion[];

/**
 * The version in force at `at`: the latest effectiveFrom not after `at`; between versions with the
 * same effectiveFrom the later adopted wins. `undefined` before the first version took effect.
 */
export function versionInForceAt(history: OrdinanceHistory, at: string): OrdinanceVersion | undefined {
  return versionInForceAtMs(history, epochMsOf(at));
}

/** versionInForceAt for a moment already in epoch milliseconds. */
export function versionInForceAtMs(history: OrdinanceHistory, t: number): OrdinanceVersion | undefined {
  let best: OrdinanceVersion | undefined;
  for (const v of history) {
    const from = epochMsOf(v.effectiveFrom);
    if (from > t) continue;
    if (!best || from >= epochMsOf(best.effectiveFrom)) best = v;
  }
  return best;
}

export function sectionInForce(
  v: OrdinanceVersion | undefined,
  section: OrdinanceSection,
): v is OrdinanceVersion {
  return v !== undefined && v.sectionsInForce.includes(section);
}
