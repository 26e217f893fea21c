import { v5 as uuidv5 } from 'uuid';

/**
 * Recorded by the scheduler when a moment named by a stream's *Deadlines function has passed, so
 * that the violation register judges the stream at that moment even though nothing else happened.
 * One stream per judged stream keeps each small and makes the event's place obvious.
 */
export type DeadlinePassed = { type: 'DeadlinePassed'; data: { streamId: string; deadline: string } };

export const DEADLINE_STREAM_PREFIX = 'deadline-';
export const deadlineStreamId = (streamId: string): string => `${DEADLINE_STREAM_PREFIX}${streamId}`;
export const SCHEDULER_ACTOR = 'system:scheduler';

const DEADLINE_EVENT_NAMESPACE = '5a0f3c3e-59f4-4f7e-a2a4-4c1d7d0e6b8a';

/** The same deadline of the same stream is always the same event, so recording it is idempotent. */
export const deadlinePassedEventId = (streamId: string, deadline: string): string =>
  uuidv5(`${streamId}\n${new Date(Date.parse(deadline)).toISOString()}`, DEADLINE_EVENT_NAMESPACE);
