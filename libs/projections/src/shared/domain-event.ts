import type { RecordedEvent } from '@trust-ledger/event-store';

/**
 * A stored event as the domain event its type names. Only one aggregate's decider writes to each
 * stream a projection follows, so the data fits the type: this is the one place that is trusted.
 */
export const asDomainEvent = <E extends { type: string; data: object }>(
  recorded: Pick<RecordedEvent, 'type' | 'data'>,
): E => ({ type: recorded.type, data: recorded.data }) as unknown as E;
