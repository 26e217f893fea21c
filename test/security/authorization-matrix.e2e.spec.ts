import {
  accessBody,
  closeBody,
  decisionBody,
  disclosureBody,
  eligibleBody,
  noticeBody,
  openCaseBody,
  requestBody,
} from '../support/case-bodies';
import { API, startTestApp, type TestApp } from '../support/test-app';
import {
  AGENCY,
  assistanceRefusalBody,
  buildFixtures,
  certificationBody,
  certificationDecisionBody,
  ENDED_PERIOD,
  encounterBody,
  matterActionBody,
  matterBody,
  mintTokens,
  ordinanceVersionBody,
  OTHER_AGENCY,
  reviewBody,
  UNPUBLISHED_ENDED_PERIOD,
  withdrawalBody,
  resolvePath,
  type Fixtures,
  type Role,
  type Tokens,
} from './fixtures';
import { NO_RATE_LIMITS, rawRequest, type RawResponse } from './support';

/**
 * Who may call what, generated from ONE table: every endpoint of API.md (and the few the code adds)
 * × every kind of caller → the status class expected. "allowed" is anything but 401 and 403 (and,
 * so that a missing route or a crash never passes for an authorization, neither the router's own
 * 404 nor a 5xx). "404" is the answer for another agency's record (never 403: nobody learns it
 * exists). The fixtures are built through the API first; a row whose endpoint does not exist yet
 * stays in the table and fails, naming the missing route.
 */

const CALLERS = [
  'anonymous',
  'officer',
  'officerOfAnotherAgency',
  'supervisor',
  'counsel',
  'oversight',
  'admin',
] as const;
type Caller = (typeof CALLERS)[number];
type Expected = 'allowed' | 401 | 403 | 404;

interface Row {
  method: 'GET' | 'POST';
  /** With placeholders: {caseId}, {requestId}, {eraseCaseId}, {certificationId}, {matterId},
   * {encounterId}, {violationId}. */
  path: string;
  body?: (f: Fixtures) => object;
  expected: Record<Caller, Expected>;
  /** A stream (SSE): only its status line is read. */
  stream?: boolean;
}

/**
 * A row for a route only `allow` may call. `otherAgency` is what an officer of another agency gets
 * when officers are allowed: 404 for one of agency A's records, 403 when it names agency A
 * itself (a list filter, a creating command), allowed when it names nothing.
 */
function only(allow: Role[], otherAgency: Expected | null = null): Record<Caller, Expected> {
  const expected = { anonymous: 401 } as Record<Caller, Expected>;
  for (const role of ['officer', 'supervisor', 'counsel', 'oversight', 'admin'] as const) {
    expected[role] = allow.includes(role) ? 'allowed' : 403;
  }
  if (allow.includes('officer') && otherAgency === null) throw new Error('say what another agency gets');
  expected.officerOfAnotherAgency = allow.includes('officer') ? otherAgency! : 403;
  return expected;
}
const everyone: Record<Caller, Expected> = Object.fromEntries(CALLERS.map((c) => [c, 'allowed'])) as Record<
  Caller,
  Expected
>;

/** Every role; only a caller without a token is refused. */
const signedIn: Record<Caller, Expected> = { ...everyone, anonymous: 401 };

const AGENCY_WRITERS: Role[] = ['officer', 'supervisor'];
const CASE_READERS: Role[] = ['officer', 'supervisor', 'counsel'];
const VIOLATION_READERS: Role[] = ['officer', 'supervisor', 'counsel', 'oversight'];

const ROWS: Row[] = [
  // Cases (§§ 2–5, 13): officers and supervisors of the case's agency write.
  { method: 'POST', path: '/cases', body: () => openCaseBody(AGENCY), expected: only(AGENCY_WRITERS, 403) },
  {
    method: 'POST',
    path: '/cases/{caseId}/requests',
    body: () => requestBody(),
    expected: only(AGENCY_WRITERS, 404),
  },
  {
    method: 'POST',
    path: '/cases/{caseId}/notices',
    body: (f) => noticeBody(f.requestId),
    expected: only(AGENCY_WRITERS, 404),
  },
  {
    method: 'POST',
    path: '/cases/{caseId}/requests/{requestId}/decision',
    body: () => decisionBody,
    expected: only(AGENCY_WRITERS, 404),
  },
  {
    method: 'POST',
    path: '/cases/{caseId}/disclosures',
    body: (f) => disclosureBody(f.requestId),
    expected: only(AGENCY_WRITERS, 404),
  },
  {
    method: 'POST',
    path: '/cases/{caseId}/access',
    body: (f) => accessBody(f.requestId),
    expected: only(AGENCY_WRITERS, 404),
  },
  {
    method: 'POST',
    path: '/cases/{caseId}/custody-events',
    body: () => eligibleBody,
    expected: only(AGENCY_WRITERS, 404),
  },
  {
    method: 'POST',
    path: '/cases/{caseId}/close',
    body: () => closeBody,
    expected: only(AGENCY_WRITERS, 404),
  },
  // Reading cases: the case's agency and counsel.
  { method: 'GET', path: '/cases/{caseId}', expected: only(CASE_READERS, 404) },
  { method: 'GET', path: '/cases/{caseId}?asOf=2025-03-01T12:00:00Z', expected: only(CASE_READERS, 404) },
  { method: 'GET', path: '/cases/{caseId}/history', expected: only(CASE_READERS, 404) },
  { method: 'GET', path: '/cases', expected: only(CASE_READERS, 'allowed') },
  { method: 'GET', path: `/cases?agencyId=${AGENCY}`, expected: only(CASE_READERS, 403) },
  {
    method: 'GET',
    path: `/cases?agencyId=${OTHER_AGENCY}`,
    expected: { ...only(CASE_READERS, 'allowed'), officer: 403, supervisor: 403 },
  },
  // Integrity, privacy, access log, evidence.
  { method: 'GET', path: '/cases/{caseId}/integrity', expected: only(['counsel', 'admin']) },
  { method: 'GET', path: '/cases/{caseId}/access-log', expected: only(['counsel', 'admin']) },
  { method: 'GET', path: '/cases/{caseId}/evidence', expected: only(['counsel']) },
  {
    method: 'POST',
    path: '/cases/{eraseCaseId}/erase-personal-data',
    body: () => ({ reason: 'Ordered by the court' }),
    expected: only(['admin']),
  },
  { method: 'GET', path: '/public/signing-key', expected: everyone },
  // Encounters (§ 1).
  { method: 'POST', path: '/encounters', body: encounterBody, expected: only(AGENCY_WRITERS, 403) },
  { method: 'GET', path: '/encounters/{encounterId}/history', expected: only(CASE_READERS, 404) },
  { method: 'GET', path: '/encounters/{encounterId}/evidence', expected: only(['counsel']) },
  // Victim visa certifications (§ 9).
  { method: 'POST', path: '/certifications', body: certificationBody, expected: only(AGENCY_WRITERS, 403) },
  {
    method: 'POST',
    path: '/certifications/{certificationId}/assistance-refusals',
    body: assistanceRefusalBody,
    expected: only(AGENCY_WRITERS, 404),
  },
  {
    method: 'POST',
    path: '/certifications/{certificationId}/decision',
    body: certificationDecisionBody,
    expected: only(AGENCY_WRITERS, 404),
  },
  {
    method: 'POST',
    path: '/certifications/{certificationId}/withdraw',
    body: withdrawalBody,
    expected: only(AGENCY_WRITERS, 404),
  },
  { method: 'GET', path: '/certifications', expected: only(CASE_READERS, 'allowed') },
  { method: 'GET', path: `/certifications?agencyId=${AGENCY}`, expected: only(CASE_READERS, 403) },
  { method: 'GET', path: '/certifications/{certificationId}', expected: only(CASE_READERS, 404) },
  { method: 'GET', path: '/certifications/{certificationId}/history', expected: only(CASE_READERS, 404) },
  { method: 'GET', path: '/certifications/{certificationId}/evidence', expected: only(['counsel']) },
  {
    method: 'GET',
    path: '/certifications/{certificationId}/access-log',
    expected: only(['counsel', 'admin']),
  },
  // Erasing the victim leaves the certification readable and decidable for the rows that follow.
  {
    method: 'POST',
    path: '/certifications/{certificationId}/erase-personal-data',
    body: () => ({ reason: 'The victim asked to be forgotten' }),
    expected: only(['admin']),
  },
  // Institutional matters (§§ 6, 7, 8, 10).
  { method: 'POST', path: '/matters', body: matterBody, expected: only(AGENCY_WRITERS, 403) },
  {
    method: 'POST',
    path: '/matters/{matterId}/actions',
    body: matterActionBody,
    expected: only(AGENCY_WRITERS, 404),
  },
  { method: 'GET', path: '/matters', expected: only(CASE_READERS, 'allowed') },
  { method: 'GET', path: `/matters?agencyId=${AGENCY}`, expected: only(CASE_READERS, 403) },
  { method: 'GET', path: '/matters/{matterId}', expected: only(CASE_READERS, 404) },
  { method: 'GET', path: '/matters/{matterId}/history', expected: only(CASE_READERS, 404) },
  { method: 'GET', path: '/matters/{matterId}/evidence', expected: only(['counsel']) },
  // Violations (§ 12): officers their agency's, counsel and oversight all; counsel review.
  { method: 'GET', path: '/violations', expected: only(VIOLATION_READERS, 'allowed') },
  { method: 'GET', path: `/violations?agencyId=${AGENCY}`, expected: only(VIOLATION_READERS, 403) },
  { method: 'GET', path: '/violations/{violationId}', expected: only(VIOLATION_READERS, 404) },
  {
    method: 'POST',
    path: '/violations/{violationId}/review',
    body: reviewBody,
    expected: only(['counsel']),
  },
  // Public statistics and reports (§ 11): no token needed.
  { method: 'GET', path: '/public/statistics?period=2025-Q1', expected: everyone },
  { method: 'GET', path: `/public/statistics?period=2025-Q1&agencyId=${AGENCY}`, expected: everyone },
  { method: 'GET', path: '/public/statistics.csv?period=2025-Q1', expected: everyone },
  { method: 'GET', path: '/public/statistics/stream', expected: everyone, stream: true },
  { method: 'GET', path: '/public/reports', expected: everyone },
  { method: 'GET', path: `/public/reports/${ENDED_PERIOD}`, expected: everyone },
  // Reporting periods: supervisors and admins publish and amend.
  {
    method: 'POST',
    path: '/reports',
    body: () => ({ period: UNPUBLISHED_ENDED_PERIOD }),
    expected: only(['supervisor', 'admin']),
  },
  {
    method: 'POST',
    path: `/reports/${ENDED_PERIOD}/amendments`,
    body: () => ({ reason: 'A late-recorded decision' }),
    expected: only(['supervisor', 'admin']),
  },
  // Ordinance configuration (§ 14): admin writes, every role reads (API.md: a token on everything
  // but /public/*).
  { method: 'GET', path: '/ordinance', expected: signedIn },
  { method: 'GET', path: '/ordinance/versions', expected: signedIn },
  { method: 'POST', path: '/ordinance/versions', body: ordinanceVersionBody, expected: only(['admin']) },
  // Not in API.md, served by the integrity slice: an on-demand checkpoint of every stream's head.
  { method: 'POST', path: '/integrity/checkpoints', body: () => ({}), expected: only(['admin']) },
  // Health, metrics, docs.
  { method: 'GET', path: '/health', expected: everyone },
  // Anyone, without a token: the only bearer token /metrics takes is the scraper's METRICS_TOKEN.
  {
    method: 'GET',
    path: '/metrics',
    expected: { ...Object.fromEntries(CALLERS.map((c) => [c, 401])), anonymous: 'allowed' } as Record<
      Caller,
      Expected
    >,
  },
  { method: 'GET', path: '/docs', expected: everyone },
  { method: 'GET', path: '/docs-json', expected: everyone },
];

let t: TestApp;
let url: string;
let tokens: Tokens;
let fixtures: Fixtures;
/** What could not be built through the API (its endpoint missing or refusing), by fixture. */
let fixtureProblems: string[];

beforeAll(async () => {
  t = await startTestApp({ ...NO_RATE_LIMITS });
  url = await t.app.getUrl();
  tokens = await mintTokens(t);
  ({ fixtures, problems: fixtureProblems } = await buildFixtures(t, tokens));
});
afterAll(() => t.close());

const resolve = (path: string): string => resolvePath(path, fixtures);

/** The router's own 404 ("Cannot GET /api/v1/…"), as opposed to a record's. */
const isMissingRoute = (response: RawResponse): boolean =>
  response.status === 404 &&
  /^Cannot [A-Z]+ /.test(String((response.json as { message?: unknown })?.message));

it('builds every fixture through the API', () => {
  expect(fixtureProblems).toEqual([]);
});

describe.each(ROWS.map((row) => [`${row.method} ${row.path}`, row] as const))('%s', (_, row) => {
  it.each(CALLERS.map((caller) => [caller, row.expected[caller]] as const))(
    '%s → %s',
    async (caller, expected) => {
      const body = row.body?.(fixtures);
      const response = await rawRequest(url, {
        method: row.method,
        path: `${API}${resolve(row.path)}`,
        headers: {
          ...(caller === 'anonymous' ? {} : { Authorization: `Bearer ${tokens[caller]}` }),
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        headersOnly: row.stream,
      });
      const seen = `${response.status} ${response.text.slice(0, 300)}`;
      if (isMissingRoute(response)) throw new Error(`the endpoint does not exist: ${seen}`);
      if (expected === 'allowed') {
        expect([401, 403]).not.toContain(response.status);
        expect({ status: response.status < 500 ? 'not a 5xx' : seen }).toEqual({ status: 'not a 5xx' });
      } else {
        expect({ status: response.status, seen }).toMatchObject({ status: expected });
      }
    },
  );
});
