/**
 * Child process of sqlite-crash.spec.ts: appends to a few streams, from several concurrent writers
 * per stream with exact expected revisions (so group commit batches form and writers race), and
 * prints one JSON line per acknowledged append until it is killed.
 *
 * Usage: node --import tsx test/reliability/sqlite-crash-writer.ts <database file>
 */
import { randomUUID } from 'node:crypto';
import {
  WrongExpectedRevisionError,
  type ExpectedRevision,
} from '../../libs/event-store/src/event-store.port';
import { SqliteEventStore } from '../../libs/event-store/src/sqlite/sqlite-event-store';

export interface Ack {
  streamId: string;
  ids: string[];
  nextExpectedRevision: number;
  position: string;
}

const STREAMS = 6;
const WRITERS_PER_STREAM = 3;
const FILLER = 'ordinance §2 detainer record '.repeat(10);

async function lastRevision(store: SqliteEventStore, streamId: string): Promise<ExpectedRevision> {
  for await (const last of store.readStream(streamId, { direction: 'backwards', maxCount: 1 }))
    return last.revision;
  return 'no_stream';
}

async function writer(store: SqliteEventStore, streamId: string, seed: number): Promise<never> {
  let expected = await lastRevision(store, streamId);
  for (let n = seed; ; n++) {
    const appendId = randomUUID();
    const count = 1 + (n % 3);
    const events = Array.from({ length: count }, (_, index) => ({
      id: randomUUID(),
      type: 'CrashTestAppended',
      data: { appendId, index, count, filler: FILLER },
      metadata: {
        recordedAt: new Date().toISOString(),
        correlationId: appendId,
        causationId: null,
        actor: 'test:crash-writer',
      },
    }));
    try {
      const result = await store.append(streamId, events, { expectedRevision: expected });
      const ack: Ack = { streamId, ids: events.map((e) => e.id), ...result };
      // Synchronous on a pipe on Linux: once written, the parent can read it even if we die next.
      process.stdout.write(`${JSON.stringify(ack)}\n`);
      expected = result.nextExpectedRevision;
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      expected = error.actual;
    }
  }
}

const file = process.argv[2];
if (file === undefined) throw new Error('usage: sqlite-crash-writer.ts <database file>');
const store = new SqliteEventStore(file);
void Promise.all(
  Array.from({ length: STREAMS * WRITERS_PER_STREAM }, (_, i) => writer(store, `crash-${i % STREAMS}`, i)),
).catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
