import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from './event-store.port';
import { EventStoreDbEventStore } from './eventstoredb/eventstoredb-event-store';
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

/** Provides the configured adapter under `EVENT_STORE` to the whole application. */
@Module({})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  static forRoot(options: EventStoreModuleOptions & EventStoreDecoration): DynamicModule {
    const { decorate = (store: EventStore) => store } = options;
    return {
      module: EventStoreModule,
      global: true,
      providers: [{ provide: EVENT_STORE, useFactory: () => decorate(createEventStore(options)) }],
      exports: [EVENT_STORE],
    };
  }

  /** The last lifecycle hook: consumers have stopped in onModuleDestroy; pending appends are
   * committed before the file is closed. */
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
