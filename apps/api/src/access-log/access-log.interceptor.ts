import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { ValidationError } from '@trust-ledger/domain';
import { randomUUID } from 'node:crypto';
import { concatMap, type Observable } from 'rxjs';
import type { AuthenticatedRequest } from '../auth/decorators';
import { CaseViewsController } from '../case-views/case-views.controller';
import { CaseHistoryController } from '../cases/case-history.controller';
import { CertificationsController } from '../certifications/certifications.controller';
import { API_PREFIX, TOKEN_HEADER } from '../common/http-tokens';
import { canonicalId, DISPLAY_REORDERING } from '../common/validators';
import { EvidenceController } from '../evidence/evidence.controller';
import { AccessLog, type Accessed, type ReadView } from './access-log';

/** Whose personal data a served read carried: the case or certification in the path, or each listed. */
type Served = (request: AuthenticatedRequest, body: unknown) => Accessed[];

// The path's id as the handler read it (IsId): capitals must not log the read under an id whose
// access log nobody asks for.
const caseInPath: Served = (request) => [
  { caseId: canonicalId((request.params as { caseId: string }).caseId) },
];
const casesListed: Served = (_request, body) =>
  (body as { items: { caseId: string }[] }).items.map(({ caseId }) => ({ caseId }));
const certificationInPath: Served = (request) => [
  { certificationId: canonicalId((request.params as { certificationId: string }).certificationId) },
];
const certificationsListed: Served = (_request, body) =>
  (body as { items: { certificationId: string }[] }).items.map(({ certificationId }) => ({
    certificationId,
  }));

/**
 * Every route that serves personal data (a case's subject, a certification's victim), by handler.
 * Whoever adds such a route adds it here; the access-log spec checks that each of these is recorded.
 */
const AUDITED_READS = new Map<unknown, { view: ReadView; served: Served }>([
  [CaseViewsController.prototype.get, { view: 'CASE', served: caseInPath }],
  [CaseViewsController.prototype.list, { view: 'CASE_LIST', served: casesListed }],
  [CaseHistoryController.prototype.history, { view: 'HISTORY', served: caseInPath }],
  [EvidenceController.prototype.evidence, { view: 'EVIDENCE', served: caseInPath }],
  [CertificationsController.prototype.get, { view: 'CERTIFICATION', served: certificationInPath }],
  [CertificationsController.prototype.history, { view: 'HISTORY', served: certificationInPath }],
  [EvidenceController.prototype.certificationEvidence, { view: 'EVIDENCE', served: certificationInPath }],
  [CertificationsController.prototype.list, { view: 'CERTIFICATION_LIST', served: certificationsListed }],
]);

const MAX_PURPOSE_LENGTH = 500;
const PREFIXED = new RegExp(`^/${API_PREFIX}(?=/|$)`);
const CONTROL = /\p{Cc}/u;

/**
 * Records each successful read of personal data on the access-log stream of the case or
 * certification it belongs to, before the response leaves: if the record cannot be stored, the
 * reader gets a 500 and no data. A refused read (401, 403, 404, 400, 503) served nothing and is not
 * recorded.
 */
@Injectable()
export class AccessLogInterceptor implements NestInterceptor {
  constructor(private readonly log: AccessLog) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const audited = context.getType() === 'http' ? AUDITED_READS.get(context.getHandler()) : undefined;
    if (audited === undefined) return next.handle();
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = request.principal;
    if (principal === undefined) throw new Error('audited reads must be authenticated');
    const purpose = purposeOf(request);
    const asOf = (request.query as { asOf?: unknown } | undefined)?.asOf;
    const correlation = request.headers['x-correlation-id'];

    return next.handle().pipe(
      concatMap(async (body: unknown) => {
        await this.log.record(audited.served(request, body), {
          principal,
          view: audited.view,
          endpoint: endpointOf(request),
          asOf: typeof asOf === 'string' ? asOf : null,
          purpose,
          correlationId:
            typeof correlation === 'string' && TOKEN_HEADER.test(correlation) ? correlation : randomUUID(),
        });
        return body;
      }),
    );
  }
}

/**
 * The optional `X-Purpose` header: why the reader needs the data, up to 500 characters. Node hands
 * header bytes over as Latin-1; a purpose sent as UTF-8 is decoded as such.
 */
function purposeOf(request: AuthenticatedRequest): string | null {
  const header = request.headers['x-purpose'];
  if (header === undefined) return null;
  const raw = Array.isArray(header) ? header.join(', ') : header;
  let text = raw;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(raw, 'latin1'));
  } catch {
    // Not UTF-8: keep it as Latin-1.
  }
  text = text.trim();
  if (
    text.length === 0 ||
    text.length > MAX_PURPOSE_LENGTH ||
    CONTROL.test(text) ||
    DISPLAY_REORDERING.test(text)
  ) {
    throw new ValidationError([
      {
        field: 'X-Purpose',
        reason: `must be 1–${MAX_PURPOSE_LENGTH} characters of text without control characters, bidirectional formatting characters or Unicode line separators`,
      },
    ]);
  }
  return text;
}

/** `GET /cases/{caseId}/history`: the route as API.md writes it, without the global prefix. */
function endpointOf(request: AuthenticatedRequest): string {
  const route = (request.routeOptions.url ?? '').replace(PREFIXED, '');
  return `${request.method} ${route.replace(/:(\w+)/g, '{$1}') || '/'}`;
}
