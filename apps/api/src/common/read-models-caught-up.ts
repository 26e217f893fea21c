import { ServiceUnavailableException } from '@nestjs/common';
import { type ProjectionRunner, ProjectionsBehindError } from '@trust-ledger/projections';

/**
 * Resolves once every read model has reached `position`; when they have not within `timeoutMs`,
 * a 503 that says `message` and carries the projections' lag.
 */
export async function readModelsCaughtUp(
  runner: ProjectionRunner,
  position: string,
  timeoutMs: number,
  message: string,
): Promise<void> {
  try {
    await runner.waitFor(position, timeoutMs);
  } catch (error) {
    if (!(error instanceof ProjectionsBehindError)) throw error;
    throw new ServiceUnavailableException({ statusCode: 503, message, lag: error.lag });
  }
}
