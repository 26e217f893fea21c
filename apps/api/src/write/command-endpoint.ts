import { applyDecorators, UseInterceptors } from '@nestjs/common';
import { ApiHeader, ApiPreconditionFailedResponse } from '@nestjs/swagger';
import { RevisionETagInterceptor } from './revision-etag.interceptor';

/**
 * What every command route shares: the ETag of the revision it reached, and the documented
 * Idempotency-Key and X-Correlation-Id headers. `ifMatch` names the ETag a client may send
 * (routes on an existing stream); omit it on creating routes.
 */
export function CommandEndpoint(options: { ifMatch?: string } = {}): ClassDecorator & MethodDecorator {
  return applyDecorators(
    UseInterceptors(RevisionETagInterceptor),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: 'A retry with the same key and body returns the first response and writes nothing',
    }),
    ApiHeader({ name: 'X-Correlation-Id', required: false }),
    ...(options.ifMatch === undefined
      ? []
      : [
          ApiHeader({
            name: 'If-Match',
            required: false,
            description: `${options.ifMatch}, or several (any will do), or *; stale, or never given out for the record → 412`,
          }),
          ApiPreconditionFailedResponse({ description: 'If-Match stale, or never given out for the record' }),
        ]),
  );
}
