import type {
  AccessPurpose,
  ConvictionCategory,
  CustodyStatus,
  DecisionBasis,
  DecisionOutcome,
  DocumentKind,
  FederalAgency,
  InformationCategory,
  IssuerRole,
  NoticeMethod,
  NoticePurpose,
  NoticeRecipient,
  ReleaseEligibilityReason,
  RequestForm,
  RequestType,
  StatedIntent,
  TransferDestination,
} from '../shared/vocabulary';

/** All of a case's personal data, kept in one object so it can be encrypted per person. */
export interface Subject {
  fullName: string;
  dateOfBirth?: string;
  aNumber?: string;
  preferredLanguage?: string;
  attorney?: { name: string; phone?: string; email?: string };
  designee?: { name: string; phone?: string };
}

/**
 * The few facts about the subject that the ordinance's rules need, kept outside the encrypted
 * `subject` so that erasing a person's data never changes how the acts on the case are judged.
 */
export interface SubjectProfile {
  /**
   * Only on cases opened before notices recorded `inPreferredLanguage`: a language says much about
   * a person, so it now stays sealed in `subject` alone.
   */
  preferredLanguage?: string | null;
  hasAttorney: boolean;
  hasDesignee: boolean;
}

export interface Conviction {
  offense: string;
  category: ConvictionCategory;
  /** YYYY-MM-DD */
  convictedAt: string;
}

export interface RequestDocument {
  kind: DocumentKind;
  issuerRole: IssuerRole;
  court?: string;
  judgeName?: string;
  signedAt?: string;
  docketNumber?: string;
}

export interface CustodyAtOpening {
  status: CustodyStatus;
  bookedAt?: string;
  facility?: string;
}

export interface InformedConsent {
  written: boolean;
  toldVoluntary: boolean;
  toldMayHaveAttorney: boolean;
  language: string;
}

/** Stored event type strings are explicit and never derived from class names. */
export type CaseOpened = {
  type: 'CaseOpened';
  data: {
    caseId: string;
    agencyId: string;
    openedAt: string;
    subject: Subject;
    subjectProfile: SubjectProfile;
    custody: CustodyAtOpening;
    convictions: Conviction[];
  };
};

export type FederalRequestReceived = {
  type: 'FederalRequestReceived';
  data: {
    requestId: string;
    requestingAgency: FederalAgency;
    requestType: RequestType;
    form: RequestForm;
    receivedAt: string;
    documents: RequestDocument[];
    informationRequested: InformationCategory[];
  };
};

export type NoticeIssued = {
  type: 'NoticeIssued';
  data: {
    noticeId: string;
    requestId: string | null;
    purpose: NoticePurpose;
    recipient: NoticeRecipient;
    deliveredAt: string;
    method: NoticeMethod;
    /** Sealed with the subject's personal data when stored. */
    language: string;
    /**
     * Whether `language` is the subject's preferred language, judged when the notice is recorded so
     * that the rules read neither language; null when the case names none (or it was erased).
     * Absent on notices recorded before it was: the rules then compare the two, stored in clear.
     */
    inPreferredLanguage?: boolean | null;
    includesCopyOfRequest: boolean;
    statedIntent: StatedIntent | null;
  };
};

export interface DecisionFields {
  requestId: string;
  outcome: DecisionOutcome;
  basis: DecisionBasis;
  exceptionCode: string | null;
  decidedAt: string;
  rationale: string;
}

export type DecisionRecorded = { type: 'DecisionRecorded'; data: DecisionFields };
export type DecisionAmended = { type: 'DecisionAmended'; data: DecisionFields & { reason: string } };

export type InformationDisclosed = {
  type: 'InformationDisclosed';
  data: {
    requestId: string | null;
    recipientAgency: FederalAgency;
    categories: InformationCategory[];
    disclosedAt: string;
  };
};

export type CustodyAccessGranted = {
  type: 'CustodyAccessGranted';
  data: {
    requestId: string | null;
    agency: FederalAgency;
    purpose: AccessPurpose;
    grantedAt: string;
    consent: InformedConsent | null;
  };
};

export type SubjectEligibleForRelease = {
  type: 'SubjectEligibleForRelease';
  data: { at: string; reason: ReleaseEligibilityReason; requestId: string | null };
};
export type SubjectReleased = { type: 'SubjectReleased'; data: { at: string; requestId: string | null } };
export type SubjectTransferred = {
  type: 'SubjectTransferred';
  data: { at: string; toAgency: TransferDestination; requestId: string | null };
};

export type CaseClosed = { type: 'CaseClosed'; data: { closedAt: string; reason: string } };

/** Erasure of the subject's personal data (the data key is destroyed; the log stays intact). */
export type PersonalDataErased = { type: 'PersonalDataErased'; data: { erasedAt: string; reason: string } };

export type CaseEvent =
  | CaseOpened
  | FederalRequestReceived
  | NoticeIssued
  | DecisionRecorded
  | DecisionAmended
  | InformationDisclosed
  | CustodyAccessGranted
  | SubjectEligibleForRelease
  | SubjectReleased
  | SubjectTransferred
  | CaseClosed
  | PersonalDataErased;

export type CaseEventType = CaseEvent['type'];

export const CASE_EVENT_TYPES: readonly CaseEventType[] = [
  'CaseOpened',
  'FederalRequestReceived',
  'NoticeIssued',
  'DecisionRecorded',
  'DecisionAmended',
  'InformationDisclosed',
  'CustodyAccessGranted',
  'SubjectEligibleForRelease',
  'SubjectReleased',
  'SubjectTransferred',
  'CaseClosed',
  'PersonalDataErased',
];

export const caseStreamId = (caseId: string): string => `case-${caseId}`;
