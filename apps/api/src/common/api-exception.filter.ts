import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { DomainError } from '@trust-ledger/domain';
import { CorruptEventError, EventStoreUnavailableError } from '@trust-ledger/event-store';
import type { FastifyReply } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { EncodedBodyException } from '../security/json-body';
import { ReadModelsBehindException } from './read-models-caught-up';

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  [key: string]: unknown;
}

const DOMAIN_STATUS = { NOT_FOUND: 404, CONFLICT: 409, VALIDATION: 400 } as const;

/** When to try again after the event log did not answer. */
const STORE_RETRY_AFTER_SECONDS = 5;

/**
 * One shape for every error response. Domain errors keep their stable `code` (and field errors);
 * an event altered in the log is a 500 that says where; anything else unexpected is logged here
 * and answered with a bare 500, never a stack trace or an internal message.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const body = this.toBody(exception);
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (exception instanceof ReadModelsBehindException) {
      if (exception.retryable) {
        void reply.header('Retry-After', String(ReadModelsBehindException.RETRY_AFTER_SECONDS));
      }
    } else if (exception instanceof EventStoreUnavailableError) {
      // A lock another process holds, or a server that stalled: the same request may succeed soon.
      void reply.header('Retry-After', String(STORE_RETRY_AFTER_SECONDS));
    } else if (exception instanceof EncodedBodyException) {
      void reply.header('Accept-Encoding', EncodedBodyException.ACCEPTED_ENCODING);
    } else if (body.statusCode === 401) {
      // RFC 9110 § 11.6.1: a 401 names the scheme it wants (RFC 6750 for bearer tokens).
      void reply.header('WWW-Authenticate', 'Bearer');
    }
    // A read model catching up is no fault; anything else answered 5xx is the operator's to see.
    if (body.statusCode >= 500 && !(exception instanceof ReadModelsBehindException)) {
      this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : exception);
    }
    void reply.status(body.statusCode).send(body);
  }

  private toBody(exception: unknown): ErrorBody {
    // The log was altered: where, so that an operator can run `verify` on it (no data, only place).
    if (exception instanceof CorruptEventError) {
      return {
        statusCode: 500,
        error: 'Internal Server Error',
        code: 'ALTERED_EVENT',
        message: exception.message,
      };
    }
    // The log did not answer in time: where is the operator's to know (logged), not the caller's.
    // A command may have been recorded or not; a retry under the same Idempotency-Key derives the
    // same event ids, so it records it at most once.
    if (exception instanceof EventStoreUnavailableError) {
      return {
        statusCode: 503,
        error: 'Service Unavailable',
        code: 'STORE_UNAVAILABLE',
        message:
          'The event log did not answer in time. A command may or may not have been recorded: retry it with the same Idempotency-Key.',
      };
    }
    if (exception instanceof DomainError) {
      const statusCode = DOMAIN_STATUS[exception.kind];
      const base = { statusCode, error: STATUS_CODES[statusCode] ?? 'Error' };
      return 'errors' in exception
        ? { ...base, message: 'Validation failed', errors: exception.errors }
        : { ...base, code: exception.code, message: exception.message };
    }
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const response = exception.getResponse();
      const error = STATUS_CODES[statusCode] ?? 'Error';
      return typeof response === 'string'
        ? { statusCode, error, message: response }
        : { error, message: exception.message, ...response, statusCode };
    }
    // Fastify's own client errors (malformed JSON, unsupported media type, body too large).
    const fastifyStatus =
      exception instanceof Error ? (exception as Error & { statusCode?: unknown }).statusCode : undefined;
    if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
      return {
        statusCode: fastifyStatus,
        error: STATUS_CODES[fastifyStatus] ?? 'Error',
        message: (exception as Error).message,
      };
    }
    return { statusCode: 500, error: 'Internal Server Error', message: 'Internal server error' };
  }
}
