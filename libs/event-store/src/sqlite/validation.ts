import type { EventToAppend, ExpectedRevision } from '../event-store.port';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const POSITION = /^\d+$/;

/** An event checked and serialized before it reaches the write transaction, so that bad input fails
 * only its own caller and no JSON work happens while the write lock is held. */
export interface SerializedEvent {
  id: string;
  type: string;
  data: string;
  metadata: string;
  recordedAtMs: number;
}

/** For error messages: what the caller actually passed. */
function show(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : (JSON.stringify(value) ?? String(value));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Epoch milliseconds of an ISO 8601 date-time with offset; throws on anything else. */
export function parseIsoTime(value: unknown, what: string): number {
  const ms = typeof value === 'string' && ISO_DATE_TIME.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms))
    throw new Error(`${what} must be an ISO 8601 date-time with offset, got ${show(value)}`);
  return ms;
}

export function checkStreamId(streamId: unknown): asserts streamId is string {
  if (typeof streamId !== 'string' || streamId.length === 0) {
    throw new Error('stream id must be a non-empty string');
  }
}

export function checkExpectedRevision(expected: unknown): asserts expected is ExpectedRevision {
  if (expected === 'no_stream' || expected === 'stream_exists' || expected === 'any') return;
  if (typeof expected === 'number' && Number.isSafeInteger(expected) && expected >= 0) return;
  throw new Error(
    `expected revision must be 'no_stream', 'stream_exists', 'any' or a revision >= 0, got ${show(expected)}`,
  );
}

export function serializeEvents(streamId: string, events: EventToAppend[]): SerializedEvent[] {
  if (!Array.isArray(events)) throw new Error('events must be an array');
  const seen = new Set<string>();
  return events.map((event, index) => {
    const where = `stream ${streamId}, event ${index}`;
    if (typeof event.id !== 'string' || !UUID.test(event.id)) {
      throw new Error(`${where}: id must be a UUID, got ${show(event.id)}`);
    }
    // The canonical textual form of a UUID is lower case; one id must not be storable twice.
    const id = event.id.toLowerCase();
    if (seen.has(id)) throw new Error(`${where}: event id ${id} appears twice in the same append`);
    seen.add(id);
    if (typeof event.type !== 'string' || event.type.length === 0) {
      throw new Error(`${where}: type must be a non-empty string`);
    }
    if (!isPlainObject(event.data)) throw new Error(`${where}: data must be a JSON object`);
    if (!isPlainObject(event.metadata)) throw new Error(`${where}: metadata must be a JSON object`);
    const recordedAtMs = parseIsoTime(event.metadata.recordedAt, `${where}: metadata.recordedAt`);
    return {
      id,
      type: event.type,
      data: JSON.stringify(event.data),
      metadata: JSON.stringify(event.metadata),
      recordedAtMs,
    };
  });
}

/** Positions are the log's integer sequence written in decimal. */
export function parsePosition(position: unknown): number {
  const value = typeof position === 'string' && POSITION.test(position) ? Number(position) : NaN;
  if (!Number.isSafeInteger(value)) throw new Error(`not a position of this store: ${show(position)}`);
  return value;
}

export function checkCount(value: unknown, what: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new Error(`${what} must be an integer >= 0, got ${show(value)}`);
  }
  return value;
}
