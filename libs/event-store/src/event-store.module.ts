import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import {
  EVENT_STORE,
  EventStoreUnavailableError,
  STORE_ANSWER_TIMEOUT_MS,
  type EventStore,
} from './event-store.port';
import { EventStoreDbEventStore, eventStoreDbNodes, reasonOf } from './eventstoredb/eventstoredb-event-store';
import { SqliteEventStore } from './sqlite/sqlite-event-store';

export type EventStoreModuleOptions =
  | { kind: 'sqlite'; file: string; synchronous?: 'FULL' | 'NORMAL'; readonly?: boolean }
  | { kind: 'eventstoredb'; connectionString: string };

/** What the application layers over the adapter (the hash chain): this package cannot import it. */
export interface EventStoreDecoration {
  /** Wraps the adapter; everything injected with EVENT_STORE gets the wrapper, never the bare adapter. */
  decorate?: (store: EventStore) => EventStore;
}

export function createEventStore(options: EventStoreModuleOptions): EventStore {
  switch (options.kind) {
    case 'sqlite':
      return new SqliteEventStore(options.file, {
        synchronous: options.synchronous,
        readonly: options.readonly,
      });
    case 'eventstoredb':
      return new EventStoreDbEventStore(options.connectionString);
    default:
      throw new Error(`unknown event store kind: ${(options as { kind: unknown }).kind as string}`);
  }
}

/** The store's name in a message: the nodes for EventStoreDB (never the credentials), the file for SQLite. */
function storeName(options: EventStoreModuleOptions): string {
  return options.kind === 'eventstoredb'
    ? `EventStoreDB at ${eventStoreDbNodes(options.connectionString)}`
    : `the event log ${options.file}`;
}

/** The configured adapter, once it has answered a read (its head) within `timeoutMs`. */
export async function openEventStore(
  options: EventStoreModuleOptions,
  timeoutMs = STORE_ANSWER_TIMEOUT_MS,
): Promise<EventStore> {
  const store = createEventStore(options);
  const head = store.headPosition();
  // It may still fail after the deadline, with no one left to hear it.
  head.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new EventStoreUnavailableError(`${storeName(options)} did not answer within ${timeoutMs / 1000} s`),
        ),
      timeoutMs,
    );
  });
  try {
    await Promise.race([head, deadline]);
    return store;
  } catch (error) {
    // Not awaited: closing a connection that never opened can wait as long as the read did.
    store.close().catch(() => undefined);
    if (error instanceof EventStoreUnavailableError) throw error;
    throw new EventStoreUnavailableError(`${storeName(options)} cannot be read: ${reasonOf(error)}`);
  } finally {
    clearTimeout(timer);
  }
}

/** Provides the configured adapter under `EVENT_STORE` to the whole application. */
@Module({})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  static forRoot(options: EventStoreModuleOptions & EventStoreDecoration): DynamicModule {
    const { decorate = (store: EventStore) => store } = options;
    return {
      module: EventStoreModule,
      global: true,
      providers: [{ provide: EVENT_STORE, useFactory: async () => decorate(await openEventStore(options)) }],
      exports: [EVENT_STORE],
    };
  }

  /** The last lifecycle hook: consumers have stopped in onModuleDestroy; pending appends are
   * committed before the file is closed. */
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
