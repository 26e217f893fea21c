import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DuplicateEventIdError,
  EventStoreUnavailableError,
  WrongExpectedRevisionError,
  type AppendResult,
  type EventToAppend,
  type RecordedEvent,
} from '../event-store.port';
import { SqliteEventStore } from './sqlite-event-store';

function event(
  data: Record<string, number | string> = {},
  recordedAt = '2024-05-01T12:00:00.000Z',
): EventToAppend {
  return {
    id: randomUUID(),
    type: 'SpecEventRecorded',
    data,
    metadata: { recordedAt, correlationId: randomUUID(), causationId: null, actor: 'test:sqlite' },
  };
}

async function collect(iterable: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const recorded of iterable) out.push(recorded);
  return out;
}

async function failure(attempt: Promise<unknown>): Promise<unknown> {
  return attempt.then(
    () => new Error('expected a failure'),
    (error: unknown) => error,
  );
}

describe('SqliteEventStore', () => {
  let dir: string;
  let file: string;
  let store: SqliteEventStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'trust-ledger-sqlite-'));
    file = join(dir, 'nested', 'events.db');
    store = new SqliteEventStore(file);
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('event ids', () => {
    it('refuses an id recorded in another stream and writes nothing of that append', async () => {
      const shared = event();
      await store.append('case-a', [shared], { expectedRevision: 'no_stream' });
      const fresh = event();
      const error = await failure(store.append('case-b', [fresh, shared], { expectedRevision: 'no_stream' }));
      expect(error).toBeInstanceOf(DuplicateEventIdError);
      expect(error).toMatchObject({ eventId: shared.id });
      expect(await collect(store.readStream('case-b'))).toEqual([]);
    });

    it('refuses a retry at another expected revision, since the ids would land elsewhere', async () => {
      await store.append('case-a', [event()], { expectedRevision: 'no_stream' });
      const batch = [event(), event()];
      await store.append('case-a', batch, { expectedRevision: 0 });
      expect(await failure(store.append('case-a', batch, { expectedRevision: 2 }))).toBeInstanceOf(
        DuplicateEventIdError,
      );
      expect(await failure(store.append('case-a', batch, { expectedRevision: 'no_stream' }))).toBeInstanceOf(
        DuplicateEventIdError,
      );
      expect(
        await failure(store.append('case-a', [batch[1], batch[0]], { expectedRevision: 0 })),
      ).toBeInstanceOf(DuplicateEventIdError);
      expect(
        await failure(store.append('case-a', [batch[0], event()], { expectedRevision: 0 })),
      ).toBeInstanceOf(DuplicateEventIdError);
      expect(await collect(store.readStream('case-a'))).toHaveLength(3);
    });

    it('still answers a retry with the original result after the stream has moved on', async () => {
      const batch = [event(), event()];
      const original = await store.append('case-a', batch, { expectedRevision: 'no_stream' });
      await store.append('case-a', [event()], { expectedRevision: 1 });
      expect(await store.append('case-a', batch, { expectedRevision: 'no_stream' })).toEqual(original);
      expect(await store.append('case-a', [batch[0]], { expectedRevision: 'no_stream' })).toEqual({
        nextExpectedRevision: 0,
        position: '1',
      });
      expect(await collect(store.readStream('case-a'))).toHaveLength(3);
    });

    it('treats an id in upper case as the same UUID', async () => {
      const e = event();
      const original = await store.append('case-a', [e], { expectedRevision: 'no_stream' });
      expect(
        await store.append('case-a', [{ ...e, id: e.id.toUpperCase() }], { expectedRevision: 'no_stream' }),
      ).toEqual(original);
      expect((await collect(store.readStream('case-a'))).map((r) => r.id)).toEqual([e.id]);
    });

    it('rejects the same id twice in one append', async () => {
      const e = event();
      await expect(store.append('case-a', [e, e], { expectedRevision: 'any' })).rejects.toThrow(
        /appears twice/,
      );
    });
  });

  describe('input', () => {
    it('rejects a recordedAt that is not an ISO date-time with offset, and a bad expected revision', async () => {
      await expect(
        store.append('case-a', [event({}, '2024-05-01 12:00')], { expectedRevision: 'any' }),
      ).rejects.toThrow(/recordedAt/);
      await expect(store.append('case-a', [event()], { expectedRevision: -1 })).rejects.toThrow(
        /expected revision/,
      );
      await expect(
        store.append('case-a', [{ ...event(), type: '' }], { expectedRevision: 'any' }),
      ).rejects.toThrow(/type/);
      expect(await store.headPosition()).toBeNull();
    });

    it('rejects bad read options and foreign positions', async () => {
      await expect(collect(store.readStream('case-a', { upToTime: 'yesterday' }))).rejects.toThrow(
        /upToTime/,
      );
      await expect(collect(store.readStream('case-a', { maxCount: -1 }))).rejects.toThrow(/maxCount/);
      await expect(collect(store.readAll({ fromPosition: 'C:12/34' }))).rejects.toThrow(/position/);
      expect(() => store.comparePositions('1', 'x')).toThrow(/position/);
      expect(() => store.subscribeToAll({ fromPosition: '-1' })).toThrow(/position/);
    });
  });

  describe('as-of reads', () => {
    it('go by the hash-chained metadata.recordedAt, so an edit of the recorded_at column changes nothing', async () => {
      await store.append(
        'case-1',
        [event({ n: 0 }, '2024-05-01T10:00:00Z'), event({ n: 1 }, '2024-05-01T12:00:00Z')],
        { expectedRevision: 'no_stream' },
      );
      const asOf = async (upToTime: string, direction: 'forwards' | 'backwards' = 'forwards') =>
        (await collect(store.readStream('case-1', { upToTime, direction }))).map((e) => e.data.n);
      expect(await asOf('2024-05-01T11:00:00Z')).toEqual([0]);

      const tamper = new Database(file);
      // The later event pulled back before the moment, the earlier pushed past it.
      tamper.prepare("UPDATE events SET recorded_at = 0 WHERE stream_id = 'case-1' AND revision = 1").run();
      tamper
        .prepare("UPDATE events SET recorded_at = 9e15 WHERE stream_id = 'case-1' AND revision = 0")
        .run();
      tamper.close();
      expect(await asOf('2024-05-01T11:00:00Z')).toEqual([0]);
      expect(await asOf('2024-05-01T11:00:00Z', 'backwards')).toEqual([0]);
      expect(await asOf('2024-05-01T12:00:00Z', 'backwards')).toEqual([1, 0]);
    });
  });

  describe('positions', () => {
    it('numbers the log from 1 and compares positions as numbers', async () => {
      expect(await store.headPosition()).toBeNull();
      expect(await store.append('case-a', [event()], { expectedRevision: 'no_stream' })).toEqual({
        nextExpectedRevision: 0,
        position: '1',
      });
      for (let i = 0; i < 9; i++) await store.append(`case-${i}`, [event()], { expectedRevision: 'any' });
      expect(await store.headPosition()).toBe('10');
      expect(store.comparePositions('9', '10')).toBeLessThan(0);
      expect(store.comparePositions('10', '9')).toBeGreaterThan(0);
      expect(store.comparePositions('10', '10')).toBe(0);
      expect((await collect(store.readAll({ fromPosition: '8' }))).map((e) => e.position)).toEqual([
        '9',
        '10',
      ]);
    });

    it('reads nothing past the head and an empty prefix list matches nothing', async () => {
      await store.append('case-a', [event()], { expectedRevision: 'no_stream' });
      expect(await collect(store.readAll({ fromPosition: '99' }))).toEqual([]);
      expect(await collect(store.readAll({ filter: { streamPrefixes: [] } }))).toEqual([]);
      expect(await collect(store.readAll({ filter: { streamPrefixes: ['CASE-'] } }))).toEqual([]);
      expect(await collect(store.readAll({ filter: { streamPrefixes: ['case_'] } }))).toEqual([]);
      expect(await collect(store.readAll({ filter: { streamPrefixes: ['case-'] } }))).toHaveLength(1);
    });
  });

  describe('group commit', () => {
    it('applies appends to one stream issued together in order, each seeing the ones before', async () => {
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          store.append('case-a', [event({ i })], { expectedRevision: i === 0 ? 'no_stream' : i - 1 }),
        ),
      );
      expect(results.map((r) => r.nextExpectedRevision)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect((await collect(store.readStream('case-a'))).map((e) => e.data.i)).toEqual([
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
      ]);
    });

    it('fails only the caller whose append fails, and commits the rest of the batch', async () => {
      await store.append('case-x', [event()], { expectedRevision: 'no_stream' });
      const reused = event();
      await store.append('case-y', [reused], { expectedRevision: 'no_stream' });
      const outcomes = await Promise.allSettled([
        store.append('case-a', [event({ n: 1 })], { expectedRevision: 'no_stream' }),
        store.append('case-x', [event()], { expectedRevision: 5 }),
        store.append('case-b', [event({ n: 2 }), event({ n: 3 })], { expectedRevision: 'no_stream' }),
        store.append('case-c', [event(), reused], { expectedRevision: 'no_stream' }),
        store.append('case-a', [event({ n: 4 })], { expectedRevision: 0 }),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual([
        'fulfilled',
        'rejected',
        'fulfilled',
        'rejected',
        'fulfilled',
      ]);
      expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevisionError);
      expect((outcomes[3] as PromiseRejectedResult).reason).toBeInstanceOf(DuplicateEventIdError);
      expect((await collect(store.readStream('case-a'))).map((e) => e.data.n)).toEqual([1, 4]);
      expect((await collect(store.readStream('case-b'))).map((e) => e.data.n)).toEqual([2, 3]);
      expect(await collect(store.readStream('case-c'))).toEqual([]);
      expect(await collect(store.readStream('case-x'))).toHaveLength(1);
      // Positions stay contiguous: the rolled-back appends left no hole in the log.
      expect((await collect(store.readAll())).map((e) => e.position)).toEqual(['1', '2', '3', '4', '5', '6']);
    });

    it('settles an append only once its events are committed and visible to other connections', async () => {
      const observer = new Database(file, { readonly: true });
      try {
        const count = observer
          .prepare<[string], number>('SELECT count(*) FROM events WHERE event_id = ?')
          .pluck();
        const seenAtResolution: number[] = [];
        const appends = Array.from({ length: 50 }, (_, i) => {
          const e = event({ i });
          return store
            .append(`case-${i % 7}`, [e], { expectedRevision: 'any' })
            .then((result: AppendResult) => {
              seenAtResolution.push(count.get(e.id) ?? 0);
              return result;
            });
        });
        await Promise.all(appends);
        expect(seenAtResolution).toEqual(Array.from({ length: 50 }, () => 1));
      } finally {
        observer.close();
      }
    });

    it('says the log is unavailable, and writes nothing, while another process holds its write lock', async () => {
      const other = new Database(file);
      const waiting = new SqliteEventStore(file, { busyTimeoutMs: 50 });
      try {
        other.exec('BEGIN IMMEDIATE');
        const refused = waiting.append('case-a', [event()], { expectedRevision: 'no_stream' });
        await expect(refused).rejects.toThrow(EventStoreUnavailableError);
        await expect(refused).rejects.toThrow('the event log is locked by another process');
        other.exec('ROLLBACK');
        await expect(collect(store.readStream('case-a'))).resolves.toEqual([]);
        await expect(waiting.append('case-a', [event()], { expectedRevision: 'no_stream' })).resolves.toEqual(
          {
            nextExpectedRevision: 0,
            position: '1',
          },
        );
      } finally {
        if (other.inTransaction) other.exec('ROLLBACK');
        other.close();
        await waiting.close();
      }
    });

    it('commits appends still pending when the store is closed', async () => {
      const e = event();
      const pending = store.append('case-a', [e], { expectedRevision: 'no_stream' });
      await store.close();
      await expect(pending).resolves.toEqual({ nextExpectedRevision: 0, position: '1' });
      await expect(store.append('case-a', [event()], { expectedRevision: 0 })).rejects.toThrow(/closed/);
      store = new SqliteEventStore(file);
      expect((await collect(store.readStream('case-a'))).map((r) => r.id)).toEqual([e.id]);
    });
  });

  describe('an event altered into something that is not JSON', () => {
    it('is read up to, then refused with where it stands, by every read; reads past it go on', async () => {
      await store.append('case-a', [event({ n: 0 }), event({ n: 1 }), event({ n: 2 })], {
        expectedRevision: 'no_stream',
      });
      const raw = new Database(file);
      raw.prepare("UPDATE events SET data = '{\"n\": 1' WHERE stream_id = 'case-a' AND revision = 1").run();
      raw.close();
      const upTo = async (events: AsyncIterable<RecordedEvent>) => {
        const read: unknown[] = [];
        try {
          for await (const e of events) read.push(e.data.n);
        } catch (error) {
          read.push(error);
        }
        return read;
      };
      const refusal = expect.objectContaining({
        name: 'CorruptEventError',
        streamId: 'case-a',
        revision: 1,
        position: '2',
        message: expect.stringContaining('not valid JSON'),
      });
      expect(await upTo(store.readStream('case-a'))).toEqual([0, refusal]);
      expect(await upTo(store.readAll())).toEqual([0, refusal]);
      const subscription = store.subscribeToAll();
      expect(await upTo(subscription)).toEqual([0, refusal]);
      await subscription.close();
      expect(await collect(store.readStream('case-a', { fromRevision: 2 }))).toHaveLength(1);
      expect(await collect(store.readAll({ fromPosition: '2' }))).toHaveLength(1);
    });
  });

  describe('lifecycle', () => {
    it('keeps the log across reopening the file', async () => {
      await store.append('case-a', [event({ n: 1 }), event({ n: 2 })], { expectedRevision: 'no_stream' });
      await store.close();
      store = new SqliteEventStore(file, { synchronous: 'NORMAL' });
      expect((await collect(store.readStream('case-a'))).map((e) => e.data.n)).toEqual([1, 2]);
      expect((await store.append('case-a', [event()], { expectedRevision: 1 })).position).toBe('3');
    });

    it('ends open subscriptions when the store closes', async () => {
      const subscription = store.subscribeToAll();
      const waiting = subscription[Symbol.asyncIterator]().next();
      await store.close();
      expect(await waiting).toEqual({ done: true, value: undefined });
      expect(() => store.subscribeToAll()).toThrow(/closed/);
    });

    it('opened read-only, reads what another connection appends, appends nothing, and needs the file', async () => {
      await store.append('case-a', [event({ n: 1 })], { expectedRevision: 'no_stream' });
      const reader = new SqliteEventStore(file, { readonly: true });
      try {
        await store.append('case-a', [event({ n: 2 })], { expectedRevision: 0 });
        expect((await collect(reader.readStream('case-a'))).map((e) => e.data.n)).toEqual([1, 2]);
        expect(String(await failure(reader.append('case-a', [event()], { expectedRevision: 1 })))).toMatch(
          /readonly/,
        );
      } finally {
        await reader.close();
      }
      expect(() => new SqliteEventStore(join(dir, 'missing.db'), { readonly: true })).toThrow(
        /unable to open|does not exist/,
      );
    });

    it('rejects an unknown synchronous mode', () => {
      expect(() => new SqliteEventStore(join(dir, 'other.db'), { synchronous: 'OFF' as 'FULL' })).toThrow(
        /synchronous/,
      );
    });
  });
});
