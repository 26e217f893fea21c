import {
  Inject,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
  type ValidationPipe,
} from '@nestjs/common';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { CLOCK, ValidationError, type Clock } from '@trust-ledger/domain';
import { EVENT_STORE, type EventStore } from '@trust-ledger/event-store';
import { OpaquePositions } from '@trust-ledger/privacy';
import { ProjectionRunner, ProjectionsBehindError } from '@trust-ledger/projections';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { ReadModelsBehindException } from '../common/read-models-caught-up';
import { inputErrors, validationPipe } from '../common/validation';

/** API.md: a read waits up to 5 s for the read models to reach the client's own write. */
export const READ_YOUR_WRITES_TIMEOUT_MS = 5000;

/**
 * Any GET may carry `?minPosition=<position>` (a command's sealed `position`) and is then answered only
 * once every projection has reached it, or 503 with the lag. The parameter is consumed here, before
 * the handler's query DTO is validated, so no DTO has to declare it; and the query and path are
 * validated here first, as the pipes will, so that bad input is a 400 at once, not after the wait.
 */
@Injectable()
export class ReadYourWritesInterceptor implements NestInterceptor {
  private readonly pipe: ValidationPipe;

  constructor(
    private readonly runner: ProjectionRunner,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) clock: Clock,
    private readonly positions: OpaquePositions,
  ) {
    this.pipe = validationPipe(clock);
  }

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const query = request.query as Record<string, unknown> | undefined;
    if (request.method !== 'GET' || query === undefined || !Object.hasOwn(query, 'minPosition'))
      return next.handle();
    const { minPosition } = query;
    delete query.minPosition;

    // Bad input is a 400 at once, naming every field: the pipes would find it only after the wait.
    const errors = await inputErrors(this.pipe, context, request, [
      RouteParamtypes.QUERY,
      RouteParamtypes.PARAM,
    ]);
    // The statistics stream's ids are positions too (API.md), with a digest of what was counted.
    const opened = typeof minPosition === 'string' ? this.positions.openWithState(minPosition) : null;
    const position = opened !== null && this.isPosition(opened) ? opened : null;
    if (position === null) {
      errors.push({ field: 'minPosition', reason: 'must be a position returned by a command' });
    } else {
      // A position a command returned is never past the head read after it: no wait would reach one.
      const head = await this.store.headPosition();
      if (head === null || this.store.comparePositions(position, head) > 0) {
        errors.push({
          field: 'minPosition',
          reason: "is past the log's head: not a position a command of this log returned",
        });
      }
    }
    if (errors.length > 0 || position === null) throw new ValidationError(errors);
    try {
      await this.runner.waitFor(position, READ_YOUR_WRITES_TIMEOUT_MS);
    } catch (error) {
      if (!(error instanceof ProjectionsBehindError)) throw error;
      throw new ReadModelsBehindException('The read models have not reached that position yet', error.lag);
    }
    return next.handle();
  }

  /** Whether the store made such a position: comparing one with itself throws for any other text. */
  private isPosition(text: string): boolean {
    try {
      this.store.comparePositions(text, text);
      return true;
    } catch {
      return false;
    }
  }
}
