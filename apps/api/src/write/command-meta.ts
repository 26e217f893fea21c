import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ValidationError, type FieldError } from '@trust-ledger/domain';
import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';
import { v4 as uuidv4, v5 as uuidv5 } from 'uuid';
import type { AuthenticatedRequest } from '../auth/decorators';
import { TOKEN_HEADER } from '../common/http-tokens';
import { STREAMS_TAG_PATTERN } from './revision-etag.interceptor';

/** Fixed namespace of every id this API derives (command ids, event ids, created ids). */
export const ID_NAMESPACE = '1255c95a-cb2a-43df-8ee1-3989dd56c3cc';

/** What the executor needs to know about the HTTP request behind a command. */
export interface CommandMeta {
  /** The token's `sub`. */
  actor: string;
  /** uuidv5(`${escaped sub}:${Idempotency-Key}`), so that a retry re-derives the same event ids; else random. */
  commandId: string;
  idempotencyKey?: string;
  /** SHA-256 of method, path and canonical JSON body: what "the same request" means for a retry. */
  requestHash: string;
  /** The requestHash the same method and body have at another path (a review posted under another
   * id of its violation is the same review). */
  requestHashAt?: (path: string) => string;
  correlationId: string;
  /** The ETag values `If-Match` names (any of them will do), or `*`: only if something is recorded. */
  ifMatch?: readonly string[] | '*';
  /** `If-None-Match: *`: only if nothing is recorded on the stream yet (a first review, say). */
  ifNoneMatchAny?: boolean;
  /** Set only by imports: the source row a command was made from, recorded in each event's metadata. */
  imported?: ImportedFrom;
}

/** A command's source row in an imported file: its name, line number and the SHA-256 of the line's text. */
export type ImportedFrom = { source: string; line: number; sha256: string };

/** The id of the thing a command creates when the client chose none: a retry names the same thing. */
export const createdIdFor = (commandId: string): string => uuidv5(commandId, ID_NAMESPACE);

/** An ETag as this API writes them: a revision without leading zeros (`"02"` was never given out),
 * or the tag of a record kept on several streams (streamsTag). */
const IF_MATCH = new RegExp(`^(?:W/)?"(0|[1-9]\\d{0,14}|${STREAMS_TAG_PATTERN})"$`);

/** RFC 9110's If-Match: `*`, or a list of ETags; undefined when it is neither. */
function ifMatchOf(value: string): readonly string[] | '*' | undefined {
  if (value.trim() === '*') return '*';
  const tags = value.split(',').map((tag) => IF_MATCH.exec(tag.trim())?.[1]);
  return tags.every((tag) => tag !== undefined) ? tags : undefined;
}

function requestHashOf(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method}\n${path}\n${canonicalize(body ?? null) ?? ''}`)
    .digest('hex');
}

function header(request: AuthenticatedRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function commandMetaOf(request: AuthenticatedRequest): CommandMeta {
  if (!request.principal) throw new Error('command routes must be authenticated');
  const errors: FieldError[] = [];

  const idempotencyKey = header(request, 'idempotency-key');
  if (idempotencyKey !== undefined && !TOKEN_HEADER.test(idempotencyKey)) {
    errors.push({ field: 'Idempotency-Key', reason: 'must be 1–255 visible ASCII characters' });
  }
  const correlationHeader = header(request, 'x-correlation-id');
  if (correlationHeader !== undefined && !TOKEN_HEADER.test(correlationHeader)) {
    errors.push({ field: 'X-Correlation-Id', reason: 'must be 1–255 visible ASCII characters' });
  }
  const ifMatchHeader = header(request, 'if-match');
  const ifMatch = ifMatchHeader === undefined ? undefined : ifMatchOf(ifMatchHeader);
  if (ifMatchHeader !== undefined && ifMatch === undefined) {
    errors.push({ field: 'If-Match', reason: 'must be * or ETags from this API, e.g. "3" or "3", "4"' });
  }
  const ifNoneMatch = header(request, 'if-none-match')?.trim();
  if (ifNoneMatch !== undefined && ifNoneMatch !== '*') {
    errors.push({ field: 'If-None-Match', reason: 'must be * (only if nothing is recorded yet)' });
  }
  if (errors.length > 0) throw new ValidationError(errors);

  const { sub } = request.principal;
  const commandId =
    idempotencyKey === undefined ? uuidv4() : uuidv5(`${escapedSub(sub)}:${idempotencyKey}`, ID_NAMESPACE);
  const path = request.url.split('?')[0];
  return {
    actor: sub,
    commandId,
    idempotencyKey,
    requestHash: requestHashOf(request.method, path, request.body),
    requestHashAt: (other) => requestHashOf(request.method, other, request.body),
    correlationId: correlationHeader ?? commandId,
    ifMatch,
    ...(ifNoneMatch === '*' && { ifNoneMatchAny: true }),
  };
}

/**
 * The `sub` with its `:` (and `%`) escaped, so that `sub:key` names one caller's key: `p:q` with key
 * `r2` and `p` with key `q:r2` named one command. A `sub` without either is as it was, so a retry
 * of a command recorded before keeps its ids.
 */
function escapedSub(sub: string): string {
  return sub.replaceAll('%', '%25').replaceAll(':', '%3A');
}

/** The command's context from the authenticated request's headers (400 when a header is malformed). */
export const CommandRequest = createParamDecorator((_: unknown, context: ExecutionContext): CommandMeta =>
  commandMetaOf(context.switchToHttp().getRequest<AuthenticatedRequest>()),
);
