import type { Recorded } from '../src/shared/violation';

/**
 * Events as read back from a stream: ids `<streamId>#<revision>`, revisions from 0, recorded at
 * `recordedAt` (rules judge acts by their own times, not by this one).
 */
export function recordedOn<E extends { type: string; data: unknown }>(
  streamId: string,
  events: E[],
  recordedAt = '2024-01-01T00:00:00Z',
): Recorded<E>[] {
  return events.map((e, revision) => ({
    ...e,
    eventId: `${streamId}#${revision}`,
    streamId,
    revision,
    recordedAt,
  }));
}
