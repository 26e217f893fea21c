import type { JsonObject, JsonValue } from '@trust-ledger/event-store';
import {
  ErasedKeyError,
  erasedShape,
  isSealed,
  type PersonalDataCipher,
  type SealedValue,
} from './personal-data-cipher';

export const subjectKeyId = (caseId: string): string => `subject:${caseId}`;
export const victimKeyId = (certificationId: string): string => `victim:${certificationId}`;

/** The key of whoever a record's stream names: its id after the prefix (`case-…`, `certification-…`). */
const keyOfStream =
  (prefix: string, keyOf: (id: string) => string) =>
  (streamId: string): string => {
    if (!streamId.startsWith(prefix))
      throw new Error(`personal data on ${streamId}, which is no ${prefix}… stream`);
    return keyOf(streamId.slice(prefix.length));
  };
const subjectOfCaseStream = keyOfStream('case-', (caseId) => subjectKeyId(caseId));
const victimOfCertificationStream = keyOfStream('certification-', (id) => victimKeyId(id));
/** Whose data a read served, from the access-log stream it was recorded on (the API's access-log.ts):
 * `access-log-certification-<certificationId>` a victim's, `access-log-<caseId>` a subject's. Both
 * ids are UUIDs, so neither can be taken for the other. */
const personReadOnAccessLog = (streamId: string): string =>
  streamId.startsWith('access-log-certification-')
    ? keyOfStream('access-log-certification-', victimKeyId)(streamId)
    : keyOfStream('access-log-', subjectKeyId)(streamId);

/** The person whose data an erasure recorded on this stream destroys: a case's subject, a
 * certification's victim; undefined for any other stream. */
export function personKeyOfStream(streamId: string): string | undefined {
  if (streamId.startsWith('case-')) return subjectOfCaseStream(streamId);
  if (streamId.startsWith('certification-')) return victimOfCertificationStream(streamId);
  return undefined;
}

interface PersonalField {
  /** Where in the event's data; `EACH` steps into every element of an array. */
  path: readonly string[];
  /** Whose key: the stream names the record, and so its person (reading must not depend on the
   * data being whole). */
  keyId(streamId: string): string;
}

/** A path step meaning every element of the array there (a conviction's offense, say). */
const EACH = '[]';

/**
 * The free text an officer types on a person's record (a decision's rationale, why a case closed,
 * the offence of a conviction, what a victim refused…): nothing stops them naming or describing the
 * person there, and no rule or statistic reads it, so it is sealed with the person's data. An
 * erasure's own reason stays in clear: it is the record's account of why the person was forgotten.
 * A warrant's court and judge stay too: the rules read them (is the warrant judicial?). Why a reader
 * read the person's data (the `X-Purpose` of a read, "checking on her release date") is written
 * about them alike, and sealed under the key of the person whose data the read served: the access
 * log keeps who read and when, but not that, past their erasure.
 */
const FREE_TEXT: Record<string, readonly PersonalField[]> = {
  CaseOpened: [{ path: ['convictions', EACH, 'offense'], keyId: subjectOfCaseStream }],
  DecisionRecorded: [{ path: ['rationale'], keyId: subjectOfCaseStream }],
  DecisionAmended: [
    { path: ['rationale'], keyId: subjectOfCaseStream },
    { path: ['reason'], keyId: subjectOfCaseStream },
  ],
  CaseClosed: [{ path: ['reason'], keyId: subjectOfCaseStream }],
  CertificationRequested: [{ path: ['qualifyingActivity'], keyId: victimOfCertificationStream }],
  AssistanceRefusalRecorded: [{ path: ['description'], keyId: victimOfCertificationStream }],
  CertificationDecided: [{ path: ['explanation'], keyId: victimOfCertificationStream }],
  CertificationWithdrawn: [{ path: ['reason'], keyId: victimOfCertificationStream }],
  PersonalDataAccessed: [{ path: ['purpose'], keyId: personReadOnAccessLog }],
};

/**
 * Where personal data sits in stored events, and whose key seals it: one key per case subject and
 * per certification victim, so that erasing one person touches nobody else. The language a person
 * was given a notice or asked for consent in says much about them (and it is what the subject's
 * preferred language would be guessed from), so it is sealed with their data; so is free text.
 */
const PERSONAL_DATA: Record<string, readonly PersonalField[]> = {
  ...FREE_TEXT,
  CaseOpened: [{ path: ['subject'], keyId: subjectOfCaseStream }, ...FREE_TEXT.CaseOpened],
  // A court document's docket number names the person's court case: as telling as their name.
  FederalRequestReceived: [{ path: ['documents', EACH, 'docketNumber'], keyId: subjectOfCaseStream }],
  NoticeIssued: [{ path: ['language'], keyId: subjectOfCaseStream }],
  CustodyAccessGranted: [{ path: ['consent', 'language'], keyId: subjectOfCaseStream }],
  CertificationRequested: [
    { path: ['victim'], keyId: victimOfCertificationStream },
    ...FREE_TEXT.CertificationRequested,
  ],
};

/**
 * Personal values that events recorded before they were sealed hold in clear (the log is never
 * rewritten): once their person is erased, reads show them "[erased]" like the sealed ones. Older
 * openings also kept the preferred language in their clear `subjectProfile`.
 */
const HELD_IN_CLEAR_BEFORE: Record<string, readonly PersonalField[]> = {
  ...PERSONAL_DATA,
  CaseOpened: [
    ...PERSONAL_DATA.CaseOpened,
    { path: ['subjectProfile', 'preferredLanguage'], keyId: subjectOfCaseStream },
  ],
};

const isObject = (value: JsonValue | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `data` with each value at `path` replaced by `replace(value)`; as it is where there is none. */
async function replaceAt(
  data: JsonObject,
  [key, ...rest]: readonly string[],
  replace: (value: JsonValue) => Promise<JsonValue>,
): Promise<JsonObject> {
  const value = data[key];
  return value === undefined ? data : { ...data, [key]: await replaceWithin(value, rest, replace) };
}

async function replaceWithin(
  value: JsonValue,
  path: readonly string[],
  replace: (value: JsonValue) => Promise<JsonValue>,
): Promise<JsonValue> {
  if (path.length === 0) return replace(value);
  if (path[0] === EACH) {
    const rest = path.slice(1);
    return Array.isArray(value)
      ? Promise.all(value.map((inner) => replaceWithin(inner, rest, replace)))
      : value;
  }
  return isObject(value) ? replaceAt(value, path, replace) : value;
}

/**
 * Seals personal data before events reach the store and reveals it after they are read: the clear
 * value while the person's key exists, every leaf "[erased]" once it is destroyed. Matches the API's
 * EventCodec seam (encode before append, decode after read).
 */
export class PersonalDataCodec {
  constructor(private readonly cipher: PersonalDataCipher) {}

  async encode(
    streamId: string,
    event: { type: string; data: object },
  ): Promise<{ type: string; data: JsonObject }> {
    // Event data is JSON by construction (the DTOs admit nothing else).
    let data = event.data as JsonObject;
    for (const { path, keyId } of PERSONAL_DATA[event.type] ?? []) {
      data = await replaceAt(data, path, (value) => this.sealed(keyId(streamId), value));
    }
    return { type: event.type, data };
  }

  /**
   * The value sealed under the person's key; once their key is destroyed, only its erased shape: an
   * act recorded after the erasure keeps nothing of the person either.
   */
  private async sealed(keyId: string, value: JsonValue): Promise<JsonValue> {
    if (value === null || isSealed(value)) return value;
    try {
      return await this.cipher.seal(keyId, value);
    } catch (error) {
      if (error instanceof ErasedKeyError) return erasedShape(value);
      throw error;
    }
  }

  /**
   * Reveals every sealed value, wherever it sits in the data; and once the person is erased, shows
   * what an older event held of them in clear as "[erased]" too.
   */
  async decode(recorded: {
    streamId: string;
    type: string;
    data: JsonObject;
  }): Promise<{ type: string; data: JsonObject }> {
    let data = recorded.data;
    for (const { path, keyId } of HELD_IN_CLEAR_BEFORE[recorded.type] ?? []) {
      data = await replaceAt(data, path, (value) =>
        Promise.resolve(
          value !== null && !isSealed(value) && this.cipher.erased(keyId(recorded.streamId))
            ? erasedShape(value)
            : value,
        ),
      );
    }
    return { type: recorded.type, data: (await this.revealAll(data)) as JsonObject };
  }

  /** Each sealed value in `data`, revealed, with its dotted path (`consent.language`). */
  async revealedFields(data: JsonObject): Promise<{ path: string; value: JsonValue }[]> {
    const found: { path: string; sealed: SealedValue }[] = [];
    const walk = (value: JsonValue, path: string): void => {
      if (isSealed(value)) found.push({ path, sealed: value });
      else if (Array.isArray(value)) value.forEach((inner, i) => walk(inner, `${path}[${i}]`));
      else if (isObject(value))
        for (const [key, inner] of Object.entries(value)) walk(inner, path ? `${path}.${key}` : key);
    };
    walk(data, '');
    return Promise.all(
      found.map(async ({ path, sealed }) => ({ path, value: await this.cipher.reveal(sealed) })),
    );
  }

  /** `value` with every sealed value in it revealed. */
  async revealAll(value: JsonValue): Promise<JsonValue> {
    if (isSealed(value)) return this.cipher.reveal(value);
    if (Array.isArray(value)) return Promise.all(value.map((inner) => this.revealAll(inner)));
    if (!isObject(value)) return value;
    const entries = await Promise.all(
      Object.entries(value).map(async ([key, inner]) => [key, await this.revealAll(inner)] as const),
    );
    return Object.fromEntries(entries);
  }
}
