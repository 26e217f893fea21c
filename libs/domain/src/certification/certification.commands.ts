import type { CommandContext, ErasePersonalData } from '../case/case.commands';
import type {
  CertificationForm,
  CertificationOutcome,
  CertificationRequester,
  DenialGround,
  Victim,
} from './certification.events';

export type RequestCertification = {
  type: 'RequestCertification';
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
} & CommandContext;

export type RecordAssistanceRefusal = {
  type: 'RecordAssistanceRefusal';
  data: { at: string; description: string };
} & CommandContext;

export type DecideCertification = {
  type: 'DecideCertification';
  data: { outcome: CertificationOutcome; decidedAt: string; grounds?: DenialGround; explanation: string };
} & CommandContext;

export type WithdrawCertification = {
  type: 'WithdrawCertification';
  data: { at: string; reason: string };
} & CommandContext;

/** The victim's personal data is erased as a case subject's is: same command, same event. */
export type CertificationCommand =
  | RequestCertification
  | RecordAssistanceRefusal
  | DecideCertification
  | WithdrawCertification
  | ErasePersonalData;
