import type { ExpectedRevision } from './event-store.port';

/** Whether a stream whose last revision is `actual` meets the expectation (both adapters check it). */
export function satisfies(expected: ExpectedRevision, actual: number | 'no_stream'): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return actual === 'no_stream';
    case 'stream_exists':
      return actual !== 'no_stream';
    default:
      return actual === expected;
  }
}
