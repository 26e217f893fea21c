import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { ValidationError } from '@trust-ledger/domain';
import { ProjectionRunner, ProjectionsBehindError } from '@trust-ledger/projections';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { ReadModelsBehindException } from '../common/read-models-caught-up';

/** API.md: a read waits up to 5 s for the read models to reach the client's own write. */
export const READ_YOUR_WRITES_TIMEOUT_MS = 5000;

/**
 * Any GET may carry `?minPosition=<position>` (a command's `position`) and is then answered only
 * once every projection has reached it, or 503 with the lag. The parameter is consumed here, before
 * the handler's query DTO is validated, so no DTO has to declare it.
 */
@Injectable()
export class ReadYourWritesInterceptor implements NestInterceptor {
  constructor(private readonly runner: ProjectionRunner) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const query = request.query as Record<string, unknown> | undefined;
    if (request.method !== 'GET' || query === undefined || !Object.hasOwn(query, 'minPosition'))
      return next.handle();
    const { minPosition } = query;
    delete query.minPosition;

    let caughtUp: Promise<void>;
    try {
      if (typeof minPosition !== 'string') throw new Error('given more than once');
      caughtUp = this.runner.waitFor(minPosition, READ_YOUR_WRITES_TIMEOUT_MS);
    } catch {
      throw new ValidationError([
        { field: 'minPosition', reason: 'must be a position returned by a command' },
      ]);
    }
    try {
      await caughtUp;
    } catch (error) {
      if (!(error instanceof ProjectionsBehindError)) throw error;
      throw new ReadModelsBehindException(
        `The read models have not reached position ${minPosition} yet`,
        error.lag,
      );
    }
    return next.handle();
  }
}
