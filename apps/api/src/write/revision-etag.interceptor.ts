import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { createHash } from 'node:crypto';
import { tap, type Observable } from 'rxjs';
import type { CommandResult } from './command-result';

/** Command responses carry `ETag: "<revision>"`, so a client can chain If-Match without a read. A
 * route whose record spans several streams sets its own (streamsTag) first. */
@Injectable()
export class RevisionETagInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler<CommandResult>): Observable<CommandResult> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    return next.handle().pipe(
      tap((result) => {
        if (!reply.hasHeader('ETag')) setRevisionETag(reply, result.revision);
      }),
    );
  }
}

/** `ETag: "<revision>"`, the form If-Match is compared against. */
export function setRevisionETag(reply: FastifyReply, revision: number): void {
  setETag(reply, String(revision));
}

/** `ETag: "<tag>"`: a revision, or a streamsTag. */
export function setETag(reply: FastifyReply, tag: string): void {
  void reply.header('ETag', `"${tag}"`);
}

/** What streamsTag writes: never a revision, so If-Match tells the two apart. */
export const STREAMS_TAG_PATTERN = 's[A-Za-z0-9_-]{22}';

/**
 * The ETag value of a record kept on several streams (a violation's reviews): a digest of each
 * stream's name and revision (undefined: nothing recorded), so that an event on any of them changes
 * it, and a stream joining or leaving the record does too.
 */
export function streamsTag(revisions: ReadonlyArray<readonly [string, number | undefined]>): string {
  const listed = revisions.map(([streamId, revision]) => `${streamId} ${revision ?? '-'}`).join('\n');
  return `s${createHash('sha256').update(listed).digest('base64url').slice(0, 22)}`;
}
