import { defaultOrdinanceVersion } from '@trust-ledger/domain';
import { randomUUID } from 'node:crypto';
import { decisionBody, openCaseBody, requestBody } from '../support/case-bodies';
import type { TestApp } from '../support/test-app';

/** Records of every kind, built through the API, for tests that must address existing ones. */

export const AGENCY = 'agency-a';
export const OTHER_AGENCY = 'agency-b';
/** The test clock stands at 2025-03-01: 2024-Q3 and 2024-Q4 have ended, 2025-Q1 has not. */
export const ENDED_PERIOD = '2024-Q4';
export const UNPUBLISHED_ENDED_PERIOD = '2024-Q3';

export const ROLES = ['officer', 'supervisor', 'counsel', 'oversight', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export type Tokens = Record<Role | 'officerOfAnotherAgency', string>;

export interface Fixtures {
  /** Agency A's case with a pending DETAINER request. */
  caseId: string;
  requestId: string;
  /** Another case of agency A, for erasure. */
  eraseCaseId: string;
  certificationId: string;
  matterId: string;
  encounterId: string;
  /** An S2 violation (a detainer honored without a judicial warrant) on a case of agency A. */
  violationId: string;
  /** `period` of a published report. */
  publishedPeriod: string;
}

export const encounterBody = () => ({
  encounterId: randomUUID(),
  agencyId: AGENCY,
  occurredAt: '2025-02-20T10:00:00Z',
  kind: 'STOP',
  personRole: 'SUSPECT',
  grounds: ['CRIMINAL_OFFENSE'],
  statusInquiry: { asked: false, justification: 'NONE' },
});

export const certificationBody = () => ({
  certificationId: randomUUID(),
  agencyId: AGENCY,
  form: 'I-918B',
  requestedAt: '2025-02-01T10:00:00Z',
  requester: 'ATTORNEY',
  inRemovalProceedings: false,
  qualifyingActivity: 'Domestic violence',
  victim: { fullName: 'Rosa Víctima', dateOfBirth: '1985-01-02', preferredLanguage: 'es' },
});

export const assistanceRefusalBody = () => ({
  at: '2025-02-05T10:00:00Z',
  description: 'Did not attend the interview',
});
export const certificationDecisionBody = () => ({
  outcome: 'CERTIFIED',
  decidedAt: '2025-02-20T10:00:00Z',
  explanation: 'Helpful to the investigation',
});
export const withdrawalBody = () => ({ at: '2025-02-21T10:00:00Z', reason: 'Withdrawn by the requester' });

export const matterBody = () => ({
  matterId: randomUUID(),
  agencyId: AGENCY,
  kind: 'REGISTRY_REQUEST',
  receivedAt: '2025-02-10T10:00:00Z',
  requestingAgency: 'DHS_OTHER',
  protectedCharacteristics: ['RELIGION'],
  description: 'A request to contribute to a registry',
});
export const matterActionBody = () => ({
  action: 'DECLINED',
  at: '2025-02-11T10:00:00Z',
  legalBasis: 'NONE',
});

export const reviewBody = () => ({
  status: 'CONFIRMED',
  note: 'The detainer was honored without a judicial warrant.',
});

/** A version like the default, effective far in the future, so that adopting it judges nothing anew. */
export function ordinanceVersionBody(): Record<string, unknown> {
  const { version: _version, ...terms } = defaultOrdinanceVersion('2090-01-01T00:00:00Z');
  return terms;
}

export async function mintTokens(t: TestApp): Promise<Tokens> {
  return {
    officer: await t.token({ role: 'officer', agencyId: AGENCY, sub: 'officer-a' }),
    officerOfAnotherAgency: await t.token({ role: 'officer', agencyId: OTHER_AGENCY, sub: 'officer-b' }),
    supervisor: await t.token({ role: 'supervisor', agencyId: AGENCY, sub: 'supervisor-a' }),
    counsel: await t.token({ role: 'counsel', sub: 'counsel-1' }),
    oversight: await t.token({ role: 'oversight', sub: 'oversight-1' }),
    admin: await t.token({ role: 'admin', sub: 'admin-1' }),
  };
}

/**
 * Builds every fixture through the API. Where one cannot be built (its endpoint missing or
 * refusing), its id stays a fresh UUID and the reason is in `problems`, so that the tests using it
 * fail by name rather than the whole file.
 */
export async function buildFixtures(
  t: TestApp,
  tokens: Tokens,
): Promise<{ fixtures: Fixtures; problems: string[] }> {
  const fixtures: Fixtures = {
    caseId: randomUUID(),
    requestId: randomUUID(),
    eraseCaseId: randomUUID(),
    certificationId: randomUUID(),
    matterId: randomUUID(),
    encounterId: randomUUID(),
    violationId: randomUUID(),
    publishedPeriod: ENDED_PERIOD,
  };
  const problems: string[] = [];
  const build = async (
    name: string,
    send: () => PromiseLike<{ status: number; body: unknown }>,
    status = 201,
  ) => {
    const response = await send();
    if (response.status !== status)
      problems.push(`${name}: ${response.status} ${JSON.stringify(response.body)}`);
    return response;
  };
  const { officer, counsel, admin } = tokens;

  await build('case', () => t.post('/cases', officer, openCaseBody(AGENCY, fixtures.caseId)));
  await build('request', () =>
    t.post(`/cases/${fixtures.caseId}/requests`, officer, requestBody(fixtures.requestId)),
  );
  await build('case to erase', () => t.post('/cases', officer, openCaseBody(AGENCY, fixtures.eraseCaseId)));

  const violationCaseId = randomUUID();
  const violationRequestId = randomUUID();
  await build('violation case', () => t.post('/cases', officer, openCaseBody(AGENCY, violationCaseId)));
  await build('violation request', () =>
    t.post(`/cases/${violationCaseId}/requests`, officer, requestBody(violationRequestId)),
  );
  const honored = await build('honored decision', () =>
    t.post(`/cases/${violationCaseId}/requests/${violationRequestId}/decision`, officer, {
      ...decisionBody,
      outcome: 'HONORED',
      basis: 'NONE',
      rationale: 'Honored on the administrative warrant',
    }),
  );
  const position = (honored.body as { position?: string }).position ?? '0';
  const found = await build(
    'violation (read back)',
    () => t.get(`/violations?streamId=case-${violationCaseId}&minPosition=${position}`, counsel),
    200,
  );
  const violationId = (found.body as { items?: Array<{ violationId: string }> }).items?.[0]?.violationId;
  if (violationId) fixtures.violationId = violationId;
  else problems.push(`violation: none listed for case-${violationCaseId}: ${JSON.stringify(found.body)}`);

  await build('certification', () =>
    t.post('/certifications', officer, { ...certificationBody(), certificationId: fixtures.certificationId }),
  );
  await build('matter', () => t.post('/matters', officer, { ...matterBody(), matterId: fixtures.matterId }));
  await build('encounter', () =>
    t.post('/encounters', officer, { ...encounterBody(), encounterId: fixtures.encounterId }),
  );
  await build('report of an ended period', () => t.post('/reports', admin, { period: ENDED_PERIOD }));
  return { fixtures, problems };
}

/** An endpoint path with its `{name}` parameters filled from the fixtures. */
export const resolvePath = (path: string, fixtures: Fixtures): string =>
  path.replace(/\{(\w+)\}/g, (_, name: string) => fixtures[name as keyof Fixtures]);
