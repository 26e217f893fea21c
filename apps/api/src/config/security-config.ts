import { isIP } from 'node:net';
import { wholeNumberSetting } from './whole-number';

/**
 * The edge's configuration (rate limits, proxies, CORS, logging), read from the environment by
 * `loadConfig` like every other setting, so an operator sees every mistake in one message.
 */
export interface SecurityConfig {
  /** RATE_LIMIT_PER_SECOND: requests per second per client (token `sub`, else IP); 0 turns it off. */
  rateLimitPerSecond: number;
  /** PUBLIC_RATE_LIMIT_PER_SECOND: the same for `/public/*`, stricter by default; 0 turns it off. */
  publicRateLimitPerSecond: number;
  /**
   * TRUST_PROXY: which hops' `X-Forwarded-For` to believe (Fastify's `trustProxy`): false (the
   * socket's address is the client), true (every hop: only behind a proxy that overwrites the
   * header), a number of hops, or the proxies' addresses/CIDRs.
   */
  trustProxy: boolean | number | string[];
  /** CORS_ORIGINS: browser origins allowed to call the API; empty turns CORS off. */
  corsOrigins: string[];
  /** LOG_LEVEL: pino level of the structured JSON log on stdout. */
  logLevel: LogLevel;
  /**
   * METRICS_TOKEN: the bearer token a Prometheus scraper sends for what /metrics shows operators
   * only (request counts, events applied, exact lag, the process): a secret of its own, so that a
   * scraper's configuration holds no token that can do anything else. Unset: nobody gets them.
   */
  metricsToken?: string;
}

/** As JWT_SECRET's: a token nobody can guess. */
const MIN_METRICS_TOKEN_LENGTH = 32;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
type LogLevel = (typeof LOG_LEVELS)[number];

/** API.md: "the defaults allow at least 50 requests per second per client" (with headroom for jitter). */
const DEFAULT_RATE_LIMIT_PER_SECOND = 100;
const DEFAULT_PUBLIC_RATE_LIMIT_PER_SECOND = 60;
const CIDR = /^(.+)\/(\d{1,3})$/;

/**
 * Parses the edge's variables, pushing each problem onto `problems` (the caller throws them all at
 * once) and returning the defaults in place of invalid values.
 */
export function loadSecurityConfig(
  overrides: Partial<SecurityConfig>,
  env: NodeJS.ProcessEnv,
  problems: string[],
): SecurityConfig {
  const str = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };

  const rate = (name: string, override: number | undefined, fallback: number): number =>
    wholeNumberSetting(
      { name, text: str(name), override, fallback },
      { min: 0, max: 1_000_000, what: 'of requests per second (0 turns it off)' },
      problems,
    );
  const rateLimitPerSecond = rate(
    'RATE_LIMIT_PER_SECOND',
    overrides.rateLimitPerSecond,
    DEFAULT_RATE_LIMIT_PER_SECOND,
  );
  const publicRateLimitPerSecond = rate(
    'PUBLIC_RATE_LIMIT_PER_SECOND',
    overrides.publicRateLimitPerSecond,
    DEFAULT_PUBLIC_RATE_LIMIT_PER_SECOND,
  );

  const trustProxy = overrides.trustProxy ?? parseTrustProxy(str('TRUST_PROXY'), problems);
  const corsOrigins = overrides.corsOrigins ?? parseCorsOrigins(str('CORS_ORIGINS'), problems);

  const levelText = (overrides.logLevel ?? str('LOG_LEVEL') ?? 'info').toLowerCase();
  let logLevel: LogLevel = 'info';
  if ((LOG_LEVELS as readonly string[]).includes(levelText)) logLevel = levelText as LogLevel;
  else problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${levelText}"`);

  const metricsToken = overrides.metricsToken ?? str('METRICS_TOKEN');
  if (metricsToken !== undefined && metricsToken.length < MIN_METRICS_TOKEN_LENGTH) {
    problems.push(`METRICS_TOKEN must be at least ${MIN_METRICS_TOKEN_LENGTH} characters`);
  }

  return {
    rateLimitPerSecond,
    publicRateLimitPerSecond,
    trustProxy,
    corsOrigins,
    logLevel,
    ...(metricsToken !== undefined && { metricsToken }),
  };
}

function parseTrustProxy(text: string | undefined, problems: string[]): SecurityConfig['trustProxy'] {
  if (text === undefined || text.toLowerCase() === 'false') return false;
  if (text.toLowerCase() === 'true') return true;
  if (/^\d+$/.test(text)) return Number(text);
  const entries = text.split(',').map((entry) => entry.trim());
  const invalid = entries.filter((entry) => !isAddressOrCidr(entry));
  if (invalid.length > 0) {
    problems.push(
      `TRUST_PROXY must be false, true, a number of hops or comma-separated proxy addresses/CIDRs; not addresses: ${invalid.map((e) => `"${e}"`).join(', ')}`,
    );
    return false;
  }
  return entries;
}

function isAddressOrCidr(entry: string): boolean {
  const cidr = CIDR.exec(entry);
  if (!cidr) return isIP(entry) !== 0;
  const version = isIP(cidr[1]);
  const bits = Number(cidr[2]);
  return version !== 0 && bits <= (version === 4 ? 32 : 128);
}

function parseCorsOrigins(text: string | undefined, problems: string[]): string[] {
  if (text === undefined) return [];
  const origins: string[] = [];
  for (const entry of text.split(',').map((e) => e.trim())) {
    if (entry === '') continue;
    if (entry === '*') {
      problems.push('CORS_ORIGINS must name each allowed origin; "*" would let any web page call the API');
      continue;
    }
    let url: URL | undefined;
    try {
      url = new URL(entry);
    } catch {
      url = undefined;
    }
    const isOrigin =
      url !== undefined &&
      (url.protocol === 'https:' || url.protocol === 'http:') &&
      (url.pathname === '/' || url.pathname === '') &&
      url.search === '' &&
      url.hash === '' &&
      url.username === '' &&
      url.password === '';
    if (!isOrigin) {
      problems.push(`CORS_ORIGINS entries must be origins like https://cases.example.org, got "${entry}"`);
      continue;
    }
    origins.push(url!.origin);
  }
  return origins;
}
