import {
  CASE_EVENT_TYPES,
  epochMsOf,
  isJudicialWarrant,
  versionInForceAt,
  type CaseEvent,
  type Conviction,
  type CustodyAccessGranted,
  type CustodyStatus,
  type DecisionFields,
  type DecisionOutcome,
  type FederalRequestReceived,
  type InformedConsent,
  type InformationDisclosed,
  type NoticeIssued,
  type OrdinanceHistory,
  type ReleaseEligibilityReason,
  type RequestDocument,
  type TransferDestination,
} from '@trust-ledger/domain';
import type { JsonValue, RecordedEvent } from '@trust-ledger/event-store';
import { ERASED_TEXT, erasedShape, isSealed, type SealedValue } from '@trust-ledger/privacy';
import { asDomainEvent } from '../shared/domain-event';

/**
 * A language or an officer's free text as stored: sealed with the subject's data (in clear on acts
 * recorded before it was); the view types take `string` for it once the case is read.
 */
export type StoredText = string | SealedValue;

/** The view types are the events' own data, plus where each came from: one definition of every field. */
export type DecisionView<Text = StoredText> = Omit<DecisionFields, 'requestId' | 'rationale'> & {
  rationale: Text;
  /** Why it replaced the earlier decision; null for a first decision. */
  amendmentReason: Text | null;
  eventId: string;
};

export type ConvictionView<Text = StoredText> = Omit<Conviction, 'offense'> & { offense: Text };

/**
 * API.md's notice, its language as stored (`Text` = string once the case is read); not the
 * rules' own `inPreferredLanguage`.
 */
export type NoticeView<Text = StoredText> = Omit<NoticeIssued['data'], 'language' | 'inPreferredLanguage'> & {
  language: Text;
};

/** A request's document, its docket number as stored (sealed with the subject's data). */
export type DocumentView<Text = StoredText> = Omit<RequestDocument, 'docketNumber'> & { docketNumber?: Text };

type RequestRecord<Text = StoredText> = Omit<FederalRequestReceived['data'], 'documents'> & {
  documents: DocumentView<Text>[];
  status: 'PENDING' | DecisionOutcome;
  /** The decision in force (the last recorded or amended). */
  decision: DecisionView<Text> | null;
  /** Decisions an amendment replaced, oldest first. */
  previousDecisions: DecisionView<Text>[];
};

export type RequestView<Text = StoredText> = RequestRecord<Text> & {
  /** Judged under the ordinance version in force when the request was received. */
  hasJudicialWarrant: boolean;
  notices: NoticeView<Text>[];
};

export type DisclosureView = InformationDisclosed['data'] & { eventId: string };

export type AccessGrantView<Text = StoredText> = Omit<CustodyAccessGranted['data'], 'consent'> & {
  consent: (Omit<InformedConsent, 'language'> & { language: Text }) | null;
  eventId: string;
};

export interface CustodyView {
  status: CustodyStatus;
  facility: string | null;
  bookedAt: string | null;
  eligibleForReleaseAt: string | null;
  eligibleForReleaseReason: ReleaseEligibilityReason | null;
  releasedAt: string | null;
  transferredAt: string | null;
  transferredTo: TransferDestination | null;
}

/**
 * What the case-view projection stores: the case as its events say, without what depends on other
 * records (the ordinance in force, the violation register). `subject` is kept exactly as recorded
 * — ciphertext once personal data is encrypted — and is decoded only when the case is read.
 */
export interface CaseRecord<Text = StoredText> {
  caseId: string;
  agencyId: string;
  status: 'OPEN' | 'CLOSED';
  /** Revision of the last event on the case's stream: the ETag. */
  revision: number;
  openedAt: string;
  closedAt: string | null;
  subject: JsonValue;
  personalDataErased: boolean;
  custody: CustodyView;
  convictions: ConvictionView<Text>[];
  requests: RequestRecord<Text>[];
  notices: NoticeView<Text>[];
  disclosures: DisclosureView[];
  accessGrants: AccessGrantView<Text>[];
}

/** API.md's GET /cases/{caseId}. Violations are typed by the register that provides them. */
export interface CaseView<V = unknown, Text = StoredText> extends Omit<CaseRecord<Text>, 'requests'> {
  requests: RequestView<Text>[];
  violations: V[];
}

const CASE_TYPES: ReadonlySet<string> = new Set(CASE_EVENT_TYPES);

/** The port's event as the case event its type names; undefined for any other type. */
function asCaseEvent(event: RecordedEvent): CaseEvent | undefined {
  return CASE_TYPES.has(event.type) ? asDomainEvent<CaseEvent>(event) : undefined;
}

function decisionOf(
  data: Extract<CaseEvent, { type: 'DecisionRecorded' | 'DecisionAmended' }>['data'],
  eventId: string,
  amendmentReason: string | null,
): DecisionView {
  const { outcome, basis, exceptionCode, decidedAt, rationale } = data;
  return { outcome, basis, exceptionCode, decidedAt, rationale, amendmentReason, eventId };
}

/**
 * Folds one event of a case's stream into its record. Total, so that the projection never stops on
 * a case: an event before CaseOpened yields nothing, and an unknown event type only moves the
 * revision (the ETag must follow the stream, whatever is recorded on it).
 */
export function evolveCaseRecord(
  record: CaseRecord | undefined,
  event: RecordedEvent,
): CaseRecord | undefined {
  const e = asCaseEvent(event);
  if (e?.type === 'CaseOpened') {
    const { caseId, agencyId, openedAt, subject, custody, convictions } = e.data;
    return {
      caseId,
      agencyId,
      status: 'OPEN',
      revision: event.revision,
      openedAt,
      closedAt: null,
      subject: subject as unknown as JsonValue,
      personalDataErased: false,
      custody: {
        status: custody.status,
        facility: custody.facility ?? null,
        bookedAt: custody.bookedAt ?? null,
        eligibleForReleaseAt: null,
        eligibleForReleaseReason: null,
        releasedAt: null,
        transferredAt: null,
        transferredTo: null,
      },
      convictions,
      requests: [],
      notices: [],
      disclosures: [],
      accessGrants: [],
    };
  }
  if (record === undefined) return undefined;
  const next: CaseRecord = { ...record, revision: event.revision };
  switch (e?.type) {
    case 'FederalRequestReceived': {
      const { requestId, requestingAgency, requestType, form, receivedAt, documents, informationRequested } =
        e.data;
      next.requests = [
        ...record.requests,
        {
          requestId,
          requestingAgency,
          requestType,
          form,
          receivedAt,
          documents,
          informationRequested,
          status: 'PENDING',
          decision: null,
          previousDecisions: [],
        },
      ];
      break;
    }
    case 'NoticeIssued': {
      const { inPreferredLanguage: _, ...notice } = e.data;
      next.notices = [...record.notices, notice];
      break;
    }
    case 'DecisionRecorded':
    case 'DecisionAmended': {
      const decision = decisionOf(e.data, event.id, e.type === 'DecisionAmended' ? e.data.reason : null);
      next.requests = record.requests.map((r) =>
        r.requestId !== e.data.requestId
          ? r
          : {
              ...r,
              status: decision.outcome,
              decision,
              previousDecisions:
                r.decision === null ? r.previousDecisions : [...r.previousDecisions, r.decision],
            },
      );
      break;
    }
    case 'InformationDisclosed':
      next.disclosures = [...record.disclosures, { eventId: event.id, ...e.data }];
      break;
    case 'CustodyAccessGranted':
      next.accessGrants = [...record.accessGrants, { eventId: event.id, ...e.data }];
      break;
    case 'SubjectEligibleForRelease':
      if (startsTheHold(record.custody, e.data.at)) {
        next.custody = {
          ...record.custody,
          eligibleForReleaseAt: e.data.at,
          eligibleForReleaseReason: e.data.reason,
        };
      }
      break;
    case 'SubjectReleased':
      next.custody = { ...record.custody, status: 'NOT_IN_CUSTODY', releasedAt: e.data.at };
      break;
    case 'SubjectTransferred':
      next.custody = {
        ...record.custody,
        status: 'NOT_IN_CUSTODY',
        transferredAt: e.data.at,
        transferredTo: e.data.toAgency,
      };
      break;
    case 'CaseClosed':
      next.status = 'CLOSED';
      next.closedAt = e.data.closedAt;
      break;
    case 'PersonalDataErased':
      return { ...erasedRecord(record), revision: event.revision };
  }
  return next;
}

/**
 * The record once the person's data is erased: it keeps nothing of them, languages and free text
 * recorded in clear before they were sealed included.
 */
export function erasedRecord(record: CaseRecord): CaseRecord {
  const erasedDecision = (decision: DecisionView): DecisionView => ({
    ...decision,
    rationale: ERASED_TEXT,
    amendmentReason: decision.amendmentReason === null ? null : ERASED_TEXT,
  });
  return {
    ...record,
    subject: erasedSubject(record.subject),
    convictions: record.convictions.map((conviction) => ({ ...conviction, offense: ERASED_TEXT })),
    requests: record.requests.map((request) => ({
      ...request,
      documents: request.documents.map((document) =>
        document.docketNumber === undefined ? document : { ...document, docketNumber: ERASED_TEXT },
      ),
      decision: request.decision && erasedDecision(request.decision),
      previousDecisions: request.previousDecisions.map(erasedDecision),
    })),
    notices: record.notices.map((notice) => ({ ...notice, language: ERASED_TEXT })),
    accessGrants: record.accessGrants.map((grant) => ({
      ...grant,
      consent: grant.consent && { ...grant.consent, language: ERASED_TEXT },
    })),
    personalDataErased: true,
  };
}

/**
 * The subject as reads show it once erased: a sealed subject's own erased shape (its ciphertext is
 * dropped, unreadable anyway once its key is destroyed); a subject recorded in clear, erased leaf by
 * leaf as a sealed one would be (nulls stay null), so that every read shows it alike.
 */
export function erasedSubject(subject: JsonValue): JsonValue {
  return isSealed(subject) ? subject.shape : erasedShape(subject);
}

/** Adds what depends on the ordinance in force and on the violation register. */
export function toCaseView<V, Text>(
  record: CaseRecord<Text>,
  ordinance: OrdinanceHistory,
  violations: V[],
): CaseView<V, Text> {
  return {
    ...record,
    requests: record.requests.map((request) => {
      const version = versionInForceAt(ordinance, request.receivedAt);
      return {
        ...request,
        hasJudicialWarrant:
          version !== undefined && request.documents.some((doc) => isJudicialWarrant(doc, version)),
        notices: record.notices.filter((notice) => notice.requestId === request.requestId),
      };
    }),
    violations,
  };
}

/** The case as these events (one case's stream, in order) make it; undefined before CaseOpened. */
export function caseRecordFrom(events: Iterable<RecordedEvent>): CaseRecord | undefined {
  let record: CaseRecord | undefined;
  for (const event of events) record = evolveCaseRecord(record, event);
  return record;
}

/** API.md's case view of these events, judged against `ordinance`. */
export function caseViewFrom<V = never>(
  events: Iterable<RecordedEvent>,
  ordinance: OrdinanceHistory,
  violations: V[] = [],
): CaseView<V> | undefined {
  const record = caseRecordFrom(events);
  return record && toCaseView(record, ordinance, violations);
}

/**
 * Whether an eligibility recorded at `at` is the one the hold is measured from, as the register
 * measures it: the first since the last release or transfer, by the act's own time. A later
 * eligibility (another reason), or one recorded late but dated earlier, must not move it.
 */
function startsTheHold(custody: CaseView['custody'], at: string): boolean {
  const { eligibleForReleaseAt: current, releasedAt, transferredAt } = custody;
  if (current === null) return true;
  const departed = Math.max(
    ...[releasedAt, transferredAt].map((t) => (t === null ? -Infinity : epochMsOf(t))),
  );
  // A new hold, after the one the current eligibility began ended.
  if (epochMsOf(current) <= departed && epochMsOf(at) > departed) return true;
  return epochMsOf(at) < epochMsOf(current);
}
