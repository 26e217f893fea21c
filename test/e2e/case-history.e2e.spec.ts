import { randomUUID } from 'node:crypto';
import { closeBody, decisionBody, noticeBody, openCaseBody, requestBody } from '../support/case-bodies';
import { EVENT_CODEC, type EventCodec } from '../../apps/api/src/write/event-codec';
import { startTestApp, type TestApp } from '../support/test-app';

const AGENCY = 'agency-a';

let t: TestApp;
let officer: string;
let supervisor: string;
let caseId: string;
const requestId = randomUUID();

beforeAll(async () => {
  t = await startTestApp();
  officer = await t.token({ role: 'officer', agencyId: AGENCY, sub: 'officer-1' });
  supervisor = await t.token({ role: 'supervisor', agencyId: AGENCY, sub: 'supervisor-1' });
  caseId = randomUUID();
  await t
    .post('/cases', officer, openCaseBody(AGENCY, caseId), { 'X-Correlation-Id': 'intake-7' })
    .expect(201);
  await t.post(`/cases/${caseId}/requests`, officer, requestBody(requestId)).expect(201);
  t.clock.advance(60_000);
  await t.post(`/cases/${caseId}/notices`, supervisor, noticeBody(requestId)).expect(201);
  await t.post(`/cases/${caseId}/requests/${requestId}/decision`, supervisor, decisionBody).expect(201);
  await t.post(`/cases/${caseId}/close`, officer, closeBody).expect(201);
});
afterAll(() => t.close());

const history = (token: string, query = '') => t.get(`/cases/${caseId}/history${query}`, token);

it('lists everything recorded on the case, in order, with who wrote it and when', async () => {
  const response = await history(officer);
  expect(response.status).toBe(200);
  expect(response.body.nextCursor).toBeNull();
  // Data as the codec gives it back (personal data decrypted), everything else as stored.
  const codec = t.app.get<EventCodec>(EVENT_CODEC);
  const stored = await t.events(`case-${caseId}`);
  const decoded = await Promise.all(stored.map((e) => codec.decode(e)));
  expect(response.body.items).toEqual(
    stored.map((e, i) => ({
      eventId: e.id,
      type: e.type,
      data: decoded[i].data,
      revision: e.revision,
      position: t.sealed(e.position),
      recordedAt: e.metadata.recordedAt,
      actor: e.metadata.actor,
      correlationId: e.metadata.correlationId,
      causationId: null,
    })),
  );
  const items = response.body.items as Array<Record<string, unknown>>;
  expect(items.map((i) => [i.type, i.revision, i.actor])).toEqual([
    ['CaseOpened', 0, 'officer-1'],
    ['FederalRequestReceived', 1, 'officer-1'],
    ['NoticeIssued', 2, 'supervisor-1'],
    ['DecisionRecorded', 3, 'supervisor-1'],
    ['CaseClosed', 4, 'officer-1'],
  ]);
  expect(items[0]).toMatchObject({
    correlationId: 'intake-7',
    recordedAt: '2025-03-01T12:00:00.000Z',
    data: { caseId, agencyId: AGENCY, subject: { fullName: 'María Pérez', aNumber: 'A123456789' } },
  });
  expect(items[2].recordedAt).toBe('2025-03-01T12:01:00.000Z');
});

it('pages with limit and cursor', async () => {
  const all = (await history(officer)).body.items as Array<{ eventId: string }>;
  const pages: Array<Array<{ eventId: string }>> = [];
  let query = '?limit=2';
  for (;;) {
    const page = await history(officer, query);
    expect(page.status).toBe(200);
    pages.push(page.body.items);
    if (page.body.nextCursor === null) break;
    query = `?limit=2&cursor=${encodeURIComponent(page.body.nextCursor as string)}`;
  }
  expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
  expect(pages.flat()).toEqual(all);
});

it('takes an empty cursor or limit, as in `?cursor=&limit=`, for one not given', async () => {
  const first = await history(officer);
  for (const query of ['?cursor=&limit=', '?cursor=', '?limit=&cursor=']) {
    const page = await history(officer, query);
    expect(page.status).toBe(200);
    expect(page.body).toEqual(first.body);
  }
  const two = await history(officer, '?cursor=&limit=2');
  expect(two.body.items).toEqual(first.body.items.slice(0, 2));
});

it.each([
  ['?limit=0', 'limit'],
  ['?limit=501', 'limit'],
  ['?limit=ten', 'limit'],
  ['?cursor=somewhere', 'cursor'],
  ['?sort=desc', 'sort'],
])('refuses %s with 400 naming the parameter', async (query, field) => {
  const response = await history(officer, query);
  expect(response.status).toBe(400);
  expect((response.body.errors as Array<{ field: string }>).map((e) => e.field)).toEqual([field]);
});

it('is open to counsel for every agency, and to no other role', async () => {
  expect((await history(await t.token({ role: 'counsel' }))).status).toBe(200);
  expect((await history(await t.token({ role: 'oversight' }))).status).toBe(403);
  expect((await history(await t.token({ role: 'admin' }))).status).toBe(403);
});

it('answers an officer of another agency exactly as for an unknown case', async () => {
  const other = await t.token({ role: 'officer', agencyId: 'agency-b' });
  const foreign = await history(other);
  const unknown = await t.get(`/cases/${randomUUID()}/history`, officer);
  expect(foreign.status).toBe(404);
  expect(foreign.body).toEqual(unknown.body);
});
