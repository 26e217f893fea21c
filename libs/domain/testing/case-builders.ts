/**
 * Small builders for case commands and events in specs: sensible defaults, override what the test
 * is about. Defaults describe an ordinary detainer case booked on 15 June 2024.
 */
import type {
  CloseCase,
  CommandContext,
  DecideRequest,
  ErasePersonalData,
  OpenCase,
  RecordCustodyAccess,
  RecordCustodyEvent,
  RecordDisclosure,
  RecordFederalRequest,
  RecordNotice,
} from '../src/case/case.commands';
import {
  caseStreamId,
  type CaseClosed,
  type CaseEvent,
  type CaseOpened,
  type CustodyAccessGranted,
  type DecisionAmended,
  type DecisionRecorded,
  type FederalRequestReceived,
  type InformationDisclosed,
  type NoticeIssued,
  type PersonalDataErased,
  type RequestDocument,
  type SubjectEligibleForRelease,
  type SubjectReleased,
  type SubjectTransferred,
} from '../src/case/case.events';
import type { Recorded } from '../src/shared/violation';

export const CASE_ID = '6f1c2a3e-0000-4000-8000-000000000001';
export const AGENCY_ID = 'agency-county-jail';
export const REQUEST_ID = '6f1c2a3e-0000-4000-8000-0000000000a1';
export const ACTOR = 'officer-1';
export const NOW = '2024-06-20T12:00:00Z';
export const T0 = '2024-06-15T10:00:00Z';

/** `iso` moved by a number of hours (fractions allowed): `hoursAfter(T0, 24)`. */
export function hoursAfter(iso: string, hours: number): string {
  return new Date(Date.parse(iso) + hours * 3_600_000).toISOString();
}
export const minutesAfter = (iso: string, minutes: number): string => hoursAfter(iso, minutes / 60);
/** `iso` moved by a whole number of milliseconds, for boundaries to the millisecond. */
export const millisecondsAfter = (iso: string, ms: number): string =>
  new Date(Date.parse(iso) + ms).toISOString();

export const judicialWarrant = (overrides: Partial<RequestDocument> = {}): RequestDocument => ({
  kind: 'JUDICIAL_WARRANT',
  issuerRole: 'FEDERAL_MAGISTRATE_JUDGE',
  court: 'U.S. District Court',
  judgeName: 'Judge A',
  signedAt: '2024-06-14T09:00:00Z',
  ...overrides,
});

// Events

export const caseOpened = (data: Partial<CaseOpened['data']> = {}): CaseOpened => ({
  type: 'CaseOpened',
  data: {
    caseId: CASE_ID,
    agencyId: AGENCY_ID,
    openedAt: '2024-06-15T08:00:00Z',
    subject: { fullName: 'Test Subject' },
    subjectProfile: { hasAttorney: false, hasDesignee: false },
    custody: { status: 'IN_CUSTODY', bookedAt: '2024-06-15T07:00:00Z' },
    convictions: [],
    ...data,
  },
});

export const requestReceived = (
  data: Partial<FederalRequestReceived['data']> = {},
): FederalRequestReceived => ({
  type: 'FederalRequestReceived',
  data: {
    requestId: REQUEST_ID,
    requestingAgency: 'ICE',
    requestType: 'DETAINER',
    form: 'I-247A',
    receivedAt: T0,
    documents: [],
    informationRequested: [],
    ...data,
  },
});

export const noticeIssued = (data: Partial<NoticeIssued['data']> = {}): NoticeIssued => ({
  type: 'NoticeIssued',
  data: {
    noticeId: 'notice-1',
    requestId: REQUEST_ID,
    purpose: 'REQUEST_AND_INTENT',
    recipient: 'SUBJECT',
    deliveredAt: hoursAfter(T0, 1),
    method: 'WRITTEN_IN_PERSON',
    language: 'en',
    inPreferredLanguage: null,
    includesCopyOfRequest: true,
    statedIntent: 'DECLINE',
    ...data,
  },
});

export const decisionRecorded = (data: Partial<DecisionRecorded['data']> = {}): DecisionRecorded => ({
  type: 'DecisionRecorded',
  data: {
    requestId: REQUEST_ID,
    outcome: 'DECLINED',
    basis: 'NONE',
    exceptionCode: null,
    decidedAt: hoursAfter(T0, 2),
    rationale: 'No judicial warrant',
    ...data,
  },
});

export const decisionAmended = (data: Partial<DecisionAmended['data']> = {}): DecisionAmended => ({
  type: 'DecisionAmended',
  data: {
    requestId: REQUEST_ID,
    outcome: 'DECLINED',
    basis: 'NONE',
    exceptionCode: null,
    decidedAt: hoursAfter(T0, 3),
    rationale: 'Reconsidered',
    reason: 'Recording error',
    ...data,
  },
});

export const informationDisclosed = (
  data: Partial<InformationDisclosed['data']> = {},
): InformationDisclosed => ({
  type: 'InformationDisclosed',
  data: {
    requestId: REQUEST_ID,
    recipientAgency: 'ICE',
    categories: ['RELEASE_DATE'],
    disclosedAt: hoursAfter(T0, 2),
    ...data,
  },
});

export const custodyAccessGranted = (
  data: Partial<CustodyAccessGranted['data']> = {},
): CustodyAccessGranted => ({
  type: 'CustodyAccessGranted',
  data: {
    requestId: REQUEST_ID,
    agency: 'ICE',
    purpose: 'CIVIL_IMMIGRATION',
    grantedAt: hoursAfter(T0, 2),
    consent: { written: true, toldVoluntary: true, toldMayHaveAttorney: true, language: 'en' },
    ...data,
  },
});

export const eligibleForRelease = (
  data: Partial<SubjectEligibleForRelease['data']> = {},
): SubjectEligibleForRelease => ({
  type: 'SubjectEligibleForRelease',
  data: { at: hoursAfter(T0, 4), reason: 'BAIL_POSTED', requestId: null, ...data },
});

export const released = (data: Partial<SubjectReleased['data']> = {}): SubjectReleased => ({
  type: 'SubjectReleased',
  data: { at: hoursAfter(T0, 4.5), requestId: null, ...data },
});

export const transferred = (data: Partial<SubjectTransferred['data']> = {}): SubjectTransferred => ({
  type: 'SubjectTransferred',
  data: { at: hoursAfter(T0, 4.5), toAgency: 'ICE', requestId: null, ...data },
});

export const caseClosed = (data: Partial<CaseClosed['data']> = {}): CaseClosed => ({
  type: 'CaseClosed',
  data: { closedAt: hoursAfter(T0, 48), reason: 'Subject released', ...data },
});

export const personalDataErased = (data: Partial<PersonalDataErased['data']> = {}): PersonalDataErased => ({
  type: 'PersonalDataErased',
  data: { erasedAt: NOW, reason: 'Court order to expunge', ...data },
});

/**
 * Events as read back from the case's stream: ids `evt-<revision>`, revisions from 0, recorded at
 * `recordedAt` unless told otherwise (rules judge acts by their own times, not by this one).
 */
export function recorded(events: CaseEvent[], recordedAt = NOW): Recorded<CaseEvent>[] {
  return events.map((e, revision) => ({
    ...e,
    eventId: `evt-${revision}`,
    streamId: caseStreamId(CASE_ID),
    revision,
    recordedAt,
  }));
}

// Commands

const context: CommandContext = { actor: ACTOR, now: NOW };

export const openCase = (data: Partial<OpenCase['data']> = {}, ctx = context): OpenCase => ({
  type: 'OpenCase',
  data: {
    caseId: CASE_ID,
    agencyId: AGENCY_ID,
    subject: { fullName: 'Test Subject' },
    custody: { status: 'IN_CUSTODY', bookedAt: '2024-06-15T07:00:00Z' },
    convictions: [],
    ...data,
  },
  ...ctx,
});

export const recordFederalRequest = (
  data: Partial<RecordFederalRequest['data']> = {},
): RecordFederalRequest => ({
  type: 'RecordFederalRequest',
  data: { ...requestReceived().data, ...data },
  ...context,
});

export const recordNotice = (data: Partial<RecordNotice['data']> = {}): RecordNotice => ({
  type: 'RecordNotice',
  data: {
    noticeId: 'notice-1',
    requestId: REQUEST_ID,
    purpose: 'REQUEST_AND_INTENT',
    recipient: 'SUBJECT',
    deliveredAt: hoursAfter(T0, 1),
    method: 'WRITTEN_IN_PERSON',
    language: 'en',
    includesCopyOfRequest: true,
    statedIntent: 'DECLINE',
    ...data,
  },
  ...context,
});

export const decideRequest = (data: Partial<DecideRequest['data']> = {}): DecideRequest => ({
  type: 'DecideRequest',
  data: {
    requestId: REQUEST_ID,
    outcome: 'DECLINED',
    basis: 'NONE',
    decidedAt: hoursAfter(T0, 2),
    rationale: 'No judicial warrant',
    ...data,
  },
  ...context,
});

export const recordDisclosure = (data: Partial<RecordDisclosure['data']> = {}): RecordDisclosure => ({
  type: 'RecordDisclosure',
  data: {
    requestId: REQUEST_ID,
    recipientAgency: 'ICE',
    categories: ['CITIZENSHIP_OR_IMMIGRATION_STATUS'],
    disclosedAt: hoursAfter(T0, 2),
    ...data,
  },
  ...context,
});

export const recordCustodyAccess = (
  data: Partial<RecordCustodyAccess['data']> = {},
): RecordCustodyAccess => ({
  type: 'RecordCustodyAccess',
  data: {
    requestId: REQUEST_ID,
    agency: 'ICE',
    purpose: 'CRIMINAL_INVESTIGATION',
    grantedAt: hoursAfter(T0, 2),
    ...data,
  },
  ...context,
});

export const recordCustodyEvent = (data: Partial<RecordCustodyEvent['data']> = {}): RecordCustodyEvent => ({
  type: 'RecordCustodyEvent',
  data: { kind: 'RELEASED', at: hoursAfter(T0, 4.5), ...data },
  ...context,
});

export const closeCase = (data: Partial<CloseCase['data']> = {}): CloseCase => ({
  type: 'CloseCase',
  data: { ...caseClosed().data, ...data },
  ...context,
});

export const erasePersonalData = (data: Partial<ErasePersonalData['data']> = {}): ErasePersonalData => ({
  type: 'ErasePersonalData',
  data: { reason: 'Court order to expunge', ...data },
  ...context,
});
