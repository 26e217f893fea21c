import { versionInForceAt } from '../ordinance/ordinance-version';
import { ConflictError, ValidationError, type FieldError } from '../shared/errors';
import { assertValid, check, requiredText } from '../shared/field-checks';
import { epochMsOf } from '../shared/date-time';
import { parsePeriod, periodBounds, periodHasEnded } from './period';
import type { AmendReport, PublishReport, ReportCommand } from './report.commands';
import type { ReportEvent } from './report.events';

/** `null` until the period's report is published. */
type ReportState = { period: string; publishedAt: string } | null;

const initialReportState: ReportState = null;

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Decides what a command on a period's report records, or refuses it: Validation for a period that
 * is malformed or of another granularity than the ordinance's, Conflict for one that has not ended,
 * is already published, or (for an amendment) is not yet published.
 */
function decideReport(state: ReportState, command: ReportCommand): ReportEvent[] {
  return command.type === 'PublishReport' ? publish(state, command) : amend(state, command);
}

/** Total: it never throws, whatever the history holds. */
function evolveReport(state: ReportState, event: ReportEvent): ReportState {
  return event.type === 'ReportPublished'
    ? { period: event.data.period, publishedAt: event.data.publishedAt }
    : state;
}

export const reportDecider = { decide: decideReport, evolve: evolveReport, initialState: initialReportState };

function publish(state: ReportState, { data, ordinance, now }: PublishReport): ReportEvent[] {
  const period = parsePeriod(data.period);
  const hashErrors = contentHashErrors(data.contentHash);
  if (period === null) {
    throw new ValidationError([
      { field: 'period', reason: 'must be YYYY, YYYY-Qn or YYYY-MM' },
      ...hashErrors,
    ]);
  }
  assertValid(hashErrors);
  const current = versionInForceAt(ordinance, now);
  if (!current) throw new ConflictError('NO_ORDINANCE_IN_FORCE', 'No ordinance version is in force');
  const { label, granularity } = period;
  // The version that owes the report, much as § 11's rule finds the duty: the period bounded in the
  // zone of the version in force at its start, then judged by the version in force at its last
  // instant (today's for a period before any version). Today's may report otherwise. (The rule also
  // re-bounds at versions that take effect within the period; the two can still differ when zones
  // and granularities change inside one period.)
  const starting = versionInForceAt(ordinance, periodBounds(period, current.timeZone).start) ?? current;
  const lastInstant = new Date(epochMsOf(periodBounds(period, starting.timeZone).end) - 1).toISOString();
  const version = versionInForceAt(ordinance, lastInstant) ?? current;
  const expected = version.reportingPeriod === 'QUARTER' ? 'a quarter YYYY-Qn' : 'a year YYYY';
  assertValid(
    check(
      granularity === version.reportingPeriod,
      'period',
      `must be ${expected}, the reporting period in force at its end`,
    ),
  );
  if (state !== null)
    throw new ConflictError('ALREADY_PUBLISHED', `The report for ${label} is already published`);
  if (!periodHasEnded(period, now, version.timeZone)) {
    throw new ConflictError('PERIOD_NOT_ENDED', `${label} has not ended`);
  }
  return [
    {
      type: 'ReportPublished',
      data: { period: label, publishedAt: now, statistics: data.statistics, contentHash: data.contentHash },
    },
  ];
}

function amend(state: ReportState, { data, now }: AmendReport): ReportEvent[] {
  assertValid([...requiredText('reason', data.reason), ...contentHashErrors(data.contentHash)]);
  if (state === null) throw new ConflictError('NOT_PUBLISHED', 'Only a published report can be amended');
  return [
    {
      type: 'ReportAmended',
      data: {
        period: state.period,
        amendedAt: now,
        reason: data.reason,
        statistics: data.statistics,
        contentHash: data.contentHash,
      },
    },
  ];
}

function contentHashErrors(contentHash: string): FieldError[] {
  return check(SHA256_HEX.test(contentHash), 'contentHash', 'must be a lowercase hex SHA-256');
}
