import type { AllStreamSubscription, Position } from '@eventstore/db-client';
import type { EventFilter, RecordedEvent, Subscription } from '../event-store.port';
import { isSystemEvent, matchesFilter, toRecordedEvent } from './mapping';
import { comparePosition } from './position';

/** The port's subscription over the client's catch-up subscription to `$all`. Pulling from the
 * client's stream one event at a time keeps backpressure intact: while the consumer is busy the
 * stream's buffer fills, the gRPC call stops reading and the server holds back. */
export class EventStoreDbSubscription implements Subscription {
  private readonly events: AsyncGenerator<RecordedEvent>;
  private closing: Promise<void> | undefined;
  /** A failure of the call before anyone iterated. */
  private failure: Error | undefined;

  constructor(
    private readonly source: AllStreamSubscription,
    after: Position | undefined,
    filter: EventFilter | undefined,
    private readonly onClose: () => void,
  ) {
    // The client emits 'error' on its stream as soon as the call fails; with no listener (subscribed,
    // not yet iterated) Node throws it from the gRPC callback and the process exits.
    source.on('error', (error: unknown) => {
      this.failure ??= error instanceof Error ? error : new Error(String(error));
    });
    this.events = this.iterate(after, filter);
  }

  [Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    return this.events;
  }

  private async *iterate(
    after: Position | undefined,
    filter: EventFilter | undefined,
  ): AsyncGenerator<RecordedEvent> {
    try {
      if (this.failure !== undefined) throw this.failure;
      for await (const resolved of this.source) {
        if (this.closing !== undefined) return;
        const event = resolved.event;
        if (event === undefined || isSystemEvent(event) || !matchesFilter(event, filter)) continue;
        // The server starts after the checkpoint already; this keeps "strictly after" a local guarantee.
        if (
          after !== undefined &&
          event.position !== undefined &&
          comparePosition(event.position, after) <= 0
        )
          continue;
        yield toRecordedEvent(event);
      }
      // The call ended cleanly without close() (client.dispose(), or the server completing the call):
      // the port's subscription ends only on close(). Fail, so that the consumer resubscribes.
      if (this.closing === undefined) throw new Error('the EventStoreDB subscription ended unexpectedly');
    } catch (error) {
      // Closing destroys the client's stream, which ends a pending read with a premature-close error.
      if (this.closing === undefined) throw error;
    } finally {
      await this.close();
    }
  }

  close(): Promise<void> {
    this.closing ??= this.release();
    return this.closing;
  }

  private async release(): Promise<void> {
    try {
      // Rejects when the call never started (discovery failed): there is then nothing to cancel.
      await this.source.unsubscribe();
    } catch {
      // nothing to cancel
    } finally {
      this.source.destroy();
      this.onClose();
    }
  }
}
