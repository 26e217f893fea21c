import {
  ANY,
  NO_STREAM,
  STREAM_EXISTS,
  WrongExpectedVersionError,
  eventTypeFilter,
  excludeSystemEvents,
  streamNameFilter,
  type AppendExpectedRevision,
  type Filter,
  type RecordedEvent as ClientRecordedEvent,
} from '@eventstore/db-client';
import {
  CorruptEventError,
  DuplicateEventIdError,
  WrongExpectedRevisionError,
  type AppendResult,
  type EventFilter,
  type EventMetadata,
  type ExpectedRevision,
  type RecordedEvent,
} from '../event-store.port';
import { satisfies } from '../expected-revision';
import { encodePosition } from './position';

/** The client's form of the port's expected revision. */
export function toClientExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    case 'any':
      return ANY;
    default:
      return BigInt(expected);
  }
}

/** The port's error for a failed append; errors other than a concurrency conflict pass unchanged. */
export function toPortError(error: unknown, streamId: string, expected: ExpectedRevision): unknown {
  if (!(error instanceof WrongExpectedVersionError)) return error;
  const current = error.actualVersion;
  const actual = current === NO_STREAM || current < 0n ? 'no_stream' : Number(current);
  return new WrongExpectedRevisionError(streamId, expected, actual);
}

/** EventStoreDB's own records (`$`-prefixed types such as `$metadata` and `$>`, and `$`-prefixed
 * streams): never part of the application's log. */
export function isSystemEvent(event: { streamId: string; type: string }): boolean {
  return event.streamId.startsWith('$') || event.type.startsWith('$');
}

/** The application may not write what reads of the log would then hide as a system event. */
export function checkWritable(streamId: string, types: string[]): void {
  if (streamId.startsWith('$'))
    throw new Error(`stream id must not start with '$' (a system stream): ${streamId}`);
  const system = types.find((type) => type.startsWith('$'));
  if (system !== undefined) throw new Error(`event type must not start with '$' (a system event): ${system}`);
}

function checkStrings(value: unknown, what: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new Error(`${what} must be an array of strings`);
  }
  return value;
}

/** A validated copy of a caller's filter. */
export function checkFilter(filter: unknown): EventFilter | undefined {
  if (filter === undefined) return undefined;
  if (typeof filter !== 'object' || filter === null) throw new Error('filter must be an object');
  const { streamPrefixes, eventTypes } = filter as Record<string, unknown>;
  return {
    streamPrefixes: checkStrings(streamPrefixes, 'filter.streamPrefixes'),
    eventTypes: checkStrings(eventTypes, 'filter.eventTypes'),
  };
}

/** Whether an application event passes the filter (an empty list passes nothing). */
export function matchesFilter(
  event: { streamId: string; type: string },
  filter: EventFilter | undefined,
): boolean {
  const { streamPrefixes, eventTypes } = filter ?? {};
  if (streamPrefixes !== undefined && !streamPrefixes.some((prefix) => event.streamId.startsWith(prefix))) {
    return false;
  }
  return eventTypes === undefined || eventTypes.includes(event.type);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The server-side filter that narrows a subscription as far as the server can: it applies one kind
 * of filter at a time, so with both kinds given it filters on stream prefixes and `matchesFilter`
 * does the rest on the client, as it also drops the system events a prefix filter lets through. */
export function serverFilterFor(filter: EventFilter | undefined): Filter {
  const prefixes = filter?.streamPrefixes;
  const types = filter?.eventTypes;
  // An empty list passes nothing; the client drops everything, the server need only skip system events.
  if (prefixes?.length === 0 || types?.length === 0) return excludeSystemEvents();
  if (prefixes !== undefined) return streamNameFilter({ prefixes });
  // Types are matched whole: a prefix filter on `CaseOpened` would also pass `CaseOpenedV2`.
  if (types !== undefined) return eventTypeFilter({ regex: `^(?:${types.map(escapeRegex).join('|')})$` });
  return excludeSystemEvents();
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
  );
}

/** The port's view of an event as the client read it: revision as a number, the `$all` position as
 * the opaque string, data and metadata as the JSON objects that were appended. Throws on anything
 * this adapter could not have written, rather than pass on a record it cannot vouch for. */
export function toRecordedEvent(event: ClientRecordedEvent): RecordedEvent {
  const where = `event ${event.id} (${event.streamId}@${String(event.revision)})`;
  // The client never leaves `position` undefined (protobuf defaults it to 0/0); a server without
  // stream-read positions (before 22.10, EventStore PR #3459) sends ulong.MaxValue for both.
  const END = 2n ** 64n - 1n;
  if (
    event.position === undefined ||
    event.position.commit === END ||
    (event.position.commit === 0n && event.position.prepare === 0n)
  ) {
    throw new Error(
      `${where}: the server did not return its $all position (EventStoreDB 22.10 or later is required)`,
    );
  }
  if (event.revision > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`${where}: revision beyond 2^53`);
  const position = encodePosition(event.position);
  const metadata = event.metadata;
  // Not what this adapter appends (JSON objects, metadata with recordedAt): written by something else.
  if (
    !event.isJson ||
    !isPlainObject(event.data) ||
    !isPlainObject(metadata) ||
    typeof metadata.recordedAt !== 'string'
  ) {
    throw new CorruptEventError(event.streamId, Number(event.revision), position, event.id);
  }
  return {
    id: event.id,
    streamId: event.streamId,
    revision: Number(event.revision),
    position,
    type: event.type,
    data: event.data as RecordedEvent['data'],
    metadata: metadata as EventMetadata,
  };
}

/** Some of an append's ids are already in the stream (`existing[i]` is the recorded event with the
 * i-th id, if any). A retry of the same append — every id, in order, at the place the expectation
 * names — gets the original result; anything else reuses ids, which the port forbids. */
export function replayOf(
  expected: ExpectedRevision,
  ids: string[],
  existing: (RecordedEvent | undefined)[],
): AppendResult {
  const first = existing[0];
  const isRetry =
    first !== undefined &&
    existing.every((event, i) => event !== undefined && event.revision === first.revision + i) &&
    satisfies(expected, first.revision === 0 ? 'no_stream' : first.revision - 1);
  if (isRetry) {
    const last = existing[existing.length - 1] as RecordedEvent;
    return { nextExpectedRevision: last.revision, position: last.position };
  }
  const reused = existing.findIndex((event) => event !== undefined);
  throw new DuplicateEventIdError(ids[reused]);
}
