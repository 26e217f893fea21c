import {
  sectionInForce,
  versionInForceAt,
  type OrdinanceHistory,
  type OrdinanceVersion,
} from '../ordinance/ordinance-version';
import { isBefore } from '../shared/date-time';
import { evidenceOf, type DetectedViolation, type Recorded } from '../shared/violation';
import { certificationDeadline } from './certification.deadline';
import type {
  AssistanceRefusalRecorded,
  CertificationDecided,
  CertificationEvent,
  CertificationRequested,
  CertificationWithdrawn,
} from './certification.events';

interface CertificationRecord {
  requested: Recorded<CertificationRequested>;
  refusals: Recorded<AssistanceRefusalRecorded>[];
  decided: Recorded<CertificationDecided> | undefined;
  withdrawn: Recorded<CertificationWithdrawn> | undefined;
}

/** Every § 9 violation the certification's recorded facts show as of `now`. */
export function evaluateCertificationRules(
  history: readonly Recorded<CertificationEvent>[],
  ordinance: OrdinanceHistory,
  now: string,
): DetectedViolation[] {
  const record = recordOf(history);
  if (!record) return [];
  return [...overdue(record, ordinance, now), ...denialOnExcludedGround(record, ordinance)];
}

/**
 * The moments at which the certification's violations may change with nothing new recorded: its
 * deadline, while it is neither decided nor withdrawn in time. The scheduler re-evaluates then.
 */
export function certificationDeadlines(
  history: readonly Recorded<CertificationEvent>[],
  ordinance: OrdinanceHistory,
): string[] {
  const record = recordOf(history);
  if (!record) return [];
  const duty = dutyOf(record, ordinance);
  return duty !== null && !endedBy(record, duty.deadline) ? [duty.deadline] : [];
}

function recordOf(history: readonly Recorded<CertificationEvent>[]): CertificationRecord | null {
  const requested = history.find(
    (e): e is Recorded<CertificationRequested> => e.type === 'CertificationRequested',
  );
  if (!requested) return null;
  return {
    requested,
    refusals: history.filter(
      (e): e is Recorded<AssistanceRefusalRecorded> => e.type === 'AssistanceRefusalRecorded',
    ),
    decided: history.find((e): e is Recorded<CertificationDecided> => e.type === 'CertificationDecided'),
    withdrawn: history.find(
      (e): e is Recorded<CertificationWithdrawn> => e.type === 'CertificationWithdrawn',
    ),
  };
}

interface DutyToDecide {
  version: OrdinanceVersion;
  days: number;
  deadline: string;
}

/** The duty to decide arose with the request, so the version in force then sets the deadline. */
function dutyOf(record: CertificationRecord, ordinance: OrdinanceHistory): DutyToDecide | null {
  const { requestedAt, inRemovalProceedings } = record.requested.data;
  const version = versionInForceAt(ordinance, requestedAt);
  if (!sectionInForce(version, 9)) return null;
  return {
    version,
    days: inRemovalProceedings ? version.certificationExpeditedDays : version.certificationDeadlineDays,
    deadline: certificationDeadline(requestedAt, inRemovalProceedings, version),
  };
}

/** Decided or withdrawn before the deadline, by when it happened, however late it was recorded. */
function endedBy(record: CertificationRecord, deadline: string): boolean {
  const endedAt = record.decided?.data.decidedAt ?? record.withdrawn?.data.at;
  return endedAt !== undefined && isBefore(endedAt, deadline);
}

function overdue(record: CertificationRecord, ordinance: OrdinanceHistory, now: string): DetectedViolation[] {
  const duty = dutyOf(record, ordinance);
  if (duty === null || isBefore(now, duty.deadline) || endedBy(record, duty.deadline)) return [];
  return [
    {
      ruleId: 'S9_CERTIFICATION_OVERDUE',
      section: 9,
      streamId: record.requested.streamId,
      requestId: null,
      occurredAt: duty.deadline,
      ordinanceVersion: duty.version.version,
      evidence: [evidenceOf(record.requested)],
      // Not which deadline, nor its days: oversight reads this, and the expedited one would tell
      // that the victim is in removal proceedings. The deadline is the violation's occurredAt.
      explanation:
        'The certification was neither decided nor withdrawn by the deadline the ordinance set for it.',
    },
  ];
}

function denialOnExcludedGround(
  record: CertificationRecord,
  ordinance: OrdinanceHistory,
): DetectedViolation[] {
  const decided = record.decided;
  if (!decided || decided.data.outcome !== 'DENIED') return [];
  const { decidedAt, grounds } = decided.data;
  const version = versionInForceAt(ordinance, decidedAt);
  if (!sectionInForce(version, 9)) return [];
  const refusal = record.refusals.find((r) => isBefore(r.data.at, decidedAt));
  const excluded =
    grounds === 'NO_PROSECUTION_OR_CONVICTION' || (grounds === 'REFUSED_REASONABLE_ASSISTANCE' && !refusal);
  if (!excluded) return [];
  return [
    {
      ruleId: 'S9_DENIAL_ON_EXCLUDED_GROUND',
      section: 9,
      streamId: decided.streamId,
      requestId: null,
      occurredAt: decidedAt,
      ordinanceVersion: version.version,
      evidence: [evidenceOf(decided), evidenceOf(record.requested)],
      explanation:
        grounds === 'NO_PROSECUTION_OR_CONVICTION'
          ? 'Certification was denied because no one was prosecuted or convicted, which the ordinance excludes as a ground.'
          : 'Certification was denied for refused assistance, but no refusal is recorded before the decision.',
    },
  ];
}
