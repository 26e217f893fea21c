import { decodeJwt, SignJWT } from 'jose';
import { v4 as uuidv4 } from 'uuid';
import { AGENCY_ID_PATTERN } from '../common/validators';
import type { AppConfig } from '../config/app-config';
import { AGENCY_SCOPED_ROLES, subjectProblem, type Role } from './principal';

export interface TokenRequest {
  role: Role;
  agencyId?: string;
  /** Defaults to a fresh UUID: every token names some person. */
  sub?: string;
  /** jose time span (`'1h'`, `'15m'`) or seconds since the epoch. */
  expiresIn?: string | number;
}

/** Signs a token for the embedded set-up (HS256 with the configured secret), for the CLI and tests. */
export async function mintToken(config: AppConfig, request: TokenRequest): Promise<string> {
  if (!config.jwtSecret) {
    throw new Error(
      'tokens can be minted only with JWT_SECRET (or the generated secret), not with an external JWKS',
    );
  }
  if (AGENCY_SCOPED_ROLES.includes(request.role) && !request.agencyId) {
    throw new Error(`role ${request.role} needs an agency id`);
  }
  if (request.agencyId !== undefined && !AGENCY_ID_PATTERN.test(request.agencyId)) {
    throw new Error(
      `agency id "${request.agencyId}" is malformed: 1–64 letters, digits, ".", "_", ":" or "-"`,
    );
  }
  const problem = request.sub === undefined ? null : subjectProblem(request.sub);
  if (problem !== null) throw new Error(`sub ${JSON.stringify(request.sub)} ${problem}`);
  const expiresIn = request.expiresIn ?? '1h';
  const jwt = new SignJWT({ role: request.role, ...(request.agencyId ? { agencyId: request.agencyId } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(request.sub ?? uuidv4())
    .setIssuedAt();
  try {
    jwt.setExpirationTime(expiresIn);
  } catch {
    // jose's own message ("Invalid time period format") names neither the value nor its form.
    throw new Error(
      `expires-in ${JSON.stringify(String(expiresIn))} is not a lifetime such as 30m, 8h or 2d`,
    );
  }
  if (config.jwtIssuer) jwt.setIssuer(config.jwtIssuer);
  if (config.jwtAudience) jwt.setAudience(config.jwtAudience);
  const token = await jwt.sign(new TextEncoder().encode(config.jwtSecret));
  // The API would refuse it before its exp: say so now, not when it stops working.
  const { iat = 0, exp = 0 } = decodeJwt(token);
  if (exp <= iat) throw new Error(`a token must live some time; ${String(expiresIn)} is ${exp - iat} s`);
  if (exp - iat > config.jwtMaxTokenAgeSeconds) {
    throw new Error(
      `a token may live at most ${config.jwtMaxTokenAgeSeconds} s (JWT_MAX_TOKEN_AGE_SECONDS); ${String(expiresIn)} is ${exp - iat} s`,
    );
  }
  return token;
}
