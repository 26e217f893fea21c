import { randomUUID } from 'node:crypto';
import type { TestApp } from './test-app';

export const CERTIFICATION_VICTIM = {
  fullName: 'Rosa Quintero',
  dateOfBirth: '1988-07-04',
  preferredLanguage: 'es-MX',
};

/**
 * A valid `POST /certifications` body of API.md, to be varied by each spec; without a
 * certificationId, so the server names it unless the spec does.
 */
export const certificationBody = (agencyId: string, overrides: object = {}) => ({
  agencyId,
  form: 'I-918B',
  requestedAt: '2025-02-20T15:00:00Z',
  requester: 'ATTORNEY',
  inRemovalProceedings: false,
  qualifyingActivity: 'Felonious assault',
  victim: CERTIFICATION_VICTIM,
  ...overrides,
});

/** Requests a certification through the API as `token`: its id, and the position to read it at. */
export async function requestCertification(
  t: TestApp,
  token: string,
  agencyId: string,
  overrides: object = {},
): Promise<{ certificationId: string; position: string }> {
  const certificationId = randomUUID();
  const requested = await t
    .post('/certifications', token, certificationBody(agencyId, { certificationId, ...overrides }))
    .expect(201);
  return { certificationId, position: requested.body.position as string };
}
