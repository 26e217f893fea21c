import { randomUUID } from 'node:crypto';
import type { TestApp } from './test-app';

/**
 * Records, through the API as `token`, an encounter whose only ground is immigration status (a § 1
 * violation): its id, and the position to read it at.
 */
export async function stopOnStatusAlone(
  t: TestApp,
  token: string,
  agencyId: string,
): Promise<{ encounterId: string; position: string }> {
  const encounterId = randomUUID();
  const recorded = await t
    .post('/encounters', token, {
      encounterId,
      agencyId,
      occurredAt: '2025-02-20T10:00:00Z',
      kind: 'STOP',
      personRole: 'SUSPECT',
      grounds: ['IMMIGRATION_STATUS'],
    })
    .expect(201);
  return { encounterId, position: recorded.body.position as string };
}

/**
 * Opens a registry request and records the agency's participation in it (a § 6 violation), through
 * the API as `token`: the matter's id, and the position to read it at.
 */
export async function registryParticipation(
  t: TestApp,
  token: string,
  agencyId: string,
): Promise<{ matterId: string; position: string }> {
  const matterId = randomUUID();
  await t
    .post('/matters', token, {
      matterId,
      agencyId,
      kind: 'REGISTRY_REQUEST',
      receivedAt: '2025-02-10T10:00:00Z',
      description: 'A request to contribute to a registry',
    })
    .expect(201);
  const acted = await t
    .post(`/matters/${matterId}/actions`, token, {
      action: 'PARTICIPATED',
      at: '2025-02-11T10:00:00Z',
      legalBasis: 'NONE',
    })
    .expect(201);
  return { matterId, position: acted.body.position as string };
}
