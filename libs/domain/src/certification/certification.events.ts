/** Victim visa certifications (§ 9): I-918 Supplement B (U visa) and I-914 Supplement B (T visa). */
import type { PersonalDataErased } from '../case/case.events';

export const CERTIFICATION_FORMS = ['I-918B', 'I-914B'] as const;
export type CertificationForm = (typeof CERTIFICATION_FORMS)[number];

export const CERTIFICATION_REQUESTERS = [
  'VICTIM',
  'ATTORNEY',
  'ACCREDITED_REPRESENTATIVE',
  'ADVOCATE',
  'FAMILY_MEMBER',
] as const;
export type CertificationRequester = (typeof CERTIFICATION_REQUESTERS)[number];

export const CERTIFICATION_OUTCOMES = ['CERTIFIED', 'DENIED'] as const;
export type CertificationOutcome = (typeof CERTIFICATION_OUTCOMES)[number];

export const DENIAL_GROUNDS = [
  'NOT_A_QUALIFYING_CRIME',
  'NOT_A_VICTIM',
  'REFUSED_REASONABLE_ASSISTANCE',
  'NO_PROSECUTION_OR_CONVICTION',
  'OTHER',
] as const;
export type DenialGround = (typeof DENIAL_GROUNDS)[number];

/** All of a certification's personal data, kept in one object so it can be encrypted per person. */
export interface Victim {
  fullName: string;
  dateOfBirth?: string;
  preferredLanguage?: string;
}

export type CertificationRequested = {
  type: 'CertificationRequested';
  data: {
    certificationId: string;
    agencyId: string;
    form: CertificationForm;
    requestedAt: string;
    requester: CertificationRequester;
    inRemovalProceedings: boolean;
    qualifyingActivity: string;
    victim: Victim;
  };
};

/** The victim refused or failed to give reasonably requested help. */
export type AssistanceRefusalRecorded = {
  type: 'AssistanceRefusalRecorded';
  data: { at: string; description: string };
};

export type CertificationDecided = {
  type: 'CertificationDecided';
  data: {
    outcome: CertificationOutcome;
    decidedAt: string;
    /** Present exactly when the outcome is DENIED. */
    grounds: DenialGround | null;
    explanation: string;
  };
};

export type CertificationWithdrawn = { type: 'CertificationWithdrawn'; data: { at: string; reason: string } };

export type CertificationEvent =
  | CertificationRequested
  | AssistanceRefusalRecorded
  | CertificationDecided
  | CertificationWithdrawn
  | PersonalDataErased;

export const certificationStreamId = (certificationId: string): string => `certification-${certificationId}`;
