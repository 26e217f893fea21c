/**
 * What the log must never hold: the personal data of the people these records are about and the
 * credentials of the people who keep them. Request bodies are never logged at all (see
 * logging.ts); this is the second line, applied to every object and message that is logged, at any
 * depth, so that a careless `logger.log({ body })` or an error carrying a request still leaks
 * nothing.
 */

export const REDACTED = '[redacted]';

/** API.md's personal data: a case's subject, a certification's victim, and their parts. */
export const PERSONAL_DATA_KEYS = [
  'subject',
  'victim',
  'fullName',
  'dateOfBirth',
  'aNumber',
  'attorney',
  'designee',
] as const;

/** Keys whose values are replaced wherever they appear (compared case-insensitively). */
const SENSITIVE_KEYS: ReadonlySet<string> = new Set(
  [
    ...PERSONAL_DATA_KEYS,
    // Credentials.
    'authorization',
    'proxy-authorization',
    'cookie',
    'set-cookie',
    'password',
    'secret',
    'token',
    'accessToken',
    'refreshToken',
    'jwtSecret',
    'masterKey',
    'evidenceSigningKey',
    'privateKey',
    // Bodies are never logged; if one is, nothing of it survives.
    'body',
    'rawBody',
  ].map((key) => key.toLowerCase()),
);

/** Scrubbed from any logged text: bearer credentials, JWTs, alien registration numbers. */
const SECRET_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/]+=*/gi, `$1 ${REDACTED}`],
  [/\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g, REDACTED],
  [/\bA-?\d{3}-?\d{3}-?\d{2,3}\b/g, REDACTED],
];

const MAX_DEPTH = 10;

export function scrubText(text: string): string {
  let result = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) result = result.replace(pattern, replacement);
  return result;
}

/**
 * A copy of `value` with every sensitive key's value replaced and every string scrubbed. Cycles
 * and anything deeper than MAX_DEPTH are cut off; errors keep their name, message and stack.
 */
export function scrub(value: unknown): unknown {
  return scrubValue(value, 0, new WeakSet());
}

function scrubValue(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => scrubValue(item, depth + 1, seen));
    if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
    // No prototype, so that a logged `__proto__` key stays a plain key.
    const out = Object.create(null) as Record<string, unknown>;
    if (value instanceof Error) {
      out.type = value.name;
      out.message = scrubText(value.message);
      if (value.stack) out.stack = scrubText(value.stack);
    }
    for (const [key, item] of Object.entries(value)) {
      out[key] = SENSITIVE_KEYS.has(key.toLowerCase()) ? REDACTED : scrubValue(item, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}
