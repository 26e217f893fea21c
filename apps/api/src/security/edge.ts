import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import { Logger } from 'nestjs-pino';
import type { SecurityConfig } from '../config/security-config';
import { assertIdentityEncoding, assertUtf8Charset, parseJsonBody, refuseNonJsonBody } from './json-body';
import { requestIdOf } from './logging';
import { RateLimiter } from './rate-limiter';

/**
 * Content-Security-Policy for every response. JSON needs none of it; the Swagger UI at /docs loads
 * its scripts and styles from this origin (scripts as files, never inline), inlines some styles and
 * uses data: images. No `upgrade-insecure-requests`: it would break the UI over plain http on a
 * developer's machine, and HSTS covers production.
 */
const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  baseUri: ["'self'"],
  connectSrc: ["'self'"],
  fontSrc: ["'self'", 'data:'],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  imgSrc: ["'self'", 'data:'],
  objectSrc: ["'none'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
};

const HELMET_OPTIONS: FastifyHelmetOptions = {
  global: true,
  contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
  frameguard: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
  strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
};

/** Headers a browser client sends and reads (API.md's conventions); used only when CORS is on. */
const CORS_ALLOWED_HEADERS = [
  'Authorization',
  'Content-Type',
  'Idempotency-Key',
  'If-Match',
  'If-None-Match',
  'X-Correlation-Id',
  'X-Purpose',
  'X-Request-Id',
  'Last-Event-ID',
];
const CORS_EXPOSED_HEADERS = [
  'ETag',
  'Retry-After',
  'X-Request-Id',
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
];

/** The methods a path may answer to, in the order `Allow` lists them (OPTIONS is CORS's, on every path). */
const ROUTED_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** The methods the router has a route for at the request's path (HEAD wherever GET, as Fastify routes it). */
function allowedMethods(request: FastifyRequest): string[] {
  return ROUTED_METHODS.filter((method) => request.server.findRoute({ method, url: request.url }) !== null);
}

/** Options of the Fastify server itself: which proxies to believe, request ids, path parameters. */
/**
 * A path the router cannot decode (a broken percent-encoding) is refused before any route: in
 * Fastify's own body it lacked the `errors` every 400 names its fields in (API.md), and quoted the
 * path back. (Fastify's only other framework error is an async route constraint's: none is used.)
 */
function refuseUnroutable(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = error.code === 'FST_ERR_BAD_URL' ? 400 : 500;
  // No hook runs for a request no route takes: the headers every answer carries that matter here.
  void reply.headers({
    'x-request-id': request.id,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  void reply.code(status).send(
    status === 400
      ? {
          statusCode: 400,
          error: 'Bad Request',
          message: 'Validation failed',
          errors: [{ field: 'path', reason: 'is not a valid URL: a percent-encoding is malformed' }],
        }
      : { statusCode: 500, error: 'Internal Server Error', message: 'Internal server error' },
  );
}

export function edgeServerOptions(config: SecurityConfig): {
  trustProxy: FastifyServerOptions['trustProxy'];
  genReqId: (request: { headers: IncomingHttpHeaders }) => string;
  routerOptions: { maxParamLength: number };
  frameworkErrors: FastifyServerOptions['frameworkErrors'];
} {
  const { trustProxy } = config;
  return {
    frameworkErrors: refuseUnroutable,
    // Past Fastify's default of 100, a path parameter was its own bare 414, without this service's
    // headers and quoting the path: every length reaches the validators, which name the field.
    // Under routerOptions: Fastify deprecates the top-level option and warns at every start.
    routerOptions: { maxParamLength: 16_384 },
    // Fastify takes a number of hops too, but its types do not say so: the same, as a function.
    trustProxy: typeof trustProxy === 'number' ? (_address, hop) => hop < trustProxy : trustProxy,
    genReqId: (request: { headers: IncomingHttpHeaders }) => requestIdOf(request.headers['x-request-id']),
  };
}

/**
 * Everything between the socket and the controllers, installed on the created (not yet
 * initialised) application: structured logging, security headers, CORS, the rate limits, JSON-only
 * strictly parsed bodies, and no caching of anything but public data. `prefix` is the global
 * prefix (`api/v1`).
 */
export async function hardenEdges(
  app: NestFastifyApplication,
  config: SecurityConfig,
  prefix: string,
): Promise<void> {
  app.useLogger(app.get(Logger));

  // Awaited, so that its hook runs before the one below and a 429 carries the headers too.
  await app.register(helmet, HELMET_OPTIONS);

  if (config.corsOrigins.length > 0) {
    app.enableCors({
      origin: config.corsOrigins,
      methods: ['GET', 'HEAD', 'POST'],
      allowedHeaders: CORS_ALLOWED_HEADERS,
      exposedHeaders: CORS_EXPOSED_HEADERS,
      credentials: false,
      maxAge: 600,
    });
  }

  // Replaces Fastify's JSON parser; every other type is read and refused (json-body.ts). Nest then
  // registers no parser of its own. The body limit stays the server's (1 MiB → 413).
  app.useBodyParser('application/json', {}, (request, body, done) => {
    let parsed: unknown;
    try {
      assertUtf8Charset(request.headers['content-type']);
      assertIdentityEncoding(request.headers['content-encoding']);
      parsed = parseJsonBody(body);
    } catch (error) {
      done(error as Error, undefined);
      return;
    }
    done(null, parsed);
  });
  app.useBodyParser('*', {}, (_request, _body, done) => {
    try {
      refuseNonJsonBody();
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  app.getHttpAdapter().getInstance().removeContentTypeParser('text/plain');

  const limiter = app.get(RateLimiter);
  const root = `/${prefix}`;
  const publicRoot = `${root}/public`;
  const docsRoot = `${root}/docs`;
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', async (request: FastifyRequest, reply) => {
      void reply.header('X-Request-Id', request.id);
      const path = request.url.split('?')[0];
      // Case records must never sit in a shared or browser cache; a handler may still say otherwise.
      if (path.startsWith(publicRoot)) {
        // Public figures change with every fact recorded (a report with every amendment): a cache
        // may keep them, but must ask again before serving them.
        void reply.header('Cache-Control', 'no-cache');
      } else if (!path.startsWith(docsRoot)) void reply.header('Cache-Control', 'no-store');

      const decision = await limiter.consume(request, root);
      if (decision.limited) {
        void reply.header('X-RateLimit-Limit', decision.limit);
        void reply.header('X-RateLimit-Remaining', decision.remaining);
        if (decision.blocked) {
          return reply
            .code(429)
            .header('Retry-After', String(decision.retryAfterSeconds))
            .send({
              statusCode: 429,
              error: 'Too Many Requests',
              message: `Rate limit of ${decision.limit} requests per second exceeded; retry after ${decision.retryAfterSeconds} s`,
            });
        }
      }

      // A path that exists, asked with a method it lacks, is 405 with what it takes (RFC 9110
      // § 15.5.6), not 404. Only the route's shape decides, never whether a record exists.
      const allowed = request.is404 ? allowedMethods(request) : [];
      if (allowed.length > 0) {
        return reply
          .code(405)
          .header('Allow', allowed.join(', '))
          .send({
            statusCode: 405,
            error: 'Method Not Allowed',
            message: `${request.method} is not allowed here; this path takes ${allowed.join(', ')}`,
          });
      }
    });
}
