import type { JsonObject, JsonValue } from '@trust-ledger/event-store';
import { isSealed, type PersonalDataCipher } from './personal-data-cipher';

export const subjectKeyId = (caseId: string): string => `subject:${caseId}`;
export const victimKeyId = (certificationId: string): string => `victim:${certificationId}`;

/** Where personal data sits in stored events, and whose key seals it: one key per case subject and
 * per certification victim, so that erasing one person touches nobody else. */
const PERSONAL_DATA: Record<string, { field: string; keyId(data: JsonObject): string }> = {
  CaseOpened: { field: 'subject', keyId: (data) => subjectKeyId(idField(data, 'caseId')) },
  CertificationRequested: { field: 'victim', keyId: (data) => victimKeyId(idField(data, 'certificationId')) },
};

function idField(data: JsonObject, name: string): string {
  const value = data[name];
  if (typeof value !== 'string' || value.length === 0)
    throw new Error(`cannot seal personal data: data.${name} is missing`);
  return value;
}

/**
 * Seals personal data before events reach the store and reveals it after they are read: the clear
 * value while the person's key exists, every leaf "[erased]" once it is destroyed. Matches the API's
 * EventCodec seam (encode before append, decode after read).
 */
export class PersonalDataCodec {
  constructor(private readonly cipher: PersonalDataCipher) {}

  async encode(
    _streamId: string,
    event: { type: string; data: object },
  ): Promise<{ type: string; data: JsonObject }> {
    // Event data is JSON by construction (the DTOs admit nothing else).
    const data = event.data as JsonObject;
    const personal = PERSONAL_DATA[event.type];
    const value = personal === undefined ? undefined : data[personal.field];
    if (personal === undefined || value === undefined || isSealed(value)) return { type: event.type, data };
    return {
      type: event.type,
      data: { ...data, [personal.field]: await this.cipher.seal(personal.keyId(data), value) },
    };
  }

  /** Reveals every sealed top-level field, whatever the event type. */
  async decode(recorded: { type: string; data: JsonObject }): Promise<{ type: string; data: JsonObject }> {
    const entries = await Promise.all(
      Object.entries(recorded.data).map(async ([key, value]) => [key, await this.reveal(value)] as const),
    );
    return { type: recorded.type, data: Object.fromEntries(entries) };
  }

  /** For read models that keep a sealed value as stored: its clear or erased form; anything else as is. */
  reveal(value: JsonValue): Promise<JsonValue> {
    return isSealed(value) ? this.cipher.reveal(value) : Promise.resolve(value);
  }
}
