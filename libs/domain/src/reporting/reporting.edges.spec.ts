/** § 11 paths no other spec pinned down. */
import { recordedAdoptions } from '../../testing/ordinance-builders';
import { publishReport } from '../../testing/reporting-builders';
import { specFor } from '../../testing/given-when-then';
import { ordinanceVersion } from '../../testing/ordinance-builders';
import { ValidationError } from '../shared/errors';
import { reportDecider } from './report.decider';
import { evaluateReportingRules, reportingDeadlines } from './reporting.rules';

const given = specFor(reportDecider);

describe('Reporting — edges', () => {
  it('owes no period that ended before the first version took effect, though it was recorded earlier', () => {
    // Recorded 10 May 2024, in force only from 1 October 2024: Q2 and Q3 are owed nothing; Q4 is.
    const adoptions = recordedAdoptions([
      { version: { effectiveFrom: '2024-10-01T00:00:00Z' }, recordedAt: '2024-05-10T12:00:00Z' },
    ]);
    const now = '2025-06-01T00:00:00Z';
    expect(evaluateReportingRules([], adoptions, now).map((v) => v.streamId)).toEqual([
      'report-2024-Q4',
      'report-2025-Q1',
    ]);
    expect(reportingDeadlines([], adoptions, now)).toEqual([
      '2025-03-02T00:00:00.000Z',
      '2025-05-31T00:00:00.000Z',
      '2025-08-30T00:00:00.000Z',
    ]);
  });

  it('refuses a month as a reporting period: the ordinance reports by quarter or year', () => {
    given([]).when(publishReport('2024-03', '2024-06-01T00:00:00Z', [ordinanceVersion()])).thenThrows(ValidationError);
    let thrown: unknown;
    try {
      reportDecider.decide(null, publishReport('2024-03', '2024-06-01T00:00:00Z'));
    } catch (e) {
      thrown = e;
    }
    expect((thrown as ValidationError).errors).toEqual([
      { field: 'period', reason: 'must be a quarter YYYY-Qn, the reporting period in force at its end' },
    ]);
  });
});
