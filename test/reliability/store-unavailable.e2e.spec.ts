import { EVENT_STORE, EventStoreUnavailableError, type EventStore } from '@trust-ledger/event-store';
import { randomUUID } from 'node:crypto';
import { openCaseBody, requestBody } from '../support/case-bodies';
import { startTestApp, type TestApp } from '../support/test-app';

const AGENCY = 'agency-a';
const silence = () =>
  new EventStoreUnavailableError(
    'EventStoreDB at db-1.internal:2113 did not answer a read of a stream within 10 s',
  );

let t: TestApp;
let officer: string;
let store: EventStore;
beforeAll(async () => {
  t = await startTestApp();
  officer = await t.token({ role: 'officer', agencyId: AGENCY, sub: 'officer-1' });
  store = t.app.get<EventStore>(EVENT_STORE);
});
afterEach(() => jest.restoreAllMocks());
afterAll(() => t.close());

describe('an event log that does not answer in time', () => {
  it('is a 503 that says a command may have been recorded, never where the log is', async () => {
    jest.spyOn(store, 'append').mockRejectedValueOnce(silence());
    const res = await t.post('/cases', officer, openCaseBody(AGENCY));
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      code: 'STORE_UNAVAILABLE',
      message:
        'The event log did not answer in time. A command may or may not have been recorded: retry it with the same Idempotency-Key.',
    });
  });

  it('records a command whose answer was lost once, when retried with the same Idempotency-Key', async () => {
    const append = store.append.bind(store);
    // The log wrote the events, but its answer never came back.
    jest.spyOn(store, 'append').mockImplementationOnce(async (...args) => {
      await append(...args);
      throw silence();
    });
    const key = { 'Idempotency-Key': randomUUID() };
    const caseId = randomUUID();
    const body = openCaseBody(AGENCY, caseId);
    expect((await t.post('/cases', officer, body, key)).status).toBe(503);
    const retry = await t.post('/cases', officer, body, key);
    expect(retry.status).toBe(201);
    expect(retry.body).toMatchObject({ id: caseId, streamId: `case-${caseId}`, revision: 0 });
    expect(await t.events(`case-${caseId}`)).toHaveLength(1);

    const requestId = randomUUID();
    jest.spyOn(store, 'append').mockImplementationOnce(async (...args) => {
      await append(...args);
      throw silence();
    });
    const requestKey = { 'Idempotency-Key': randomUUID() };
    const path = `/cases/${caseId}/requests`;
    expect((await t.post(path, officer, requestBody(requestId), requestKey)).status).toBe(503);
    const again = await t.post(path, officer, requestBody(requestId), requestKey);
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ id: requestId, revision: 1 });
    expect(await t.events(`case-${caseId}`)).toHaveLength(2);
  });

  it('is a 503 on a read of a stream too', async () => {
    const caseId = (await t.post('/cases', officer, openCaseBody(AGENCY))).body.id as string;
    // As the adapter fails: at the read's first answer, not when the read is asked for.
    jest.spyOn(store, 'readStream').mockImplementation(async function* () {
      yield* [];
      await Promise.reject(silence());
    });
    const res = await t.get(`/cases/${caseId}/history`, officer);
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('STORE_UNAVAILABLE');
    expect(JSON.stringify(res.body)).not.toContain('db-1.internal');
  });
});
