import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EVENT_STORE, type EventStore } from '@trust-ledger/event-store';
import { CaseViewProjection, ProjectionRunner } from '@trust-ledger/projections';
import { SchedulerService } from '../../apps/api/src/scheduler/scheduler.service';
import { runnerWaitBegins } from '../support/runner-waits';
import { API, startTestApp, type TestApp } from '../support/test-app';

let t: TestApp;
let officerA: string;
let officerB: string;
let supervisorA: string;
let counsel: string;
let oversight: string;

beforeAll(async () => {
  t = await startTestApp({ metricsToken: METRICS_TOKEN });
  officerA = await t.token({ role: 'officer', agencyId: 'agency-a', sub: 'officer-a' });
  officerB = await t.token({ role: 'officer', agencyId: 'agency-b', sub: 'officer-b' });
  supervisorA = await t.token({ role: 'supervisor', agencyId: 'agency-a', sub: 'supervisor-a' });
  counsel = await t.token({ role: 'counsel', sub: 'counsel-1' });
  oversight = await t.token({ role: 'oversight', sub: 'oversight-1' });
});
afterAll(async () => {
  await t.close();
});
afterEach(() => jest.restoreAllMocks());

interface Written {
  id: string;
  revision: number;
  position: string;
}

async function post(token: string, path: string, body: object): Promise<Written> {
  const response = await t.http().post(`${API}${path}`).set('Authorization', `Bearer ${token}`).send(body);
  if (response.status !== 201)
    throw new Error(`${path}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as Written;
}

const get = (token: string, path: string) =>
  t.http().get(`${API}${path}`).set('Authorization', `Bearer ${token}`);

const openCase = (token: string, agencyId: string, fullName = 'Ana Pérez') =>
  post(token, '/cases', {
    agencyId,
    subject: { fullName, preferredLanguage: 'es', attorney: { name: 'Bo Li' } },
    custody: { status: 'IN_CUSTODY', bookedAt: '2025-02-28T22:00:00Z', facility: 'County Jail' },
    convictions: [{ offense: 'theft', category: 'MISDEMEANOR', convictedAt: '2019-05-01' }],
  });

const federalWarrant = {
  kind: 'JUDICIAL_WARRANT',
  issuerRole: 'FEDERAL_JUDGE',
  court: 'U.S. District Court',
  judgeName: 'Judge Roe',
  signedAt: '2025-02-27T10:00:00Z',
};

const recordRequest = (
  token: string,
  caseId: string,
  requestType: string,
  receivedAt: string,
  documents: object[] = [],
) =>
  post(token, `/cases/${caseId}/requests`, {
    requestingAgency: 'ICE',
    requestType,
    form: 'I-247A',
    receivedAt,
    documents,
  });

describe('GET /cases/{caseId}', () => {
  it('answers with the case view and its revision as ETag, once the projection has the write', async () => {
    const opened = await openCase(officerA, 'agency-a');
    const caseId = opened.id;
    const withWarrant = await recordRequest(officerA, caseId, 'DETAINER', '2025-03-01T08:00:00Z', [
      federalWarrant,
    ]);
    const notice = await post(officerA, `/cases/${caseId}/notices`, {
      requestId: withWarrant.id,
      purpose: 'REQUEST_AND_INTENT',
      recipient: 'SUBJECT',
      deliveredAt: '2025-03-01T09:00:00Z',
      method: 'WRITTEN_IN_PERSON',
      language: 'es',
      includesCopyOfRequest: true,
      statedIntent: 'COMPLY',
    });
    const decided = await post(officerA, `/cases/${caseId}/requests/${withWarrant.id}/decision`, {
      outcome: 'HONORED',
      basis: 'JUDICIAL_WARRANT',
      decidedAt: '2025-03-01T10:00:00Z',
      rationale: 'Signed by a federal judge',
    });

    const response = await get(officerA, `/cases/${caseId}?minPosition=${decided.position}`);
    expect(response.status).toBe(200);
    expect(response.headers.etag).toBe(`"${decided.revision}"`);
    expect(response.body).toMatchObject({
      caseId,
      agencyId: 'agency-a',
      status: 'OPEN',
      revision: 3,
      subject: { fullName: 'Ana Pérez', preferredLanguage: 'es', attorney: { name: 'Bo Li' } },
      custody: {
        status: 'IN_CUSTODY',
        facility: 'County Jail',
        bookedAt: '2025-02-28T22:00:00Z',
        eligibleForReleaseAt: null,
      },
      convictions: [{ offense: 'theft', category: 'MISDEMEANOR', convictedAt: '2019-05-01' }],
      requests: [
        {
          requestId: withWarrant.id,
          requestingAgency: 'ICE',
          requestType: 'DETAINER',
          form: 'I-247A',
          receivedAt: '2025-03-01T08:00:00Z',
          hasJudicialWarrant: true,
          status: 'HONORED',
          decision: { outcome: 'HONORED', basis: 'JUDICIAL_WARRANT', decidedAt: '2025-03-01T10:00:00Z' },
          notices: [{ noticeId: notice.id, recipient: 'SUBJECT' }],
        },
      ],
      notices: [{ noticeId: notice.id }],
      disclosures: [],
      accessGrants: [],
      violations: [],
    });

    // Supervisors of the agency and counsel read it; another agency's officer learns nothing.
    expect((await get(supervisorA, `/cases/${caseId}`)).status).toBe(200);
    expect((await get(counsel, `/cases/${caseId}`)).status).toBe(200);
    expect((await get(officerB, `/cases/${caseId}`)).status).toBe(404);
    expect((await get(oversight, `/cases/${caseId}`)).status).toBe(403);
    expect((await t.http().get(`${API}/cases/${caseId}`)).status).toBe(401);
    expect((await get(officerA, `/cases/6a9b1f00-0000-4000-8000-000000000000`)).status).toBe(404);
    expect((await get(officerA, `/cases/not-a-uuid`)).status).toBe(400);
  });

  it('answers ?asOf with the case as recorded then, replayed from its stream', async () => {
    t.clock.set('2025-03-02T12:00:00Z');
    const { id: caseId } = await openCase(officerA, 'agency-a');
    t.clock.set('2025-03-02T13:00:00Z');
    await recordRequest(officerA, caseId, 'NOTIFICATION', '2025-03-02T12:30:00Z');
    t.clock.set('2025-03-02T14:00:00Z');
    const closed = await post(officerA, `/cases/${caseId}/close`, {
      closedAt: '2025-03-02T13:59:00Z',
      reason: 'released',
    });

    const then = await get(officerA, `/cases/${caseId}?asOf=2025-03-02T12:30:00Z`);
    expect(then.status).toBe(200);
    expect(then.headers.etag).toBe('"0"');
    expect(then.body).toMatchObject({
      revision: 0,
      status: 'OPEN',
      requests: [],
      subject: { fullName: 'Ana Pérez' },
    });

    const later = await get(officerA, `/cases/${caseId}?asOf=2025-03-02T13:30:00%2B00:00`);
    expect(later.body).toMatchObject({
      revision: 1,
      status: 'OPEN',
      requests: [{ requestType: 'NOTIFICATION' }],
    });

    const now = await get(officerA, `/cases/${caseId}?minPosition=${closed.position}`);
    expect(now.body).toMatchObject({ revision: 2, status: 'CLOSED' });
    // The replayed past and the projection agree on everything the past holds.
    expect((await get(officerA, `/cases/${caseId}?asOf=2025-03-02T14:00:00Z`)).body).toEqual(now.body);

    expect((await get(officerA, `/cases/${caseId}?asOf=2025-03-02T11:00:00Z`)).status).toBe(404);
    expect((await get(officerB, `/cases/${caseId}?asOf=2025-03-02T14:00:00Z`)).status).toBe(404);
    const invalid = await get(officerA, `/cases/${caseId}?asOf=yesterday`);
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors).toEqual([expect.objectContaining({ field: 'asOf' })]);
  });
});

describe('GET /cases', () => {
  const ids: Record<string, string> = {};
  let last: Written;

  beforeAll(async () => {
    // Opened in this order: a1 (DETAINER at 01:00, honored without a judicial warrant: a § 2
    // violation), a2 (NOTIFICATION at 12:00, closed), a3 (no request), b1 (agency-b, DETAINER at
    // 06:00). The clock stays before any notice deadline, so the scheduler records nothing.
    t.clock.set('2025-06-01T00:00:00Z');
    ids.a1 = (await openCase(officerA, 'agency-a', 'A One')).id;
    ids.a2 = (await openCase(officerA, 'agency-a', 'A Two')).id;
    ids.a3 = (await openCase(supervisorA, 'agency-a', 'A Three')).id;
    ids.b1 = (await openCase(officerB, 'agency-b', 'B One')).id;
    const detainer = await recordRequest(officerA, ids.a1, 'DETAINER', '2025-05-31T01:00:00Z');
    await recordRequest(officerA, ids.a2, 'NOTIFICATION', '2025-05-31T12:00:00Z');
    await recordRequest(officerB, ids.b1, 'DETAINER', '2025-05-31T06:00:00Z');
    t.clock.set('2025-06-01T00:30:00Z');
    await post(officerA, `/cases/${ids.a1}/requests/${detainer.id}/decision`, {
      outcome: 'HONORED',
      basis: 'NONE',
      decidedAt: '2025-05-31T02:00:00Z',
      rationale: 'held for ICE',
    });
    last = await post(officerA, `/cases/${ids.a2}/close`, {
      closedAt: '2025-05-31T13:00:00Z',
      reason: 'done',
    });
  });

  /** The ids of the listed cases that this describe block opened, in order. */
  async function listed(token: string, query: string): Promise<string[]> {
    const response = await get(token, `/cases?minPosition=${last.position}&${query}`);
    expect(response.status).toBe(200);
    const mine = new Set(Object.values(ids));
    return (response.body.items as { caseId: string }[]).map((c) => c.caseId).filter((id) => mine.has(id));
  }

  it("lists an officer's own agency by default, and filters by status, request type and receipt", async () => {
    expect(await listed(officerA, '')).toEqual([ids.a1, ids.a2, ids.a3]);
    expect(await listed(officerA, 'agencyId=agency-a&status=CLOSED')).toEqual([ids.a2]);
    expect(await listed(officerA, 'status=OPEN')).toEqual([ids.a1, ids.a3]);
    expect(await listed(officerA, 'requestType=DETAINER')).toEqual([ids.a1]);
    expect(await listed(counsel, 'requestType=DETAINER')).toEqual([ids.a1, ids.b1]);
    expect(
      await listed(counsel, 'receivedFrom=2025-05-31T05:00:00Z&receivedTo=2025-05-31T12:00:00Z'),
    ).toEqual([ids.a2, ids.b1]);
    expect(await listed(counsel, 'requestType=DETAINER&receivedFrom=2025-05-31T05:00:00Z')).toEqual([ids.b1]);
    expect(await listed(counsel, 'agencyId=agency-b')).toEqual([ids.b1]);
    expect(await listed(counsel, 'hasOpenViolations=true')).toEqual([ids.a1]);
    expect(await listed(officerA, 'hasOpenViolations=false')).toEqual([ids.a2, ids.a3]);
    expect(await listed(counsel, 'hasOpenViolations=false&agencyId=agency-b')).toEqual([ids.b1]);
  });

  it("returns whole case views, with the register's violations of each", async () => {
    const response = await get(counsel, `/cases?agencyId=agency-b&minPosition=${last.position}`);
    const b1 = (response.body.items as { caseId: string }[]).find((c) => c.caseId === ids.b1);
    expect(b1).toMatchObject({
      agencyId: 'agency-b',
      subject: { fullName: 'B One' },
      requests: [{ requestType: 'DETAINER', hasJudicialWarrant: false, status: 'PENDING' }],
      violations: [],
    });
    const honoredWithoutWarrant = expect.objectContaining({
      ruleId: 'S2_DETAINER_HONORED_WITHOUT_JUDICIAL_WARRANT',
      section: 2,
      streamId: `case-${ids.a1}`,
      status: 'OPEN',
    });
    expect((await get(officerA, `/cases/${ids.a1}`)).body.violations).toEqual([honoredWithoutWarrant]);
    // As of a moment, only what the register had detected by then.
    expect((await get(officerA, `/cases/${ids.a1}?asOf=2025-06-01T00:10:00Z`)).body.violations).toEqual([]);
    expect((await get(officerA, `/cases/${ids.a1}?asOf=2025-06-01T00:30:00Z`)).body.violations).toEqual([
      honoredWithoutWarrant,
    ]);
  });

  it('pages with cursor and limit, without gaps or repeats', async () => {
    const all = (await get(counsel, `/cases?limit=500&minPosition=${last.position}`)).body.items as {
      caseId: string;
    }[];
    const paged: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const response = await get(counsel, `/cases?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.status).toBe(200);
      expect(response.body.items.length).toBeLessThanOrEqual(2);
      paged.push(...(response.body.items as { caseId: string }[]).map((c) => c.caseId));
      cursor = response.body.nextCursor as string | null;
    }
    expect(paged).toEqual(all.map((c) => c.caseId));
    expect(paged.length).toBeGreaterThan(4);
  });

  it('gives cursors that tell nothing of the rows between pages, and refuses any it did not give', async () => {
    const first = await get(officerA, `/cases?limit=1&minPosition=${last.position}`);
    const cursor = first.body.nextCursor as string;
    // Not the row number, which counts every agency's cases: sealed, of one length whatever the row.
    expect(cursor).toMatch(/^[\w-]{48}$/);
    expect((await get(officerA, `/cases?limit=1&cursor=${cursor}`)).status).toBe(200);
    const refused = async (other: string) => {
      const response = await get(officerA, `/cases?limit=1&cursor=${other}`);
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([
        { field: 'cursor', reason: 'cursor must be a nextCursor returned by this endpoint' },
      ]);
    };
    await refused('2');
    await refused(`${cursor.slice(0, 47)}${cursor.endsWith('A') ? 'B' : 'A'}`);
    // Another list's cursor names a row of another table.
    const violations = await get(counsel, `/violations?limit=1&minPosition=${last.position}`);
    expect(violations.body.nextCursor).toMatch(/^[\w-]{48}$/);
    await refused(violations.body.nextCursor as string);
  });

  it('pages a request type once per case, a case with two requests of it included', async () => {
    const twice = (await openCase(officerB, 'agency-b', 'B Two')).id;
    await recordRequest(officerB, twice, 'DETAINER', '2025-05-31T08:00:00Z');
    const written = await recordRequest(officerB, twice, 'DETAINER', '2025-05-31T09:00:00Z');
    const paged: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const query = `requestType=DETAINER&limit=1&minPosition=${written.position}${cursor ? `&cursor=${cursor}` : ''}`;
      const response = await get(counsel, `/cases?${query}`);
      expect(response.status).toBe(200);
      paged.push(...(response.body.items as { caseId: string }[]).map((c) => c.caseId));
      cursor = response.body.nextCursor as string | null;
    }
    expect(paged.filter((id) => [ids.a1, ids.b1, twice].includes(id))).toEqual([ids.a1, ids.b1, twice]);
    expect(new Set(paged).size).toBe(paged.length);
  });

  it('refuses another agency to officers and supervisors, and bad parameters naming them', async () => {
    expect((await get(officerA, '/cases?agencyId=agency-b')).status).toBe(403);
    expect((await get(supervisorA, '/cases?agencyId=agency-b')).status).toBe(403);
    expect((await get(oversight, '/cases')).status).toBe(403);
    const fields = async (query: string): Promise<string[]> => {
      const response = await get(counsel, `/cases?${query}`);
      expect(response.status).toBe(400);
      return (response.body.errors as { field: string }[]).map((e) => e.field);
    };
    expect(await fields('limit=0')).toEqual(['limit']);
    expect(await fields('limit=501')).toEqual(['limit']);
    expect(await fields('limit=ten')).toContain('limit');
    expect(await fields('status=PENDING&requestType=WARRANT')).toEqual(['status', 'requestType']);
    expect(await fields('receivedFrom=2025-01-01&hasOpenViolations=yes')).toEqual([
      'hasOpenViolations',
      'receivedFrom',
    ]);
    expect(await fields('cursor=abc')).toEqual(['cursor']);
    expect(await fields('colour=red')).toEqual(['colour']);
    // A range that ends before it begins, rather than an empty page.
    const backwards = await get(
      counsel,
      '/cases?receivedFrom=2025-06-01T00:00:00Z&receivedTo=2025-06-01T01:00:00%2B02:00',
    );
    expect(backwards.body.errors).toEqual([
      { field: 'receivedTo', reason: 'receivedTo must not be before receivedFrom' },
    ]);
    // The same instant is a range of one moment.
    const instant = '/cases?receivedFrom=2025-06-01T00:00:00Z&receivedTo=2025-06-01T02:00:00%2B02:00';
    expect((await get(counsel, instant)).status).toBe(200);
  });
});

describe('read your writes', () => {
  it('waits for the projections, then answers; 503 with the lag when they do not get there in time', async () => {
    const runner = t.app.get(ProjectionRunner);
    await runner.stop();
    try {
      const opened = await openCase(officerA, 'agency-a');
      const behind = await get(officerA, `/cases/${opened.id}?minPosition=${opened.position}`);
      expect(behind.status).toBe(503);
      expect(behind.headers['retry-after']).toBe('1');
      expect(behind.body).toMatchObject({
        statusCode: 503,
        message: 'The read models have not reached that position yet',
      });
      // Positions count every agency's events: the 503 tells how far behind, not where.
      expect(JSON.stringify(behind.body)).not.toMatch(/"position"/);
      expect(behind.body.lag).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            name: 'case-view',
            behind: true,
            running: false,
            lag: expect.any(Number),
          }),
        ]),
      );

      // Sent while the runner is stopped, answered once it has caught up.
      const waiting = runnerWaitBegins(runner);
      const pending = get(officerA, `/cases/${opened.id}?minPosition=${opened.position}`).then((r) => r);
      await Promise.race([waiting, pending]);
      runner.start();
      const caughtUp = await pending;
      expect(caughtUp.status).toBe(200);
      expect(caughtUp.body.caseId).toBe(opened.id);
    } finally {
      runner.start();
    }
  }, 20_000);

  it('answers a position past the log itself, which no command returned, with a 400 at once', async () => {
    const opened = await openCase(officerA, 'agency-a');
    const past = t.sealed(String(Number(t.opened(opened.position)) + 1_000_000));
    const refused = await get(officerA, `/cases/${opened.id}?minPosition=${past}`);
    expect(refused.status).toBe(400);
    // Without the head's position, which would count every agency's events.
    expect(refused.body.errors).toEqual([
      {
        field: 'minPosition',
        reason: "is past the log's head: not a position a command of this log returned",
      },
    ]);
  });

  it('gives positions sealed, as API.md’s opaque strings, and takes no position in clear', async () => {
    const first = await openCase(officerA, 'agency-a');
    const second = await openCase(officerA, 'agency-a');
    // In clear, the gap between an officer's two writes counted every other agency's events.
    for (const { position } of [first, second]) {
      expect(position).toMatch(/^[A-Za-z0-9_-]{102}$/);
      expect(position).not.toMatch(/^\d+$/);
    }
    expect(Number(t.opened(second.position))).toBeGreaterThan(Number(t.opened(first.position)));
    const plain = t.opened(first.position);
    const refused = await get(officerA, `/cases/${first.id}?minPosition=${plain}`);
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([
      { field: 'minPosition', reason: 'must be a position returned by a command' },
    ]);
    expect((await get(officerA, `/cases/${first.id}?minPosition=${first.position}`)).status).toBe(200);
  });

  it('accepts minPosition on every GET, whatever its query DTO declares, and refuses a malformed one', async () => {
    const opened = await openCase(officerA, 'agency-a');
    expect((await get(officerA, `/cases/${opened.id}/history?minPosition=${opened.position}`)).status).toBe(
      200,
    );
    expect((await get(officerA, `/cases?status=OPEN&minPosition=${opened.position}`)).status).toBe(200);
    expect((await t.http().get(`${API}/health?minPosition=${opened.position}`)).status).toBe(200);

    const malformed = await get(officerA, `/cases/${opened.id}?minPosition=abc`);
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors).toEqual([expect.objectContaining({ field: 'minPosition' })]);
    // Every offending field at once, the path's and the query's with minPosition's.
    const fields = async (path: string) =>
      ((await get(officerA, path)).body.errors as { field: string }[]).map((e) => e.field);
    expect(await fields(`/cases/${opened.id}?minPosition=abc&asOf=bad`)).toEqual(['asOf', 'minPosition']);
    expect(await fields('/cases/not-a-uuid?minPosition=abc')).toEqual(['caseId', 'minPosition']);
    // Bad input with a position the read models are far from: a 400 at once, not a 503 after 5 s,
    // naming the position too, which is past the log.
    const ahead = t.sealed(String(Number(t.opened(opened.position)) + 1_000_000));
    const notYet = await get(officerA, `/cases?status=PENDING&minPosition=${ahead}`);
    expect(notYet.status).toBe(400);
    expect(notYet.body.errors).toEqual([
      expect.objectContaining({ field: 'status' }),
      expect.objectContaining({ field: 'minPosition' }),
    ]);
    expect((await get(counsel, `/violations/not-a-uuid?minPosition=${ahead}`)).status).toBe(400);
    expect((await get(officerA, `/cases/${opened.id}?minPosition=1&minPosition=2`)).status).toBe(400);
    // Authentication comes first: an anonymous caller learns nothing, not even after a wait.
    expect((await t.http().get(`${API}/cases/${opened.id}?minPosition=999999999`)).status).toBe(401);
  });
});

const METRICS_TOKEN = 'a-scraper-secret-of-at-least-32-characters';

describe('GET /health and /metrics', () => {
  it('reports the event store and every projection, publicly', async () => {
    const opened = await openCase(officerA, 'agency-a');
    const request = await recordRequest(officerA, opened.id, 'DETAINER', '2025-03-01T08:17:43Z');
    await get(officerA, `/cases/${opened.id}?minPosition=${request.position}`);
    const response = await t.http().get(`${API}/health`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      status: 'ok',
      eventStore: { status: 'up' },
      integrity: { error: null },
    });
    // No deadline and no tick time: each is a request's receipt plus its deadline, to the second.
    expect(response.body.scheduler).toEqual({ running: true, lastError: null });
    expect(JSON.stringify(response.body)).not.toMatch(/08:17:43/);
    // Public: no log position, which counts every agency's events (API.md: opaque).
    expect(JSON.stringify(response.body)).not.toMatch(/[pP]osition/);
    expect(response.body.projections).toEqual(
      expect.arrayContaining([
        {
          name: 'case-view',
          version: new CaseViewProjection().version,
          running: true,
          behind: expect.any(Boolean),
          lag: expect.any(Number),
          error: null,
        },
      ]),
    );
  });

  it('answers 503 with the event store down when it cannot read the log', async () => {
    const down = await startTestApp();
    try {
      await down.app.get<EventStore>(EVENT_STORE).close();
      const warn = jest.spyOn(Logger.prototype, 'warn');
      const response = await down.http().get(`${API}/health`);
      await down.http().get(`${API}/health`).expect(503);
      // Logged once for its reason, however often anyone asks.
      expect(
        warn.mock.calls.filter(([line]) => String(line).includes('event log cannot be read')),
      ).toHaveLength(1);
      warn.mockRestore();
      expect(response.status).toBe(503);
      // The store's own reason, which may name its hosts, is logged, not shown.
      expect(response.body).toEqual({
        status: 'unhealthy',
        eventStore: { status: 'down', error: "the event log cannot be read: the service's log says why" },
        projections: [],
      });
    } finally {
      await down.close();
    }
  });

  it('tells anyone that the deadline scheduler failed, not why: its reason may name a case', async () => {
    const scheduler = t.app.get(SchedulerService);
    const lastError = `append to deadline-case-${randomUUID()} failed`;
    const status = jest.spyOn(scheduler, 'status').mockReturnValue({ running: true, lastError });
    try {
      const response = await t.http().get(`${API}/health`);
      expect(response.body.scheduler).toEqual({
        running: true,
        lastError: "the last look for deadlines passed failed: the service's log says why",
      });
    } finally {
      status.mockRestore();
    }
  });

  it('shows anyone a lag rounded up to a power of ten, which counts no one write, and operators the exact one', async () => {
    const runner = t.app.get(ProjectionRunner);
    await runner.stop();
    try {
      const opened = await openCase(officerA, 'agency-a');
      await recordRequest(officerA, opened.id, 'DETAINER', '2025-03-01T08:17:43Z');
      const lagOf = (projections: { name: string; lag: number }[]) =>
        projections.find((p) => p.name === 'case-view')!.lag;
      const health = await t.http().get(`${API}/health`);
      expect(lagOf(health.body.projections)).toBe(100);
      const behind = await get(officerA, `/cases/${opened.id}?minPosition=${opened.position}`);
      expect(behind.status).toBe(503);
      expect(lagOf(behind.body.lag)).toBe(100);
      const scraped = await t.http().get(`${API}/metrics`).set('Authorization', `Bearer ${METRICS_TOKEN}`);
      const exact = Number(
        /^trust_ledger_projection_lag_events\{projection="case-view"\} (\d+)$/m.exec(scraped.text)![1],
      );
      expect(exact).toBeGreaterThanOrEqual(2);
      expect(exact).toBeLessThan(100);
    } finally {
      runner.start();
    }
  }, 20_000);

  it('exports the read models’ health to anyone, and what operators watch to the scraper with METRICS_TOKEN', async () => {
    const opened = await openCase(officerA, 'agency-a');
    await get(officerA, `/cases/${opened.id}?minPosition=${opened.position}`);
    const anyone = await t.http().get(`${API}/metrics`);
    expect(anyone.status).toBe(200);
    expect(anyone.headers['content-type']).toContain('text/plain');
    expect(anyone.text).toMatch(/^trust_ledger_projection_lag_events\{projection="case-view"\} (0|100)$/m);
    expect(anyone.text).toMatch(/^trust_ledger_projection_failed\{projection="case-view"\} 0$/m);
    expect(anyone.text).toMatch(/^trust_ledger_integrity_checkpoint_failed 0$/m);
    // What was recorded, as it is, is not for anyone: a count of POST /cases/:caseId/requests is a
    // count of the detainers and notifications received, unsuppressed; so, roughly, is CPU time.
    expect(anyone.text).not.toMatch(
      /trust_ledger_http_request_duration_seconds|events_applied_total|process_cpu/,
    );
    for (const token of [officerA, await t.token({ role: 'admin', sub: 'admin-1' }), `${METRICS_TOKEN}x`]) {
      expect((await t.http().get(`${API}/metrics`).set('Authorization', `Bearer ${token}`)).status).toBe(401);
    }
    const response = await t.http().get(`${API}/metrics`).set('Authorization', `Bearer ${METRICS_TOKEN}`);
    expect(response.status).toBe(200);
    expect(response.text).toMatch(/^trust_ledger_projection_lag_events\{projection="case-view"\} \d+$/m);
    expect(response.text).toMatch(/^process_cpu_user_seconds_total /m);
    expect(response.text).toMatch(/^trust_ledger_projection_lag_events\{projection="case-view"\} \d+$/m);
    expect(response.text).toMatch(
      /^trust_ledger_projection_events_applied_total\{projection="case-view"\} [1-9]\d*$/m,
    );
    expect(response.text).toMatch(
      /^trust_ledger_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/cases\/:caseId",status_code="200"\} [1-9]\d*$/m,
    );
  });
});
