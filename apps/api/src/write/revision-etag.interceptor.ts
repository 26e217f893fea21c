import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { tap, type Observable } from 'rxjs';
import type { CommandResult } from './command-result';

/** Command responses carry `ETag: "<revision>"`, so a client can chain If-Match without a read. */
@Injectable()
export class RevisionETagInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler<CommandResult>): Observable<CommandResult> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    return next.handle().pipe(tap((result) => setRevisionETag(reply, result.revision)));
  }
}

/** `ETag: "<revision>"`, the form If-Match is compared against. */
export function setRevisionETag(reply: FastifyReply, revision: number): void {
  void reply.header('ETag', `"${revision}"`);
}
