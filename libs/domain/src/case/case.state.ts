import type { FederalAgency, RequestType } from '../shared/vocabulary';
import type { CaseEvent, DecisionFields } from './case.events';
import { later } from './iso-time';

/** What decide needs to know about one federal request. */
export interface CaseRequestState {
  requestType: RequestType;
  requestingAgency: FederalAgency;
  receivedAt: string;
  /** The decision now in force: the last recorded or amended one. */
  decision: DecisionFields | null;
}

export interface CaseState {
  exists: boolean;
  closed: boolean;
  erased: boolean;
  agencyId: string | null;
  /** As the (revealed) subject gives it; null once erased. */
  preferredLanguage: string | null;
  requests: Readonly<Record<string, CaseRequestState>>;
  noticeIds: readonly string[];
  /** The latest time at which anything recorded on the case happened; a case cannot close before it. */
  lastActAt: string | null;
}

export const initialCaseState: CaseState = {
  exists: false,
  closed: false,
  erased: false,
  agencyId: null,
  preferredLanguage: null,
  requests: {},
  noticeIds: [],
  lastActAt: null,
};

export function findRequest(state: CaseState, requestId: string): CaseRequestState | undefined {
  return Object.hasOwn(state.requests, requestId) ? state.requests[requestId] : undefined;
}

/** Folds one recorded event into the state. Total: it never throws, whatever the history holds. */
export function evolveCase(state: CaseState, event: CaseEvent): CaseState {
  switch (event.type) {
    case 'CaseOpened':
      return {
        ...state,
        exists: true,
        agencyId: event.data.agencyId,
        preferredLanguage: event.data.subject.preferredLanguage ?? null,
        // The booking is the case's first act: nothing closes it before then.
        lastActAt: event.data.custody.bookedAt ?? null,
      };
    case 'FederalRequestReceived': {
      const { requestId, requestType, requestingAgency, receivedAt } = event.data;
      return {
        ...state,
        requests: {
          ...state.requests,
          [requestId]: { requestType, requestingAgency, receivedAt, decision: null },
        },
        lastActAt: later(state.lastActAt, receivedAt),
      };
    }
    case 'NoticeIssued':
      return {
        ...state,
        noticeIds: [...state.noticeIds, event.data.noticeId],
        lastActAt: later(state.lastActAt, event.data.deliveredAt),
      };
    case 'DecisionRecorded':
    case 'DecisionAmended': {
      const { requestId, outcome, basis, exceptionCode, decidedAt, rationale } = event.data;
      const request = findRequest(state, requestId);
      if (!request) return state;
      const decision: DecisionFields = { requestId, outcome, basis, exceptionCode, decidedAt, rationale };
      return {
        ...state,
        requests: { ...state.requests, [requestId]: { ...request, decision } },
        lastActAt: later(state.lastActAt, decidedAt),
      };
    }
    case 'InformationDisclosed':
      return { ...state, lastActAt: later(state.lastActAt, event.data.disclosedAt) };
    case 'CustodyAccessGranted':
      return { ...state, lastActAt: later(state.lastActAt, event.data.grantedAt) };
    case 'SubjectEligibleForRelease':
    case 'SubjectReleased':
    case 'SubjectTransferred':
      return { ...state, lastActAt: later(state.lastActAt, event.data.at) };
    case 'CaseClosed':
      return { ...state, closed: true };
    case 'PersonalDataErased':
      return { ...state, erased: true, preferredLanguage: null };
  }
}
