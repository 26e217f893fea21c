import {
  ANY,
  NO_STREAM,
  STREAM_EXISTS,
  StreamDeletedError,
  WrongExpectedVersionError,
  type RecordedEvent as ClientRecordedEvent,
} from '@eventstore/db-client';
import fc from 'fast-check';
import { DuplicateEventIdError, WrongExpectedRevisionError, type RecordedEvent } from '../event-store.port';
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

const metadata = {
  recordedAt: '2026-03-01T10:00:00.000Z',
  correlationId: 'c-1',
  causationId: null,
  actor: 'officer-7',
  hash: 'ab12',
};

function clientEvent(overrides: Partial<Record<string, unknown>> = {}): ClientRecordedEvent {
  return {
    streamId: 'case-1',
    id: '5f1c8a52-3c7e-4a3b-9d0e-1f2a3b4c5d6e',
    isJson: true,
    revision: 4n,
    type: 'NoticeIssued',
    created: new Date('2026-03-01T10:00:00.010Z'),
    data: { noticeId: 'n-1', language: 'es' },
    metadata,
    position: { commit: 1234n, prepare: 1200n },
    ...overrides,
  };
}

function recorded(revision: number, id: string): RecordedEvent {
  return {
    id,
    streamId: 'case-1',
    revision,
    position: `${String(revision).padStart(20, '0')}/${String(revision).padStart(20, '0')}`,
    type: 'T',
    data: {},
    metadata: { recordedAt: metadata.recordedAt, correlationId: 'c', causationId: null, actor: 'a' },
  };
}

describe('expected revision', () => {
  it('maps each port expectation onto the client constant or an exact bigint revision', () => {
    expect(toClientExpectedRevision('no_stream')).toBe(NO_STREAM);
    expect(toClientExpectedRevision('stream_exists')).toBe(STREAM_EXISTS);
    expect(toClientExpectedRevision('any')).toBe(ANY);
    expect(toClientExpectedRevision(0)).toBe(0n);
    fc.assert(
      fc.property(fc.nat(), (revision) => expect(toClientExpectedRevision(revision)).toBe(BigInt(revision))),
    );
  });

  it('judges a stream state against each expectation', () => {
    expect(satisfies('any', 'no_stream')).toBe(true);
    expect(satisfies('any', 3)).toBe(true);
    expect(satisfies('no_stream', 'no_stream')).toBe(true);
    expect(satisfies('no_stream', 0)).toBe(false);
    expect(satisfies('stream_exists', 'no_stream')).toBe(false);
    expect(satisfies('stream_exists', 0)).toBe(true);
    expect(satisfies(2, 2)).toBe(true);
    expect(satisfies(2, 3)).toBe(false);
    expect(satisfies(0, 'no_stream')).toBe(false);
  });
});

describe('append errors', () => {
  it("turns the client's wrong-expected-version into the port's error, with the caller's expectation", () => {
    const conflict = new WrongExpectedVersionError(undefined, {
      streamName: 'case-1',
      expected: 3n,
      current: 5n,
    });
    const error = toPortError(conflict, 'case-1', 3);
    expect(error).toBeInstanceOf(WrongExpectedRevisionError);
    expect(error).toMatchObject({ streamId: 'case-1', expected: 3, actual: 5 });
  });

  it("reports a missing stream as 'no_stream'", () => {
    const missing = new WrongExpectedVersionError(undefined, {
      streamName: 'case-2',
      expected: STREAM_EXISTS,
      current: NO_STREAM,
    });
    expect(toPortError(missing, 'case-2', 'stream_exists')).toMatchObject({
      expected: 'stream_exists',
      actual: 'no_stream',
    });
    const negative = new WrongExpectedVersionError(undefined, {
      streamName: 'case-2',
      expected: 0n,
      current: -1n,
    });
    expect(toPortError(negative, 'case-2', 0)).toMatchObject({ actual: 'no_stream' });
  });

  it('passes any other error through unchanged', () => {
    const deleted = StreamDeletedError.fromStreamName('case-3');
    expect(toPortError(deleted, 'case-3', 'any')).toBe(deleted);
    const plain = new Error('unavailable');
    expect(toPortError(plain, 'case-3', 'any')).toBe(plain);
  });
});

describe('system events', () => {
  it('recognises $-prefixed streams and types', () => {
    expect(isSystemEvent({ streamId: '$stats-127.0.0.1:2113', type: '$statsCollected' })).toBe(true);
    expect(isSystemEvent({ streamId: '$$case-1', type: '$metadata' })).toBe(true);
    expect(isSystemEvent({ streamId: '$settings', type: 'Settings' })).toBe(true);
    expect(isSystemEvent({ streamId: 'case-1', type: '$>' })).toBe(true);
    expect(isSystemEvent({ streamId: 'case-1', type: 'CaseOpened' })).toBe(false);
  });

  it('refuses to write what reads would hide as system events', () => {
    expect(() => checkWritable('$case-1', ['CaseOpened'])).toThrow("stream id must not start with '$'");
    expect(() => checkWritable('case-1', ['CaseOpened', '$metadata'])).toThrow(
      "event type must not start with '$'",
    );
    expect(() => checkWritable('case-1', ['CaseOpened'])).not.toThrow();
  });
});

describe('filters', () => {
  it('validates a caller filter', () => {
    expect(checkFilter(undefined)).toBeUndefined();
    expect(checkFilter({ streamPrefixes: ['case-'] })).toEqual({
      streamPrefixes: ['case-'],
      eventTypes: undefined,
    });
    expect(() => checkFilter({ eventTypes: 'CaseOpened' })).toThrow(
      'filter.eventTypes must be an array of strings',
    );
    expect(() => checkFilter({ streamPrefixes: [1] })).toThrow(
      'filter.streamPrefixes must be an array of strings',
    );
    expect(() => checkFilter('case-')).toThrow('filter must be an object');
  });

  it('keeps events matching every given criterion; an empty list keeps nothing', () => {
    const event = { streamId: 'case-1', type: 'CaseOpened' };
    expect(matchesFilter(event, undefined)).toBe(true);
    expect(matchesFilter(event, { streamPrefixes: ['matter-', 'case-'] })).toBe(true);
    expect(matchesFilter(event, { streamPrefixes: ['matter-'] })).toBe(false);
    expect(matchesFilter(event, { eventTypes: ['CaseOpened'] })).toBe(true);
    expect(matchesFilter(event, { eventTypes: ['CaseOpen'] })).toBe(false);
    expect(matchesFilter(event, { streamPrefixes: ['case-'], eventTypes: ['CaseClosed'] })).toBe(false);
    expect(matchesFilter(event, { streamPrefixes: [] })).toBe(false);
    expect(matchesFilter(event, { eventTypes: [] })).toBe(false);
  });

  it('asks the server to skip system events when there is nothing else to filter on', () => {
    for (const filter of [
      undefined,
      {},
      { streamPrefixes: [] },
      { eventTypes: [], streamPrefixes: ['case-'] },
    ]) {
      const server = serverFilterFor(filter);
      expect(server).toMatchObject({ filterOn: 'eventType' });
      const regex = new RegExp((server as { regex: string }).regex);
      expect(regex.test('CaseOpened')).toBe(true);
      expect(regex.test('$metadata')).toBe(false);
    }
  });

  it('filters on stream prefixes on the server when they are given, even alongside types', () => {
    expect(serverFilterFor({ streamPrefixes: ['case-', 'matter-'] })).toMatchObject({
      filterOn: 'streamName',
      prefixes: ['case-', 'matter-'],
    });
    expect(serverFilterFor({ streamPrefixes: ['case-'], eventTypes: ['CaseOpened'] })).toMatchObject({
      filterOn: 'streamName',
      prefixes: ['case-'],
    });
  });

  it('matches event types whole, with their characters taken literally', () => {
    const server = serverFilterFor({ eventTypes: ['CaseOpened', 'A.B+C'] });
    expect(server).toMatchObject({ filterOn: 'eventType' });
    const regex = new RegExp((server as { regex: string }).regex);
    expect(regex.test('CaseOpened')).toBe(true);
    expect(regex.test('A.B+C')).toBe(true);
    expect(regex.test('CaseOpenedV2')).toBe(false);
    expect(regex.test('XCaseOpened')).toBe(false);
    expect(regex.test('AxBBC')).toBe(false);
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1 }), { minLength: 1 }), fc.string(), (types, other) => {
        const pattern = new RegExp((serverFilterFor({ eventTypes: types }) as { regex: string }).regex);
        for (const type of types) expect(pattern.test(type)).toBe(true);
        expect(pattern.test(other)).toBe(types.includes(other));
      }),
    );
  });
});

describe('recorded events', () => {
  it('carries revision as a number, the $all position as the opaque string, and the JSON as appended', () => {
    expect(toRecordedEvent(clientEvent())).toEqual({
      id: '5f1c8a52-3c7e-4a3b-9d0e-1f2a3b4c5d6e',
      streamId: 'case-1',
      revision: 4,
      position: '00000000000000001234/00000000000000001200',
      type: 'NoticeIssued',
      data: { noticeId: 'n-1', language: 'es' },
      metadata,
    });
  });

  it('refuses records this adapter could not have written, saying where they stand', () => {
    const corrupt = expect.objectContaining({
      name: 'CorruptEventError',
      streamId: 'case-1',
      revision: 4,
      position: '00000000000000001234/00000000000000001200',
    });
    const refusal = (event: ClientRecordedEvent): unknown => {
      try {
        toRecordedEvent(event);
      } catch (error) {
        return error;
      }
      return 'accepted';
    };
    for (const event of [
      clientEvent({ isJson: false, data: new Uint8Array([1]) }),
      clientEvent({ data: 'not json' }),
      clientEvent({ data: [1, 2] }),
      clientEvent({ metadata: undefined }),
      clientEvent({ metadata: { actor: 'x' } }),
      clientEvent({ metadata: new Uint8Array([123]) }),
    ]) {
      expect(refusal(event)).toEqual(corrupt);
    }
    expect(() => toRecordedEvent(clientEvent({ position: undefined }))).toThrow(
      'did not return its $all position',
    );
    expect(() => toRecordedEvent(clientEvent({ revision: 2n ** 53n }))).toThrow('revision beyond 2^53');
  });
});

describe('re-appending recorded ids', () => {
  const ids = ['id-a', 'id-b'];
  const stream = [recorded(0, 'x'), recorded(1, 'id-a'), recorded(2, 'id-b')];

  it('gives a retry at the same place the original result', () => {
    for (const expected of [0, 'any', 'stream_exists'] as const) {
      expect(replayOf(expected, ids, [stream[1], stream[2]])).toEqual({
        nextExpectedRevision: 2,
        position: stream[2].position,
      });
    }
    expect(replayOf('no_stream', ['x'], [stream[0]])).toEqual({
      nextExpectedRevision: 0,
      position: stream[0].position,
    });
  });

  it('refuses ids recorded at another place, in another order, or only in part', () => {
    expect(() => replayOf(1, ids, [stream[1], stream[2]])).toThrow(DuplicateEventIdError);
    expect(() => replayOf('no_stream', ids, [stream[1], stream[2]])).toThrow(DuplicateEventIdError);
    expect(() => replayOf(0, ids, [stream[2], stream[1]])).toThrow(DuplicateEventIdError);
    expect(() => replayOf(0, ['id-a', 'id-new'], [stream[1], undefined])).toThrow(DuplicateEventIdError);
    try {
      replayOf(0, ['id-new', 'id-b'], [undefined, stream[2]]);
      throw new Error('expected a DuplicateEventIdError');
    } catch (error) {
      expect(error).toMatchObject({ name: 'DuplicateEventIdError', eventId: 'id-b' });
    }
  });
});
