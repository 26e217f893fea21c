import { randomUUID } from 'node:crypto';
import { closeBody, decisionBody, openCaseBody, requestBody } from '../support/case-bodies';
import { openCaseWithRequest } from '../support/case-with-request';
import { startTestApp, type TestApp } from '../support/test-app';

const AGENCY = 'agency-a';

let t: TestApp;
let officer: string;
beforeAll(async () => {
  t = await startTestApp();
  officer = await t.token({ role: 'officer', agencyId: AGENCY, sub: 'officer-1' });
});
afterAll(() => t.close());

const caseWithRequest = () => openCaseWithRequest(t, officer, AGENCY);

describe('Idempotency-Key', () => {
  it('answers a retry with the first response and writes nothing twice', async () => {
    const { caseId, requestId } = await caseWithRequest();
    const key = { 'Idempotency-Key': randomUUID() };
    const first = await t.post(`/cases/${caseId}/requests/${requestId}/decision`, officer, decisionBody, key);
    expect(first.status).toBe(201);
    const after = (await t.events()).length;

    const retry = await t.post(`/cases/${caseId}/requests/${requestId}/decision`, officer, decisionBody, key);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.etag).toBe(first.headers.etag);
    expect((await t.events()).length).toBe(after);
  });

  it('answers a retry of an open without caseId with the same case', async () => {
    const key = { 'Idempotency-Key': 'open-once' };
    const body = { ...openCaseBody(AGENCY), caseId: undefined };
    const first = await t.post('/cases', officer, body, key);
    const retry = await t.post('/cases', officer, body, key);
    expect(first.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(await t.events(first.body.streamId)).toHaveLength(1);
  });

  it('recognises a retry from the stream itself when the key table lost it', async () => {
    const { caseId } = await caseWithRequest();
    const key = { 'Idempotency-Key': randomUUID() };
    const first = await t.post(`/cases/${caseId}/close`, officer, closeBody, key);
    // As after a crash between the append and the key table's insert.
    const db = new (await import('better-sqlite3')).default(`${t.dataDir}/api.db`);
    db.prepare('DELETE FROM idempotency_keys').run();
    db.close();

    const retry = await t.post(`/cases/${caseId}/close`, officer, closeBody, key);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(await t.events(`case-${caseId}`)).toHaveLength(3);

    const other = await t.post(`/cases/${caseId}/close`, officer, { ...closeBody, reason: 'another' }, key);
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('refuses the same key with a different body, and writes nothing', async () => {
    const { caseId, requestId } = await caseWithRequest();
    const key = { 'Idempotency-Key': randomUUID() };
    await t.post(`/cases/${caseId}/requests/${requestId}/decision`, officer, decisionBody, key).expect(201);
    const before = (await t.events()).length;

    const changed = await t.post(
      `/cases/${caseId}/requests/${requestId}/decision`,
      officer,
      { ...decisionBody, rationale: 'Something else entirely.' },
      key,
    );
    expect(changed.status).toBe(409);
    expect(changed.body).toMatchObject({ statusCode: 409, code: 'IDEMPOTENCY_KEY_REUSED' });
    expect((await t.events()).length).toBe(before);
  });

  it('refuses the same key on another case or endpoint', async () => {
    const first = await caseWithRequest();
    const second = await caseWithRequest();
    const key = { 'Idempotency-Key': randomUUID() };
    await t.post(`/cases/${first.caseId}/close`, officer, closeBody, key).expect(201);
    const before = (await t.events()).length;

    const otherCase = await t.post(`/cases/${second.caseId}/close`, officer, closeBody, key);
    const otherEndpoint = await t.post(`/cases/${second.caseId}/requests`, officer, requestBody(), key);
    expect([otherCase.status, otherEndpoint.status]).toEqual([409, 409]);
    expect((await t.events()).length).toBe(before);
  });

  it('scopes keys to the caller: another officer may use the same key', async () => {
    const supervisor = await t.token({ role: 'supervisor', agencyId: AGENCY, sub: 'supervisor-1' });
    const key = { 'Idempotency-Key': 'shared-by-accident' };
    const mine = await t.post('/cases', officer, { ...openCaseBody(AGENCY), caseId: undefined }, key);
    const theirs = await t.post('/cases', supervisor, { ...openCaseBody(AGENCY), caseId: undefined }, key);
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.body.id).not.toBe(mine.body.id);
  });

  it('keeps apart callers whose sub and key run together into the same text', async () => {
    const pq = await t.token({ role: 'officer', agencyId: AGENCY, sub: 'p:q' });
    const p = await t.token({ role: 'officer', agencyId: AGENCY, sub: 'p' });
    const body = { ...openCaseBody(AGENCY), caseId: undefined };
    const first = await t.post('/cases', pq, body, { 'Idempotency-Key': 'r2' }).expect(201);
    const second = await t.post('/cases', p, body, { 'Idempotency-Key': 'q:r2' }).expect(201);
    expect(second.body.id).not.toBe(first.body.id);
    expect((await t.events(second.body.streamId)).map((e) => e.metadata.actor)).toEqual(['p']);
  });
});

describe('concurrency', () => {
  it('records exactly one of 20 concurrent decisions on one request; the others get a clean 409', async () => {
    const { caseId, requestId } = await caseWithRequest();
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.post(`/cases/${caseId}/requests/${requestId}/decision`, officer, {
          ...decisionBody,
          rationale: `Decision number ${i}`,
        }),
      ),
    );
    expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
    const refused = responses.filter((r) => r.status !== 201);
    expect(refused).toHaveLength(19);
    for (const r of refused) expect(r.body).toMatchObject({ statusCode: 409, code: 'ALREADY_DECIDED' });

    const decisions = (await t.events(`case-${caseId}`)).filter((e) => e.type === 'DecisionRecorded');
    expect(decisions).toHaveLength(1);
  });

  it('refuses a concurrent write made against a revision that has moved on (If-Match) with 412', async () => {
    const { caseId } = await caseWithRequest();
    const responses = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        t.post(`/cases/${caseId}/requests`, officer, requestBody(), {
          'If-Match': '"1"',
          'X-Correlation-Id': `c${i}`,
        }),
      ),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([201, 412, 412, 412, 412]);
    expect(await t.events(`case-${caseId}`)).toHaveLength(3);
  });
});
