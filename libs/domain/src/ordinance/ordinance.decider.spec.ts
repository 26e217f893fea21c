import { fieldErrorsFor, specFor } from '../../testing/given-when-then';
import {
  adoptOrdinanceVersion,
  ordinanceTerms,
  ordinanceVersionAdopted,
} from '../../testing/ordinance-builders';
import { ValidationError, type FieldError } from '../shared/errors';
import type { OrdinanceTerms } from './ordinance.commands';
import { decideOrdinance, ordinanceDecider } from './ordinance.decider';
import type { OrdinanceEvent } from './ordinance.events';
import { defaultOrdinanceVersion, versionInForceAt } from './ordinance-version';

const given = specFor(ordinanceDecider);

const errorsOf = fieldErrorsFor(ordinanceDecider);
const fieldErrors = (terms: Partial<OrdinanceTerms>) => errorsOf([], adoptOrdinanceVersion(terms));

describe('AdoptOrdinanceVersion', () => {
  it('adopts the first version as version 1, with exactly its terms', () => {
    given([])
      .when(adoptOrdinanceVersion())
      .then([{ type: 'OrdinanceVersionAdopted', data: defaultOrdinanceVersion() }]);
  });

  it('numbers a later version after every one adopted before it', () => {
    given([ordinanceVersionAdopted({ version: 1 }), ordinanceVersionAdopted({ version: 2 })])
      .when(adoptOrdinanceVersion({ sectionsInForce: [1, 2], effectiveFrom: '1999-01-01T00:00:00-05:00' }))
      .then([
        ordinanceVersionAdopted({
          version: 3,
          sectionsInForce: [1, 2],
          effectiveFrom: '1999-01-01T00:00:00-05:00',
        }),
      ]);
  });

  it('accepts a repeal of every section and the strictest configuration allowed', () => {
    given([])
      .when(
        adoptOrdinanceVersion({
          sectionsInForce: [],
          judicialWarrantIssuers: ['STATE_JUDGE'],
          detainerExceptions: [],
          releaseGraceMinutes: 1,
          certificationDeadlineDays: 1,
          certificationExpeditedDays: 1,
          smallCellThreshold: 2,
          reportingPeriod: 'YEAR',
          timeZone: 'America/New_York',
        }),
      )
      .then([
        ordinanceVersionAdopted({
          sectionsInForce: [],
          judicialWarrantIssuers: ['STATE_JUDGE'],
          detainerExceptions: [],
          releaseGraceMinutes: 1,
          certificationDeadlineDays: 1,
          certificationExpeditedDays: 1,
          smallCellThreshold: 2,
          reportingPeriod: 'YEAR',
          timeZone: 'America/New_York',
        }),
      ]);
  });

  it('records the time zone in the tz database’s letter case, and a current name as adopted', () => {
    given([])
      .when(adoptOrdinanceVersion({ timeZone: 'america/new_york' }))
      .then([ordinanceVersionAdopted({ timeZone: 'America/New_York' })]);
    given([])
      .when(adoptOrdinanceVersion({ timeZone: 'utc' }))
      .then([ordinanceVersionAdopted({ timeZone: 'UTC' })]);
    // ICU resolves it to the older Europe/Kiev.
    given([])
      .when(adoptOrdinanceVersion({ timeZone: 'Europe/Kyiv' }))
      .then([ordinanceVersionAdopted({ timeZone: 'Europe/Kyiv' })]);
  });

  it('records only the terms the version names, whatever else the caller sent', () => {
    const terms = { ...ordinanceTerms(), adoptedBy: 'someone' } as OrdinanceTerms;
    const [event] = decideOrdinance([], { ...adoptOrdinanceVersion(), data: terms });
    expect(Object.keys(event.data)).not.toContain('adoptedBy');
  });

  describe('rejects, naming the field,', () => {
    const exception = ordinanceTerms().detainerExceptions[0];
    it.each<[string, Partial<OrdinanceTerms>, FieldError[]]>([
      [
        'an effectiveFrom without an offset',
        { effectiveFrom: '2024-01-01T00:00:00' },
        [{ field: 'effectiveFrom', reason: 'must be an ISO 8601 date-time with an offset' }],
      ],
      [
        'an effectiveFrom that is no calendar date',
        { effectiveFrom: '2024-02-30T00:00:00Z' },
        [{ field: 'effectiveFrom', reason: 'must be an ISO 8601 date-time with an offset' }],
      ],
      [
        'a section outside 1–11',
        { sectionsInForce: [1, 12, 0] as never },
        [
          { field: 'sectionsInForce[1]', reason: 'must be one of 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11' },
          { field: 'sectionsInForce[2]', reason: 'must be one of 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11' },
        ],
      ],
      [
        'a repeated section',
        { sectionsInForce: [2, 3, 2] },
        [{ field: 'sectionsInForce[2]', reason: 'repeats 2' }],
      ],
      [
        'no judge at all',
        { judicialWarrantIssuers: [] },
        [{ field: 'judicialWarrantIssuers', reason: 'must name at least one judge' }],
      ],
      [
        'an immigration judge or officer as a judicial warrant issuer',
        { judicialWarrantIssuers: ['FEDERAL_JUDGE', 'IMMIGRATION_JUDGE', 'IMMIGRATION_OFFICER'] },
        [
          {
            field: 'judicialWarrantIssuers[1]',
            reason: 'must be one of FEDERAL_JUDGE, FEDERAL_MAGISTRATE_JUDGE, STATE_JUDGE',
          },
          {
            field: 'judicialWarrantIssuers[2]',
            reason: 'must be one of FEDERAL_JUDGE, FEDERAL_MAGISTRATE_JUDGE, STATE_JUDGE',
          },
        ],
      ],
      [
        'an unknown issuer role',
        { judicialWarrantIssuers: ['SHERIFF'] as never },
        [
          {
            field: 'judicialWarrantIssuers[0]',
            reason: 'must be one of FEDERAL_JUDGE, FEDERAL_MAGISTRATE_JUDGE, STATE_JUDGE',
          },
        ],
      ],
      [
        'a repeated issuer',
        { judicialWarrantIssuers: ['STATE_JUDGE', 'STATE_JUDGE'] },
        [{ field: 'judicialWarrantIssuers[1]', reason: 'repeats STATE_JUDGE' }],
      ],
      [
        'an exception without code or description',
        { detainerExceptions: [{ ...exception, code: ' ', description: '' }] },
        [
          { field: 'detainerExceptions[0].code', reason: 'is required' },
          { field: 'detainerExceptions[0].description', reason: 'is required' },
        ],
      ],
      [
        'two exceptions with the same code',
        { detainerExceptions: [exception, { ...exception, description: 'again' }] },
        [{ field: 'detainerExceptions[1].code', reason: `repeats ${exception.code}` }],
      ],
      [
        'an exception with no conviction category',
        { detainerExceptions: [{ ...exception, convictionCategories: [] }] },
        [{ field: 'detainerExceptions[0].convictionCategories', reason: 'must name at least one category' }],
      ],
      [
        'an unknown or repeated conviction category',
        {
          detainerExceptions: [
            { ...exception, convictionCategories: ['FELONY', 'MISDEMEANOR', 'MISDEMEANOR'] as never },
          ],
        },
        [
          {
            field: 'detainerExceptions[0].convictionCategories[0]',
            reason: 'must be one of VIOLENT_FELONY, SERIOUS_FELONY, OTHER_FELONY, MISDEMEANOR',
          },
          { field: 'detainerExceptions[0].convictionCategories[2]', reason: 'repeats MISDEMEANOR' },
        ],
      ],
      [
        'a window of no years, or part of one',
        {
          detainerExceptions: [
            { ...exception, withinYears: 0 },
            { ...exception, code: 'X', withinYears: 2.5 },
          ],
        },
        [
          { field: 'detainerExceptions[0].withinYears', reason: 'must be a positive integer of at most 100' },
          { field: 'detainerExceptions[1].withinYears', reason: 'must be a positive integer of at most 100' },
        ],
      ],
      [
        'a grace of no minutes',
        { releaseGraceMinutes: 0 },
        [{ field: 'releaseGraceMinutes', reason: 'must be a positive integer of at most 527040' }],
      ],
      [
        'a fractional notice deadline',
        { noticeDeadlineHours: 1.5 },
        [{ field: 'noticeDeadlineHours', reason: 'must be a positive integer of at most 8784' }],
      ],
      [
        'a negative certification deadline',
        { certificationDeadlineDays: -90 },
        [
          { field: 'certificationDeadlineDays', reason: 'must be a positive integer of at most 366' },
          { field: 'certificationExpeditedDays', reason: 'must not exceed certificationDeadlineDays' },
        ],
      ],
      [
        'an expedited deadline of no days',
        { certificationExpeditedDays: 0 },
        [{ field: 'certificationExpeditedDays', reason: 'must be a positive integer of at most 366' }],
      ],
      [
        'an expedited deadline longer than the ordinary one',
        { certificationExpeditedDays: 91 },
        [{ field: 'certificationExpeditedDays', reason: 'must not exceed certificationDeadlineDays' }],
      ],
      [
        'deadlines beyond a year, and a conviction window beyond a century (beyond what a date can hold, mistyped)',
        {
          releaseGraceMinutes: 527_041,
          noticeDeadlineHours: 99_999_999_999,
          certificationDeadlineDays: 367,
          reportDueDays: 10_000,
          detainerExceptions: [{ ...exception, withinYears: 101 }],
        },
        [
          { field: 'detainerExceptions[0].withinYears', reason: 'must be a positive integer of at most 100' },
          { field: 'releaseGraceMinutes', reason: 'must be a positive integer of at most 527040' },
          { field: 'noticeDeadlineHours', reason: 'must be a positive integer of at most 8784' },
          { field: 'certificationDeadlineDays', reason: 'must be a positive integer of at most 366' },
          { field: 'reportDueDays', reason: 'must be a positive integer of at most 366' },
        ],
      ],
      [
        'a reporting period other than QUARTER or YEAR',
        { reportingPeriod: 'MONTH' as never },
        [{ field: 'reportingPeriod', reason: 'must be one of QUARTER, YEAR' }],
      ],
      [
        'a report due in no days',
        { reportDueDays: 0 },
        [{ field: 'reportDueDays', reason: 'must be a positive integer of at most 366' }],
      ],
      [
        'a small-cell threshold below 2',
        { smallCellThreshold: 1 },
        [{ field: 'smallCellThreshold', reason: 'must be an integer of at least 2' }],
      ],
      [
        'a fractional small-cell threshold',
        { smallCellThreshold: 4.5 },
        [{ field: 'smallCellThreshold', reason: 'must be an integer of at least 2' }],
      ],
      [
        'an unknown time zone',
        { timeZone: 'Mars/Olympus_Mons' },
        [{ field: 'timeZone', reason: 'must be an IANA time zone' }],
      ],
      [
        'an offset as a time zone',
        { timeZone: '+05:00' },
        [{ field: 'timeZone', reason: 'must be an IANA time zone' }],
      ],
    ])('%s', (_, terms, errors) => {
      expect(fieldErrors(terms)).toEqual(errors);
    });

    it('every offending field at once', () => {
      expect(
        fieldErrors({ timeZone: 'Nowhere', reportDueDays: 0, sectionsInForce: [1, 1] }).map((e) => e.field),
      ).toEqual(['sectionsInForce[1]', 'reportDueDays', 'timeZone']);
    });

    it('through the given/when/then of the stream', () => {
      given([ordinanceVersionAdopted()])
        .when(adoptOrdinanceVersion({ timeZone: '' }))
        .thenThrows(ValidationError);
    });
  });
});

describe('the folded history', () => {
  const ordinanceHistoryFrom = (events: OrdinanceEvent[]) =>
    events.reduce(ordinanceDecider.evolve, ordinanceDecider.initialState);

  it('folds the stream into the versions in adoption order, which versionInForceAt reads', () => {
    const history = ordinanceHistoryFrom([
      ordinanceVersionAdopted({ version: 1, effectiveFrom: '2020-01-01T00:00:00Z' }),
      ordinanceVersionAdopted({ version: 2, effectiveFrom: '2022-01-01T00:00:00Z', sectionsInForce: [9] }),
      // A later adoption reaching back re-judges what followed its effectiveFrom.
      ordinanceVersionAdopted({ version: 3, effectiveFrom: '2021-01-01T00:00:00Z', sectionsInForce: [1] }),
    ]);
    expect(history.map((v) => v.version)).toEqual([1, 2, 3]);
    expect(versionInForceAt(history, '2021-06-01T00:00:00Z')?.version).toBe(3);
    expect(versionInForceAt(history, '2023-01-01T00:00:00Z')?.version).toBe(2);
  });

  it('is empty before anything is adopted', () => {
    expect(ordinanceHistoryFrom([])).toEqual([]);
  });
});
