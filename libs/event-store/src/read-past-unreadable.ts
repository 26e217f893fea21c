import {
  CorruptEventError,
  type EventStore,
  type ReadAllOptions,
  type RecordedEvent,
} from './event-store.port';

/** What a read that goes on past unreadable events yields: an event, or where one could not be read. */
export type ReadOrUnreadable = RecordedEvent | CorruptEventError;

export const isReadable = (item: ReadOrUnreadable): item is RecordedEvent =>
  !(item instanceof CorruptEventError);

/**
 * A stream's events in order, reading on past each one the store cannot read (for those who must
 * account for everything there is, as a verification does, rather than stop at the first).
 */
export async function* readStreamPastUnreadable(
  store: EventStore,
  streamId: string,
): AsyncGenerator<ReadOrUnreadable> {
  let fromRevision = 0;
  for (;;) {
    try {
      for await (const event of store.readStream(streamId, { fromRevision })) {
        fromRevision = event.revision + 1;
        yield event;
      }
      return;
    } catch (error) {
      if (!(error instanceof CorruptEventError)) throw error;
      fromRevision = error.revision + 1;
      yield error;
    }
  }
}

/** The log in order (as `readAll` with `options` reads it), reading on past each event the store
 * cannot read. */
export async function* readAllPastUnreadable(
  store: EventStore,
  options: Pick<ReadAllOptions, 'fromPosition' | 'filter'> = {},
): AsyncGenerator<ReadOrUnreadable> {
  let { fromPosition } = options;
  for (;;) {
    try {
      for await (const event of store.readAll({ ...options, fromPosition })) {
        fromPosition = event.position;
        yield event;
      }
      return;
    } catch (error) {
      if (!(error instanceof CorruptEventError)) throw error;
      fromPosition = error.position;
      yield error;
    }
  }
}
