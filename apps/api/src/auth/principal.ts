/** Who is calling, as the verified token says; nothing in a request body can change it. */
export const ROLES = ['officer', 'supervisor', 'counsel', 'oversight', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * The service records its own acts under actors of this prefix (the violation register, the
 * deadline scheduler, imports, the default ordinance): no person's token may name one, or their
 * acts would read as the service's.
 */
export const SYSTEM_ACTOR_PREFIX = 'system:';

/** Why a token's `sub` cannot name a person, or null when it can. */
export function subjectProblem(sub: unknown): string | null {
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 256) return 'must be 1–256 characters';
  if (sub.startsWith(SYSTEM_ACTOR_PREFIX))
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
