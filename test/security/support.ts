import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

/** Limits off: the matrix and the fuzz send far more than 100 requests a second on purpose. */
export const NO_RATE_LIMITS = { rateLimitPerSecond: 0, publicRateLimitPerSecond: 0 } as const;

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export interface RawRequest {
  method: string;
  /** Full path including `/api/v1`. */
  path: string;
  headers?: Record<string, string>;
  /** Sent byte for byte: no serialisation, no Content-Type guessing. */
  body?: Buffer | string;
  /** For streams (SSE): resolve once the status line and headers arrive, then hang up. */
  headersOnly?: boolean;
}

/**
 * One HTTP request with exact bytes, against `baseUrl` (the app's listening URL). supertest
 * serialises a Buffer as JSON when the Content-Type says JSON, which defeats raw-byte tests.
 */
export function rawRequest(baseUrl: string, options: RawRequest): Promise<RawResponse> {
  const url = new URL(options.path, baseUrl);
  const body = options.body === undefined ? undefined : Buffer.from(options.body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: options.method,
        headers: {
          ...(body === undefined || options.headers?.['Transfer-Encoding'] !== undefined
            ? {}
            : { 'Content-Length': String(body.length) }),
          ...options.headers,
        },
      },
      (res) => {
        if (options.headersOnly) {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: '', json: undefined });
          res.destroy();
          req.destroy();
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** The error body every 4xx carries (api-exception.filter.ts). */
export function isErrorBody(json: unknown, status: number): boolean {
  return (
    typeof json === 'object' &&
    json !== null &&
    (json as { statusCode?: unknown }).statusCode === status &&
    typeof (json as { message?: unknown }).message === 'string'
  );
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
