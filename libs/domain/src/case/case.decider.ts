import { isBefore } from '../shared/date-time';
import { ConflictError, NotFoundError, type FieldError } from '../shared/errors';
import {
  assertValid,
  check,
  distinct,
  languageTag,
  pastDate,
  pastDateTime,
  requiredText,
} from '../shared/field-checks';
import { COURT_DOCUMENT_KINDS, type FederalAgency } from '../shared/vocabulary';
import { sameLanguage } from './language';
import type {
  CaseCommand,
  CloseCase,
  DecideRequest,
  ErasePersonalData,
  OpenCase,
  RecordCustodyAccess,
  RecordCustodyEvent,
  RecordDisclosure,
  RecordFederalRequest,
  RecordNotice,
} from './case.commands';
import type {
  CaseEvent,
  Conviction,
  CustodyAtOpening,
  DecisionFields,
  InformedConsent,
  RequestDocument,
  Subject,
} from './case.events';
import {
  evolveCase,
  findRequest,
  initialCaseState,
  type CaseRequestState,
  type CaseState,
} from './case.state';

/**
 * Decides what a command on a case records, or refuses it with a typed error: NotFound for an
 * unknown case, Validation naming every offending field, Conflict when it contradicts the record.
 */
export function decideCase(state: CaseState, command: CaseCommand): CaseEvent[] {
  if (command.type === 'OpenCase') {
    if (state.exists) throw new ConflictError('CASE_ALREADY_EXISTS', 'The case already exists');
    return openCase(command);
  }
  if (!state.exists) throw new NotFoundError('CASE_NOT_FOUND', 'No such case');
  // Erasure answers the person's right to be forgotten, which outlives the case.
  if (command.type === 'ErasePersonalData') return erasePersonalData(state, command);
  if (state.closed) throw new ConflictError('CASE_CLOSED', 'The case is closed');
  switch (command.type) {
    case 'RecordFederalRequest':
      return recordFederalRequest(state, command);
    case 'RecordNotice':
      return recordNotice(state, command);
    case 'DecideRequest':
      return decideRequest(state, command);
    case 'RecordDisclosure':
      return recordDisclosure(state, command);
    case 'RecordCustodyAccess':
      return recordCustodyAccess(state, command);
    case 'RecordCustodyEvent':
      return recordCustodyEvent(state, command);
    case 'CloseCase':
      return closeCase(state, command);
  }
}

export const caseDecider = { decide: decideCase, evolve: evolveCase, initialState: initialCaseState };

/*
 * Each command's checks of its own fields, which need no state: exported so that the API runs them
 * beside its shape checks and one 400 names every offending field. The deciders run them again.
 */

/** A part left out (as a body may leave it) is judged as one that names nothing. */
export function openCaseFieldErrors(
  data: Partial<Pick<OpenCase['data'], 'subject' | 'custody' | 'convictions'>>,
  now: string,
): FieldError[] {
  const subject: Partial<OpenCase['data']['subject']> = data.subject ?? {};
  const custody: Partial<OpenCase['data']['custody']> = data.custody ?? {};
  const convictions = data.convictions ?? [];
  return [
    ...requiredText('subject.fullName', subject.fullName),
    ...(subject.dateOfBirth == null ? [] : pastDate('subject.dateOfBirth', subject.dateOfBirth, now)),
    ...(subject.preferredLanguage == null
      ? []
      : languageTag('subject.preferredLanguage', subject.preferredLanguage)),
    ...(custody.bookedAt == null ? [] : pastDateTime('custody.bookedAt', custody.bookedAt, now)),
    ...convictions.flatMap((c, i) => pastDate(`convictions[${i}].convictedAt`, c.convictedAt, now)),
  ];
}

function openCase({ data, now }: OpenCase): CaseEvent[] {
  const { subject, custody, convictions } = data;
  assertValid(openCaseFieldErrors(data, now));
  return [
    {
      type: 'CaseOpened',
      data: {
        caseId: data.caseId,
        agencyId: data.agencyId,
        openedAt: now,
        subject: subjectOf(subject),
        subjectProfile: {
          hasAttorney: subject.attorney != null,
          hasDesignee: subject.designee != null,
        },
        custody: custodyOf(custody),
        convictions: convictions.map(convictionOf),
      },
    },
  ];
}

export function federalRequestFieldErrors(
  {
    receivedAt,
    documents = [],
    informationRequested = [],
  }: Pick<RecordFederalRequest['data'], 'receivedAt'> &
    Partial<Pick<RecordFederalRequest['data'], 'documents' | 'informationRequested'>>,
  now: string,
): FieldError[] {
  return [
    ...pastDateTime('receivedAt', receivedAt, now),
    ...documents.flatMap((d, i) => documentErrors(d, `documents[${i}]`, now)),
    ...distinct('informationRequested', informationRequested),
  ];
}

function recordFederalRequest(state: CaseState, { data, now }: RecordFederalRequest): CaseEvent[] {
  assertValid(federalRequestFieldErrors(data, now));
  if (findRequest(state, data.requestId)) {
    throw new ConflictError(
      'DUPLICATE_REQUEST',
      `Request ${data.requestId} is already recorded on this case`,
    );
  }
  return [
    {
      type: 'FederalRequestReceived',
      data: {
        requestId: data.requestId,
        requestingAgency: data.requestingAgency,
        requestType: data.requestType,
        form: data.form,
        receivedAt: data.receivedAt,
        documents: data.documents.map(documentOf),
        informationRequested: [...data.informationRequested],
      },
    },
  ];
}

export function noticeFieldErrors(
  data: Pick<RecordNotice['data'], 'purpose' | 'deliveredAt' | 'language' | 'requestId' | 'statedIntent'>,
  now: string,
): FieldError[] {
  const requestAndIntent = data.purpose === 'REQUEST_AND_INTENT';
  return [
    ...pastDateTime('deliveredAt', data.deliveredAt, now),
    ...languageTag('language', data.language),
    ...(requestAndIntent ? requiredText('requestId', data.requestId, 'for a REQUEST_AND_INTENT notice') : []),
    ...(requestAndIntent
      ? requiredValue('statedIntent', data.statedIntent, 'for a REQUEST_AND_INTENT notice')
      : givenOnly('statedIntent', data.statedIntent, 'for a REQUEST_AND_INTENT notice')),
  ];
}

function recordNotice(state: CaseState, { data, now }: RecordNotice): CaseEvent[] {
  assertValid(noticeFieldErrors(data, now));
  if (state.noticeIds.includes(data.noticeId)) {
    throw new ConflictError('DUPLICATE_NOTICE', `Notice ${data.noticeId} is already recorded on this case`);
  }
  if (data.requestId != null) answeredRequest(state, data.requestId, data.deliveredAt);
  return [
    {
      type: 'NoticeIssued',
      data: {
        noticeId: data.noticeId,
        requestId: data.requestId ?? null,
        purpose: data.purpose,
        recipient: data.recipient,
        deliveredAt: data.deliveredAt,
        method: data.method,
        language: data.language,
        inPreferredLanguage:
          state.preferredLanguage === null ? null : sameLanguage(data.language, state.preferredLanguage),
        includesCopyOfRequest: data.includesCopyOfRequest,
        statedIntent: data.statedIntent ?? null,
      },
    },
  ];
}

export function decisionFieldErrors(
  data: Pick<
    DecideRequest['data'],
    'decidedAt' | 'rationale' | 'basis' | 'exceptionCode' | 'amendsDecision' | 'reason'
  >,
  now: string,
): FieldError[] {
  return [
    ...pastDateTime('decidedAt', data.decidedAt, now),
    ...requiredText('rationale', data.rationale),
    ...(data.basis === 'ORDINANCE_EXCEPTION'
      ? requiredText('exceptionCode', data.exceptionCode, 'with basis ORDINANCE_EXCEPTION')
      : givenOnly('exceptionCode', data.exceptionCode, 'with basis ORDINANCE_EXCEPTION')),
    ...(data.amendsDecision
      ? requiredText('reason', data.reason, 'to amend a decision')
      : givenOnly('reason', data.reason, 'to amend a decision')),
  ];
}

function decideRequest(state: CaseState, { data, now }: DecideRequest): CaseEvent[] {
  assertValid(decisionFieldErrors(data, now));
  const request = answeredRequest(state, data.requestId, data.decidedAt);
  const decision: DecisionFields = {
    requestId: data.requestId,
    outcome: data.outcome,
    basis: data.basis,
    exceptionCode: data.exceptionCode ?? null,
    decidedAt: data.decidedAt,
    rationale: data.rationale,
  };
  if (!data.amendsDecision) {
    if (request.decision) {
      throw new ConflictError(
        'ALREADY_DECIDED',
        `Request ${data.requestId} is decided; amend the decision instead`,
      );
    }
    return [{ type: 'DecisionRecorded', data: decision }];
  }
  if (!request.decision) {
    throw new ConflictError('NO_DECISION_TO_AMEND', `Request ${data.requestId} has no decision to amend`);
  }
  // An amendment is a later decision; dating it earlier would rewrite what was in force meanwhile.
  if (isBefore(data.decidedAt, request.decision.decidedAt)) {
    throw new ConflictError(
      'PRECEDES_AMENDED_DECISION',
      'An amendment cannot be decided before the decision it amends',
    );
  }
  // reason is checked present above for amendments.
  return [{ type: 'DecisionAmended', data: { ...decision, reason: data.reason! } }];
}

export function disclosureFieldErrors(
  data: Pick<RecordDisclosure['data'], 'disclosedAt'> & Partial<Pick<RecordDisclosure['data'], 'categories'>>,
  now: string,
): FieldError[] {
  const categories = data.categories ?? [];
  return [
    ...pastDateTime('disclosedAt', data.disclosedAt, now),
    ...(categories.length === 0 ? [{ field: 'categories', reason: 'must name at least one category' }] : []),
    ...distinct('categories', categories),
  ];
}

function recordDisclosure(state: CaseState, { data, now }: RecordDisclosure): CaseEvent[] {
  assertValid(disclosureFieldErrors(data, now));
  if (data.requestId != null) answeredRequest(state, data.requestId, data.disclosedAt, data.recipientAgency);
  return [
    {
      type: 'InformationDisclosed',
      data: {
        requestId: data.requestId ?? null,
        recipientAgency: data.recipientAgency,
        categories: [...data.categories],
        disclosedAt: data.disclosedAt,
      },
    },
  ];
}

export function custodyAccessFieldErrors(
  data: Pick<RecordCustodyAccess['data'], 'grantedAt' | 'consent'>,
  now: string,
): FieldError[] {
  return [
    ...pastDateTime('grantedAt', data.grantedAt, now),
    ...(data.consent == null ? [] : languageTag('consent.language', data.consent.language)),
  ];
}

function recordCustodyAccess(state: CaseState, { data, now }: RecordCustodyAccess): CaseEvent[] {
  assertValid(custodyAccessFieldErrors(data, now));
  if (data.requestId != null) answeredRequest(state, data.requestId, data.grantedAt, data.agency);
  return [
    {
      type: 'CustodyAccessGranted',
      data: {
        requestId: data.requestId ?? null,
        agency: data.agency,
        purpose: data.purpose,
        grantedAt: data.grantedAt,
        consent: data.consent == null ? null : consentOf(data.consent),
      },
    },
  ];
}

/**
 * Eligibility, release and transfer are recorded whatever the custody status at opening said: that
 * status is a snapshot, and refusing a later fact would leave a hold unmeasured.
 */
export function custodyEventFieldErrors(
  data: Pick<RecordCustodyEvent['data'], 'kind' | 'at' | 'reason' | 'toAgency'>,
  now: string,
): FieldError[] {
  return [
    ...pastDateTime('at', data.at, now),
    ...(data.kind === 'ELIGIBLE_FOR_RELEASE'
      ? requiredValue('reason', data.reason, 'for ELIGIBLE_FOR_RELEASE')
      : givenOnly('reason', data.reason, 'for ELIGIBLE_FOR_RELEASE')),
    ...(data.kind === 'TRANSFERRED'
      ? requiredValue('toAgency', data.toAgency, 'for TRANSFERRED')
      : givenOnly('toAgency', data.toAgency, 'for TRANSFERRED')),
  ];
}

function recordCustodyEvent(state: CaseState, { data, now }: RecordCustodyEvent): CaseEvent[] {
  assertValid(custodyEventFieldErrors(data, now));
  if (data.requestId != null) {
    const toward = data.kind === 'TRANSFERRED' && data.toAgency !== 'OTHER' ? data.toAgency : undefined;
    answeredRequest(state, data.requestId, data.at, toward);
  }
  const { at } = data;
  const requestId = data.requestId ?? null;
  // reason and toAgency are checked present above for the kinds that need them.
  switch (data.kind) {
    case 'ELIGIBLE_FOR_RELEASE':
      return [{ type: 'SubjectEligibleForRelease', data: { at, reason: data.reason!, requestId } }];
    case 'RELEASED':
      return [{ type: 'SubjectReleased', data: { at, requestId } }];
    case 'TRANSFERRED':
      return [{ type: 'SubjectTransferred', data: { at, toAgency: data.toAgency!, requestId } }];
  }
}

export function closeCaseFieldErrors(data: CloseCase['data'], now: string): FieldError[] {
  return [...pastDateTime('closedAt', data.closedAt, now), ...requiredText('reason', data.reason)];
}

function closeCase(state: CaseState, { data, now }: CloseCase): CaseEvent[] {
  assertValid(closeCaseFieldErrors(data, now));
  if (state.lastActAt !== null && isBefore(data.closedAt, state.lastActAt)) {
    throw new ConflictError(
      'CLOSES_BEFORE_LAST_ACT',
      'A case cannot close before the last act recorded on it',
    );
  }
  return [{ type: 'CaseClosed', data: { closedAt: data.closedAt, reason: data.reason } }];
}

function erasePersonalData(state: CaseState, { data, now }: ErasePersonalData): CaseEvent[] {
  assertValid(requiredText('reason', data.reason));
  if (state.erased)
    throw new ConflictError('ALREADY_ERASED', "The subject's personal data is already erased");
  return [{ type: 'PersonalDataErased', data: { erasedAt: now, reason: data.reason } }];
}

/**
 * The request an act answers. The act cannot have happened before the request arrived; and an act
 * toward ICE or CBP (`toward`) answers only that agency's request, since another agency's warrant
 * covers nothing done for it.
 */
function answeredRequest(
  state: CaseState,
  requestId: string,
  at: string,
  toward?: FederalAgency,
): CaseRequestState {
  const request = findRequest(state, requestId);
  if (!request)
    throw new ConflictError('UNKNOWN_REQUEST', `Request ${requestId} is not recorded on this case`);
  if (isBefore(at, request.receivedAt)) {
    throw new ConflictError('PRECEDES_REQUEST', `The act precedes the receipt of request ${requestId}`);
  }
  if (toward !== undefined && toward !== request.requestingAgency) {
    throw new ConflictError(
      'REQUEST_OF_ANOTHER_AGENCY',
      `Request ${requestId} is ${request.requestingAgency}'s: what was done for ${toward} cannot answer it`,
    );
  }
  return request;
}

function requiredValue(field: string, value: unknown, when: string): FieldError[] {
  return check(value != null, field, `is required ${when}`);
}

/** A field given where it means nothing: it would be dropped, or recorded against the rest of the
 * command, so it is refused. */
function givenOnly(field: string, value: unknown, when: string): FieldError[] {
  return check(value == null, field, `is only given ${when}`);
}

function documentErrors(doc: RequestDocument, at: string, now: string): FieldError[] {
  const courtDocument = COURT_DOCUMENT_KINDS.includes(doc.kind);
  const when = `for a ${doc.kind}`;
  return [
    ...(courtDocument ? requiredText(`${at}.court`, doc.court, when) : []),
    ...(courtDocument ? requiredText(`${at}.judgeName`, doc.judgeName, when) : []),
    ...(doc.signedAt == null
      ? courtDocument
        ? [{ field: `${at}.signedAt`, reason: `is required ${when}` }]
        : []
      : pastDateTime(`${at}.signedAt`, doc.signedAt, now)),
  ];
}

// Events keep exactly the fields their types name, whatever else a caller's object carried.

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function subjectOf(s: Subject): Subject {
  return withoutUndefined({
    fullName: s.fullName,
    dateOfBirth: s.dateOfBirth,
    aNumber: s.aNumber,
    preferredLanguage: s.preferredLanguage,
    attorney:
      s.attorney &&
      withoutUndefined({ name: s.attorney.name, phone: s.attorney.phone, email: s.attorney.email }),
    designee: s.designee && withoutUndefined({ name: s.designee.name, phone: s.designee.phone }),
  });
}

function custodyOf(c: CustodyAtOpening): CustodyAtOpening {
  return withoutUndefined({ status: c.status, bookedAt: c.bookedAt, facility: c.facility });
}

function convictionOf(c: Conviction): Conviction {
  return { offense: c.offense, category: c.category, convictedAt: c.convictedAt };
}

function documentOf(d: RequestDocument): RequestDocument {
  return withoutUndefined({
    kind: d.kind,
    issuerRole: d.issuerRole,
    court: d.court,
    judgeName: d.judgeName,
    signedAt: d.signedAt,
    docketNumber: d.docketNumber,
  });
}

function consentOf(c: InformedConsent): InformedConsent {
  return {
    written: c.written,
    toldVoluntary: c.toldVoluntary,
    toldMayHaveAttorney: c.toldMayHaveAttorney,
    language: c.language,
  };
}
