import { Inject, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEventStore, EventStoreModule } from './event-store.module';
import { EVENT_STORE, type EventStore, type EventToAppend } from './event-store.port';
import { EventStoreDbEventStore } from './eventstoredb/eventstoredb-event-store';
import { SqliteEventStore } from './sqlite/sqlite-event-store';

@Injectable()
class Recorder {
  constructor(@Inject(EVENT_STORE) readonly store: EventStore) {}
}

/** A feature module that does not import EventStoreModule: the store must reach it anyway. */
@Module({ providers: [Recorder], exports: [Recorder] })
class FeatureModule {}

function event(): EventToAppend {
  return {
    id: randomUUID(),
    type: 'ModuleSpecRecorded',
    data: {},
    metadata: {
      recordedAt: '2024-05-01T12:00:00.000Z',
      correlationId: randomUUID(),
      causationId: null,
      actor: 'test',
    },
  };
}

describe('EventStoreModule', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'trust-ledger-module-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('provides the SQLite store to every module and closes it on shutdown, keeping what was appended', async () => {
    const file = join(dir, 'data', 'trust-ledger.db');
    const moduleRef = await Test.createTestingModule({
      imports: [EventStoreModule.forRoot({ kind: 'sqlite', file, synchronous: 'NORMAL' }), FeatureModule],
    }).compile();
    const { store } = moduleRef.get(Recorder);
    expect(store).toBeInstanceOf(SqliteEventStore);
    expect(moduleRef.get(EVENT_STORE)).toBe(store);
    const appended = event();
    await store.append('case-1', [appended], { expectedRevision: 'no_stream' });

    await moduleRef.close();
    await expect(store.append('case-1', [event()], { expectedRevision: 0 })).rejects.toThrow(/closed/);
    const reopened = new SqliteEventStore(file);
    try {
      const ids: string[] = [];
      for await (const recorded of reopened.readStream('case-1')) ids.push(recorded.id);
      expect(ids).toEqual([appended.id]);
    } finally {
      await reopened.close();
    }
  });

  it('builds the EventStoreDB adapter from a connection string without connecting', async () => {
    const store = createEventStore({
      kind: 'eventstoredb',
      connectionString: 'esdb://localhost:2113?tls=false',
    });
    expect(store).toBeInstanceOf(EventStoreDbEventStore);
    await store.close();
  });
});
