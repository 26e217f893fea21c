/**
 * Recorded by the scheduler when a moment named by a stream's *Deadlines function has passed, so
 * that the violation register judges the stream at that moment even though nothing else happened.
 * One stream per judged stream keeps each small and makes the event's place obvious.
 */
export type DeadlinePassed = { type: 'DeadlinePassed'; data: { streamId: string; deadline: string } };

export const DEADLINE_STREAM_PREFIX = 'deadline-';
export const deadlineStreamId = (streamId: string): string => `${DEADLINE_STREAM_PREFIX}${streamId}`;
