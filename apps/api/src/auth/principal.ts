/** Who is calling, as the verified token says; nothing in a request body can change it. */
export const ROLES = ['officer', 'supervisor', 'counsel', 'oversight', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * The service records its own acts under actors of this prefix (the violation register, the
 * deadline scheduler, imports, the default ordinance): no person's token may name one, or their
 * acts would read as the service's.
 */
const SYSTEM_ACTOR_PREFIX = 'system:';

/** Control and format characters (NUL, newline, zero-width space, right-to-left override…). */
const INVISIBLE = /[\p{Cc}\p{Cf}]/u;

/**
 * Why a token's `sub` cannot name a person, or null when it can. It is recorded as the actor of
 * every act, and shown to counsel: it must read as what it is, so nothing invisible and no spaces
 * at either end, and nothing that reads as a system actor (in another case, or with a full-width
 * colon, which NFKC folds).
 */
export function subjectProblem(sub: unknown): string | null {
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 256) return 'must be 1–256 characters';
  if (INVISIBLE.test(sub) || sub.trim() !== sub)
    return 'must be visible text: no control or invisible characters, no spaces at either end';
  if (sub.normalize('NFKC').toLowerCase().startsWith(SYSTEM_ACTOR_PREFIX))
    return `must not begin with "${SYSTEM_ACTOR_PREFIX}", the service's own actors`;
  return null;
}

/** Roles whose reach ends at their own agency's records. */
export const AGENCY_SCOPED_ROLES: readonly Role[] = ['officer', 'supervisor'];

export interface Principal {
  /** The person; recorded as the actor of everything they write. */
  sub: string;
  role: Role;
  /** Present for agency-scoped roles (and optional for the others). */
  agencyId: string | null;
}
