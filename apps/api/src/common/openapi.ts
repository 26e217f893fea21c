import type { INestApplication } from '@nestjs/common';
import {
  DocumentBuilder,
  getSchemaPath,
  SwaggerModule,
  type OpenAPIObject,
  type OperationObject,
  type ParameterObject,
  type ReferenceObject,
  type ResponseObject,
} from '@nestjs/swagger';
import { READ_YOUR_WRITES_TIMEOUT_MS } from '../observability/read-your-writes.interceptor';
import { ErrorResponse, ValidationErrorResponse } from './error-response';

const errorBody = (model: typeof ErrorResponse): ResponseObject['content'] => ({
  'application/json': { schema: { $ref: getSchemaPath(model) } },
});

/**
 * The API's OpenAPI document: what the decorators say of each route, and what every route answers
 * because of a component in front of all of them rather than its own code (see `answersOfEvery`).
 */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Trust Ledger')
    .setDescription('Case tracking for the Model Immigration Protection Ordinance (see API.md)')
    .setVersion('1')
    .addBearerAuth()
    // RateLimiter answers every request, before routing (security/edge.ts).
    .addGlobalResponse({
      status: 429,
      type: ErrorResponse,
      description: 'Over the rate limit',
      headers: {
        'Retry-After': {
          description: 'Seconds until a request is served again',
          schema: { type: 'integer' },
        },
      },
    })
    .addGlobalResponse({
      status: 500,
      type: ErrorResponse,
      description:
        'Unexpected failure; code ALTERED_EVENT when an event in the log was altered (run `verify`)',
    })
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    extraModels: [ErrorResponse, ValidationErrorResponse],
    // Routes are tagged by what they are about (cases, certifications…), not by controller class.
    autoTagControllers: false,
  });
  for (const { get, post } of Object.values(document.paths)) {
    if (get !== undefined) answersOfEvery.get(get);
    if (post !== undefined) answersOfEvery.post(post);
    for (const operation of [get, post]) if (operation !== undefined) answersOfEvery.operation(operation);
  }
  return document;
}

/** Adds `status` to the operation's responses unless its decorators already describe it. */
function answer(operation: OperationObject, status: number, response: ResponseObject): void {
  operation.responses[status] ??= response;
}

const isReference = (value: object): value is ReferenceObject => '$ref' in value;

const MIN_POSITION: ParameterObject = {
  name: 'minPosition',
  in: 'query',
  required: false,
  schema: { type: 'string' },
  description: `A command's \`position\`: the read answers once the read models have reached it (read your own writes), waiting up to ${READ_YOUR_WRITES_TIMEOUT_MS / 1000} s, else 503 with the lag`,
};

/** ApiExceptionFilter's answer to EventStoreUnavailableError, on any route that reads or writes the log. */
const STORE_UNAVAILABLE = 'STORE_UNAVAILABLE: the event log did not answer in time (Retry-After)';

/** Each mirrors the component that gives the answer, so that a new route is documented alike. */
const answersOfEvery = {
  /** ReadYourWritesInterceptor: any GET may carry minPosition. */
  get(operation: OperationObject): void {
    const parameters = (operation.parameters ??= []);
    if (!parameters.some((p) => !isReference(p) && p.in === 'query' && p.name === MIN_POSITION.name)) {
      parameters.push(MIN_POSITION);
    }
    answer(operation, 400, { description: 'Invalid query or path; every offending field is named' });
    answer(operation, 503, {
      description: `minPosition not reached within ${READ_YOUR_WRITES_TIMEOUT_MS / 1000} s (Retry-After); lag says how far behind. Or ${STORE_UNAVAILABLE}`,
    });
  },

  /** The body parsers (security/edge.ts, json-body.ts) and the server's body limit. */
  post(operation: OperationObject): void {
    answer(operation, 400, { description: 'Invalid body; every offending field is named' });
    answer(operation, 413, { description: 'Body over 1 MiB' });
    answer(operation, 415, {
      description: 'Body not application/json in UTF-8, or sent with a Content-Encoding (compressed)',
    });
    answer(operation, 503, {
      description: `${STORE_UNAVAILABLE}: a command may or may not have been recorded; retry it with the same Idempotency-Key`,
    });
  },

  /** AuthGuard, and ApiExceptionFilter, which gives every error its one shape. */
  operation(operation: OperationObject): void {
    if ((operation.security?.length ?? 0) > 0) {
      answer(operation, 401, { description: 'Missing or invalid bearer token' });
    }
    for (const [status, response] of Object.entries(operation.responses)) {
      if (Number(status) < 400 || response === undefined || isReference(response) || response.content)
        continue;
      response.content = errorBody(status === '400' ? ValidationErrorResponse : ErrorResponse);
    }
  },
};
