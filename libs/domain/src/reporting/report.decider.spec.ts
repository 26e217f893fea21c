import { fieldErrorsFor, specFor } from '../../testing/given-when-then';
import { ordinanceVersion } from '../../testing/ordinance-builders';
import { amendReport, publishReport, reportAmended, reportPublished } from '../../testing/reporting-builders';
import { ConflictError, ValidationError } from '../shared/errors';
import { reportDecider } from './report.decider';

const given = specFor(reportDecider);
const fieldErrors = fieldErrorsFor(reportDecider);

const newYork = [ordinanceVersion({ timeZone: 'America/New_York' })];
const yearly = [ordinanceVersion({ reportingPeriod: 'YEAR' })];

describe('PublishReport', () => {
  it('publishes an ended quarter, at the command’s time', () => {
    given([])
      .when(publishReport('2024-Q1', '2024-04-01T00:00:00Z'))
      .then([reportPublished('2024-Q1', '2024-04-01T00:00:00Z')]);
  });

  it('publishes an ended year when the ordinance reports yearly', () => {
    given([])
      .when(publishReport('2024', '2025-01-02T00:00:00Z', yearly))
      .then([reportPublished('2024', '2025-01-02T00:00:00Z')]);
  });

  it('refuses a quarter that has not ended in the ordinance’s time zone', () => {
    given([])
      .when(publishReport('2024-Q1', '2024-04-01T03:59:59Z', newYork))
      .thenThrows(ConflictError, 'PERIOD_NOT_ENDED');
    given([])
      .when(publishReport('2024-Q1', '2024-04-01T04:00:00Z', newYork))
      .then([reportPublished('2024-Q1', '2024-04-01T04:00:00Z')]);
  });

  it('refuses a period already published', () => {
    given([reportPublished('2024-Q1', '2024-04-02T00:00:00Z')])
      .when(publishReport('2024-Q1', '2024-05-01T00:00:00Z'))
      .thenThrows(ConflictError, 'ALREADY_PUBLISHED');
  });

  it('refuses a period when no ordinance version is in force', () => {
    given([])
      .when(
        publishReport('2024-Q1', '2024-05-01T00:00:00Z', [
          ordinanceVersion({ effectiveFrom: '2030-01-01T00:00:00Z' }),
        ]),
      )
      .thenThrows(ConflictError, 'NO_ORDINANCE_IN_FORCE');
  });

  it.each<[string, string, ReturnType<typeof ordinanceVersion>[], string]>([
    [
      'a year',
      '2023',
      [ordinanceVersion()],
      'must be a quarter YYYY-Qn, the reporting period in force at its end',
    ],
    [
      'a month',
      '2024-01',
      [ordinanceVersion()],
      'must be a quarter YYYY-Qn, the reporting period in force at its end',
    ],
    ['a quarter', '2024-Q1', yearly, 'must be a year YYYY, the reporting period in force at its end'],
  ])('rejects %s when the ordinance reports otherwise', (_, label, ordinance, reason) => {
    given([])
      .when(publishReport(label, '2025-06-01T00:00:00Z', ordinance))
      .thenThrows(ValidationError);
    expect(fieldErrors([], publishReport(label, '2025-06-01T00:00:00Z', ordinance))).toEqual([
      { field: 'period', reason },
    ]);
  });

  it('asks for the granularity in force at the period’s end, as § 11 judges the duty, not today’s', () => {
    const yearlyThenQuarterly = [
      ordinanceVersion({ version: 1, effectiveFrom: '2012-01-01T00:00:00Z', reportingPeriod: 'YEAR' }),
      ordinanceVersion({ version: 2, effectiveFrom: '2013-01-01T00:00:00Z' }),
    ];
    given([])
      .when(publishReport('2012', '2025-06-01T00:00:00Z', yearlyThenQuarterly))
      .then([reportPublished('2012', '2025-06-01T00:00:00Z')]);
    expect(fieldErrors([], publishReport('2012-Q3', '2025-06-01T00:00:00Z', yearlyThenQuarterly))).toEqual([
      { field: 'period', reason: 'must be a year YYYY, the reporting period in force at its end' },
    ]);
    given([])
      .when(publishReport('2013-Q1', '2025-06-01T00:00:00Z', yearlyThenQuarterly))
      .then([reportPublished('2013-Q1', '2025-06-01T00:00:00Z')]);
  });

  it('bounds the period in the zone in force at its start, as the § 11 duty is found, not today’s', () => {
    // Today's version is a day ahead (UTC+14): in its zone 2012 ended at 10:00 UTC on 31 December,
    // under the yearly version; in the zone 2012 began in, it ended at midnight UTC, under the new one.
    const zoneChange = [
      ordinanceVersion({ version: 1, effectiveFrom: '2000-01-01T00:00:00Z', reportingPeriod: 'YEAR' }),
      ordinanceVersion({ version: 2, effectiveFrom: '2012-12-31T12:00:00Z', timeZone: 'Pacific/Kiritimati' }),
    ];
    expect(fieldErrors([], publishReport('2012', '2025-06-01T00:00:00Z', zoneChange))).toEqual([
      { field: 'period', reason: 'must be a quarter YYYY-Qn, the reporting period in force at its end' },
    ]);
    given([])
      .when(publishReport('2012-Q4', '2025-06-01T00:00:00Z', zoneChange))
      .then([reportPublished('2012-Q4', '2025-06-01T00:00:00Z')]);
  });

  it('rejects a malformed period and content hash together', () => {
    const command = publishReport('2024-Q5', '2025-06-01T00:00:00Z');
    expect(fieldErrors([], { ...command, data: { ...command.data, contentHash: 'ABC' } })).toEqual([
      { field: 'period', reason: 'must be YYYY, YYYY-Qn or YYYY-MM' },
      { field: 'contentHash', reason: 'must be a lowercase hex SHA-256' },
    ]);
  });

  it('refuses a month as a reporting period: the ordinance reports by quarter or year', () => {
    given([])
      .when(publishReport('2024-03', '2024-06-01T00:00:00Z', [ordinanceVersion()]))
      .thenThrows(ValidationError);
    expect(fieldErrors([], publishReport('2024-03', '2024-06-01T00:00:00Z'))).toEqual([
      { field: 'period', reason: 'must be a quarter YYYY-Qn, the reporting period in force at its end' },
    ]);
  });
});

describe('AmendReport', () => {
  const published = reportPublished('2024-Q1', '2024-04-02T00:00:00Z');

  it('amends a published report, keeping the original beside it', () => {
    given([published])
      .when(amendReport('2024-06-01T00:00:00Z'))
      .then([reportAmended('2024-Q1', '2024-06-01T00:00:00Z')]);
  });

  it('amends again after an amendment', () => {
    given([published, reportAmended('2024-Q1', '2024-06-01T00:00:00Z')])
      .when(amendReport('2024-07-01T00:00:00Z'))
      .then([reportAmended('2024-Q1', '2024-07-01T00:00:00Z')]);
  });

  it('refuses to amend a report not yet published', () => {
    given([]).when(amendReport('2024-06-01T00:00:00Z')).thenThrows(ConflictError, 'NOT_PUBLISHED');
  });

  it('rejects an amendment without reason or with a malformed hash', () => {
    expect(
      fieldErrors([published], amendReport('2024-06-01T00:00:00Z', { reason: ' ', contentHash: 'x' })),
    ).toEqual([
      { field: 'reason', reason: 'is required' },
      { field: 'contentHash', reason: 'must be a lowercase hex SHA-256' },
    ]);
  });
});
