/** Time is injected everywhere: the domain only receives it; the system clock is the API's. */
export interface Clock {
  /** Current time as an ISO 8601 string (UTC, with offset `Z`). */
  now(): string;
}

export const CLOCK = Symbol('CLOCK');
