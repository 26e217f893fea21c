/**
 * The event-store port. Every adapter (embedded SQLite, EventStoreDB) implements exactly this
 * contract; `test/contract/event-store.contract.ts` is the executable definition of it.
 */

/** JSON-compatible value, the only thing events may carry. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Metadata every recorded event carries; adapters may add more keys (e.g. the hash chain). */
export interface EventMetadata {
  /** ISO 8601 time the writer recorded the event (the writer's injected clock). */
  recordedAt: string;
  correlationId: string;
  causationId: string | null;
  /** The authenticated caller's `sub`, or a system actor such as `system:scheduler`. */
  actor: string;
  [key: string]: JsonValue;
}

export interface EventToAppend {
  /** UUID; derived from the command id so that a retried command re-appends the same ids. */
  id: string;
  type: string;
  data: JsonObject;
  metadata: EventMetadata;
}

export interface RecordedEvent {
  id: string;
  streamId: string;
  /** 0-based revision within the stream. */
  revision: number;
  /** Opaque, comparable only through the adapter's `comparePositions`. */
  position: string;
  type: string;
  data: JsonObject;
  metadata: EventMetadata;
}

/** `no_stream`: the stream must not exist; `stream_exists`: it must; `any`: no check; a number: the
 * stream's current last revision must equal it. */
export type ExpectedRevision = 'no_stream' | 'stream_exists' | 'any' | number;

export interface AppendResult {
  /** The stream's revision after the append (the last appended event's revision). */
  nextExpectedRevision: number;
  /** Global position of the last appended event. */
  position: string;
}

export interface ReadStreamOptions {
  fromRevision?: number;
  direction?: 'forwards' | 'backwards';
  maxCount?: number;
  /** Only events whose metadata.recordedAt is at or before this ISO time. */
  upToTime?: string;
}

export interface EventFilter {
  /** Keep only events whose stream id starts with one of these prefixes (e.g. `case-`). */
  streamPrefixes?: string[];
  /** Keep only these event types. */
  eventTypes?: string[];
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. Absent: from the start of the log. */
  fromPosition?: string;
  maxCount?: number;
  filter?: EventFilter;
}

export interface SubscribeOptions {
  /** Exclusive checkpoint: deliver events strictly after it. Absent: from the start of the log. */
  fromPosition?: string;
  filter?: EventFilter;
}

/** A catch-up subscription: an async iterable that yields historical then live events, in global
 * order, without gaps or duplicates, until `close()` is called (the iteration then ends). */
export interface Subscription extends AsyncIterable<RecordedEvent> {
  close(): Promise<void>;
}

export interface EventStore {
  append(
    streamId: string,
    events: EventToAppend[],
    options: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult>;
  /** Yields nothing for a stream that does not exist. */
  readStream(streamId: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent>;
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;
  subscribeToAll(options?: SubscribeOptions): Subscription;
  /** Position of the last event in the log (`null` when empty); for lag and read-your-writes. */
  headPosition(): Promise<string | null>;
  /** Negative when a precedes b, 0 when equal, positive when a follows b. */
  comparePositions(a: string, b: string): number;
  close(): Promise<void>;
}

/** Nest injection token for the configured adapter. */
export const EVENT_STORE = Symbol('EVENT_STORE');

/**
 * How long a store has to give its next answer to a read: the client's own deadline for a single
 * call. EventStoreDB's client gives streaming reads none, so a server that takes the connection and
 * never answers would otherwise hold a start, or a command, for ever.
 */
export const STORE_ANSWER_TIMEOUT_MS = 10_000;

/** The store did not answer in time, or could not be reached: nothing it was asked is known to be
 * done or not done. */
export class EventStoreUnavailableError extends Error {
  override readonly name = 'EventStoreUnavailableError';
}

/** The stream's revision did not match the expectation: someone else wrote first. */
export class WrongExpectedRevisionError extends Error {
  override readonly name = 'WrongExpectedRevisionError';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** The stream's actual last revision, or 'no_stream' when it does not exist. */
    readonly actual: number | 'no_stream',
  ) {
    super(`stream ${streamId}: expected revision ${String(expected)}, actual ${String(actual)}`);
  }
}

/** An append reused event ids that the store already holds at another place of the stream, or (the
 * SQLite store) in another stream. EventStoreDB looks among the stream's last 100 events only, where
 * a retry's stand: reading all of a stream that only grows at every append would not scale. */
export class DuplicateEventIdError extends Error {
  override readonly name = 'DuplicateEventIdError';
  constructor(readonly eventId: string) {
    super(`event id ${eventId} is already recorded elsewhere`);
  }
}

/**
 * An event the store holds but cannot read: its stored data or metadata is not JSON, which no
 * append writes, so the log was altered there. Reads fail at it; a reader that can go on (a
 * verification) reads again from past it. The message names the event, not its position: it reaches
 * clients (an ALTERED_EVENT 500, the public /health), and positions count every agency's events.
 */
export class CorruptEventError extends Error {
  override readonly name = 'CorruptEventError';
  constructor(
    readonly streamId: string,
    readonly revision: number,
    readonly position: string,
    readonly eventId: string,
  ) {
    super(
      `the stored event ${eventId} (${streamId} revision ${revision}) is not valid JSON: the log was altered there`,
    );
  }
}
