import type { JsonObject, JsonValue, RecordedEvent } from '@trust-ledger/event-store';

/** A domain event as deciders produce and evolve consume it. */
export interface DomainEvent {
  type: string;
  data: object;
}

/**
 * The seam between domain events and stored events wherever personal data must be sealed or
 * revealed: on the way in (executor, the default ordinance) and on the way out (executor's fold,
 * stream histories). write.module.ts provides it as the privacy library's PersonalDataCodec.
 */
export interface EventCodec {
  encode(streamId: string, event: DomainEvent): Promise<{ type: string; data: JsonObject }>;
  decode(recorded: RecordedEvent): Promise<DomainEvent & { data: JsonObject }>;
  /** For read models that keep personal data as stored: `value` with every sealed value in it revealed. */
  revealAll(value: JsonValue): Promise<JsonValue>;
}

export const EVENT_CODEC = Symbol('EVENT_CODEC');

/** A language or an officer's free text that a read model keeps as stored, revealed ("[erased]" once
 * its person is erased). */
export async function revealedText(codec: EventCodec, stored: JsonValue): Promise<string> {
  const text = await codec.revealAll(stored);
  if (typeof text !== 'string') throw new Error('a sealed text did not reveal as text');
  return text;
}
