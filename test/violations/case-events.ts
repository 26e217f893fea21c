import type { CaseEvent } from '@trust-ledger/domain';

type Of<T extends CaseEvent['type']> = Extract<CaseEvent, { type: T }>;

export const caseOpened = (agencyId: string, preferredLanguage: string | null = null): Of<'CaseOpened'> => ({
  type: 'CaseOpened',
  data: {
    caseId: 'c',
    agencyId,
    openedAt: '2024-02-01T00:00:00Z',
    subject: { fullName: 'Jane Roe', ...(preferredLanguage === null ? {} : { preferredLanguage }) },
    subjectProfile: { preferredLanguage, hasAttorney: false, hasDesignee: false },
    custody: { status: 'IN_CUSTODY', bookedAt: '2024-02-01T00:00:00Z' },
    convictions: [],
  },
});

export const requestReceived = (
  requestId: string,
  receivedAt: string,
  requestType: Of<'FederalRequestReceived'>['data']['requestType'] = 'DETAINER',
  requestingAgency: 'ICE' | 'CBP' = 'ICE',
  documents: Of<'FederalRequestReceived'>['data']['documents'] = [],
): Of<'FederalRequestReceived'> => ({
  type: 'FederalRequestReceived',
  data: {
    requestId,
    requestingAgency,
    requestType,
    form: 'I-247A',
    receivedAt,
    documents,
    informationRequested: [],
  },
});

export const JUDICIAL_WARRANT: Of<'FederalRequestReceived'>['data']['documents'][number] = {
  kind: 'JUDICIAL_WARRANT',
  issuerRole: 'FEDERAL_JUDGE',
  court: 'U.S. District Court',
  judgeName: 'Judge Doe',
  signedAt: '2024-02-01T00:00:00Z',
};

export const noticeIssued = (requestId: string, deliveredAt: string): Of<'NoticeIssued'> => ({
  type: 'NoticeIssued',
  data: {
    noticeId: `notice-${requestId}-${deliveredAt}`,
    requestId,
    purpose: 'REQUEST_AND_INTENT',
    recipient: 'SUBJECT',
    deliveredAt,
    method: 'WRITTEN_IN_PERSON',
    language: 'en',
    includesCopyOfRequest: true,
    statedIntent: 'DECLINE',
  },
});

export const decisionRecorded = (
  requestId: string,
  decidedAt: string,
  outcome: Of<'DecisionRecorded'>['data']['outcome'],
  basis: Of<'DecisionRecorded'>['data']['basis'] = 'NONE',
  exceptionCode: string | null = null,
): Of<'DecisionRecorded'> => ({
  type: 'DecisionRecorded',
  data: { requestId, outcome, basis, exceptionCode, decidedAt, rationale: 'as recorded' },
});

export const decisionAmended = (
  requestId: string,
  decidedAt: string,
  outcome: Of<'DecisionAmended'>['data']['outcome'],
  basis: Of<'DecisionAmended'>['data']['basis'] = 'NONE',
): Of<'DecisionAmended'> => ({
  type: 'DecisionAmended',
  data: {
    requestId,
    outcome,
    basis,
    exceptionCode: null,
    decidedAt,
    rationale: 'as amended',
    reason: 'amended',
  },
});

export const eligibleForRelease = (at: string): Of<'SubjectEligibleForRelease'> => ({
  type: 'SubjectEligibleForRelease',
  data: { at, reason: 'BAIL_POSTED', requestId: null },
});

export const subjectTransferred = (
  at: string,
  toAgency: 'ICE' | 'CBP' | 'OTHER',
  requestId: string | null = null,
): Of<'SubjectTransferred'> => ({
  type: 'SubjectTransferred',
  data: { at, toAgency, requestId },
});

export { ordinanceVersionAdopted as ordinanceAdopted } from '../../libs/domain/testing/ordinance-builders';
