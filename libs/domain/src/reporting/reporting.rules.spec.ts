import { recordedAdoptions } from '../../testing/ordinance-builders';
import { evaluateReportingRules, reportingDeadlines, type PublishedReport } from './reporting.rules';

/** The default version (quarterly, due 60 days after, UTC, effective 2000) first recorded 10 May 2024. */
const RECORDED = '2024-05-10T12:00:00Z';
const adoptions = recordedAdoptions([{ version: {}, recordedAt: RECORDED }]);
/** 2024-Q2 ends 1 July; day 60 after 30 June is 29 August, so the report is late from 30 August. */
const Q2_DUE = '2024-08-30T00:00:00.000Z';
const Q3_DUE = '2024-11-30T00:00:00.000Z';
const Q4_DUE = '2025-03-02T00:00:00.000Z';

const overdue = (published: PublishedReport[], now: string, ordinance = adoptions) =>
  evaluateReportingRules(published, ordinance, now).map((v) => v.streamId);

describe('S11_REPORT_OVERDUE', () => {
  it('fires once the due day has passed with no report, citing the adoption that required it', () => {
    expect(evaluateReportingRules([], adoptions, Q2_DUE)).toEqual([
      {
        ruleId: 'S11_REPORT_OVERDUE',
        section: 11,
        streamId: 'report-2024-Q2',
        requestId: null,
        occurredAt: Q2_DUE,
        ordinanceVersion: 1,
        evidence: [
          {
            eventId: adoptions[0].eventId,
            streamId: 'ordinance',
            revision: 0,
            type: 'OrdinanceVersionAdopted',
          },
        ],
        explanation: 'No report for 2024-Q2 was published within 60 days after the period ended.',
      },
    ]);
  });

  it('is not judged before the due day has passed', () => {
    expect(overdue([], '2024-08-29T23:59:59.999Z')).toEqual([]);
  });

  it('does not fire for a report published by the due day, and fires for one published after', () => {
    expect(overdue([{ period: '2024-Q2', publishedAt: '2024-08-29T23:00:00Z' }], Q2_DUE)).toEqual([]);
    expect(overdue([{ period: '2024-Q2', publishedAt: Q2_DUE }], Q2_DUE)).toEqual(['report-2024-Q2']);
  });

  it('does not count a report of another period', () => {
    expect(overdue([{ period: '2024-Q1', publishedAt: '2024-07-01T00:00:00Z' }], Q2_DUE)).toEqual([
      'report-2024-Q2',
    ]);
  });

  it('never fires for periods that ended before the first version was recorded, whatever its effectiveFrom', () => {
    expect(overdue([], '2025-03-01T23:59:59Z')).toEqual(['report-2024-Q2', 'report-2024-Q3']);
    expect(overdue([], Q4_DUE)).toEqual(['report-2024-Q2', 'report-2024-Q3', 'report-2024-Q4']);
  });

  it('owes no period that ended before the first version took effect, though it was recorded earlier', () => {
    // Recorded 10 May 2024, in force only from 1 October 2024: Q2 and Q3 are owed nothing; Q4 is.
    const inForceLater = recordedAdoptions([
      { version: { effectiveFrom: '2024-10-01T00:00:00Z' }, recordedAt: RECORDED },
    ]);
    const now = '2025-06-01T00:00:00Z';
    expect(overdue([], now, inForceLater)).toEqual(['report-2024-Q4', 'report-2025-Q1']);
    expect(reportingDeadlines([], inForceLater, now)).toEqual([
      Q4_DUE,
      '2025-05-31T00:00:00.000Z',
      '2025-08-30T00:00:00.000Z',
    ]);
  });

  it('counts periods and due days in the ordinance’s time zone', () => {
    const ny = recordedAdoptions([{ version: { timeZone: 'America/New_York' }, recordedAt: RECORDED }]);
    // Q2 ends at New York's midnight on 1 July (04:00Z); 29 August is the last day, on EDT.
    expect(overdue([], '2024-08-30T03:59:59Z', ny)).toEqual([]);
    expect(evaluateReportingRules([], ny, '2024-08-30T04:00:00Z')).toMatchObject([
      { streamId: 'report-2024-Q2', occurredAt: '2024-08-30T04:00:00.000Z' },
    ]);
  });

  it('reports yearly when the ordinance says so, and honours its due days', () => {
    const yearly = recordedAdoptions([
      { version: { reportingPeriod: 'YEAR', reportDueDays: 30 }, recordedAt: RECORDED },
    ]);
    expect(overdue([], '2025-01-30T23:59:59Z', yearly)).toEqual([]);
    expect(evaluateReportingRules([], yearly, '2025-01-31T00:00:00Z')).toMatchObject([
      { streamId: 'report-2024', occurredAt: '2025-01-31T00:00:00.000Z' },
    ]);
  });

  it('fires nothing while § 11 is not in force', () => {
    const without = recordedAdoptions([{ version: { sectionsInForce: [1, 2, 3] }, recordedAt: RECORDED }]);
    expect(overdue([], '2026-01-01T00:00:00Z', without)).toEqual([]);
    expect(overdue([], '2026-01-01T00:00:00Z', [])).toEqual([]);
  });

  it('owes a period lived under § 11 even if § 11 ends with it, and not one § 11 reaches only at its end', () => {
    const history = recordedAdoptions([
      { version: { sectionsInForce: [1, 2] }, recordedAt: RECORDED },
      // § 11 from the start of Q3 2024 …
      { version: { effectiveFrom: '2024-07-01T00:00:00Z' }, recordedAt: '2024-06-01T00:00:00Z' },
      // … until the end of Q4 2024.
      {
        version: { effectiveFrom: '2025-01-01T00:00:00Z', sectionsInForce: [1] },
        recordedAt: '2024-06-02T00:00:00Z',
      },
    ]);
    const found = evaluateReportingRules([], history, '2026-01-01T00:00:00Z');
    expect(found.map((v) => [v.streamId, v.ordinanceVersion, v.evidence[0].revision])).toEqual([
      ['report-2024-Q3', 2, 1],
      ['report-2024-Q4', 2, 1],
    ]);
  });

  it('follows a change of granularity: the quarters before it, the year after', () => {
    const history = recordedAdoptions([
      { version: {}, recordedAt: '2024-01-05T00:00:00Z' },
      {
        version: { effectiveFrom: '2024-04-01T00:00:00Z', reportingPeriod: 'YEAR' },
        recordedAt: '2024-03-01T00:00:00Z',
      },
    ]);
    expect(overdue([], '2026-01-01T00:00:00Z', history)).toEqual(['report-2024-Q1', 'report-2024']);
  });
});

describe('reportingDeadlines', () => {
  it('names the due moment of every unreported period, the one in progress included', () => {
    expect(reportingDeadlines([], adoptions, '2024-10-15T00:00:00Z')).toEqual([Q2_DUE, Q3_DUE, Q4_DUE]);
  });

  it('leaves out periods reported in time', () => {
    const published = [{ period: '2024-Q2', publishedAt: '2024-07-15T00:00:00Z' }];
    expect(reportingDeadlines(published, adoptions, '2024-10-15T00:00:00Z')).toEqual([Q3_DUE, Q4_DUE]);
  });

  it('is empty before any version is recorded', () => {
    expect(reportingDeadlines([], [], '2024-10-15T00:00:00Z')).toEqual([]);
  });
});
