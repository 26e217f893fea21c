import { defaultOrdinanceVersion, reportStreamId } from '@trust-ledger/domain';
import { EVENT_STORE, type EventStore } from '@trust-ledger/event-store';
import { Checkpoints, openReadModelDb, ProjectionRunner, readModelsPath } from '@trust-ledger/projections';
import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';
import { SchedulerService } from '../../apps/api/src/scheduler/scheduler.service';
import { SEVERAL_STREAMS_ETAG } from '../support/etags';
import { API, startTestApp, type TestApp } from '../support/test-app';

const { version: _, ...DEFAULT_TERMS } = defaultOrdinanceVersion();
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('§ 11 reports', () => {
  let t: TestApp;
  let supervisor: string;
  let officer: string;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp();
    supervisor = await t.token({ role: 'supervisor', agencyId: 'agency-a', sub: 'supervisor-a' });
    officer = await t.token({ role: 'officer', agencyId: 'agency-a', sub: 'officer-a' });
    admin = await t.token({ role: 'admin', sub: 'admin-1' });
    // Cells of 2 and more are published, so that the counts below are visible.
    await post('/ordinance/versions', { ...DEFAULT_TERMS, smallCellThreshold: 2 }, admin).expect(201);
    await declinedDetainer('2024-11-05T10:00:00Z');
    await declinedDetainer('2024-11-06T10:00:00Z');
  });
  afterAll(() => t.close());

  function post(path: string, body: object, token = supervisor) {
    return t.http().post(`${API}${path}`).set('Authorization', `Bearer ${token}`).send(body);
  }
  const publicGet = (path: string) => t.http().get(`${API}${path}`);
  const logLength = async (): Promise<number> => (await t.events()).length;

  /** A case with one ICE detainer received at `receivedAt` and declined a day later; its last position. */
  async function declinedDetainer(receivedAt: string): Promise<string> {
    const opened = await post(
      '/cases',
      { agencyId: 'agency-a', subject: { fullName: 'Ana Pérez' }, custody: { status: 'IN_CUSTODY' } },
      officer,
    ).expect(201);
    const caseId = opened.body.id as string;
    const request = await post(
      `/cases/${caseId}/requests`,
      { requestingAgency: 'ICE', requestType: 'DETAINER', form: 'I-247A', receivedAt },
      officer,
    ).expect(201);
    const decidedAt = new Date(Date.parse(receivedAt) + 86_400_000).toISOString();
    const decided = await post(
      `/cases/${caseId}/requests/${request.body.id}/decision`,
      { outcome: 'DECLINED', basis: 'NONE', decidedAt, rationale: 'No judicial warrant' },
      officer,
    ).expect(201);
    return decided.body.position as string;
  }

  const declined = (statistics: {
    rows: { requestingAgency: string; requestType: string; declined: number }[];
  }) => statistics.rows.find((r) => r.requestingAgency === 'ICE' && r.requestType === 'DETAINER')?.declined;

  it('publishes an ended period’s jurisdiction-wide statistics as an immutable, verifiable snapshot', async () => {
    const response = await post('/reports', { period: '2024-Q4' });
    expect(response.status).toBe(201);
    expect(response.headers.etag).toBe('"0"');
    const [event] = await t.events(reportStreamId('2024-Q4'));
    expect(response.body).toEqual({
      id: event.id,
      streamId: 'report-2024-Q4',
      revision: 0,
      position: t.sealed(event.position),
    });
    expect(event).toMatchObject({
      type: 'ReportPublished',
      data: { period: '2024-Q4', publishedAt: '2025-03-01T12:00:00.000Z' },
      metadata: { actor: 'supervisor-a' },
    });
    // The snapshot is the public statistics of the period, as they stood when it was published.
    const live = await publicGet('/public/statistics?period=2024-Q4');
    expect(event.data.statistics).toEqual(live.body);
    expect(declined(live.body)).toBe(2);

    const report = await publicGet(`/public/reports/2024-Q4?minPosition=${response.body.position}`);
    expect(report.status).toBe(200);
    expect(report.body).toEqual({
      period: '2024-Q4',
      eventId: event.id,
      publishedAt: '2025-03-01T12:00:00.000Z',
      statistics: event.data.statistics,
      contentHash: event.data.contentHash,
      amendments: [],
    });
    // Anyone can check the report against its hash from the statistics alone.
    expect(report.body.contentHash).toBe(sha256(canonicalize(report.body.statistics)!));
  });

  it('never changes a published report when later events arrive; an amendment is kept beside it', async () => {
    const lateDecision = await declinedDetainer('2024-12-01T10:00:00Z');
    const before = await publicGet(`/public/reports/2024-Q4?minPosition=${lateDecision}`);
    expect(declined(before.body.statistics)).toBe(2);
    expect(before.body.amendments).toEqual([]);

    t.clock.set('2025-03-02T09:00:00Z');
    // A violation's ETag over several streams was never the report's: 412, and said so.
    const another = await post('/reports/2024-Q4/amendments', { reason: 'x' }).set(
      'If-Match',
      SEVERAL_STREAMS_ETAG,
    );
    expect(another.status).toBe(412);
    expect(another.body.message).toBe(
      `If-Match ${SEVERAL_STREAMS_ETAG} was never given out for report-2024-Q4, whose ETag is its revision (revision 0)`,
    );
    const amended = await post('/reports/2024-Q4/amendments', {
      reason: 'A December detainer was recorded late',
    });
    expect(amended.status).toBe(201);
    expect(amended.body.revision).toBe(1);
    expect(amended.headers.etag).toBe('"1"');

    const report = await publicGet(`/public/reports/2024-Q4?minPosition=${amended.body.position}`);
    expect(report.body.statistics).toEqual(before.body.statistics);
    expect(report.body.contentHash).toBe(before.body.contentHash);
    expect(report.body.amendments).toEqual([
      {
        eventId: amended.body.id,
        amendedAt: '2025-03-02T09:00:00.000Z',
        reason: 'A December detainer was recorded late',
        statistics: expect.objectContaining({ period: '2024-Q4', generatedAt: '2025-03-02T09:00:00.000Z' }),
        contentHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    ]);
    const [amendment] = report.body.amendments;
    expect(declined(amendment.statistics)).toBe(3);
    expect(amendment.contentHash).toBe(sha256(canonicalize(amendment.statistics)!));
  });

  it('refuses to publish a period twice, or one that has not ended, with 409, writing nothing', async () => {
    const before = await logLength();
    const again = await post('/reports', { period: '2024-Q4' }, admin);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('ALREADY_PUBLISHED');
    const current = await post('/reports', { period: '2025-Q1' });
    expect(current.status).toBe(409);
    expect(current.body.code).toBe('PERIOD_NOT_ENDED');
    const unpublished = await post('/reports/2024-Q3/amendments', { reason: 'x' });
    expect(unpublished.status).toBe(409);
    expect(unpublished.body.code).toBe('NOT_PUBLISHED');
    expect(await logLength()).toBe(before);
  });

  it.each<[string, string, object, string[]]>([
    ['a year while quarters are reported', '/reports', { period: '2024' }, ['period']],
    ['a month', '/reports', { period: '2024-11' }, ['period']],
    ['a malformed period', '/reports', { period: 'Q4-2024' }, ['period']],
    ['a quarter of year 0000', '/reports', { period: '0000-Q1' }, ['period']],
    ['no period', '/reports', {}, ['period']],
    ['an unknown field', '/reports', { period: '2024-Q3', statistics: {} }, ['statistics']],
    ['an amendment without reason', '/reports/2024-Q4/amendments', {}, ['reason']],
    ['an amendment of a malformed period', '/reports/last-quarter/amendments', { reason: 'x' }, ['period']],
  ])('refuses %s with 400 naming the field, writing nothing', async (_name, path, body, fields) => {
    const before = await logLength();
    const response = await post(path, body);
    expect(response.status).toBe(400);
    expect(response.body.errors.map((e: { field: string }) => e.field)).toEqual(fields);
    expect(await logLength()).toBe(before);
  });

  it('refuses to publish while another process rebuilds the statistics (503), publishing nothing', async () => {
    // What `projections rebuild statistics` does first, from the CLI, while the API runs.
    const cli = openReadModelDb(readModelsPath(t.dataDir));
    const checkpoints = new Checkpoints(cli);
    const stored = checkpoints.get('statistics')!;
    try {
      checkpoints.save('statistics', { ...stored, position: null, last: null });
      const before = await logLength();
      const refused = await post('/reports', { period: '2024-Q1' });
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBe('1');
      expect(await logLength()).toBe(before);
    } finally {
      checkpoints.save('statistics', stored);
      cli.close();
    }
    // Back at the head: reads that wait for it are answered again.
    const head = t.sealed((await t.events()).at(-1)!.position);
    await publicGet(`/public/statistics?period=2024&minPosition=${head}`).expect(200);
  }, 20_000);

  it('is not held up by another projection stopped on an error, which reads waiting for it name', async () => {
    // The case views stopped at an event (as another process's rebuild records it in their row).
    const cli = openReadModelDb(readModelsPath(t.dataDir));
    const checkpoints = new Checkpoints(cli);
    const stored = checkpoints.get('case-view')!;
    const error = { message: 'cannot apply it', eventId: null, position: '2' };
    try {
      checkpoints.save('case-view', { ...stored, position: '1', last: null, error });
      // The report waits for the statistics alone: the period's own answer comes at once.
      const current = await post('/reports', { period: '2025-Q1' });
      expect(current.status).toBe(409);
      expect(current.body.code).toBe('PERIOD_NOT_ENDED');
      // A read that waits for every projection: no retry gets past a stopped one, and it says which.
      const head = t.sealed((await t.events()).at(-1)!.position);
      const stopped = await publicGet(`/public/statistics?period=2024&minPosition=${head}`);
      expect(stopped.status).toBe(503);
      expect(stopped.headers['retry-after']).toBeUndefined();
      expect(stopped.body).toMatchObject({
        code: 'PROJECTION_STOPPED',
        message: expect.stringContaining('case-view stopped at event'),
      });
    } finally {
      checkpoints.save('case-view', stored);
      cli.close();
    }
  });

  it('waits for the violation register, whose counts it carries, and is refused while it is stopped', async () => {
    const cli = openReadModelDb(readModelsPath(t.dataDir));
    const checkpoints = new Checkpoints(cli);
    const stored = checkpoints.get('violation-register')!;
    const error = { message: 'cannot apply it', eventId: null, position: '2' };
    const before = await logLength();
    try {
      checkpoints.save('violation-register', { ...stored, position: '1', last: null, error });
      const refused = await post('/reports', { period: '2024-Q1' });
      expect(refused.status).toBe(503);
      expect(refused.body).toMatchObject({
        code: 'PROJECTION_STOPPED',
        message: expect.stringContaining('violation-register stopped at event'),
      });
      expect(await logLength()).toBe(before);
    } finally {
      checkpoints.save('violation-register', stored);
      cli.close();
    }
  });

  it('answers a retry with the first response and writes nothing', async () => {
    const first = await post('/reports', { period: '2024-Q3' }).set('Idempotency-Key', 'q3');
    expect(first.status).toBe(201);
    const before = await logLength();
    const retry = await post('/reports', { period: '2024-Q3' }).set('Idempotency-Key', 'q3');
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(await logLength()).toBe(before);
  });

  it('is published and amended by supervisors and admins only', async () => {
    const before = await logLength();
    expect((await post('/reports', { period: '2024-Q2' }, '')).status).toBe(401);
    for (const role of ['officer', 'counsel', 'oversight'] as const) {
      const token = await t.token({ role, agencyId: 'agency-a' });
      expect((await post('/reports', { period: '2024-Q2' }, token)).status).toBe(403);
      expect((await post('/reports/2024-Q4/amendments', { reason: 'x' }, token)).status).toBe(403);
    }
    expect(await logLength()).toBe(before);
  });

  it('lists the published reports for anyone, paged, and answers 404 for a period not published', async () => {
    const head = t.sealed((await t.events()).at(-1)!.position);
    const all = await publicGet(`/public/reports?minPosition=${head}`);
    expect(all.status).toBe(200);
    expect(all.body.items.map((r: { period: string }) => r.period)).toEqual(['2024-Q4', '2024-Q3']);
    expect(all.body.items[0].amendments).toHaveLength(1);
    const first = await publicGet('/public/reports?limit=1');
    expect(first.body.items.map((r: { period: string }) => r.period)).toEqual(['2024-Q4']);
    const second = await publicGet(`/public/reports?limit=1&cursor=${first.body.nextCursor}`);
    expect(second.body).toMatchObject({ items: [{ period: '2024-Q3' }], nextCursor: null });

    const missing = await publicGet('/public/reports/2024-Q2');
    expect(missing.status).toBe(404);
    expect((await publicGet('/public/reports/someday')).status).toBe(400);
  });
});

describe('S11_REPORT_OVERDUE from the register, for reports published through the API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  /** Lets every projection take in everything recorded so far. */
  async function caughtUp(): Promise<void> {
    const head = await t.app.get<EventStore>(EVENT_STORE).headPosition();
    if (head !== null) await t.app.get(ProjectionRunner).waitFor(head, 10_000);
  }

  it('fires for a period without a report by its due day, and not for one published in time', async () => {
    const supervisor = await t.token({ role: 'supervisor', agencyId: 'agency-a' });
    const oversight = await t.token({ role: 'oversight' });
    // The first version was recorded on 1 March 2025: 2025-Q1 is the first period owed.
    t.clock.set('2025-04-02T09:00:00Z');
    await t
      .http()
      .post(`${API}/reports`)
      .set('Authorization', `Bearer ${supervisor}`)
      .send({ period: '2025-Q1' })
      .expect(201);
    await caughtUp();

    // 2025-Q2 ended on 1 July; its report was due within 60 days, by the end of 29 August.
    t.clock.set('2025-08-30T00:00:00Z');
    expect(await t.app.get(SchedulerService).tick()).toBeGreaterThan(0);
    await caughtUp();

    const violations = await t
      .http()
      .get(`${API}/violations?ruleId=S11_REPORT_OVERDUE`)
      .set('Authorization', `Bearer ${oversight}`);
    expect(violations.status).toBe(200);
    expect(violations.body.items).toEqual([
      expect.objectContaining({
        ruleId: 'S11_REPORT_OVERDUE',
        section: 11,
        streamId: 'report-2025-Q2',
        agencyId: null,
        occurredAt: '2025-08-30T00:00:00.000Z',
        ordinanceVersion: 1,
        status: 'OPEN',
      }),
    ]);
  });
});
