import type { CaseEvent, CertificationEvent, EncounterEvent, MatterEvent } from '@trust-ledger/domain';
import type { JsonObject, JsonValue } from '@trust-ledger/event-store';

/**
 * What the register keeps of an event's data: the fields its stream's rules read, and nothing else.
 * An allow-list, not a list of what to strip: officers' free text (a rationale, a closing's reason,
 * a conviction's offence, a docket number...) recorded before it was sealed is in clear in the log,
 * and a copy kept here would outlive the person's erasure, which only destroys sealed values. A new
 * field is then left out until a rule needs it, rather than kept until someone thinks to strip it.
 *
 * Besides what the rules read, each record keeps the agency its creation names (the register's
 * agencyOf) and every top-level time its data names (`at`, `…At`: what an adopted version re-judges
 * by, latestTimeOf), a closing's and an erasure's included.
 *
 * `true` keeps a value as recorded; PRESENCE keeps of a text only whether it is there (presenceOf);
 * fields listed keep, of an object (or of each object of an array), only those fields. A field
 * absent from the event stays absent.
 */
export interface KeptFields {
  readonly [field: string]: true | typeof PRESENCE | KeptFields;
}

/** A text the rules read only for being present (`trim() !== ''`), never for what it says. */
const PRESENCE = 'presence';
/** What the register keeps of such a text when it is present. */
export const PRESENT = '[present]';

/** The fields of `T` the register may keep, checked against the domain's event types (PRESENCE: of
 * free text alone, not of a vocabulary's values). */
type Kept<T> = true | (string extends T ? typeof PRESENCE : never) | FieldsIn<T>;
/** Fields can be picked of an object, or of the objects an array holds; a text or a number is whole. */
type FieldsIn<T> = T extends readonly (infer U)[] ? FieldsIn<U> : T extends object ? FieldsOf<T> : never;
type FieldsOf<T> = { readonly [K in keyof T]?: Kept<NonNullable<T[K]>> };

/** For each event type of an aggregate (every one named, so that a new type is a decision). */
export type RuleInputs<E extends { type: string; data: object }> = {
  readonly [T in E['type']]: FieldsOf<Extract<E, { type: T }>['data']>;
};

/**
 * Cases (§§ 2–5; judgeCase). Read by the rules: a conviction's category and date, never its
 * offence; a court document's kind, issuer, signing time and whether it names its court and judge
 * (is it a judicial warrant?), never which, nor its docket number; a decision's outcome, basis and
 * exception, never its rationale or an amendment's reason; consent's three facts, not its
 * language. A notice's language only where the rules read it (keptOfCaseEvent); the profile of an
 * older opening still holds the preference it is compared with.
 */
export const CASE_RULE_INPUTS: RuleInputs<CaseEvent> = {
  CaseOpened: {
    agencyId: true,
    openedAt: true,
    subjectProfile: true,
    convictions: { category: true, convictedAt: true },
  },
  FederalRequestReceived: {
    requestId: true,
    requestingAgency: true,
    requestType: true,
    receivedAt: true,
    documents: { kind: true, issuerRole: true, court: PRESENCE, judgeName: PRESENCE, signedAt: true },
  },
  NoticeIssued: {
    requestId: true,
    purpose: true,
    recipient: true,
    deliveredAt: true,
    method: true,
    language: true,
    inPreferredLanguage: true,
    includesCopyOfRequest: true,
  },
  DecisionRecorded: { requestId: true, outcome: true, basis: true, exceptionCode: true, decidedAt: true },
  DecisionAmended: { requestId: true, outcome: true, basis: true, exceptionCode: true, decidedAt: true },
  InformationDisclosed: { requestId: true, recipientAgency: true, categories: true, disclosedAt: true },
  CustodyAccessGranted: {
    requestId: true,
    agency: true,
    purpose: true,
    grantedAt: true,
    consent: { written: true, toldVoluntary: true, toldMayHaveAttorney: true },
  },
  SubjectEligibleForRelease: { at: true },
  SubjectReleased: { at: true },
  SubjectTransferred: { at: true, toAgency: true },
  CaseClosed: { closedAt: true },
  PersonalDataErased: { erasedAt: true },
};

/** Encounters (§ 1): whether status was asked and why, never the officer's explanation. */
export const ENCOUNTER_RULE_INPUTS: RuleInputs<EncounterEvent> = {
  EncounterRecorded: {
    agencyId: true,
    occurredAt: true,
    kind: true,
    personRole: true,
    grounds: true,
    statusInquiry: { asked: true, justification: true },
  },
};

/**
 * Matters (§§ 6–8, 10): never the description nor the program. A citation and the approving
 * supervisor are read for being present (a cited law, an approved predicate): that alone is kept.
 */
export const MATTER_RULE_INPUTS: RuleInputs<MatterEvent> = {
  MatterOpened: {
    agencyId: true,
    kind: true,
    receivedAt: true,
    requestingAgency: true,
    denialReason: true,
    target: { kind: true },
  },
  MatterActionRecorded: {
    action: true,
    at: true,
    legalBasis: true,
    citation: PRESENCE,
    approvedBy: PRESENCE,
    noticeForbiddenByOrder: true,
  },
};

/**
 * Certifications (§ 9): when it was requested and whether the victim is in removal proceedings
 * (the deadline), when a refusal, decision or withdrawal happened, and a decision's outcome and
 * grounds; never the qualifying activity, a refusal's description, a decision's explanation or a
 * withdrawal's reason.
 */
export const CERTIFICATION_RULE_INPUTS: RuleInputs<CertificationEvent> = {
  CertificationRequested: { agencyId: true, requestedAt: true, inRemovalProceedings: true },
  AssistanceRefusalRecorded: { at: true },
  CertificationDecided: { outcome: true, decidedAt: true, grounds: true },
  CertificationWithdrawn: { at: true },
  PersonalDataErased: { erasedAt: true },
};

/** What the register keeps of an event of an aggregate: an event type not among its keeps no data. */
export const keptBy =
  (inputs: { readonly [type: string]: KeptFields | undefined }) =>
  ({ type, data }: { type: string; data: JsonObject }): JsonObject => {
    const fields = inputs[type];
    return fields === undefined ? {} : keptData(data, fields);
  };

const keptOfCase = keptBy(CASE_RULE_INPUTS);

/**
 * What the register keeps of a case's event. The rules read a notice's language only on notices
 * recorded before `inPreferredLanguage` (they compare it, in clear, with the older preference);
 * a later notice's is sealed and never read, so it is not kept.
 */
export function keptOfCaseEvent(event: { type: string; data: JsonObject }): JsonObject {
  const kept = keptOfCase(event);
  if (event.type !== 'NoticeIssued' || kept.inPreferredLanguage === undefined) return kept;
  const { language: _read, ...judged } = kept;
  return judged;
}

/**
 * `data` with only the `kept` fields. Built rather than `delete`d from a copy: V8 turns an object
 * something was deleted from into a slow dictionary, which every later read and stringify pays for.
 */
export function keptData(data: JsonObject, kept: KeptFields): JsonObject {
  const out: JsonObject = {};
  for (const field in kept) {
    const value = data[field];
    if (value !== undefined) out[field] = keptValue(value, kept[field]);
  }
  return out;
}

function keptValue(value: JsonValue, kept: true | typeof PRESENCE | KeptFields): JsonValue {
  if (kept === PRESENCE) return presenceOf(value);
  if (kept === true || value === null || typeof value !== 'object') return value;
  return Array.isArray(value) ? value.map((v) => keptValue(v, kept)) : keptData(value, kept);
}

/**
 * A text as the rules read it: PRESENT, or '' where they take it for absent (blank, which they test
 * by trim() as here); kept '' rather than dropped, and null as null, so that no rule telling a
 * blank text from a missing one would be misled. What it names (a court, a judge, a supervisor) is
 * no rule's business.
 */
function presenceOf(value: JsonValue): JsonValue {
  if (typeof value !== 'string') return value;
  return value.trim() === '' ? '' : PRESENT;
}
