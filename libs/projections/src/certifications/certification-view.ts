import {
  certificationDeadline,
  sectionInForce,
  versionInForceAt,
  type CertificationEvent,
  type CertificationForm,
  type CertificationOutcome,
  type CertificationRequester,
  type CertificationStatus,
  type DenialGround,
  type OrdinanceHistory,
} from '@trust-ledger/domain';
import type { RecordedEvent } from '@trust-ledger/event-store';
import { ERASED_TEXT } from '@trust-ledger/privacy';
import type { StoredText } from '../case-view/case-view';
import { asDomainEvent } from '../shared/domain-event';

/**
 * A victim visa certification (§ 9) as its views show it, without the victim: that personal data
 * stays in the recorded CertificationRequested event and is decoded from it only when read. The
 * officers' free text is kept as stored (sealed with the victim's data; `Text` = string once read).
 */
export interface CertificationRecord<Text = StoredText> {
  certificationId: string;
  agencyId: string;
  form: CertificationForm;
  requestedAt: string;
  requester: CertificationRequester;
  inRemovalProceedings: boolean;
  qualifyingActivity: Text;
  status: CertificationStatus;
  assistanceRefusals: { eventId: string; at: string; description: Text }[];
  decision: {
    eventId: string;
    outcome: CertificationOutcome;
    decidedAt: string;
    grounds: DenialGround | null;
    explanation: Text;
  } | null;
  withdrawal: { eventId: string; at: string; reason: Text } | null;
  /** The victim's key was destroyed (PersonalDataErased): the victim reads as "[erased]" for good. */
  personalDataErased: boolean;
  /** The stream's revision: the ETag, and what If-Match compares with. */
  revision: number;
}

/** Folds one recorded event of a `certification-` stream into its record; undefined before the request. */
export function evolveCertificationRecord(
  record: CertificationRecord | undefined,
  recorded: RecordedEvent,
): CertificationRecord | undefined {
  const event = asDomainEvent<CertificationEvent>(recorded);
  const eventId = recorded.id;
  const revision = recorded.revision;
  if (event.type === 'CertificationRequested') {
    const d = event.data;
    return {
      certificationId: d.certificationId,
      agencyId: d.agencyId,
      form: d.form,
      requestedAt: d.requestedAt,
      requester: d.requester,
      inRemovalProceedings: d.inRemovalProceedings,
      qualifyingActivity: d.qualifyingActivity,
      status: 'PENDING',
      assistanceRefusals: [],
      decision: null,
      withdrawal: null,
      personalDataErased: false,
      revision,
    };
  }
  if (record === undefined) return undefined;
  switch (event.type) {
    case 'AssistanceRefusalRecorded':
      return {
        ...record,
        assistanceRefusals: [...record.assistanceRefusals, { eventId, ...event.data }],
        revision,
      };
    case 'CertificationDecided':
      return { ...record, status: event.data.outcome, decision: { eventId, ...event.data }, revision };
    case 'CertificationWithdrawn':
      return { ...record, status: 'WITHDRAWN', withdrawal: { eventId, ...event.data }, revision };
    // The victim, decoded from the request when read, shows the erasure; the record says it happened
    // and keeps none of the free text, that recorded in clear before it was sealed included.
    case 'PersonalDataErased':
      return {
        ...record,
        qualifyingActivity: ERASED_TEXT,
        assistanceRefusals: record.assistanceRefusals.map((refusal) => ({
          ...refusal,
          description: ERASED_TEXT,
        })),
        decision: record.decision && { ...record.decision, explanation: ERASED_TEXT },
        withdrawal: record.withdrawal && { ...record.withdrawal, reason: ERASED_TEXT },
        personalDataErased: true,
        revision,
      };
  }
}

/**
 * When the certification must be decided by: the domain's deadline under the version in force at
 * `requestedAt` (the duty arose with the request); null where no version with § 9 in force applied.
 */
export function certificationDeadlineOf(
  record: CertificationRecord,
  ordinance: OrdinanceHistory,
): string | null {
  const version = versionInForceAt(ordinance, record.requestedAt);
  return sectionInForce(version, 9)
    ? certificationDeadline(record.requestedAt, record.inRemovalProceedings, version)
    : null;
}
