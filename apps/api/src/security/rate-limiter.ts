import { Injectable } from '@nestjs/common';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  normalizeIp,
  type ThrottlerModuleOptions,
  type ThrottlerOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import { TokenVerifier } from '../auth/token-verifier';
import type { SecurityConfig } from '../config/security-config';

const DEFAULT_THROTTLER = 'default';
const PUBLIC_THROTTLER = 'public';

/** One second: the configured limits are per second (a sliding window of the last second). */
const WINDOW_MS = 1000;

/**
 * @nestjs/throttler's configuration for the two limits. blockDuration 0: a refused request does not
 * count, so a client that slows down to the limit is served again within the window.
 */
export function throttlerOptions(config: SecurityConfig): ThrottlerModuleOptions {
  return {
    throttlers: [
      { name: DEFAULT_THROTTLER, ttl: WINDOW_MS, limit: config.rateLimitPerSecond, blockDuration: 0 },
      { name: PUBLIC_THROTTLER, ttl: WINDOW_MS, limit: config.publicRateLimitPerSecond, blockDuration: 0 },
    ],
  };
}

export type RateDecision =
  | { limited: false }
  | {
      limited: true;
      throttler: string;
      limit: number;
      remaining: number;
      retryAfterSeconds: number;
      blocked: boolean;
    };

/**
 * Counts each request against its client's budget in @nestjs/throttler's storage. It is called from
 * a Fastify `onRequest` hook rather than as a Nest guard, so that it runs before authentication,
 * routing and body parsing: floods of bad tokens, unknown paths and oversized bodies are limited
 * too, and a refused request costs no parsing.
 *
 * The client is the token's `sub` when the token verifies (so one person's budget follows them
 * across addresses and tokens, and nobody can spend another's by naming their `sub` in a forged
 * token), else the address (Fastify's `request.ip`, which honours TRUST_PROXY; IPv6 by /64).
 */
@Injectable()
export class RateLimiter {
  private readonly throttlers: Map<string, ThrottlerOptions>;

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
    private readonly verifier: TokenVerifier,
  ) {
    const list = Array.isArray(options) ? options : options.throttlers;
    this.throttlers = new Map(list.map((t) => [t.name ?? DEFAULT_THROTTLER, t]));
  }

  /** `/public/*` has its own, stricter budget; everything else shares the default one. */
  static throttlerFor(path: string, prefix: string): string {
    const rest = path.slice(prefix.length);
    return path.startsWith(prefix) && /^\/public(\/|$)/.test(rest) ? PUBLIC_THROTTLER : DEFAULT_THROTTLER;
  }

  async consume(request: FastifyRequest, prefix: string): Promise<RateDecision> {
    const path = request.url.split('?')[0];
    const name = RateLimiter.throttlerFor(path, prefix);
    const throttler = this.throttlers.get(name);
    const limit = Number(throttler?.limit ?? 0);
    const ttl = Number(throttler?.ttl ?? WINDOW_MS);
    if (!throttler || !(limit > 0)) return { limited: false };

    const tracker = await this.trackerOf(request);
    const record = await this.storage.increment(`${name}:${tracker}`, ttl, limit, 0, name);
    return {
      limited: true,
      throttler: name,
      limit,
      remaining: Math.max(0, limit - record.totalHits),
      retryAfterSeconds: Math.max(1, record.timeToBlockExpire),
      blocked: record.isBlocked,
    };
  }

  private async trackerOf(request: FastifyRequest): Promise<string> {
    try {
      return `sub:${(await this.verifier.principalOf(request)).sub}`;
    } catch {
      // No token, or an invalid one: the address answers for it.
      return `ip:${normalizeIp(request.ip)}`;
    }
  }
}
