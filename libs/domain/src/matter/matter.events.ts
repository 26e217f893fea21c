/** Institutional matters (§§ 6, 7, 8, 10): registries, status collection, services, surveillance, schools. */

export const MATTER_KINDS = [
  'REGISTRY_REQUEST',
  'STATUS_COLLECTION',
  'SERVICE_DENIAL',
  'SURVEILLANCE',
  'STUDENT_RECORDS_REQUEST',
  'SCHOOL_ACCESS_REQUEST',
] as const;
export type MatterKind = (typeof MATTER_KINDS)[number];

export const MATTER_REQUESTING_AGENCIES = [
  'ICE',
  'CBP',
  'DHS_OTHER',
  'FEDERAL_OTHER',
  'STATE',
  'LOCAL',
] as const;
export type MatterRequestingAgency = (typeof MATTER_REQUESTING_AGENCIES)[number];

export const SERVICE_DENIAL_REASONS = ['IMMIGRATION_STATUS', 'FOREIGN_GOVERNMENT_ID', 'OTHER'] as const;
export type ServiceDenialReason = (typeof SERVICE_DENIAL_REASONS)[number];

export const PROTECTED_CHARACTERISTICS = [
  'RACE',
  'GENDER',
  'SEXUAL_ORIENTATION',
  'GENDER_IDENTITY_OR_EXPRESSION',
  'RELIGION',
  'ETHNICITY',
  'NATIONAL_ORIGIN',
] as const;
export type ProtectedCharacteristic = (typeof PROTECTED_CHARACTERISTICS)[number];

export const SURVEILLANCE_TARGET_KINDS = [
  'POLITICAL_GROUP',
  'RELIGIOUS_GROUP',
  'INDIVIDUAL',
  'OTHER',
] as const;
export type SurveillanceTargetKind = (typeof SURVEILLANCE_TARGET_KINDS)[number];

export const MATTER_ACTIONS = [
  'PARTICIPATED',
  'DECLINED',
  'DISCLOSED',
  'COLLECTED',
  'SERVICE_DENIED',
  'AUTHORIZED',
  'ACCESS_GRANTED',
  'PARENT_NOTIFIED',
] as const;
export type MatterAction = (typeof MATTER_ACTIONS)[number];

export const LEGAL_BASES = [
  'JUDICIAL_WARRANT',
  'JUDICIAL_SUBPOENA',
  'COURT_ORDER',
  'PARENTAL_CONSENT',
  'REQUIRED_BY_LAW',
  'ELIGIBILITY_RULE',
  'CRIMINAL_PREDICATE',
  'AGGREGATE_DATA_ONLY',
  'NONE',
] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number];

export type MatterOpened = {
  type: 'MatterOpened';
  data: {
    matterId: string;
    agencyId: string;
    kind: MatterKind;
    receivedAt: string;
    requestingAgency: MatterRequestingAgency | null;
    /** The program collecting information or providing the service (STATUS_COLLECTION, SERVICE_DENIAL). */
    program: string | null;
    /** SERVICE_DENIAL only. */
    denialReason: ServiceDenialReason | null;
    /** REGISTRY_REQUEST only; empty when the request names none. */
    protectedCharacteristics: ProtectedCharacteristic[];
    /** SURVEILLANCE only. */
    target: { kind: SurveillanceTargetKind } | null;
    description: string;
  };
};

export type MatterActionRecorded = {
  type: 'MatterActionRecorded';
  data: {
    action: MatterAction;
    at: string;
    legalBasis: LegalBasis;
    citation: string | null;
    /** The approving supervisor's id, recorded as given. */
    approvedBy: string | null;
    noticeForbiddenByOrder: boolean | null;
  };
};

export type MatterEvent = MatterOpened | MatterActionRecorded;

export const matterStreamId = (matterId: string): string => `matter-${matterId}`;
