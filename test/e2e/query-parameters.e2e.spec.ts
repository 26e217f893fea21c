import { randomUUID } from 'node:crypto';
import { openCaseBody } from '../support/case-bodies';
import { API, startTestApp, type TestApp } from '../support/test-app';

// A handler with a query DTO refuses a parameter it does not declare; one without a DTO used to
// ignore it, answering something other than what was asked (the current quarter for `?period=2026`).

const AGENCY = 'agency-a';

let t: TestApp;
let officer: string;
let counsel: string;
let caseId: string;
let position: string;

beforeAll(async () => {
  t = await startTestApp();
  officer = await t.token({ role: 'officer', agencyId: AGENCY });
  counsel = await t.token({ role: 'counsel' });
  caseId = randomUUID();
  const opened = await t.post('/cases', officer, openCaseBody(AGENCY, caseId)).expect(201);
  position = opened.body.position as string;
});
afterAll(() => t.close());

const stray = (field: string) => [{ field, reason: `property ${field} should not exist` }];

it.each([
  ['a violation', () => `/violations/${randomUUID()}?status=OPEN`, 'status'],
  ['a case’s evidence pack', () => `/cases/${caseId}/evidence?asOf=2025-03-01T00:00:00Z`, 'asOf'],
  ['a case’s integrity', () => `/cases/${caseId}/integrity?verbose=1`, 'verbose'],
  ['the ordinance', () => '/ordinance?version=1', 'version'],
  ['the statistics stream', () => '/public/statistics/stream?period=2026', 'period'],
  ['the signing key', () => '/public/signing-key?format=jwk', 'format'],
])('refuses a query parameter on %s, whose handler takes none', async (_, path, field) => {
  const response = await t.get(path(), counsel);
  expect(response.status).toBe(400);
  expect(response.body.errors).toEqual(stray(field));
});

it('names every stray parameter, as a query DTO does', async () => {
  const forDto = await t.get('/violations?foo=1&bar=2', counsel);
  const forNone = await t.get(`/violations/${randomUUID()}?foo=1&bar=2`, counsel);
  expect(forNone.status).toBe(400);
  expect(forNone.body).toEqual(forDto.body);
});

it.each(['constructor', 'toString', '__proto__'])(
  'refuses %s as a parameter where a query DTO would not see it',
  async (field) => {
    for (const path of ['/violations', `/cases/${caseId}`, '/public/statistics?period=2025']) {
      const response = await t.get(`${path}${path.includes('?') ? '&' : '?'}${field}=1`, counsel);
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual(stray(field));
    }
  },
);

it('refuses a query parameter on a command, and records nothing', async () => {
  const before = (await t.events()).length;
  const response = await t.post(`/cases?agencyId=${AGENCY}`, officer, openCaseBody(AGENCY));
  expect(response.status).toBe(400);
  expect(response.body.errors).toEqual(stray('agencyId'));
  // minPosition is a read's: a command would not wait for it.
  const waiting = await t.post(`/cases?minPosition=${position}`, officer, openCaseBody(AGENCY));
  expect(waiting.body.errors).toEqual(stray('minPosition'));
  expect(await t.events()).toHaveLength(before);
});

it('still takes minPosition on any GET', async () => {
  const response = await t.get(`/violations/${randomUUID()}?minPosition=${position}`, counsel);
  expect(response.status).toBe(404);
  expect(response.body.code).toBe('VIOLATION_NOT_FOUND');
});

it('asks for a token before it looks at the query', async () => {
  const response = await t.http().get(`${API}/violations/${randomUUID()}?foo=1`);
  expect(response.status).toBe(401);
});

it('names a stray parameter beside the path’s and the body’s faults, in one 400', async () => {
  const command = await t.post('/cases/not-an-id/close?foo=1', officer, { closedAt: 'yesterday' });
  expect(command.status).toBe(400);
  expect(command.body.errors).toEqual([
    ...stray('foo'),
    { field: 'caseId', reason: 'caseId must be a UUID' },
    expect.objectContaining({ field: 'closedAt' }),
    expect.objectContaining({ field: 'reason' }),
  ]);
  // A read that waits for its own write checks its input first, the stray parameter included.
  const read = await t.get(`/violations/not-an-id?minPosition=${position}&foo=1`, counsel);
  expect(read.status).toBe(400);
  expect(read.body.errors).toEqual([
    ...stray('foo'),
    { field: 'violationId', reason: 'violationId must be a UUID' },
  ]);
});
