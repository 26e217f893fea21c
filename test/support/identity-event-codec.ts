import type { JsonObject, JsonValue, RecordedEvent } from '@trust-ledger/event-store';
import type { DomainEvent, EventCodec } from '../../apps/api/src/write/event-codec';

/** Stores domain events as they are, for tests of the write path that are not about personal data. */
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
