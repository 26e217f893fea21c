import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { LoggerService } from '@nestjs/common';
import { Logger, PinoLogger, type Params } from 'nestjs-pino';
import { stdTimeFunctions, type DestinationStream, type Logger as Pino, type LoggerOptions } from 'pino';
import type { Options as PinoHttpOptions } from 'pino-http';
import type { SecurityConfig } from '../config/security-config';
import { PERSONAL_DATA_KEYS, REDACTED, scrub, scrubText } from './log-redaction';

/**
 * pino's path redaction, a first line before the deep scrub of every logged object: headers that
 * carry credentials wherever a request or response is logged, and personal data up to four levels
 * deep.
 */
const REDACT_PATHS: string[] = [
  ...['req', 'request', 'res', 'response', '*'].flatMap((owner) => [
    `${owner}.headers.authorization`,
    `${owner}.headers["proxy-authorization"]`,
    `${owner}.headers.cookie`,
    `${owner}.headers["set-cookie"]`,
  ]),
  'headers.authorization',
  'headers.cookie',
  ...PERSONAL_DATA_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`]),
];

/** pino options shared by every log line: level, ISO times, redaction and the deep scrub. */
function pinoOptions(config: Pick<SecurityConfig, 'logLevel'>): LoggerOptions {
  return {
    level: config.logLevel,
    timestamp: stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    formatters: {
      // Every logged object, at any depth (child bindings are the serializers' whitelists below).
      log: (object) => scrub(object) as Record<string, unknown>,
    },
    hooks: {
      // Messages too: a stack trace or an interpolated string may quote a header.
      logMethod(args, method) {
        method.apply(this, args.map(scrubArgument) as Parameters<typeof method>);
      },
    },
  };
}

/**
 * pino takes the message of a logged error (or of an object's `err`) as the line's `msg`, which no
 * formatter sees: such errors are replaced by scrubbed copies before pino reads them.
 */
function scrubArgument(argument: unknown): unknown {
  if (typeof argument === 'string') return scrubText(argument);
  if (argument instanceof Error) return scrubbedError(argument);
  if (argument !== null && typeof argument === 'object' && !Array.isArray(argument)) {
    const entries = Object.entries(argument);
    if (entries.some(([, value]) => value instanceof Error)) {
      return Object.fromEntries(
        entries.map(([key, value]) => [key, value instanceof Error ? scrubbedError(value) : value]),
      );
    }
  }
  return argument;
}

function scrubbedError(error: Error): Error {
  const copy = new Error(scrubText(error.message));
  copy.name = error.name;
  copy.stack = error.stack === undefined ? undefined : scrubText(error.stack);
  return Object.assign(copy, scrub(Object.fromEntries(Object.entries(error))) as object);
}

type Request = IncomingMessage & { id?: unknown; ip?: string; originalUrl?: string };

/**
 * Every word of the API's own paths (a test holds this to the OpenAPI document). Any other segment
 * is a value the caller chose.
 */
export const ROUTE_WORDS: ReadonlySet<string> = new Set([
  'api',
  'v1',
  'access',
  'access-log',
  'actions',
  'amendments',
  'assistance-refusals',
  'cases',
  'certifications',
  'checkpoints',
  'close',
  'custody-events',
  'decision',
  'disclosures',
  'docs',
  'docs-json',
  'encounters',
  'erase-personal-data',
  'evidence',
  'health',
  'history',
  'integrity',
  'matters',
  'metrics',
  'notices',
  'ordinance',
  'public',
  'reports',
  'requests',
  'review',
  'signing-key',
  'statistics',
  'statistics.csv',
  'stream',
  'versions',
  'violations',
  'withdraw',
]);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PERIOD = /^\d{4}(-(Q[1-4]|\d{2}))?$/;

/**
 * The path alone (query strings are the caller's to choose and not worth the risk), with every
 * segment that is neither one of the API's words nor an id or a report period shown as `:value`: a
 * client that puts a person's name in a path must not put it in the log.
 */
const pathOf = (url: unknown): string | undefined =>
  typeof url === 'string'
    ? url
        .split('?')[0]
        .split('/')
        .map((segment) =>
          segment === '' || ROUTE_WORDS.has(segment) || UUID.test(segment) || PERIOD.test(segment)
            ? segment
            : ':value',
        )
        .join('/')
    : undefined;

/** A request id from the client (or nginx) if it is a sane token, else a fresh one. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
export function requestIdOf(header: string | string[] | undefined): string {
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}

/**
 * One JSON line per request, on completion: id, method, path, client address, status and time.
 * Serializers are whitelists: headers, query strings and bodies are never logged.
 */
function pinoHttpOptions(config: Pick<SecurityConfig, 'logLevel'>): PinoHttpOptions {
  return {
    ...pinoOptions(config),
    quietReqLogger: true,
    serializers: {
      req: (req: { id?: unknown; method?: string; url?: string; raw?: Request; remoteAddress?: string }) => ({
        id: req.id,
        method: req.method,
        path: pathOf(req.raw?.originalUrl ?? req.url),
        ip: req.raw?.ip ?? req.remoteAddress,
      }),
      // pino's own says null until it sees headersSent, which Fastify's raw response may not set.
      res: (res: { statusCode?: number | null; raw?: ServerResponse }) => ({
        statusCode: res.raw?.statusCode ?? res.statusCode,
      }),
    },
    customLogLevel: (req: IncomingMessage, res: ServerResponse, error?: Error) => {
      if (error || res.statusCode >= 500) return 'error';
      if (res.statusCode >= 400) return 'warn';
      // Probes and scrapes every few seconds would drown everything else.
      return /\/(health|metrics)$/.test(pathOf((req as Request).originalUrl ?? req.url) ?? '')
        ? 'debug'
        : 'info';
    },
    customSuccessMessage: () => 'request completed',
    customErrorMessage: () => 'request failed',
  };
}

/**
 * nestjs-pino's parameters: the request logger above, writing to stdout. process.stdout rather than
 * pino's own file-descriptor stream, so that writes are synchronous on Linux for files and pipes
 * (nothing lost on a crash) and a test can capture them.
 */
export function loggerParams(
  config: Pick<SecurityConfig, 'logLevel'>,
  destination: DestinationStream = process.stdout,
): Params {
  return { pinoHttp: [pinoHttpOptions(config), destination] };
}

/**
 * The process's one JSON logger, through which the application's logger writes too (nestjs-pino
 * makes it once, for whoever asks first): main's own lines, before the application exists or after
 * it failed, look like every other line.
 */
export function processLogger(config: Pick<SecurityConfig, 'logLevel'>): Pino {
  return new PinoLogger(loggerParams(config)).logger;
}

/** The same logger as Nest's, from its first line on: its report of a provider that failed too. */
export function nestLogger(config: Pick<SecurityConfig, 'logLevel'>): LoggerService {
  const params = loggerParams(config);
  return new Logger(new PinoLogger(params), params);
}
