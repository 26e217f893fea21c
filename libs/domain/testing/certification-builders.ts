/**
 * Builders for victim visa certifications in specs: a U-visa certification asked for by a victim's
 * attorney at 09:00 UTC on 10 January 2024, not in removal proceedings.
 */
import type { ErasePersonalData } from '../src/case/case.commands';
import type { PersonalDataErased } from '../src/case/case.events';
import type {
  DecideCertification,
  RecordAssistanceRefusal,
  RequestCertification,
  WithdrawCertification,
} from '../src/certification/certification.commands';
import {
  certificationStreamId,
  type AssistanceRefusalRecorded,
  type CertificationDecided,
  type CertificationEvent,
  type CertificationRequested,
  type CertificationWithdrawn,
} from '../src/certification/certification.events';
import type { Recorded } from '../src/shared/violation';
import { recordedOn } from './recorded-stream';

const CERTIFICATION_ID = '8b3c4d5e-0000-4000-8000-000000000001';
const CERTIFYING_AGENCY_ID = 'agency-city-police';
const CERTIFYING_OFFICIAL = 'supervisor-1';
export const REQUESTED_AT = '2024-01-10T09:00:00Z';
// A year on: every act the builders date (up to day 365) has happened by then.
const NOW = '2025-01-10T12:00:00Z';

/** `REQUESTED_AT`'s day plus `days`, at `time` UTC: `onDay(89)` is day 89 after the request. */
export function onDay(days: number, time = '12:00:00'): string {
  const day = new Date(Date.parse(REQUESTED_AT) + days * 86_400_000).toISOString().slice(0, 10);
  return `${day}T${time}Z`;
}

export const requestCertification = (
  data: Partial<RequestCertification['data']> = {},
): RequestCertification => ({
  type: 'RequestCertification',
  data: { ...certificationRequested().data, ...data },
  actor: CERTIFYING_OFFICIAL,
  now: NOW,
});

export const recordAssistanceRefusal = (
  data: Partial<RecordAssistanceRefusal['data']> = {},
): RecordAssistanceRefusal => ({
  type: 'RecordAssistanceRefusal',
  data: { ...assistanceRefusalRecorded().data, ...data },
  actor: CERTIFYING_OFFICIAL,
  now: NOW,
});

export const decideCertification = (
  data: Partial<DecideCertification['data']> = {},
): DecideCertification => ({
  type: 'DecideCertification',
  data: { outcome: 'CERTIFIED', decidedAt: onDay(30), explanation: 'helpful in the investigation', ...data },
  actor: CERTIFYING_OFFICIAL,
  now: NOW,
});

export const withdrawCertification = (
  data: Partial<WithdrawCertification['data']> = {},
): WithdrawCertification => ({
  type: 'WithdrawCertification',
  data: { ...certificationWithdrawn().data, ...data },
  actor: CERTIFYING_OFFICIAL,
  now: NOW,
});

export const certificationRequested = (
  data: Partial<CertificationRequested['data']> = {},
): CertificationRequested => ({
  type: 'CertificationRequested',
  data: {
    certificationId: CERTIFICATION_ID,
    agencyId: CERTIFYING_AGENCY_ID,
    form: 'I-918B',
    requestedAt: REQUESTED_AT,
    requester: 'ATTORNEY',
    inRemovalProceedings: false,
    qualifyingActivity: 'domestic violence',
    victim: { fullName: 'Test Victim' },
    ...data,
  },
});

export const assistanceRefusalRecorded = (
  data: Partial<AssistanceRefusalRecorded['data']> = {},
): AssistanceRefusalRecorded => ({
  type: 'AssistanceRefusalRecorded',
  data: { at: onDay(5), description: 'did not attend two scheduled interviews', ...data },
});

export const certificationDecided = (
  data: Partial<CertificationDecided['data']> = {},
): CertificationDecided => ({
  type: 'CertificationDecided',
  data: {
    outcome: 'CERTIFIED',
    decidedAt: onDay(30),
    grounds: null,
    explanation: 'helpful in the investigation',
    ...data,
  },
});

export const certificationDenied = (
  grounds: NonNullable<CertificationDecided['data']['grounds']>,
  decidedAt = onDay(30),
): CertificationDecided => certificationDecided({ outcome: 'DENIED', grounds, decidedAt });

export const certificationWithdrawn = (
  data: Partial<CertificationWithdrawn['data']> = {},
): CertificationWithdrawn => ({
  type: 'CertificationWithdrawn',
  data: { at: onDay(10), reason: 'requester withdrew', ...data },
});

export const erasePersonalData = (data: Partial<ErasePersonalData['data']> = {}): ErasePersonalData => ({
  type: 'ErasePersonalData',
  data: { reason: 'The victim asked to be forgotten', ...data },
  actor: 'admin-1',
  now: NOW,
});

export const personalDataErased = (data: Partial<PersonalDataErased['data']> = {}): PersonalDataErased => ({
  type: 'PersonalDataErased',
  data: { erasedAt: NOW, reason: 'The victim asked to be forgotten', ...data },
});

export const recordedCertification = (events: CertificationEvent[]): Recorded<CertificationEvent>[] =>
  recordedOn(certificationStreamId(CERTIFICATION_ID), events);
