/** The global prefix of every route (API.md's paths are written without it). */
export const API_PREFIX = 'api/v1';

/** What Idempotency-Key and X-Correlation-Id may hold: 1–255 visible ASCII characters. */
export const TOKEN_HEADER = /^[\x21-\x7e]{1,255}$/;
