import { EventStoreDbEventStore } from '@trust-ledger/event-store/eventstoredb/eventstoredb-event-store';
import { describeEventStoreContract } from './event-store.contract';

// Runs against a long-lived server (the contract uses fresh stream ids per test), e.g. the one
// `docker compose up eventstore` starts: EVENTSTORE_CONNECTION_STRING=esdb://localhost:2113?tls=false
const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;
// Where a server is expected (EVENTSTORE_CONTRACT_REQUIRED=1), its absence fails rather than skips.
if (!connectionString && process.env.EVENTSTORE_CONTRACT_REQUIRED === '1') {
  throw new Error('EVENTSTORE_CONTRACT_REQUIRED=1 but EVENTSTORE_CONNECTION_STRING is not set');
}
const maybe = connectionString ? describe : describe.skip;

if (!connectionString) {
  console.warn(
    'EventStoreDB contract suite SKIPPED: EVENTSTORE_CONNECTION_STRING is not set. ' +
      'Start a server (docker compose up eventstore) and set EVENTSTORE_CONNECTION_STRING=esdb://localhost:2113?tls=false to run it.',
  );
}

maybe(
  connectionString
    ? 'EventStoreDB adapter contract (server from EVENTSTORE_CONNECTION_STRING)'
    : 'EventStoreDB adapter contract — SKIPPED because EVENTSTORE_CONNECTION_STRING is not set',
  () => {
    // Three round trips an append to a quorum-acknowledged cluster: the 10,000-stream test needs
    // more than jest.config's 30 s.
    jest.setTimeout(300_000);
    describeEventStoreContract(
      'EventStoreDB',
      () => {
        const opened: EventStoreDbEventStore[] = [];
        const open = (): EventStoreDbEventStore => {
          const store = new EventStoreDbEventStore(connectionString as string);
          opened.push(store);
          return store;
        };
        return Promise.resolve({
          store: open(),
          openAnother: () => Promise.resolve(open()),
          cleanup: async () => {
            await Promise.all(opened.map((store) => store.close()));
          },
        });
      },
      // EventStoreDB deduplicates ids within a stream only.
      { globalEventIds: false },
    );
  },
);
