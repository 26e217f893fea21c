import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NotLeaderError,
  START,
  StreamNotFoundError,
  UnavailableError,
  jsonEvent,
  type ResolvedEvent,
  type StreamingRead,
} from '@eventstore/db-client';
import type {
  AppendResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from '../event-store.port';
import {
  EventStoreUnavailableError,
  STORE_ANSWER_TIMEOUT_MS,
  WrongExpectedRevisionError,
} from '../event-store.port';
import {
  checkCount,
  checkExpectedRevision,
  checkStreamId,
  parseIsoTime,
  serializeEvents,
} from '../sqlite/validation';
import { EventStoreDbSubscription } from './eventstoredb-subscription';
import {
  checkFilter,
  checkWritable,
  isSystemEvent,
  matchesFilter,
  replayOf,
  serverFilterFor,
  toClientExpectedRevision,
  toPortError,
  toRecordedEvent,
} from './mapping';
import { satisfies } from '../expected-revision';
import { comparePosition, decodePosition, encodePosition } from './position';

/** How far back in a stream an append looks for its event ids (a retry's stand at the tail). */
const REUSED_ID_WINDOW = 100;

/** An append and, after a leader election or a dropped connection, one more. */
const APPEND_ATTEMPTS = 2;

/** Where an empty append to a stream that does not exist "reaches": before every event. */
const ORIGIN = encodePosition({ commit: 0n, prepare: 0n });

/**
 * The production event store: an EventStoreDB node or cluster over gRPC (`esdb://` connection
 * string, e.g. `esdb://node1:2113,node2:2113,node3:2113?tls=true&tlsCAFile=/certs/ca/ca.crt`).
 *
 * EventStoreDB deduplicates appends by event id only within a stream; this adapter also refuses an
 * id already recorded elsewhere in the same stream, but it cannot see ids in other streams. To do
 * so an append first reads its stream (aggregate streams are short) and afterwards reads its last
 * event back for the exact position: three round trips to the leader per append.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly subscriptions = new Set<EventStoreDbSubscription>();
  private closed = false;

  /** Where the server is, for messages (never the credentials). */
  private readonly nodes: string;

  /** `answerTimeoutMs`: how long a read may wait for the server's next answer (see answered). */
  constructor(
    connectionString: string,
    private readonly answerTimeoutMs = STORE_ANSWER_TIMEOUT_MS,
  ) {
    // The client prints the whole string, password included, when it warns of an option it does not
    // know, and quotes it in its parse errors: neither may reach a log.
    const problems = optionProblemsIn(connectionString);
    if (problems.length > 0) throw new Error(`EVENTSTORE_CONNECTION_STRING: ${problems.join('; ')}`);
    try {
      this.client = EventStoreDBClient.connectionString(connectionString);
    } catch (error) {
      throw new Error(withoutPassword(connectionString, (error as Error).message));
    }
    this.nodes = eventStoreDbNodes(connectionString);
  }

  async append(
    streamId: string,
    events: EventToAppend[],
    options: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.appendOnce(streamId, events, options);
      } catch (error) {
        // A leader election or a dropped connection: the client finds the new leader for the next
        // call, and the events' ids make that call safe (its read finds them if this one wrote them).
        const transient = error instanceof NotLeaderError || unreachable(error);
        if (!transient || attempt >= APPEND_ATTEMPTS) throw this.unavailableIf(error);
      }
    }
  }

  private async appendOnce(
    streamId: string,
    events: EventToAppend[],
    options: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    this.checkOpen();
    checkStreamId(streamId);
    const expected = options?.expectedRevision;
    checkExpectedRevision(expected);
    const serialized = serializeEvents(streamId, events);
    checkWritable(
      streamId,
      serialized.map((event) => event.type),
    );

    // The stream's tail, read from the leader: EventStoreDB appends a reused id without complaint
    // when the expected revision matches, so reuse must be caught before writing. A retry's events
    // stand at the tail; reading the whole stream made every append to a stream that only grows
    // (the integrity checkpoints, a case's access log) cost as much as all its history.
    const recorded = await this.readTail(streamId, REUSED_ID_WINDOW + serialized.length);
    const byId = new Map(recorded.map((event) => [event.id, event]));
    const existing = serialized.map((event) => byId.get(event.id));
    if (existing.some((event) => event !== undefined)) {
      return replayOf(
        expected,
        serialized.map((event) => event.id),
        existing,
      );
    }
    const last = recorded.at(-1);
    const actual = last === undefined ? 'no_stream' : last.revision;
    if (!satisfies(expected, actual)) throw new WrongExpectedRevisionError(streamId, expected, actual);
    if (serialized.length === 0) {
      return { nextExpectedRevision: last?.revision ?? -1, position: last?.position ?? ORIGIN };
    }

    let nextExpectedRevision: bigint;
    let success: boolean;
    try {
      // Same expectation again: the server checks it atomically, so a write that slipped in since
      // the read above still fails, and an identical append that slipped in is deduplicated.
      ({ nextExpectedRevision, success } = await this.client.appendToStream(
        streamId,
        serialized.map((event) =>
          jsonEvent({
            id: event.id,
            type: event.type,
            data: JSON.parse(event.data) as Record<string, unknown>,
            metadata: JSON.parse(event.metadata) as Record<string, unknown>,
          }),
        ),
        { expectedRevision: toClientExpectedRevision(expected) },
      ));
    } catch (error) {
      throw toPortError(error, streamId, expected);
    }
    if (!success) {
      // `throwOnAppendFailure=false` in the connection string: the client answers a conflict instead of
      // throwing, with a revision batchAppend computes wrongly (BigInt(hasCurrentStreamRevision())).
      const now = (await this.readTail(streamId, 1)).at(-1);
      throw new WrongExpectedRevisionError(
        streamId,
        expected,
        now === undefined ? 'no_stream' : now.revision,
      );
    }
    // The server's answer carries no position for a deduplicated append, and for a fresh one it is
    // the write's, not necessarily the last event's: read the last event back for its exact position.
    const appended = await this.readEventAt(streamId, nextExpectedRevision);
    const lastId = serialized[serialized.length - 1].id;
    if (appended?.id !== lastId) {
      throw new Error(
        `stream ${streamId}: revision ${String(nextExpectedRevision)} should hold event ${lastId} after the append`,
      );
    }
    return { nextExpectedRevision: appended.revision, position: appended.position };
  }

  async *readStream(streamId: string, options: ReadStreamOptions = {}): AsyncGenerator<RecordedEvent> {
    this.checkOpen();
    checkStreamId(streamId);
    const backwards = options.direction === 'backwards';
    if (options.direction !== undefined && !backwards && options.direction !== 'forwards') {
      throw new Error(`direction must be forwards or backwards, got ${String(options.direction)}`);
    }
    const upTo = options.upToTime === undefined ? undefined : parseIsoTime(options.upToTime, 'upToTime');
    const maxCount = checkCount(options.maxCount, 'maxCount');
    const fromRevision = checkCount(options.fromRevision, 'fromRevision');
    if (maxCount === 0) return;
    const read = this.client.readStream(streamId, {
      direction: backwards ? BACKWARDS : FORWARDS,
      fromRevision: fromRevision === undefined ? (backwards ? END : START) : BigInt(fromRevision),
      // With a time bound, events past it are skipped here, so the server cannot count for us.
      ...(maxCount !== undefined && upTo === undefined ? { maxCount } : {}),
    });
    let yielded = 0;
    for await (const event of this.recordedEvents(read)) {
      // recordedAt is not monotonic within a stream (a command that lost the append race keeps the
      // clock reading it took before; two instances' clocks differ): skip, as the SQLite adapter does.
      if (upTo !== undefined && parseIsoTime(event.metadata.recordedAt, 'metadata.recordedAt') > upTo)
        continue;
      yield event;
      yielded += 1;
      if (yielded === maxCount) return;
    }
  }

  async *readAll(options: ReadAllOptions = {}): AsyncGenerator<RecordedEvent> {
    this.checkOpen();
    const after = options.fromPosition === undefined ? undefined : decodePosition(options.fromPosition);
    const maxCount = checkCount(options.maxCount, 'maxCount');
    const filter = checkFilter(options.filter);
    if (maxCount === 0) return;
    // Client 6.2 sends no server-side filter on reads: system events and the filter are applied here.
    const read = this.client.readAll({ direction: FORWARDS, fromPosition: after ?? START });
    let yielded = 0;
    try {
      for await (const resolved of this.answered(read, 'a read of the log')) {
        const event = resolved.event;
        if (event === undefined || isSystemEvent(event) || !matchesFilter(event, filter)) continue;
        // A read from a position includes the event at it; the port's fromPosition is exclusive.
        if (after !== undefined && comparePosition(event.position, after) <= 0) continue;
        yield toRecordedEvent(event);
        yielded += 1;
        if (yielded === maxCount) return;
      }
    } finally {
      await read.cancel();
    }
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    this.checkOpen();
    const after = options.fromPosition === undefined ? undefined : decodePosition(options.fromPosition);
    const filter = checkFilter(options.filter);
    const source = this.client.subscribeToAll({
      fromPosition: after ?? START,
      filter: serverFilterFor(filter),
    });
    const subscription = new EventStoreDbSubscription(source, after, filter, () =>
      this.subscriptions.delete(subscription),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<string | null> {
    this.checkOpen();
    const read = this.client.readAll({ direction: BACKWARDS, fromPosition: END });
    try {
      for await (const resolved of this.answered(read, "a read of the log's head")) {
        const event = resolved.event;
        if (event !== undefined && !isSystemEvent(event)) return encodePosition(event.position);
      }
      return null;
    } finally {
      await read.cancel();
    }
  }

  comparePositions(a: string, b: string): number {
    return comparePosition(decodePosition(a), decodePosition(b));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await Promise.allSettled([...this.subscriptions].map((subscription) => subscription.close()));
    } finally {
      await this.client.dispose();
    }
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('the event store is closed');
  }

  /** Parsed events of a stream read; a stream that does not exist reads as empty. Ends the gRPC
   * call if the consumer stops early. */
  private async *recordedEvents(read: StreamingRead<ResolvedEvent>): AsyncGenerator<RecordedEvent> {
    try {
      for await (const resolved of this.answered(read, 'a read of a stream')) {
        if (resolved.event !== undefined) yield toRecordedEvent(resolved.event);
      }
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    } finally {
      await read.cancel();
    }
  }

  /**
   * The read's answers, failing with EventStoreUnavailableError when the server lets
   * `answerTimeoutMs` pass without its next one (the caller's `finally` cancels the read). Only
   * waits on the server count: the time a consumer takes between answers does not.
   */
  private async *answered<T>(read: StreamingRead<T>, what: string): AsyncGenerator<T> {
    const answers = read[Symbol.asyncIterator]();
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const silence = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new EventStoreUnavailableError(
                `EventStoreDB at ${this.nodes} did not answer ${what} within ${this.answerTimeoutMs / 1000} s`,
              ),
            ),
          this.answerTimeoutMs,
        );
      });
      let answer: IteratorResult<T>;
      try {
        answer = await Promise.race([answers.next(), silence]);
      } catch (error) {
        throw this.unavailableIf(error);
      } finally {
        clearTimeout(timer);
      }
      if (answer.done === true) return;
      yield answer.value;
    }
  }

  /** The client's own word that the server cannot be reached, as the port says it. */
  private unavailableIf(error: unknown): unknown {
    return error instanceof UnavailableError
      ? new EventStoreUnavailableError(`EventStoreDB at ${this.nodes} cannot be read: ${reasonOf(error)}`, {
          cause: error,
        })
      : error;
  }

  /** The stream's last `count` events, in order, read from the leader. */
  private async readTail(streamId: string, count: number): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    const read = this.client.readStream(streamId, {
      direction: BACKWARDS,
      fromRevision: END,
      maxCount: count,
      requiresLeader: true,
    });
    for await (const event of this.recordedEvents(read)) events.push(event);
    return events.reverse();
  }

  private async readEventAt(streamId: string, revision: bigint): Promise<RecordedEvent | undefined> {
    const read = this.client.readStream(streamId, {
      fromRevision: revision,
      maxCount: 1,
      requiresLeader: true,
    });
    for await (const event of this.recordedEvents(read)) return event;
    return undefined;
  }
}

/** The options the client reads, compared as it compares them (case, `-` and `_` ignored). */
const CLIENT_OPTIONS = new Set(
  [
    'userCertFile',
    'userKeyFile',
    'maxDiscoverAttempts',
    'connectionName',
    'defaultDeadline',
    'discoveryInterval',
    'gossipTimeout',
    'nodePreference',
    'tls',
    'tlsVerifyCert',
    'tlsCAFile',
    'throwOnAppendFailure',
    'keepAliveInterval',
    'keepAliveTimeout',
  ].map(flat),
);

function flat(key: string): string {
  return key.trim().toLowerCase().replace(/[_-]/g, '');
}

/** An error's message, without the empty "Resolution note:" gRPC ends it with when nothing resolved
 * the address wrong. */
export function reasonOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s*Resolution note:\s*$/, '');
}

/** No server could be reached (a dropped connection, a leader election): worth one more try. */
function unreachable(error: unknown): boolean {
  return (
    error instanceof UnavailableError ||
    (error instanceof EventStoreUnavailableError && error.cause instanceof UnavailableError)
  );
}

/** `esdb://user:password@`, as the client reads it: a password may hold `?`, never `@`. */
const CREDENTIALS = /^esdb(?:\+discover)?:\/\/[^:@/]*:([^@]+)@/;

/** Options the client would only warn about, named without their values. */
function optionProblemsIn(connectionString: string): string[] {
  const trimmed = connectionString.trim();
  const afterCredentials = trimmed.slice(CREDENTIALS.exec(trimmed)?.[0].length ?? 0);
  const at = afterCredentials.indexOf('?');
  if (at < 0) return [];
  return afterCredentials
    .slice(at + 1)
    .split('&')
    .flatMap((pair) => {
      const [key, value = ''] = pair.split('=');
      if (!CLIENT_OPTIONS.has(flat(key))) return [`unknown option "${key}"`];
      if (flat(key) === 'tlsverifycert' && value.trim() === 'false') {
        return ['tlsVerifyCert=false has no effect with this client (pass tlsCAFile instead)'];
      }
      return [];
    });
}

function withoutPassword(connectionString: string, text: string): string {
  const password = CREDENTIALS.exec(connectionString.trim())?.[1];
  return password === undefined ? text : text.split(password).join('***');
}

/** The nodes a connection string names, without its credentials or options: fit for a log line. */
export function eventStoreDbNodes(connectionString: string): string {
  const trimmed = connectionString.trim();
  const withPassword = CREDENTIALS.exec(trimmed);
  const nodes = withPassword
    ? trimmed.slice(withPassword[0].length)
    : trimmed.slice(trimmed.indexOf('://') + 3).replace(/^[^:@/?]*@/, '');
  return nodes.split(/[/?]/)[0];
}
