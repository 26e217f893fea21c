import type { Clock } from '@trust-ledger/domain';

/** The running service's clock; the domain only ever receives the time it reads. */
export const systemClock: Clock = { now: () => new Date().toISOString() };
