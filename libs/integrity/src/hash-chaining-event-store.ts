import {
  DuplicateEventIdError,
  WrongExpectedRevisionError,
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from '@trust-ledger/event-store';
import { GENESIS_HASH, INTEGRITY_METADATA_KEY, eventHash, readIntegrity } from './hash-chain';

/** How often an `any` / `stream_exists` append is retried when other writers keep winning the race. */
const MAX_ATTEMPTS = 20;

/**
 * Wraps any EventStore so that every appended event carries `metadata.integrity = { hash, prevHash }`
 * chaining it to the previous event of its stream. Reads pass through untouched.
 *
 * The hashes are computed from the stream's last event as read before the append, so the append must
 * land exactly after that event: `any` and `stream_exists` become that exact revision (retried when
 * another writer got there first), and a caller's own exact / `no_stream` expectation is passed on, so
 * the adapter rejects the append whenever the chain would fork.
 */
export class HashChainingEventStore implements EventStore {
  constructor(private readonly inner: EventStore) {}

  async append(
    streamId: string,
    events: EventToAppend[],
    options: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    const requested = options.expectedRevision;
    const flexible = requested === 'any' || requested === 'stream_exists';
    for (let attempt = 1; ; attempt += 1) {
      const last = await this.lastEvent(streamId);
      const expectedRevision: ExpectedRevision = !flexible
        ? requested
        : last !== null
          ? last.revision
          : requested === 'any'
            ? 'no_stream'
            : 'stream_exists'; // the adapter rejects it: the stream does not exist
      try {
        return await this.inner.append(streamId, this.chain(streamId, events, last), { expectedRevision });
      } catch (error) {
        if (flexible && error instanceof DuplicateEventIdError) {
          // Possibly a retry of an append that already landed; with the ids already stored the
          // adapter writes nothing, only answers with the original result or rejects the reuse.
          return this.inner.append(streamId, events, options);
        }
        if (flexible && error instanceof WrongExpectedRevisionError && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
    }
  }

  private chain(streamId: string, events: EventToAppend[], last: RecordedEvent | null): EventToAppend[] {
    let prevHash = last === null ? GENESIS_HASH : (readIntegrity(last.metadata)?.hash ?? GENESIS_HASH);
    let revision = last === null ? -1 : last.revision;
    return events.map((event) => {
      revision += 1;
      // Adapters store a UUID in its canonical lower-case form; hash what will be read back.
      const id = event.id.toLowerCase();
      const { [INTEGRITY_METADATA_KEY]: _ignored, ...metadata } = event.metadata;
      const hash = eventHash(prevHash, {
        id,
        streamId,
        revision,
        type: event.type,
        data: event.data,
        metadata,
      });
      const chained: EventToAppend = {
        ...event,
        id,
        metadata: { ...metadata, [INTEGRITY_METADATA_KEY]: { hash, prevHash } },
      };
      prevHash = hash;
      return chained;
    });
  }

  private async lastEvent(streamId: string): Promise<RecordedEvent | null> {
    for await (const event of this.inner.readStream(streamId, { direction: 'backwards', maxCount: 1 })) {
      return event;
    }
    return null;
  }

  readStream(streamId: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent> {
    return this.inner.readStream(streamId, options);
  }

  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent> {
    return this.inner.readAll(options);
  }

  subscribeToAll(options?: SubscribeOptions): Subscription {
    return this.inner.subscribeToAll(options);
  }

  headPosition(): Promise<string | null> {
    return this.inner.headPosition();
  }

  comparePositions(a: string, b: string): number {
    return this.inner.comparePositions(a, b);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
