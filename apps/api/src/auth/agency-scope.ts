import { ForbiddenException } from '@nestjs/common';
import { NotFoundError } from '@trust-ledger/domain';
import { AGENCY_SCOPED_ROLES, type Principal } from './principal';

/** Officers and supervisors reach only their own agency's records; every other role is not agency-bound. */
const isAgencyScoped = (principal: Principal): boolean => AGENCY_SCOPED_ROLES.includes(principal.role);

/**
 * For acting on or listing an agency by name (opening a case for it, `?agencyId=` on a list): the
 * caller already names the agency, so refusing says nothing new — 403.
 */
export function assertMayActFor(principal: Principal, agencyId: string): void {
  if (isAgencyScoped(principal) && principal.agencyId !== agencyId) {
    throw new ForbiddenException(`Role ${principal.role} may act only for agency ${principal.agencyId}`);
  }
}

/**
 * For one record: a record of another agency answers exactly like a record that does not exist,
 * so that nobody learns it exists. `recordAgencyId` is undefined when the record does not exist.
 */
export function assertMaySee(
  principal: Principal,
  recordAgencyId: string | undefined,
  notFound: () => NotFoundError,
): asserts recordAgencyId is string {
  if (recordAgencyId === undefined || (isAgencyScoped(principal) && principal.agencyId !== recordAgencyId)) {
    throw notFound();
  }
}

/** The agency a list must be narrowed to for this caller, or null when the caller sees all agencies. */
export const agencyScopeOf = (principal: Principal): string | null =>
  isAgencyScoped(principal) ? principal.agencyId : null;

/**
 * The agency a list is narrowed to: the one it asks for (`?agencyId=`, 403 for officers and
 * supervisors naming another than their own), else the caller's own, else every agency (undefined).
 */
export function listedAgencyOf(principal: Principal, requested: string | undefined): string | undefined {
  if (requested !== undefined) assertMayActFor(principal, requested);
  return requested ?? agencyScopeOf(principal) ?? undefined;
}
