import type { CorruptEventError, EventFilter, RecordedEvent, Subscription } from '../event-store.port';

/** What a page read returns: the matching events and how far the log was scanned, which is beyond
 * the last event when the filter dropped the rest; or the events before one the store cannot read,
 * and that event's error, to be thrown once they are delivered. */
export interface Page {
  events: RecordedEvent[];
  scannedTo: number;
  corrupt?: CorruptEventError;
}

/** The store's side of a subscription. */
export interface SubscriptionSource {
  /** Up to `limit` events after `after` that pass the filter, read up to the current head. */
  readPage(after: number, filter: EventFilter | undefined, limit: number): Page;
  /** Changes whenever new events may have become visible. */
  generation(): number;
  /** Resolves once the generation differs from `seen` (at once if it already does) or on abort. */
  waitForEvents(seen: number, abort: AbortSignal): Promise<void>;
  /** Called once, when the subscription ends. */
  release(subscription: SqliteSubscription): void;
}

/** Pull model: a wake-up only prompts another read from the last position delivered, so whatever
 * woke it (a commit here, another process's commit, a spurious wake) cannot cause a gap or a
 * duplicate. */
export class SqliteSubscription implements Subscription {
  private readonly stop = new AbortController();
  private readonly events: AsyncGenerator<RecordedEvent>;

  constructor(
    private readonly source: SubscriptionSource,
    private checkpoint: number,
    private readonly filter: EventFilter | undefined,
    private readonly pageSize: number,
  ) {
    this.events = this.run();
  }

  [Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    return this.events;
  }

  close(): Promise<void> {
    if (!this.stop.signal.aborted) {
      this.stop.abort();
      this.source.release(this);
    }
    return Promise.resolve();
  }

  private async *run(): AsyncGenerator<RecordedEvent> {
    try {
      while (!this.stop.signal.aborted) {
        // Read the generation before the page: a commit after the read changes it, so the wait
        // below returns at once instead of missing that commit.
        const seen = this.source.generation();
        const page = this.source.readPage(this.checkpoint, this.filter, this.pageSize);
        for (const event of page.events) {
          if (this.stop.signal.aborted) return;
          yield event;
        }
        if (page.corrupt !== undefined) throw page.corrupt;
        this.checkpoint = page.scannedTo;
        if (page.events.length < this.pageSize) await this.source.waitForEvents(seen, this.stop.signal);
        // Still catching up: let timers and I/O run between pages.
        else await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      await this.close();
    }
  }
}
