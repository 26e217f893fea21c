import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import {
  createRemoteJWKSet,
  errors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
} from 'jose';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { AGENCY_ID_PATTERN } from '../common/validators';
import { AGENCY_SCOPED_ROLES, ROLES, subjectProblem, type Principal, type Role } from './principal';

/**
 * Verifies bearer tokens. Algorithms are pinned per trust source (HS256 for the shared secret,
 * RS256/ES256 for an identity provider's JWKS) so that a token can never pick its own, `alg: none`
 * included; `exp` and `iat` are mandatory, and a token older than JWT_MAX_TOKEN_AGE_SECONDS is
 * refused whatever its `exp`, so that no token lives long.
 */
/**
 * How far the issuer's clock may run ahead of (or behind) this host's for `iat`, `nbf` and `exp`:
 * an identity provider a second ahead had every fresh token refused as issued in the future.
 */
const CLOCK_TOLERANCE_SECONDS = 30;

@Injectable()
export class TokenVerifier {
  private readonly getKey: JWTVerifyGetKey;
  private readonly options: JWTVerifyOptions;
  /** The rate limiter and the guard both need a request's caller: its token is verified once. */
  private readonly verified = new WeakMap<object, Promise<Principal>>();

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const common = {
      requiredClaims: ['exp', 'iat', 'sub'],
      maxTokenAge: config.jwtMaxTokenAgeSeconds,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      issuer: config.jwtIssuer,
      audience: config.jwtAudience,
    };
    if (config.jwtJwksUrl) {
      this.getKey = createRemoteJWKSet(new URL(config.jwtJwksUrl));
      this.options = { ...common, algorithms: ['RS256', 'ES256'] };
    } else if (config.jwtSecret) {
      const secret = new TextEncoder().encode(config.jwtSecret);
      this.getKey = () => secret;
      this.options = { ...common, algorithms: ['HS256'] };
    } else {
      throw new Error('no JWT trust source configured');
    }
  }

  /** The caller of a request bearing `Authorization: Bearer <token>`; rejects with a 401 otherwise. */
  principalOf(request: { headers: { authorization?: string } }): Promise<Principal> {
    let principal = this.verified.get(request);
    if (principal === undefined) {
      const [scheme, token] = (request.headers.authorization ?? '').split(' ');
      principal =
        scheme?.toLowerCase() === 'bearer' && token
          ? this.verify(token)
          : Promise.reject(new UnauthorizedException('Bearer token required'));
      this.verified.set(request, principal);
    }
    return principal;
  }

  async verify(token: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.getKey, this.options));
    } catch (e) {
      throw new UnauthorizedException(e instanceof errors.JWTExpired ? 'Token expired' : 'Invalid token');
    }
    return principalFrom(payload);
  }
}

function principalFrom(payload: JWTPayload): Principal {
  const { sub, role, agencyId } = payload;
  if (typeof sub !== 'string' || subjectProblem(sub) !== null) {
    throw new UnauthorizedException('Token has no valid sub claim');
  }
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
    throw new UnauthorizedException(`Token role must be one of ${ROLES.join(', ')}`);
  }
  if (agencyId !== undefined && (typeof agencyId !== 'string' || !AGENCY_ID_PATTERN.test(agencyId))) {
    throw new UnauthorizedException('Token agencyId claim is malformed');
  }
  const scoped = AGENCY_SCOPED_ROLES.includes(role as Role);
  if (scoped && agencyId === undefined) {
    throw new UnauthorizedException(`Token for role ${role} must carry agencyId`);
  }
  // Only officers and supervisors belong to an agency (API.md); another role's claim would only be
  // recorded, e.g. on the access log, as if it limited what they read.
  return { sub, role: role as Role, agencyId: scoped ? (agencyId ?? null) : null };
}
