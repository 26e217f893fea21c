/** The ordinance's and API.md's vocabulary, as closed sets usable both as types and as runtime lists. */

export const FEDERAL_AGENCIES = ['ICE', 'CBP'] as const;
export type FederalAgency = (typeof FEDERAL_AGENCIES)[number];

export const REQUEST_TYPES = ['DETAINER', 'NOTIFICATION', 'TRANSFER', 'INFORMATION', 'INTERVIEW'] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

export const REQUEST_FORMS = ['I-247A', 'I-247D', 'I-247N', 'I-247X', 'I-203', 'LETTER', 'OTHER'] as const;
export type RequestForm = (typeof REQUEST_FORMS)[number];

export const DOCUMENT_KINDS = [
  'JUDICIAL_WARRANT',
  'COURT_ORDER',
  'ADMINISTRATIVE_WARRANT_I200',
  'ADMINISTRATIVE_WARRANT_I205',
  'ORDER_TO_DETAIN_I203',
  'SUBPOENA_I138',
  'OTHER',
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];
/** Kinds that must name their court, judge and signing date. */
export const COURT_DOCUMENT_KINDS: readonly DocumentKind[] = ['JUDICIAL_WARRANT', 'COURT_ORDER'];

export const ISSUER_ROLES = [
  'FEDERAL_JUDGE',
  'FEDERAL_MAGISTRATE_JUDGE',
  'STATE_JUDGE',
  'IMMIGRATION_JUDGE',
  'IMMIGRATION_OFFICER',
  'OTHER',
] as const;
export type IssuerRole = (typeof ISSUER_ROLES)[number];

export const INFORMATION_CATEGORIES = [
  'CITIZENSHIP_OR_IMMIGRATION_STATUS',
  'RELEASE_DATE',
  'HOME_ADDRESS',
  'WORK_ADDRESS',
  'CONTACT_INFORMATION',
  'CUSTODY_LOCATION',
  'COURT_DATES',
  'FAMILY_INFORMATION',
  'BIOMETRICS',
  'PUBLICLY_AVAILABLE',
  'OTHER_NON_PUBLIC',
] as const;
export type InformationCategory = (typeof INFORMATION_CATEGORIES)[number];

export const CUSTODY_STATUSES = ['IN_CUSTODY', 'NOT_IN_CUSTODY'] as const;
export type CustodyStatus = (typeof CUSTODY_STATUSES)[number];

export const CONVICTION_CATEGORIES = [
  'VIOLENT_FELONY',
  'SERIOUS_FELONY',
  'OTHER_FELONY',
  'MISDEMEANOR',
] as const;
export type ConvictionCategory = (typeof CONVICTION_CATEGORIES)[number];

export const NOTICE_PURPOSES = ['REQUEST_AND_INTENT', 'RELEASE_DATE'] as const;
export type NoticePurpose = (typeof NOTICE_PURPOSES)[number];

export const NOTICE_RECIPIENTS = ['SUBJECT', 'ATTORNEY', 'DESIGNEE'] as const;
export type NoticeRecipient = (typeof NOTICE_RECIPIENTS)[number];

export const NOTICE_METHODS = ['WRITTEN_IN_PERSON', 'MAIL', 'EMAIL', 'ORAL'] as const;
export type NoticeMethod = (typeof NOTICE_METHODS)[number];

export const STATED_INTENTS = ['COMPLY', 'DECLINE'] as const;
export type StatedIntent = (typeof STATED_INTENTS)[number];

export const DECISION_OUTCOMES = ['HONORED', 'DECLINED', 'PARTIALLY_HONORED'] as const;
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];

export const DECISION_BASES = ['JUDICIAL_WARRANT', 'ORDINANCE_EXCEPTION', 'FEDERAL_LAW', 'NONE'] as const;
export type DecisionBasis = (typeof DECISION_BASES)[number];

export const ACCESS_PURPOSES = ['CIVIL_IMMIGRATION', 'CRIMINAL_INVESTIGATION'] as const;
export type AccessPurpose = (typeof ACCESS_PURPOSES)[number];

export const CUSTODY_EVENT_KINDS = ['ELIGIBLE_FOR_RELEASE', 'RELEASED', 'TRANSFERRED'] as const;
export type CustodyEventKind = (typeof CUSTODY_EVENT_KINDS)[number];

export const RELEASE_ELIGIBILITY_REASONS = [
  'BAIL_POSTED',
  'CHARGES_DISMISSED',
  'ACQUITTED',
  'SENTENCE_SERVED',
  'RELEASED_ON_RECOGNIZANCE',
  'OTHER',
] as const;
export type ReleaseEligibilityReason = (typeof RELEASE_ELIGIBILITY_REASONS)[number];

export const TRANSFER_DESTINATIONS = ['ICE', 'CBP', 'OTHER'] as const;
export type TransferDestination = (typeof TRANSFER_DESTINATIONS)[number];

export const ORDINANCE_SECTIONS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] as const;
export type OrdinanceSection = (typeof ORDINANCE_SECTIONS)[number];
