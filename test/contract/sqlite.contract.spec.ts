import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, type EventStore, type SqliteEventStoreOptions } from '@trust-ledger/event-store';
import { describeEventStoreContract, type EventStoreFixture } from './event-store.contract';

function sqliteFixture(options: SqliteEventStoreOptions): () => Promise<EventStoreFixture> {
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trust-ledger-contract-'));
    const file = join(dir, 'events.db');
    const store = new SqliteEventStore(file, options);
    const others: EventStore[] = [];
    return {
      store,
      // Another connection on the same file, as another process would have.
      openAnother: () => {
        const other = new SqliteEventStore(file, options);
        others.push(other);
        return Promise.resolve(other);
      },
      cleanup: async () => {
        await Promise.all([store, ...others].map((s) => s.close()));
        await rm(dir, { recursive: true, force: true });
      },
    };
  };
}

describeEventStoreContract('sqlite (FULL, group commit)', sqliteFixture({ synchronous: 'FULL' }));
describeEventStoreContract(
  'sqlite (NORMAL, one transaction per append)',
  sqliteFixture({ synchronous: 'NORMAL', groupCommit: false }),
);
