import { randomUUID } from 'node:crypto';
import {
  DuplicateEventIdError,
  WrongExpectedRevisionError,
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type JsonObject,
  type RecordedEvent,
} from '@trust-ledger/event-store';

export interface EventStoreFixture {
  store: EventStore;
  /** a second, independent instance on the same storage (another process/connection) */
  openAnother(): Promise<EventStore>;
  cleanup(): Promise<void>;
}

/** What an adapter cannot do and says so; everything else in the port it must. */
export interface AdapterCapabilities {
  /** Refuses an event id recorded in another stream (SQLite: a UNIQUE index; EventStoreDB: no). */
  globalEventIds: boolean;
}

/**
 * The executable definition of the EventStore port. Safe against a long-lived shared server: every
 * test writes to stream ids under its own random prefix, reads the log only from the head it saw
 * before writing and filters by that prefix, so other writers' events never matter.
 */
export function describeEventStoreContract(
  adapterName: string,
  open: () => Promise<EventStoreFixture>,
  capabilities: AdapterCapabilities = { globalEventIds: true },
): void {
  describe(`EventStore contract: ${adapterName}`, () => {
    const runId = randomUUID().slice(0, 8);
    let prefixes = 0;
    let fixture: EventStoreFixture;
    let store: EventStore;

    beforeAll(async () => {
      fixture = await open();
      store = fixture.store;
    });

    afterAll(async () => {
      await fixture?.cleanup();
    });

    /** A prefix no other test (or run) uses; stream ids are built under it. */
    function uniquePrefix(label: string): string {
      prefixes += 1;
      return `contract${runId}-${label}${prefixes}-`;
    }

    function event(
      data: JsonObject = {},
      type = 'ContractEventRecorded',
      recordedAt = '2024-05-01T12:00:00.000Z',
    ): EventToAppend {
      return {
        id: randomUUID(),
        type,
        data,
        metadata: { recordedAt, correlationId: randomUUID(), causationId: null, actor: 'test:contract' },
      };
    }

    function events(count: number, data: (i: number) => JsonObject = (i) => ({ i })): EventToAppend[] {
      return Array.from({ length: count }, (_, i) => event(data(i)));
    }

    async function collect(iterable: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> {
      const out: RecordedEvent[] = [];
      for await (const recorded of iterable) out.push(recorded);
      return out;
    }

    /** The next `count` events of a subscription (waits as long as the test's timeout allows). */
    async function take(iterator: AsyncIterator<RecordedEvent>, count: number): Promise<RecordedEvent[]> {
      const out: RecordedEvent[] = [];
      while (out.length < count) {
        const next = await iterator.next();
        if (next.done) throw new Error(`subscription ended after ${out.length} of ${count} events`);
        out.push(next.value);
      }
      return out;
    }

    /** Where "the log from now on" starts: `undefined` reads from the beginning of an empty log. */
    async function here(): Promise<string | undefined> {
      return (await store.headPosition()) ?? undefined;
    }

    async function expectWrongRevision(
      attempt: Promise<AppendResult>,
      streamId: string,
      expected: WrongExpectedRevisionError['expected'],
      actual: WrongExpectedRevisionError['actual'],
    ): Promise<void> {
      const error: unknown = await attempt.then(
        () => new Error('append succeeded'),
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(WrongExpectedRevisionError);
      expect(error).toMatchObject({ streamId, expected, actual });
    }

    function expectStrictlyIncreasing(positions: string[]): void {
      for (let i = 1; i < positions.length; i++) {
        expect(store.comparePositions(positions[i - 1], positions[i])).toBeLessThan(0);
        expect(store.comparePositions(positions[i], positions[i - 1])).toBeGreaterThan(0);
      }
    }

    describe('append', () => {
      it('creates a stream with no_stream and records the events as given', async () => {
        const streamId = `${uniquePrefix('create')}s`;
        const toAppend = [event({ n: 1 }, 'FirstRecorded'), event({ n: 2 }, 'SecondRecorded')];
        const result = await store.append(streamId, toAppend, { expectedRevision: 'no_stream' });
        expect(result.nextExpectedRevision).toBe(1);

        const read = await collect(store.readStream(streamId));
        expect(read.map((e) => ({ id: e.id, type: e.type, data: e.data, metadata: e.metadata }))).toEqual(
          toAppend.map((e) => ({ id: e.id, type: e.type, data: e.data, metadata: e.metadata })),
        );
        expect(read.map((e) => [e.streamId, e.revision])).toEqual([
          [streamId, 0],
          [streamId, 1],
        ]);
        expect(read[1].position).toBe(result.position);
        expectStrictlyIncreasing(read.map((e) => e.position));
        expect(store.comparePositions(read[1].position, read[1].position)).toBe(0);
        const head = await store.headPosition();
        expect(head).not.toBeNull();
        expect(store.comparePositions(head as string, result.position)).toBeGreaterThanOrEqual(0);
      });

      it('appends at the exact last revision and returns the new one', async () => {
        const streamId = `${uniquePrefix('exact')}s`;
        await store.append(streamId, events(2), { expectedRevision: 'no_stream' });
        const result = await store.append(streamId, events(3), { expectedRevision: 1 });
        expect(result.nextExpectedRevision).toBe(4);
        const again = await store.append(streamId, events(1), { expectedRevision: 4 });
        expect(again.nextExpectedRevision).toBe(5);
        expect(store.comparePositions(again.position, result.position)).toBeGreaterThan(0);
        expect((await collect(store.readStream(streamId))).map((e) => e.revision)).toEqual([
          0, 1, 2, 3, 4, 5,
        ]);
      });

      it('rejects an expected revision that is too low or too high, naming expected and actual', async () => {
        const streamId = `${uniquePrefix('wrong')}s`;
        await store.append(streamId, events(2), { expectedRevision: 'no_stream' });
        await expectWrongRevision(store.append(streamId, events(1), { expectedRevision: 0 }), streamId, 0, 1);
        await expectWrongRevision(store.append(streamId, events(1), { expectedRevision: 7 }), streamId, 7, 1);
        expect(await collect(store.readStream(streamId))).toHaveLength(2);
      });

      it('rejects no_stream on an existing stream', async () => {
        const streamId = `${uniquePrefix('nostream')}s`;
        await store.append(streamId, events(1), { expectedRevision: 'no_stream' });
        await expectWrongRevision(
          store.append(streamId, events(1), { expectedRevision: 'no_stream' }),
          streamId,
          'no_stream',
          0,
        );
      });

      it('rejects stream_exists and an exact revision on a missing stream, and accepts stream_exists once it exists', async () => {
        const streamId = `${uniquePrefix('exists')}s`;
        await expectWrongRevision(
          store.append(streamId, events(1), { expectedRevision: 'stream_exists' }),
          streamId,
          'stream_exists',
          'no_stream',
        );
        await expectWrongRevision(
          store.append(streamId, events(1), { expectedRevision: 0 }),
          streamId,
          0,
          'no_stream',
        );
        expect(await collect(store.readStream(streamId))).toEqual([]);
        await store.append(streamId, events(1), { expectedRevision: 'any' });
        const result = await store.append(streamId, events(1), { expectedRevision: 'stream_exists' });
        expect(result.nextExpectedRevision).toBe(1);
        const anyResult = await store.append(streamId, events(2), { expectedRevision: 'any' });
        expect(anyResult.nextExpectedRevision).toBe(3);
      });

      it('lets exactly one of two concurrent writers at the same revision win', async () => {
        const streamId = `${uniquePrefix('race')}s`;
        await store.append(streamId, events(1), { expectedRevision: 'no_stream' });
        const first = event({ writer: 'first' });
        const second = event({ writer: 'second' });
        const outcomes = await Promise.allSettled([
          store.append(streamId, [first], { expectedRevision: 0 }),
          store.append(streamId, [second], { expectedRevision: 0 }),
        ]);
        const won = outcomes.filter((o) => o.status === 'fulfilled');
        const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        expect(lost[0].reason).toBeInstanceOf(WrongExpectedRevisionError);
        expect(lost[0].reason).toMatchObject({ streamId, expected: 0, actual: 1 });
        const read = await collect(store.readStream(streamId));
        expect(read).toHaveLength(2);
        expect(read[1].id).toBe(outcomes[0].status === 'fulfilled' ? first.id : second.id);
      });

      it('lets exactly one of many writers racing through two instances win', async () => {
        const other = await fixture.openAnother();
        try {
          const streamId = `${uniquePrefix('race2')}s`;
          await store.append(streamId, events(1), { expectedRevision: 'no_stream' });
          const attempts = Array.from({ length: 8 }, (_, i) =>
            (i % 2 === 0 ? store : other).append(streamId, [event({ writer: i })], { expectedRevision: 0 }),
          );
          const outcomes = await Promise.allSettled(attempts);
          expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
          for (const o of outcomes) {
            if (o.status === 'rejected') {
              expect(o.reason).toBeInstanceOf(WrongExpectedRevisionError);
              expect(o.reason).toMatchObject({ streamId, expected: 0, actual: 1 });
            }
          }
          expect(await collect(other.readStream(streamId))).toHaveLength(2);
        } finally {
          await other.close();
        }
      });

      it('treats a retry of the same events as success with the original result, writing nothing twice', async () => {
        const streamId = `${uniquePrefix('retry')}s`;
        await store.append(streamId, events(1), { expectedRevision: 'no_stream' });
        const batch = events(2);
        const original = await store.append(streamId, batch, { expectedRevision: 0 });
        expect(await store.append(streamId, batch, { expectedRevision: 0 })).toEqual(original);
        expect(await store.append(streamId, batch, { expectedRevision: 'any' })).toEqual(original);
        const read = await collect(store.readStream(streamId));
        expect(read.map((e) => e.id)).toEqual([read[0].id, batch[0].id, batch[1].id]);

        const created = events(1);
        const first = await store.append(`${streamId}-new`, created, { expectedRevision: 'no_stream' });
        expect(await store.append(`${streamId}-new`, created, { expectedRevision: 'no_stream' })).toEqual(
          first,
        );
        expect(await collect(store.readStream(`${streamId}-new`))).toHaveLength(1);
      });

      it('checks the expectation of an empty append and writes nothing', async () => {
        const streamId = `${uniquePrefix('empty')}s`;
        await store.append(streamId, [], { expectedRevision: 'no_stream' });
        expect(await collect(store.readStream(streamId))).toEqual([]);
        await store.append(streamId, events(2), { expectedRevision: 'no_stream' });
        const result = await store.append(streamId, [], { expectedRevision: 1 });
        expect(result.nextExpectedRevision).toBe(1);
        await expectWrongRevision(store.append(streamId, [], { expectedRevision: 0 }), streamId, 0, 1);
        expect(await collect(store.readStream(streamId))).toHaveLength(2);
      });

      it('refuses ids already recorded at another place of the stream', async () => {
        const streamId = `${uniquePrefix('dupid')}s`;
        const first = events(2);
        await store.append(streamId, first, { expectedRevision: 'no_stream' });
        await store.append(streamId, events(1), { expectedRevision: 1 });
        // The same ids again, but not as a retry at the place the expectation names.
        await expect(store.append(streamId, first, { expectedRevision: 2 })).rejects.toBeInstanceOf(
          DuplicateEventIdError,
        );
        await expect(
          store.append(streamId, [event(), first[1]], { expectedRevision: 2 }),
        ).rejects.toBeInstanceOf(DuplicateEventIdError);
        expect(await collect(store.readStream(streamId))).toHaveLength(3);
        // Port: an id recorded in another stream is refused too. An adapter that cannot see other
        // streams (EventStoreDB) must say so here rather than pass silently.
        if (capabilities.globalEventIds) {
          await expect(
            store.append(`${streamId}-other`, [first[0]], { expectedRevision: 'no_stream' }),
          ).rejects.toBeInstanceOf(DuplicateEventIdError);
        }
      });

      it('rejects an empty stream id and an event id that is not a UUID', async () => {
        const streamId = `${uniquePrefix('invalid')}s`;
        await expect(store.append('', events(1), { expectedRevision: 'any' })).rejects.toThrow(Error);
        const bad = { ...event(), id: 'not-a-uuid' };
        const error: unknown = await store.append(streamId, [bad], { expectedRevision: 'any' }).then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(Error);
        expect(error).not.toBeInstanceOf(WrongExpectedRevisionError);
        expect(await collect(store.readStream(streamId))).toEqual([]);
      });
    });

    describe('readStream', () => {
      it('reads forwards, backwards, from a revision and at most maxCount events', async () => {
        const streamId = `${uniquePrefix('read')}s`;
        await store.append(streamId, events(5), { expectedRevision: 'no_stream' });
        const revisions = async (options: Parameters<EventStore['readStream']>[1]): Promise<number[]> =>
          (await collect(store.readStream(streamId, options))).map((e) => e.revision);
        expect(await revisions({})).toEqual([0, 1, 2, 3, 4]);
        expect(await revisions({ direction: 'backwards' })).toEqual([4, 3, 2, 1, 0]);
        expect(await revisions({ fromRevision: 2 })).toEqual([2, 3, 4]);
        expect(await revisions({ fromRevision: 2, direction: 'backwards' })).toEqual([2, 1, 0]);
        expect(await revisions({ maxCount: 2 })).toEqual([0, 1]);
        expect(await revisions({ maxCount: 2, direction: 'backwards' })).toEqual([4, 3]);
        expect(await revisions({ fromRevision: 1, maxCount: 3 })).toEqual([1, 2, 3]);
        expect(await revisions({ fromRevision: 5 })).toEqual([]);
        expect((await collect(store.readStream(streamId))).map((e) => e.data)).toEqual(
          [0, 1, 2, 3, 4].map((i) => ({ i })),
        );
      });

      it('reads a stream as it stood at a time, comparing instants whatever the offset', async () => {
        const streamId = `${uniquePrefix('asof')}s`;
        const times = ['2024-03-01T10:00:00.000Z', '2024-03-01T11:00:00.000Z', '2024-03-01T12:00:00.000Z'];
        await store.append(streamId, [event({ i: 0 }, 'A', times[0])], { expectedRevision: 'no_stream' });
        await store.append(streamId, [event({ i: 1 }, 'B', times[1])], { expectedRevision: 0 });
        await store.append(streamId, [event({ i: 2 }, 'C', times[2])], { expectedRevision: 1 });
        const revisions = async (options: Parameters<EventStore['readStream']>[1]): Promise<number[]> =>
          (await collect(store.readStream(streamId, options))).map((e) => e.revision);
        expect(await revisions({ upToTime: times[1] })).toEqual([0, 1]);
        expect(await revisions({ upToTime: '2024-03-01T13:00:00+02:00' })).toEqual([0, 1]);
        expect(await revisions({ upToTime: '2024-03-01T11:59:59.999Z' })).toEqual([0, 1]);
        expect(await revisions({ upToTime: '2024-03-01T09:59:59.999Z' })).toEqual([]);
        expect(await revisions({ upToTime: '2030-01-01T00:00:00Z' })).toEqual([0, 1, 2]);
        expect(await revisions({ upToTime: times[1], direction: 'backwards' })).toEqual([1, 0]);
      });

      it("reads as of a time by each event's recordedAt, also when recordedAt is not monotonic", async () => {
        // A command that lost the append race keeps the clock reading it took before it retried.
        const streamId = `${uniquePrefix('asofnm')}s`;
        const at = ['2024-03-01T10:00:00.000Z', '2024-03-01T10:00:00.900Z', '2024-03-01T10:00:00.500Z'];
        for (const [i, t] of at.entries()) {
          await store.append(streamId, [event({ i }, 'T', t)], {
            expectedRevision: i === 0 ? 'no_stream' : i - 1,
          });
        }
        const revisions = async (options: Parameters<EventStore['readStream']>[1]): Promise<number[]> =>
          (await collect(store.readStream(streamId, options))).map((e) => e.revision);
        expect(await revisions({ upToTime: '2024-03-01T10:00:00.600Z' })).toEqual([0, 2]);
        expect(await revisions({ upToTime: '2024-03-01T10:00:00.600Z', direction: 'backwards' })).toEqual([
          2, 0,
        ]);
        expect(await revisions({ upToTime: '2024-03-01T10:00:00.600Z', maxCount: 2 })).toEqual([0, 2]);
      });

      it('reads nothing from a stream that does not exist', async () => {
        const streamId = `${uniquePrefix('missing')}s`;
        expect(await collect(store.readStream(streamId))).toEqual([]);
        expect(await collect(store.readStream(streamId, { direction: 'backwards' }))).toEqual([]);
      });

      it('pages through a long stream in order in both directions', async () => {
        const streamId = `${uniquePrefix('long')}s`;
        for (let i = 0; i < 10; i++) {
          await store.append(
            streamId,
            events(250, (j) => ({ i: i * 250 + j })),
            {
              expectedRevision: i === 0 ? 'no_stream' : i * 250 - 1,
            },
          );
        }
        const forwards = await collect(store.readStream(streamId));
        expect(forwards.map((e) => e.revision)).toEqual(Array.from({ length: 2500 }, (_, i) => i));
        expect(forwards.map((e) => e.data.i)).toEqual(Array.from({ length: 2500 }, (_, i) => i));
        expectStrictlyIncreasing(forwards.map((e) => e.position));
        const backwards = await collect(store.readStream(streamId, { direction: 'backwards' }));
        expect(backwards.map((e) => e.revision)).toEqual(Array.from({ length: 2500 }, (_, i) => 2499 - i));
        const window = await collect(store.readStream(streamId, { fromRevision: 900, maxCount: 1300 }));
        expect(window.map((e) => e.revision)).toEqual(Array.from({ length: 1300 }, (_, i) => 900 + i));
        const windowBack = await collect(
          store.readStream(streamId, { fromRevision: 2100, maxCount: 1150, direction: 'backwards' }),
        );
        expect(windowBack.map((e) => e.revision)).toEqual(Array.from({ length: 1150 }, (_, i) => 2100 - i));
      });
    });

    describe('readAll', () => {
      it('reads the log in global order from a position, exclusive, with filters', async () => {
        const start = await here();
        const prefix = uniquePrefix('all');
        const otherPrefix = uniquePrefix('allother');
        const appended: { streamId: string; id: string; type: string }[] = [];
        const plan: [string, string][] = [
          [`${prefix}a`, 'Opened'],
          [`${prefix}b`, 'Opened'],
          [`${otherPrefix}c`, 'Opened'],
          [`${prefix}a`, 'Closed'],
          [`${prefix}b`, 'Noted'],
          [`${otherPrefix}c`, 'Closed'],
        ];
        for (const [streamId, type] of plan) {
          const e = event({ streamId }, type);
          await store.append(streamId, [e], { expectedRevision: 'any' });
          appended.push({ streamId, id: e.id, type });
        }
        const both = await collect(
          store.readAll({ fromPosition: start, filter: { streamPrefixes: [prefix, otherPrefix] } }),
        );
        expect(both.map((e) => e.id)).toEqual(appended.map((e) => e.id));
        expectStrictlyIncreasing(both.map((e) => e.position));
        for (const recorded of both) {
          const [inStream] = await collect(
            store.readStream(recorded.streamId, { fromRevision: recorded.revision, maxCount: 1 }),
          );
          expect(inStream).toEqual(recorded);
        }

        const mine = await collect(
          store.readAll({ fromPosition: start, filter: { streamPrefixes: [prefix] } }),
        );
        expect(mine.map((e) => e.id)).toEqual(
          appended.filter((e) => e.streamId.startsWith(prefix)).map((e) => e.id),
        );

        const after = await collect(
          store.readAll({
            fromPosition: both[1].position,
            filter: { streamPrefixes: [prefix, otherPrefix] },
          }),
        );
        expect(after.map((e) => e.id)).toEqual(appended.slice(2).map((e) => e.id));

        const closed = await collect(
          store.readAll({
            fromPosition: start,
            filter: { streamPrefixes: [prefix, otherPrefix], eventTypes: ['Closed'] },
          }),
        );
        expect(closed.map((e) => e.id)).toEqual(appended.filter((e) => e.type === 'Closed').map((e) => e.id));

        const firstTwo = await collect(
          store.readAll({ fromPosition: start, maxCount: 2, filter: { streamPrefixes: [prefix] } }),
        );
        expect(firstTwo.map((e) => e.id)).toEqual(mine.slice(0, 2).map((e) => e.id));

        const unfiltered = await collect(store.readAll({ fromPosition: start }));
        const ours = new Set(appended.map((e) => e.id));
        expect(unfiltered.filter((e) => ours.has(e.id)).map((e) => e.id)).toEqual(appended.map((e) => e.id));
        expectStrictlyIncreasing(unfiltered.map((e) => e.position));
      });

      it('finds every one of 10,000 single-event streams, in order', async () => {
        const start = await here();
        const prefix = uniquePrefix('many');
        const results = new Map<string, AppendResult>();
        const chunk = 200;
        for (let from = 0; from < 10_000; from += chunk) {
          await Promise.all(
            Array.from({ length: chunk }, async (_, i) => {
              const streamId = `${prefix}${from + i}`;
              results.set(
                streamId,
                await store.append(streamId, [event({ n: from + i })], { expectedRevision: 'no_stream' }),
              );
            }),
          );
        }
        const read = await collect(
          store.readAll({ fromPosition: start, filter: { streamPrefixes: [prefix] } }),
        );
        expect(read).toHaveLength(10_000);
        expect(new Set(read.map((e) => e.streamId)).size).toBe(10_000);
        const outOfOrder = read.filter(
          (e, i) => i > 0 && store.comparePositions(read[i - 1].position, e.position) >= 0,
        );
        expect(outOfOrder).toEqual([]);
        const mismatched = read.filter(
          (e) =>
            e.revision !== 0 ||
            e.position !== results.get(e.streamId)?.position ||
            e.streamId !== `${prefix}${e.data.n as number}`,
        );
        expect(mismatched).toEqual([]);
      });
    });

    describe('subscribeToAll', () => {
      it('catches up, then delivers live events', async () => {
        const start = await here();
        const prefix = uniquePrefix('sub');
        const before = events(3);
        await store.append(`${prefix}a`, before, { expectedRevision: 'no_stream' });
        const subscription = store.subscribeToAll({
          fromPosition: start,
          filter: { streamPrefixes: [prefix] },
        });
        const iterator = subscription[Symbol.asyncIterator]();
        expect((await take(iterator, 3)).map((e) => e.id)).toEqual(before.map((e) => e.id));

        const live = events(2);
        const pending = take(iterator, 2);
        await store.append(`${prefix}b`, live, { expectedRevision: 'no_stream' });
        const received = await pending;
        expect(received.map((e) => e.id)).toEqual(live.map((e) => e.id));
        expect(received.map((e) => e.streamId)).toEqual([`${prefix}b`, `${prefix}b`]);
        await subscription.close();
        expect(await iterator.next()).toEqual({ done: true, value: undefined });
      });

      it('resumes from a checkpoint with no gap and no duplicate', async () => {
        const start = await here();
        const prefix = uniquePrefix('resume');
        const written = events(5);
        for (const [i, e] of written.entries()) {
          await store.append(`${prefix}s`, [e], { expectedRevision: i === 0 ? 'no_stream' : i - 1 });
        }
        const first = store.subscribeToAll({ fromPosition: start, filter: { streamPrefixes: [prefix] } });
        const firstTwo = await take(first[Symbol.asyncIterator](), 2);
        await first.close();
        expect(firstTwo.map((e) => e.id)).toEqual(written.slice(0, 2).map((e) => e.id));

        const resumed = store.subscribeToAll({
          fromPosition: firstTwo[1].position,
          filter: { streamPrefixes: [prefix] },
        });
        const iterator = resumed[Symbol.asyncIterator]();
        expect((await take(iterator, 3)).map((e) => e.id)).toEqual(written.slice(2).map((e) => e.id));
        const more = event();
        const pending = take(iterator, 1);
        await store.append(`${prefix}s`, [more], { expectedRevision: 4 });
        expect((await pending).map((e) => e.id)).toEqual([more.id]);
        await resumed.close();
      });

      it('delivers events appended while it catches up exactly once, in order', async () => {
        const start = await here();
        const prefix = uniquePrefix('catchup');
        for (let i = 0; i < 6; i++) {
          await store.append(`${prefix}${i % 3}`, events(250), { expectedRevision: 'any' });
        }
        const subscription = store.subscribeToAll({
          fromPosition: start,
          filter: { streamPrefixes: [prefix] },
        });
        const iterator = subscription[Symbol.asyncIterator]();
        const received = await take(iterator, 1);
        const writing = (async () => {
          for (let i = 0; i < 30; i++)
            await store.append(`${prefix}${i % 4}`, events(10), { expectedRevision: 'any' });
        })();
        // Consume slowly, giving the writer turns, so that appends land while the backlog is read.
        while (received.length < 1800) {
          received.push(...(await take(iterator, 1)));
          if (received.length % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
        }
        await writing;
        await subscription.close();

        const log = await collect(
          store.readAll({ fromPosition: start, filter: { streamPrefixes: [prefix] } }),
        );
        expect(log).toHaveLength(1800);
        expect(received.map((e) => e.id)).toEqual(log.map((e) => e.id));
        expect(new Set(received.map((e) => e.id)).size).toBe(1800);
      });

      it('gives every event one position, whichever way it is read: append, stream, log, subscription', async () => {
        const start = await here();
        const prefix = uniquePrefix('pos');
        const subscription = store.subscribeToAll({
          fromPosition: start,
          filter: { streamPrefixes: [prefix] },
        });
        const iterator = subscription[Symbol.asyncIterator]();
        try {
          const live = take(iterator, 4); // delivered live: the subscription exists before the appends
          const a = await store.append(`${prefix}a`, events(3), { expectedRevision: 'no_stream' });
          const b = await store.append(`${prefix}b`, events(1), { expectedRevision: 'no_stream' });
          const byStream = [
            ...(await collect(store.readStream(`${prefix}a`))),
            ...(await collect(store.readStream(`${prefix}b`))),
          ];
          const fromLog = await collect(
            store.readAll({ fromPosition: start, filter: { streamPrefixes: [prefix] } }),
          );
          const caughtUp = store.subscribeToAll({
            fromPosition: start,
            filter: { streamPrefixes: [prefix] },
          });
          const replayed = await take(caughtUp[Symbol.asyncIterator](), 4);
          await caughtUp.close();
          const positions = (list: RecordedEvent[]): string[] => list.map((e) => e.position);
          expect(positions(fromLog)).toEqual(positions(byStream));
          expect(positions(await live)).toEqual(positions(byStream));
          expect(positions(replayed)).toEqual(positions(byStream));
          expect([a.position, b.position]).toEqual([byStream[2].position, byStream[3].position]);
          expect(await store.headPosition()).not.toBeNull();

          // Resume from a checkpoint inside the three-event append: exactly the events after it.
          const resumed = store.subscribeToAll({
            fromPosition: byStream[1].position,
            filter: { streamPrefixes: [prefix] },
          });
          expect((await take(resumed[Symbol.asyncIterator](), 2)).map((e) => e.id)).toEqual(
            byStream.slice(2).map((e) => e.id),
          );
          await resumed.close();
          const after = await collect(
            store.readAll({ fromPosition: byStream[1].position, filter: { streamPrefixes: [prefix] } }),
          );
          expect(after.map((e) => e.id)).toEqual(byStream.slice(2).map((e) => e.id));
        } finally {
          await subscription.close();
        }
      });

      it('ends the iteration on close, also a next() that is waiting', async () => {
        const prefix = uniquePrefix('close');
        const subscription = store.subscribeToAll({
          fromPosition: await here(),
          filter: { streamPrefixes: [prefix] },
        });
        const iterator = subscription[Symbol.asyncIterator]();
        const waiting = iterator.next();
        await subscription.close();
        expect(await waiting).toEqual({ done: true, value: undefined });

        const start = await here();
        await store.append(`${prefix}s`, events(3), { expectedRevision: 'no_stream' });
        const looped = store.subscribeToAll({ fromPosition: start, filter: { streamPrefixes: [prefix] } });
        let seen = 0;
        for await (const _ of looped) {
          seen += 1;
          if (seen === 2) await looped.close();
        }
        expect(seen).toBe(2);
      });

      it('delivers events appended through another instance', async () => {
        const other = await fixture.openAnother();
        const prefix = uniquePrefix('other');
        const subscription = store.subscribeToAll({
          fromPosition: await here(),
          filter: { streamPrefixes: [prefix] },
        });
        try {
          const iterator = subscription[Symbol.asyncIterator]();
          const pending = take(iterator, 2);
          const written = events(2);
          await other.append(`${prefix}s`, written, { expectedRevision: 'no_stream' });
          expect((await pending).map((e) => e.id)).toEqual(written.map((e) => e.id));
        } finally {
          await subscription.close();
          await other.close();
        }
      });

      it('delivers only events that pass the filter', async () => {
        const start = await here();
        const prefix = uniquePrefix('subfilter');
        const kept = event({}, 'Kept');
        await store.append(`${prefix}s`, [event({}, 'Dropped'), kept, event({}, 'Dropped')], {
          expectedRevision: 'no_stream',
        });
        const subscription = store.subscribeToAll({
          fromPosition: start,
          filter: { streamPrefixes: [prefix], eventTypes: ['Kept'] },
        });
        const iterator = subscription[Symbol.asyncIterator]();
        expect((await take(iterator, 1)).map((e) => e.id)).toEqual([kept.id]);
        const later = event({}, 'Kept');
        const pending = take(iterator, 1);
        await store.append(`${prefix}t`, [event({}, 'Dropped'), later], { expectedRevision: 'no_stream' });
        expect((await pending).map((e) => e.id)).toEqual([later.id]);
        await subscription.close();
      });
    });

    describe('payloads', () => {
      it('round-trips unicode, control characters and JSON values exactly', async () => {
        const streamId = `${uniquePrefix('unicode')}ünï-𝄞-עברית`;
        const data: JsonObject = {
          astral: '𝄞 😀 👩🏽‍⚖️ 𠜎',
          rtl: 'مرحبا بالعالم — עברית ‏mixed‎ text',
          nul: 'before\u0000after',
          controls: '\t\n\r\u0001\u001f\u007f\u2028\u2029',
          quotes: '"\'\\/',
          numbers: [
            0,
            -1,
            1.5,
            0.1,
            1e-7,
            123456789012345,
            Number.MAX_SAFE_INTEGER,
            -Number.MAX_SAFE_INTEGER,
          ],
          flags: [true, false, null],
          nested: { empty: {}, list: [], deep: { deeper: [{ a: 'ä' }] } },
          'ключ 🔑': 'значение',
        };
        const e = event(data, 'UnicodeRecorded');
        e.metadata.actor = 'officer:José Ñúñez 𝒜';
        e.metadata.note = 'a\u0000b';
        const start = await here();
        await store.append(streamId, [e], { expectedRevision: 'no_stream' });
        const [read] = await collect(store.readStream(streamId));
        expect(read.streamId).toBe(streamId);
        expect(JSON.stringify(read.data)).toBe(JSON.stringify(data));
        expect(JSON.stringify(read.metadata)).toBe(JSON.stringify(e.metadata));
        const [fromAll] = await collect(
          store.readAll({
            fromPosition: start,
            filter: { eventTypes: ['UnicodeRecorded'], streamPrefixes: [streamId] },
          }),
        );
        expect(fromAll).toEqual(read);
      });

      it('round-trips a payload of about 1 MB exactly', async () => {
        const streamId = `${uniquePrefix('large')}s`;
        const unit = 'Ä€𝄞 ordinance § 2 detainer — ';
        const text = unit.repeat(Math.floor(990_000 / Buffer.byteLength(unit)));
        expect(Buffer.byteLength(text)).toBeGreaterThan(980_000);
        const e = event({ text, tail: 'end' }, 'LargeRecorded');
        await store.append(streamId, [e], { expectedRevision: 'no_stream' });
        const [read] = await collect(store.readStream(streamId));
        expect(read.data.text === text).toBe(true);
        expect(read.data).toEqual(e.data);
      });
    });
  });
}
