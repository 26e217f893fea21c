import { canonicalTimeZone, isTimeZone } from '../shared/date-time';
import type { FieldError } from '../shared/errors';
import { assertValid, check, dateTime, distinct, oneOf, requiredText } from '../shared/field-checks';
import { CONVICTION_CATEGORIES, ORDINANCE_SECTIONS, type IssuerRole } from '../shared/vocabulary';
import type { OrdinanceCommand, OrdinanceTerms } from './ordinance.commands';
import type { OrdinanceEvent } from './ordinance.events';
import type { DetainerException, OrdinanceHistory } from './ordinance-version';

/**
 * Only judges of a court sign judicial warrants (§ 14): an immigration judge or officer never does,
 * so configuration may choose among these and no others.
 */
export const JUDICIAL_WARRANT_ISSUER_ROLES: readonly IssuerRole[] = [
  'FEDERAL_JUDGE',
  'FEDERAL_MAGISTRATE_JUDGE',
  'STATE_JUDGE',
];

export const REPORTING_PERIODS = ['QUARTER', 'YEAR'] as const;

/** The `ordinance` stream's state is every version adopted so far. */
export const initialOrdinanceState: OrdinanceHistory = [];

/** Adopts a version numbered after those already adopted; refuses terms the ordinance cannot mean. */
export function decideOrdinance(state: OrdinanceHistory, command: OrdinanceCommand): OrdinanceEvent[] {
  const t = command.data;
  assertValid(ordinanceTermsFieldErrors(t));
  return [
    {
      type: 'OrdinanceVersionAdopted',
      data: {
        version: state.length + 1,
        effectiveFrom: t.effectiveFrom,
        sectionsInForce: [...t.sectionsInForce],
        judicialWarrantIssuers: [...t.judicialWarrantIssuers],
        detainerExceptions: t.detainerExceptions.map((e): DetainerException => ({
          code: e.code,
          description: e.description,
          convictionCategories: [...e.convictionCategories],
          withinYears: e.withinYears,
        })),
        releaseGraceMinutes: t.releaseGraceMinutes,
        noticeDeadlineHours: t.noticeDeadlineHours,
        certificationDeadlineDays: t.certificationDeadlineDays,
        certificationExpeditedDays: t.certificationExpeditedDays,
        reportingPeriod: t.reportingPeriod,
        reportDueDays: t.reportDueDays,
        smallCellThreshold: t.smallCellThreshold,
        // In the tz database's letter case: `utc` and `UTC` are one zone, shown one way.
        timeZone: canonicalTimeZone(t.timeZone),
      },
    },
  ];
}

function evolveOrdinance(state: OrdinanceHistory, event: OrdinanceEvent): OrdinanceHistory {
  return [...state, event.data];
}

export const ordinanceDecider = {
  decide: decideOrdinance,
  evolve: evolveOrdinance,
  initialState: initialOrdinanceState,
};

/** The terms' checks, which need no state: the API runs them beside its shape checks so that one 400
 * names every offending field. */
/** Terms as a body gives them: a list may be left out, an exception given in part. */
type OrdinanceTermsAsGiven = Omit<
  OrdinanceTerms,
  'sectionsInForce' | 'judicialWarrantIssuers' | 'detainerExceptions'
> &
  Partial<Pick<OrdinanceTerms, 'sectionsInForce' | 'judicialWarrantIssuers'>> & {
    detainerExceptions?: Partial<DetainerException>[];
  };

/** A list left out is judged as an empty one, a field left out as missing. */
export function ordinanceTermsFieldErrors(terms: OrdinanceTermsAsGiven): FieldError[] {
  const { sectionsInForce = [], judicialWarrantIssuers = [], detainerExceptions = [], ...t } = terms;
  return [
    ...dateTime('effectiveFrom', t.effectiveFrom),
    ...sectionsInForce.flatMap((s, i) => oneOf(`sectionsInForce[${i}]`, s, ORDINANCE_SECTIONS)),
    ...distinct('sectionsInForce', sectionsInForce),
    ...check(judicialWarrantIssuers.length > 0, 'judicialWarrantIssuers', 'must name at least one judge'),
    ...judicialWarrantIssuers.flatMap((r, i) =>
      oneOf(`judicialWarrantIssuers[${i}]`, r, JUDICIAL_WARRANT_ISSUER_ROLES),
    ),
    ...distinct('judicialWarrantIssuers', judicialWarrantIssuers),
    ...detainerExceptions.flatMap((e, i) => exceptionErrors(e, `detainerExceptions[${i}]`)),
    ...distinct(
      'detainerExceptions',
      detainerExceptions.map((e) => e.code),
    ).map((e) => ({ field: `${e.field}.code`, reason: e.reason })),
    ...positiveInteger('releaseGraceMinutes', t.releaseGraceMinutes, A_YEAR.minutes),
    ...positiveInteger('noticeDeadlineHours', t.noticeDeadlineHours, A_YEAR.hours),
    ...positiveInteger('certificationDeadlineDays', t.certificationDeadlineDays, A_YEAR.days),
    ...positiveInteger('certificationExpeditedDays', t.certificationExpeditedDays, A_YEAR.days),
    // Expedited means sooner: people in removal proceedings cannot be made to wait longer.
    ...check(
      t.certificationExpeditedDays <= t.certificationDeadlineDays,
      'certificationExpeditedDays',
      'must not exceed certificationDeadlineDays',
    ),
    ...oneOf('reportingPeriod', t.reportingPeriod, REPORTING_PERIODS),
    ...positiveInteger('reportDueDays', t.reportDueDays, A_YEAR.days),
    ...check(
      Number.isInteger(t.smallCellThreshold) && t.smallCellThreshold >= 2,
      'smallCellThreshold',
      'must be an integer of at least 2',
    ),
    ...check(isTimeZone(t.timeZone), 'timeZone', 'must be an IANA time zone'),
  ];
}

function exceptionErrors(e: Partial<DetainerException>, at: string): FieldError[] {
  const convictionCategories = e.convictionCategories ?? [];
  return [
    ...requiredText(`${at}.code`, e.code),
    ...requiredText(`${at}.description`, e.description),
    ...check(
      convictionCategories.length > 0,
      `${at}.convictionCategories`,
      'must name at least one category',
    ),
    ...convictionCategories.flatMap((c, i) =>
      oneOf(`${at}.convictionCategories[${i}]`, c, CONVICTION_CATEGORIES),
    ),
    ...distinct(`${at}.convictionCategories`, convictionCategories),
    ...positiveInteger(`${at}.withinYears`, e.withinYears, CENTURY_YEARS),
  ];
}

/**
 * Deadlines and grace periods are bounded: an absurd one (a typo of a few digits) would put the
 * deadlines it sets beyond what a date can hold, and stop the violation register on the first act
 * judged under it. A year (a century for a conviction window) is far beyond any lawful one.
 */
const A_YEAR = { minutes: 366 * 24 * 60, hours: 366 * 24, days: 366 };
const CENTURY_YEARS = 100;

function positiveInteger(field: string, value: number | undefined, max: number): FieldError[] {
  return check(
    value !== undefined && Number.isInteger(value) && value > 0 && value <= max,
    field,
    `must be a positive integer of at most ${max}`,
  );
}
