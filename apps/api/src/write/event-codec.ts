import { Injectable } from '@nestjs/common';
import type { JsonObject, JsonValue, RecordedEvent } from '@trust-ledger/event-store';

/** A domain event as deciders produce and evolve consume it. */
export interface DomainEvent {
  type: string;
  data: object;
}

/**
 * The single seam between domain events and stored events, on the way in (executor) and on the
 * way out (executor's fold, history). Per-person encryption of `subject` plugs in here by
 * replacing the EVENT_CODEC provider in write.module.ts; nothing else reads or writes event data.
 */
export interface EventCodec {
  encode(streamId: string, event: DomainEvent): Promise<{ type: string; data: JsonObject }>;
  decode(recorded: RecordedEvent): Promise<DomainEvent & { data: JsonObject }>;
  /** For read models that keep personal data as stored: `value` with every sealed value in it revealed. */
  revealAll(value: JsonValue): Promise<JsonValue>;
}

export const EVENT_CODEC = Symbol('EVENT_CODEC');

/** Stores domain events as they are: their data is JSON by construction (the DTOs admit nothing else). */
@Injectable()
export class IdentityEventCodec implements EventCodec {
  encode(_streamId: string, event: DomainEvent): Promise<{ type: string; data: JsonObject }> {
    return Promise.resolve({ type: event.type, data: event.data as JsonObject });
  }

  decode(recorded: RecordedEvent): Promise<DomainEvent & { data: JsonObject }> {
    return Promise.resolve({ type: recorded.type, data: recorded.data });
  }

  revealAll(value: JsonValue): Promise<JsonValue> {
    return Promise.resolve(value);
  }
}
