/** Encounters (§ 1): stops, detentions, arrests and interviews. They hold no personal data. */

export const ENCOUNTER_KINDS = ['STOP', 'DETENTION', 'ARREST', 'INTERVIEW'] as const;
export type EncounterKind = (typeof ENCOUNTER_KINDS)[number];

export const PERSON_ROLES = ['SUSPECT', 'ARRESTEE', 'VICTIM', 'WITNESS', 'CALLER', 'OTHER'] as const;
export type PersonRole = (typeof PERSON_ROLES)[number];

export const ENCOUNTER_GROUNDS = [
  'IMMIGRATION_STATUS',
  'CIVIL_IMMIGRATION_WARRANT',
  'CRIMINAL_OFFENSE',
  'CRIMINAL_WARRANT',
  'TRAFFIC',
  'CALL_FOR_SERVICE',
  'OTHER',
] as const;
export type EncounterGround = (typeof ENCOUNTER_GROUNDS)[number];

export const STATUS_INQUIRY_JUSTIFICATIONS = [
  'UNRELATED_CRIMINAL_INVESTIGATION',
  'VISA_CERTIFICATION',
  'FIREARMS_CHECK',
  'NONE',
] as const;
export type StatusInquiryJustification = (typeof STATUS_INQUIRY_JUSTIFICATIONS)[number];

interface StatusInquiry {
  asked: boolean;
  justification: StatusInquiryJustification;
  explanation: string | null;
}

export type EncounterRecorded = {
  type: 'EncounterRecorded';
  data: {
    encounterId: string;
    agencyId: string;
    occurredAt: string;
    kind: EncounterKind;
    personRole: PersonRole;
    grounds: EncounterGround[];
    statusInquiry: StatusInquiry | null;
  };
};

export type EncounterEvent = EncounterRecorded;

export const encounterStreamId = (encounterId: string): string => `encounter-${encounterId}`;
