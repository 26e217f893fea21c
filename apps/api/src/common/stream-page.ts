import type { EventStore, RecordedEvent } from '@trust-ledger/event-store';
import { DEFAULT_PAGE_LIMIT, type PageQuery } from './page-query';

export interface StreamPage<T> {
  items: T[];
  /** The revision the next page starts at; null on the last page. */
  nextCursor: string | null;
}

/** One page of a stream's events from the revision `cursor` names (from the start without one). */
export async function streamPage<T>(
  store: EventStore,
  streamId: string,
  { cursor, limit = DEFAULT_PAGE_LIMIT }: PageQuery,
  itemOf: (event: RecordedEvent) => T | Promise<T>,
): Promise<StreamPage<T>> {
  const items: T[] = [];
  // One event past the page tells whether there is a next page.
  const events = store.readStream(streamId, { fromRevision: Number(cursor ?? 0), maxCount: limit + 1 });
  for await (const event of events) {
    if (items.length === limit) return { items, nextCursor: String(event.revision) };
    items.push(await itemOf(event));
  }
  return { items, nextCursor: null };
}
