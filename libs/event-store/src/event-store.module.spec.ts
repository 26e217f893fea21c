import { Inject, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEventStore, EventStoreModule, openEventStore } from './event-store.module';
import {
  EVENT_STORE,
  EventStoreUnavailableError,
  type EventStore,
  type EventToAppend,
} from './event-store.port';
import { EventStoreDbEventStore, eventStoreDbNodes } from './eventstoredb/eventstoredb-event-store';
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

  describe('openEventStore', () => {
    /** A loopback port that takes connections and never answers: a stalled or mistaken server. */
    async function silentServer(): Promise<{ server: Server; port: number; stop: () => void }> {
      const sockets: Socket[] = [];
      const server = createServer((socket) => sockets.push(socket));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const stop = (): void => {
        server.close();
        for (const socket of sockets) socket.destroy();
      };
      return { server, port: (server.address() as { port: number }).port, stop };
    }

    it('gives up on an EventStoreDB server that takes the connection and never answers, naming it and the time it had', async () => {
      const { port, stop } = await silentServer();
      try {
        const started = Date.now();
        const opening = openEventStore(
          { kind: 'eventstoredb', connectionString: `esdb://admin:s3cret@127.0.0.1:${port}?tls=false` },
          300,
        );
        await expect(opening).rejects.toThrow(EventStoreUnavailableError);
        await expect(opening).rejects.toThrow(
          `EventStoreDB at 127.0.0.1:${port} did not answer within 0.3 s`,
        );
        expect(Date.now() - started).toBeLessThan(5_000);
      } finally {
        stop();
      }
    });

    it('names the server and the reason when nothing listens there', async () => {
      const { server, port } = await silentServer();
      await new Promise((resolve) => server.close(resolve));
      const opening = openEventStore({
        kind: 'eventstoredb',
        connectionString: `esdb://admin:s3cret@127.0.0.1:${port}?tls=false`,
      });
      await expect(opening).rejects.toThrow(
        new RegExp(`^EventStoreDB at 127\\.0\\.0\\.1:${port} cannot be read: .*ECONNREFUSED`),
      );
      await expect(opening).rejects.not.toThrow(/s3cret/);
    });

    it('opens a store that answers', async () => {
      const store = await openEventStore({ kind: 'sqlite', file: join(dir, 'trust-ledger.db') });
      expect(await store.headPosition()).toBeNull();
      await store.close();
    });
  });

  it('names the nodes of a connection string without its credentials or options', () => {
    expect(eventStoreDbNodes('esdb://admin:p?ss/w#rd@node1:2113,node2:2113?tls=true')).toBe(
      'node1:2113,node2:2113',
    );
    expect(eventStoreDbNodes('esdb+discover://user@cluster.local:2113/?tls=false')).toBe(
      'cluster.local:2113',
    );
    expect(eventStoreDbNodes(' esdb://localhost:2113 ')).toBe('localhost:2113');
  });
});
