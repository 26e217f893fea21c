import { randomUUID } from 'node:crypto';
import { openCaseBody, requestBody } from './case-bodies';
import type { TestApp } from './test-app';

/** Opens a case for `agencyId` with one pending detainer request, as `token`; returns their ids. */
export async function openCaseWithRequest(
  t: TestApp,
  token: string,
  agencyId: string,
): Promise<{ caseId: string; requestId: string }> {
  const caseId = randomUUID();
  const requestId = randomUUID();
  await t.post('/cases', token, openCaseBody(agencyId, caseId)).expect(201);
  await t.post(`/cases/${caseId}/requests`, token, requestBody(requestId)).expect(201);
  return { caseId, requestId };
}
