import { ServiceUnavailableException } from '@nestjs/common';
import type { EventStore } from '@trust-ledger/event-store';
import {
  type ProjectionRunner,
  type ProjectionStatus,
  ProjectionsBehindError,
} from '@trust-ledger/projections';
import { projectionProgress } from './error-response';

/** 503: the read models have not reached a position yet. It carries their lag, and the exception
 * filter adds `Retry-After` while they are catching up, since the same request will soon succeed;
 * not when one stopped on an error, which it names instead: no retry gets past that. The error's own
 * message stays out, as on /health (`projectionProgress`): public reads wait too. */
export class ReadModelsBehindException extends ServiceUnavailableException {
  static readonly RETRY_AFTER_SECONDS = 1;
  readonly retryable: boolean;
  constructor(message: string, lag: ProjectionStatus[]) {
    const stopped = lag.filter((status) => status.error !== null);
    super({
      statusCode: 503,
      message:
        stopped.length === 0
          ? message
          : `${message}: ${stopped.map(({ name, error }) => `${name} stopped at event ${error!.eventId ?? '-'}`).join('; ')}`,
      ...(stopped.length > 0 && { code: 'PROJECTION_STOPPED' }),
      lag: lag.map(projectionProgress),
    });
    this.retryable = stopped.length === 0;
  }
}

/**
 * Resolves once every read model (or only the one named) has reached `position`; when they have
 * not within `timeoutMs`, a ReadModelsBehindException that says `message`.
 */
export async function readModelsCaughtUp(
  runner: ProjectionRunner,
  position: string,
  timeoutMs: number,
  message: string,
  only?: string,
): Promise<void> {
  try {
    await runner.waitFor(position, timeoutMs, only);
  } catch (error) {
    if (!(error instanceof ProjectionsBehindError)) throw error;
    throw new ReadModelsBehindException(message, error.lag);
  }
}

/**
 * Resolves once every read model (or only the one named) has reached the log's head as it is now,
 * within `timeoutMs`; else as readModelsCaughtUp.
 */
export async function readModelsAtHead(
  runner: ProjectionRunner,
  store: EventStore,
  timeoutMs: number,
  message: string,
  only?: string,
): Promise<void> {
  const head = await store.headPosition();
  if (head !== null) await readModelsCaughtUp(runner, head, timeoutMs, message, only);
}
