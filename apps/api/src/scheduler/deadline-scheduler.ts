import { Logger } from '@nestjs/common';
import { deadlineStreamId, type Clock, type DeadlinePassed } from '@trust-ledger/domain';
import type { EventStore } from '@trust-ledger/event-store';
import type { ProjectionRunner, ReadModelDb } from '@trust-ledger/projections';
import {
  DeadlineQueries,
  VIOLATION_REGISTER,
  type RegisterDeadline,
} from '@trust-ledger/projections/violations';
import { randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';

export const SCHEDULER_ACTOR = 'system:scheduler';

const DEADLINE_EVENT_NAMESPACE = '5a0f3c3e-59f4-4f7e-a2a4-4c1d7d0e6b8a';

/** The same deadline of the same stream is always the same event, so recording it is idempotent. */
export const deadlinePassedEventId = (streamId: string, deadline: string): string =>
  uuidv5(`${streamId}\n${new Date(Date.parse(deadline)).toISOString()}`, DEADLINE_EVENT_NAMESPACE);

/** setTimeout's longest delay; a later deadline is simply re-armed when this one fires. */
const MAX_DELAY_MS = 2 ** 31 - 1;
/** After a failed append (e.g. the store unreachable), when to look again. */
const RETRY_DELAY_MS = 5000;

/**
 * Shown on the unauthenticated /health, so it names no time: the next deadline, or the moment of
 * the last tick, is a request's receipt plus its deadline, to the millisecond. /health shows
 * `lastError` as a fixed sentence: the message may name a case's stream; it is logged.
 */
export interface SchedulerStatus {
  running: boolean;
  lastError: string | null;
}

/**
 * Records a DeadlinePassed for every deadline in the violation register (vr_deadlines) that the
 * injected clock has reached, so that the register judges the stream at that moment with nothing
 * else recorded. A timer is armed for the next deadline and re-armed whenever the register commits
 * (new deadlines appear); starting also catches up on deadlines passed while the service was down.
 * Event ids derive from (stream, deadline), so recording one twice writes nothing. A writer, so it
 * lives with the API that runs it; the projections lib only reads the log (DeadlineQueries).
 */
export class DeadlineScheduler {
  private readonly logger = new Logger('DeadlineScheduler');
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private ticking: Promise<void> | undefined;
  private lastError: string | null = null;
  private readonly deadlines: DeadlineQueries;

  constructor(
    private readonly store: EventStore,
    db: ReadModelDb,
    private readonly clock: Clock,
    private readonly runner?: ProjectionRunner,
  ) {
    this.deadlines = new DeadlineQueries(db);
  }

  start(): void {
    if (this.unsubscribe !== undefined) return;
    this.unsubscribe =
      this.runner?.onProgress((progress) => {
        if (progress?.projection === VIOLATION_REGISTER && progress.applied > 0) this.arm();
      }) ?? (() => undefined);
    this.arm();
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.ticking;
  }

  status(): SchedulerStatus {
    return {
      running: this.unsubscribe !== undefined,
      lastError: this.lastError,
    };
  }

  /** Records DeadlinePassed for every deadline reached by now; resolves with how many were due. */
  tick(): Promise<number> {
    // One tick at a time: a second caller waits for the running one (whatever its outcome), then
    // looks again. `ticking` never rejects, so nothing is left unhandled.
    const run = (this.ticking ?? Promise.resolve()).then(() => this.recordDue());
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.ticking = settled;
    void settled.then(() => {
      if (this.ticking === settled) this.ticking = undefined;
    });
    return run;
  }

  private async recordDue(): Promise<number> {
    const now = this.clock.now();
    let due: RegisterDeadline[];
    try {
      due = this.deadlines.due(Date.parse(now));
      for (const { streamId, deadline } of due) {
        const event: DeadlinePassed = { type: 'DeadlinePassed', data: { streamId, deadline } };
        await this.store.append(
          deadlineStreamId(streamId),
          [
            {
              id: deadlinePassedEventId(streamId, deadline),
              ...event,
              metadata: {
                recordedAt: now,
                correlationId: randomUUID(),
                causationId: null,
                actor: SCHEDULER_ACTOR,
              },
            },
          ],
          { expectedRevision: 'any' },
        );
      }
      this.lastError = null;
    } catch (error) {
      this.failed('looking for or recording the deadlines passed failed', error);
      throw error;
    }
    return due.length;
  }

  private arm(): void {
    if (this.unsubscribe === undefined) return;
    clearTimeout(this.timer);
    let next: string | null;
    try {
      next = this.deadlines.next();
    } catch (error) {
      // The register's tables are being rebuilt: look again shortly.
      this.failed('reading the next deadline failed', error);
      this.retryLater();
      return;
    }
    if (next === null) return;
    const delay = Math.min(MAX_DELAY_MS, Math.max(0, Date.parse(next) - Date.parse(this.clock.now())));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.tick().then(
        () => this.arm(),
        () => this.retryLater(),
      );
    }, delay);
    this.timer.unref();
  }

  private failed(what: string, error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    // Once a reason, not at every retry (every 5 s while the store is down).
    if (reason !== this.lastError) this.logger.warn(`${what}, trying again: ${reason}`);
    this.lastError = reason;
  }

  private retryLater(): void {
    if (this.unsubscribe === undefined) return;
    this.timer = setTimeout(() => this.arm(), RETRY_DELAY_MS);
    this.timer.unref();
  }
}
