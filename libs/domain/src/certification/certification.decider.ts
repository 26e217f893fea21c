import { isBefore } from '../shared/date-time';
import { ConflictError, NotFoundError, type FieldError } from '../shared/errors';
import {
  assertValid,
  check,
  languageTag,
  pastDate,
  pastDateTime,
  requiredText,
} from '../shared/field-checks';
import type { ErasePersonalData } from '../case/case.commands';
import type {
  CertificationCommand,
  DecideCertification,
  RecordAssistanceRefusal,
  RequestCertification,
  WithdrawCertification,
} from './certification.commands';
import type { CertificationEvent, Victim } from './certification.events';

export type CertificationStatus = 'PENDING' | 'CERTIFIED' | 'DENIED' | 'WITHDRAWN';

/** `null` until the certification is requested. */
export type CertificationState = { requestedAt: string; status: CertificationStatus; erased: boolean } | null;

const initialCertificationState: CertificationState = null;

/**
 * Decides what a command on a certification records, or refuses it: NotFound for an unknown
 * certification, Validation naming every offending field, Conflict when it contradicts the record.
 */
function decideCertification(state: CertificationState, command: CertificationCommand): CertificationEvent[] {
  if (command.type === 'RequestCertification') return requestCertification(state, command);
  if (state === null) throw new NotFoundError('CERTIFICATION_NOT_FOUND', 'No such certification');
  switch (command.type) {
    case 'RecordAssistanceRefusal':
      return recordAssistanceRefusal(command);
    case 'DecideCertification':
      return decide(state, command);
    case 'WithdrawCertification':
      return withdraw(state, command);
    case 'ErasePersonalData':
      return erasePersonalData(state, command);
  }
}

/** Total: it never throws, whatever the history holds. */
function evolveCertification(state: CertificationState, event: CertificationEvent): CertificationState {
  switch (event.type) {
    case 'CertificationRequested':
      return { requestedAt: event.data.requestedAt, status: 'PENDING', erased: false };
    case 'AssistanceRefusalRecorded':
      return state;
    case 'CertificationDecided':
      return state && { ...state, status: event.data.outcome };
    case 'CertificationWithdrawn':
      return state && { ...state, status: 'WITHDRAWN' };
    case 'PersonalDataErased':
      return state && { ...state, erased: true };
  }
}

export const certificationDecider = {
  decide: decideCertification,
  evolve: evolveCertification,
  initialState: initialCertificationState,
};

// Each command's checks of its own fields, which need no state: exported so that the API runs them
// beside its shape checks and one 400 names every offending field. The decider runs them again.

export function certificationRequestFieldErrors(
  data: Pick<RequestCertification['data'], 'agencyId' | 'requestedAt' | 'qualifyingActivity'> &
    Partial<Pick<RequestCertification['data'], 'victim'>>,
  now: string,
): FieldError[] {
  // A victim left out is judged as one who names nothing: the 400 that says so names the rest too.
  const victim: Partial<RequestCertification['data']['victim']> = data.victim ?? {};
  return [
    ...requiredText('agencyId', data.agencyId),
    ...pastDateTime('requestedAt', data.requestedAt, now),
    ...requiredText('qualifyingActivity', data.qualifyingActivity),
    ...requiredText('victim.fullName', victim.fullName),
    ...(victim.dateOfBirth == null ? [] : pastDate('victim.dateOfBirth', victim.dateOfBirth, now)),
    ...(victim.preferredLanguage == null
      ? []
      : languageTag('victim.preferredLanguage', victim.preferredLanguage)),
  ];
}

export function assistanceRefusalFieldErrors(
  data: RecordAssistanceRefusal['data'],
  now: string,
): FieldError[] {
  return [...pastDateTime('at', data.at, now), ...requiredText('description', data.description)];
}

export function certificationDecisionFieldErrors(
  data: DecideCertification['data'],
  now: string,
): FieldError[] {
  const denied = data.outcome === 'DENIED';
  return [
    ...pastDateTime('decidedAt', data.decidedAt, now),
    ...requiredText('explanation', data.explanation),
    ...check(!denied || data.grounds != null, 'grounds', 'is required with outcome DENIED'),
    ...check(denied || data.grounds == null, 'grounds', 'is only given with outcome DENIED'),
  ];
}

export function withdrawalFieldErrors(data: WithdrawCertification['data'], now: string): FieldError[] {
  return [...pastDateTime('at', data.at, now), ...requiredText('reason', data.reason)];
}

function requestCertification(
  state: CertificationState,
  { data, now }: RequestCertification,
): CertificationEvent[] {
  const { victim } = data;
  assertValid(certificationRequestFieldErrors(data, now));
  if (state !== null) {
    throw new ConflictError(
      'CERTIFICATION_ALREADY_REQUESTED',
      `Certification ${data.certificationId} already exists`,
    );
  }
  return [
    {
      type: 'CertificationRequested',
      data: {
        certificationId: data.certificationId,
        agencyId: data.agencyId,
        form: data.form,
        requestedAt: data.requestedAt,
        requester: data.requester,
        inRemovalProceedings: data.inRemovalProceedings,
        qualifyingActivity: data.qualifyingActivity,
        victim: victimOf(victim),
      },
    },
  ];
}

/**
 * Recorded whatever the certification's status: a refusal learned of after the decision still
 * shows whether a denial for refused assistance was lawful. It may well precede the request: the
 * victim refuses to help during the investigation, and asks for certification later.
 */
function recordAssistanceRefusal({ data, now }: RecordAssistanceRefusal): CertificationEvent[] {
  assertValid(assistanceRefusalFieldErrors(data, now));
  return [{ type: 'AssistanceRefusalRecorded', data: { at: data.at, description: data.description } }];
}

function decide(
  state: NonNullable<CertificationState>,
  { data, now }: DecideCertification,
): CertificationEvent[] {
  assertValid(certificationDecisionFieldErrors(data, now));
  stillPending(state);
  notBeforeRequest(state, data.decidedAt);
  return [
    {
      type: 'CertificationDecided',
      data: {
        outcome: data.outcome,
        decidedAt: data.decidedAt,
        grounds: data.grounds ?? null,
        explanation: data.explanation,
      },
    },
  ];
}

function withdraw(
  state: NonNullable<CertificationState>,
  { data, now }: WithdrawCertification,
): CertificationEvent[] {
  assertValid(withdrawalFieldErrors(data, now));
  stillPending(state);
  notBeforeRequest(state, data.at);
  return [{ type: 'CertificationWithdrawn', data: { at: data.at, reason: data.reason } }];
}

/** Whatever the certification's status: the record stays, only the victim's data goes. */
function erasePersonalData(
  state: NonNullable<CertificationState>,
  { data, now }: ErasePersonalData,
): CertificationEvent[] {
  assertValid(requiredText('reason', data.reason));
  if (state.erased) {
    throw new ConflictError('ALREADY_ERASED', "The victim's personal data is already erased");
  }
  return [{ type: 'PersonalDataErased', data: { erasedAt: now, reason: data.reason } }];
}

/** A certification is decided or withdrawn once; either ends it. */
function stillPending(state: NonNullable<CertificationState>): void {
  if (state.status === 'WITHDRAWN') {
    throw new ConflictError('CERTIFICATION_WITHDRAWN', 'The certification request was withdrawn');
  }
  if (state.status !== 'PENDING') {
    throw new ConflictError('CERTIFICATION_DECIDED', 'The certification is already decided');
  }
}

function notBeforeRequest(state: NonNullable<CertificationState>, at: string): void {
  if (isBefore(at, state.requestedAt)) {
    throw new ConflictError('PRECEDES_REQUEST', 'The act precedes the certification request');
  }
}

/** Events keep exactly the fields their types name, whatever else a caller's object carried. */
function victimOf(v: Victim): Victim {
  return {
    fullName: v.fullName,
    ...(v.dateOfBirth == null ? {} : { dateOfBirth: v.dateOfBirth }),
    ...(v.preferredLanguage == null ? {} : { preferredLanguage: v.preferredLanguage }),
  };
}
