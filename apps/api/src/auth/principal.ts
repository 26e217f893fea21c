/** Who is calling, as the verified token says; nothing in a request body can change it. */
export const ROLES = ['officer', 'supervisor', 'counsel', 'oversight', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Roles whose reach ends at their own agency's records. */
export const AGENCY_SCOPED_ROLES: readonly Role[] = ['officer', 'supervisor'];

export interface Principal {
  /** The person; recorded as the actor of everything they write. */
  sub: string;
  role: Role;
  /** Present for agency-scoped roles (and optional for the others). */
  agencyId: string | null;
}
