/** Time is injected everywhere; nothing in the domain reads the system clock. */
export interface Clock {
  /** Current time as an ISO 8601 string (UTC, with offset `Z`). */
  now(): string;
}

export const CLOCK = Symbol('CLOCK');

export const systemClock: Clock = { now: () => new Date().toISOString() };
