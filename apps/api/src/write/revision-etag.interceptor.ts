import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { tap, type Observable } from 'rxjs';
import type { CommandResult } from './command-result';

/** Command responses carry `ETag: "<revision>"`, so a client can chain If-Match without a read. */
@Injectable()
export class RevisionETagInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler<CommandResult>): Observable<CommandResult> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    return next.handle().pipe(tap((result) => void reply.header('ETag', `"${result.revision}"`)));
  }
}
