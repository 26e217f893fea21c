import Database from 'better-sqlite3';
import canonicalize from 'canonicalize';
import { createHash, randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import { violationActOf, violationReviewDecider } from '@trust-ledger/domain';
import { EVENT_STORE, type EventStore } from '@trust-ledger/event-store';
import { ProjectionRunner } from '@trust-ledger/projections';
import { VIOLATION_REGISTER, violationIdOf } from '@trust-ledger/projections/violations';
import { SchedulerService } from '../../apps/api/src/scheduler/scheduler.service';
import { CommandExecutor } from '../../apps/api/src/write/command-executor';
import type { CommandResult } from '../../apps/api/src/write/command-result';
import { ID_NAMESPACE } from '../../apps/api/src/write/command-meta';
import { IDEMPOTENCY_FILE } from '../../apps/api/src/write/idempotency.store';
import { decisionBody, disclosureBody, noticeBody, openCaseBody, requestBody } from '../support/case-bodies';
import { openCaseWithRequest } from '../support/case-with-request';
import { NO_RATE_LIMITS } from '../security/support';
import { runCli } from '../support/cli-in-process';
import { SEVERAL_STREAMS_ETAG } from '../support/etags';
import { runnerWaitBegins } from '../support/runner-waits';
import { withEnv } from '../support/with-env';
import { API, startTestApp, type TestApp } from '../support/test-app';

/** The namespace violation ids are derived in (violation-judgement.ts), then as now. */
const FORMER_ID_NAMESPACE = '8a1bbfff-2a0b-4cfe-a8b6-316b22b0fe78';
const A = 'agency-a';
const B = 'agency-b';

let t: TestApp;
let officerA: string;
let supervisorA: string;
let counsel: string;
let oversight: string;
let admin: string;
const caseA = randomUUID();
const caseB = randomUUID();
let head: string;

/** Waits for the read models to reach the log's head (read-your-writes). */
async function caughtUp(): Promise<string> {
  const events = await t.events();
  return `minPosition=${t.sealed(events[events.length - 1].position)}`;
}

/** Agency A honors a detainer on an administrative warrant, notice given: § 2, at once. */
async function honorDetainerOnAdministrativeWarrant(caseId: string): Promise<void> {
  const requestId = randomUUID();
  await t.post('/cases', officerA, openCaseBody(A, caseId)).expect(201);
  await t
    .post(`/cases/${caseId}/requests`, officerA, {
      ...requestBody(requestId),
      receivedAt: '2025-03-01T11:00:00Z',
    })
    .expect(201);
  await t
    .post(`/cases/${caseId}/notices`, officerA, {
      ...noticeBody(requestId),
      deliveredAt: '2025-03-01T11:10:00Z',
    })
    .expect(201);
  await t
    .post(`/cases/${caseId}/requests/${requestId}/decision`, officerA, {
      ...decisionBody,
      outcome: 'HONORED',
      decidedAt: '2025-03-01T11:30:00Z',
    })
    .expect(201);
}

beforeAll(async () => {
  // Counsel's requests here, at full speed, pass the default 100 a second: the limits have their own tests.
  t = await startTestApp({ ...NO_RATE_LIMITS });
  officerA = await t.token({ role: 'officer', agencyId: A, sub: 'officer-a' });
  supervisorA = await t.token({ role: 'supervisor', agencyId: A, sub: 'supervisor-a' });
  counsel = await t.token({ role: 'counsel', sub: 'counsel-1' });
  oversight = await t.token({ role: 'oversight', sub: 'oversight-1' });
  admin = await t.token({ role: 'admin', sub: 'admin-1' });
  const officerB = await t.token({ role: 'officer', agencyId: B, sub: 'officer-b' });

  await honorDetainerOnAdministrativeWarrant(caseA);
  // Agency B declines, but gives the subject no notice: § 5 once 24 hours have passed.
  const requestB = randomUUID();
  await t.post('/cases', officerB, openCaseBody(B, caseB)).expect(201);
  await t
    .post(`/cases/${caseB}/requests`, officerB, {
      ...requestBody(requestB),
      receivedAt: '2025-03-01T11:00:00Z',
    })
    .expect(201);
  head = await caughtUp();
});
afterAll(() => t.close());
afterEach(() => jest.restoreAllMocks());

describe('GET /violations', () => {
  it('shows counsel every violation in API.md’s shape, without personal data', async () => {
    const res = await t.get(`/violations?${head}`, counsel).expect(200);
    expect(res.body.nextCursor).toBeNull();
    expect(res.body.items).toHaveLength(1);
    const [v] = res.body.items;
    expect(Object.keys(v).sort()).toEqual(
      [
        'agencyId',
        'detectedAt',
        'earlierFacts',
        'evidence',
        'explanation',
        'occurredAt',
        'ordinanceVersion',
        'requestId',
        'ruleId',
        'section',
        'status',
        'statusHistory',
        'streamId',
        'violationId',
      ].sort(),
    );
    expect(v).toMatchObject({
      ruleId: 'S2_DETAINER_HONORED_WITHOUT_JUDICIAL_WARRANT',
      section: 2,
      streamId: `case-${caseA}`,
      agencyId: A,
      occurredAt: '2025-03-01T11:30:00Z',
      detectedAt: '2025-03-01T12:00:00.000Z',
      ordinanceVersion: 1,
      status: 'OPEN',
    });
    expect(v.evidence[0]).toMatchObject({ streamId: `case-${caseA}`, type: 'DecisionRecorded' });
    expect(JSON.stringify(res.body)).not.toMatch(/María|Pérez|A123456789/);
  });

  it('finds § 5 at the notice deadline with nothing else recorded, once the scheduler ticks', async () => {
    const before = await t.get(`/violations?streamId=case-${caseB}`, counsel).expect(200);
    expect(before.body.items).toEqual([]);
    t.clock.set('2025-03-02T11:00:00Z');
    expect(await t.app.get(SchedulerService).tick()).toBe(1);
    const res = await t.get(`/violations?streamId=case-${caseB}&${await caughtUp()}`, counsel).expect(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({
        ruleId: 'S5_NOTICE_NOT_GIVEN',
        agencyId: B,
        occurredAt: '2025-03-02T11:00:00.000Z',
        detectedAt: '2025-03-02T11:00:00.000Z',
        status: 'OPEN',
      }),
    ]);
    expect(res.body.items[0].statusHistory[0].by).toBe('system:violation-register');
  });

  it('scopes officers and supervisors to their agency; oversight reads all; others are refused', async () => {
    const all = (await t.get(`/violations?${await caughtUp()}`, oversight).expect(200)).body.items;
    expect(all.map((v: { agencyId: string }) => v.agencyId).sort()).toEqual([A, B]);
    for (const token of [officerA, supervisorA]) {
      const own = (await t.get('/violations', token).expect(200)).body.items;
      expect(own.map((v: { agencyId: string }) => v.agencyId)).toEqual([A]);
      await t.get(`/violations?agencyId=${A}&section=2`, token).expect(200);
      await t.get(`/violations?agencyId=${B}`, token).expect(403);
      const other = all.find((v: { agencyId: string }) => v.agencyId === B);
      await t.get(`/violations/${other.violationId}`, token).expect(404);
    }
    await t.get('/violations', admin).expect(403);
    await t.http().get('/api/v1/violations').expect(401);
  });

  it('filters, pages and validates', async () => {
    const bySection = await t.get('/violations?section=5', counsel).expect(200);
    expect(bySection.body.items.map((v: { ruleId: string }) => v.ruleId)).toEqual(['S5_NOTICE_NOT_GIVEN']);
    const byRule = await t
      .get('/violations?ruleId=S2_DETAINER_HONORED_WITHOUT_JUDICIAL_WARRANT', counsel)
      .expect(200);
    expect(byRule.body.items).toHaveLength(1);
    expect(
      (await t.get(`/violations?agencyId=${B}&status=OPEN`, counsel).expect(200)).body.items,
    ).toHaveLength(1);

    const first = await t.get('/violations?limit=1', counsel).expect(200);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await t.get(`/violations?limit=1&cursor=${first.body.nextCursor}`, counsel).expect(200);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.items[0].violationId).not.toBe(first.body.items[0].violationId);
    expect(second.body.nextCursor).toBeNull();

    for (const bad of ['limit=0', 'limit=501', 'section=12', 'ruleId=S99', 'status=CLOSED', 'colour=red']) {
      await t.get(`/violations?${bad}`, counsel).expect(400);
    }
    // A number that is none is told so, not that it is out of range.
    for (const [query, field] of [
      ['limit=abc', 'limit'],
      ['limit=1&limit=2', 'limit'],
      ['limit=1e2', 'limit'],
      ['limit=0x10', 'limit'],
      ['section=abc', 'section'],
      ['section=5.0', 'section'],
      ['section=%205', 'section'],
      ['section=', 'section'],
    ]) {
      const response = await t.get(`/violations?${query}`, counsel).expect(400);
      expect(response.body.errors).toEqual([{ field, reason: `${field} must be an integer number` }]);
    }
    await t.get('/violations/not-a-uuid', counsel).expect(400);
    await t.get(`/violations/${randomUUID()}`, counsel).expect(404);
  });
});

type Opening = { caseId: string; [field: string]: unknown };

/** Posts counsel's review while the register is stopped, and starts the register once the review
 * waits on it. */
async function reviewedOnceRegisterStarts(runner: ProjectionRunner, violationId: string, body: object) {
  const waiting = runnerWaitBegins(runner, VIOLATION_REGISTER);
  const review = t.post(`/violations/${violationId}/review`, counsel, body).then((response) => response);
  await Promise.race([waiting, review]);
  runner.start();
  return review;
}

/**
 * Appends counsel's review of `violationId` as reviews were recorded before register v22 and before
 * they named their act: on violation-<violationId>, by that id alone. Answers its log position.
 */
async function reviewedAsBeforeV22(
  violationId: string,
  status: string,
  expectedRevision: number | 'no_stream' = 'no_stream',
): Promise<string> {
  const store = t.app.get<EventStore>(EVENT_STORE);
  const { position } = await store.append(
    `violation-${violationId}`,
    [
      {
        id: randomUUID(),
        type: 'ViolationReviewed',
        data: { violationId, status, note: 'n', reviewedAt: '2025-03-01T12:00:00Z' },
        metadata: {
          recordedAt: '2025-03-01T12:00:00Z',
          correlationId: randomUUID(),
          causationId: null,
          actor: 'counsel-1',
        },
      },
    ],
    { expectedRevision },
  );
  return position;
}

/** Opens the case as an officer of A and discloses `categories` of its subject with no request behind it. */
async function disclosedUnrequested(opening: Opening, categories: string[]): Promise<void> {
  await t.post('/cases', officerA, opening).expect(201);
  const { requestId: _, ...unrequested } = disclosureBody('unused');
  await t.post(`/cases/${opening.caseId}/disclosures`, officerA, { ...unrequested, categories }).expect(201);
}

describe('a violation that concerns no request', () => {
  it('has no requestId, in the register and in its case view alike', async () => {
    // § 3: a home address disclosed to ICE with no request behind it.
    const caseD = randomUUID();
    await disclosedUnrequested(openCaseBody(A, caseD), ['HOME_ADDRESS']);
    const listed = await t.get(`/violations?${await caughtUp()}&streamId=case-${caseD}`, counsel).expect(200);
    const [v] = listed.body.items;
    expect(v).toMatchObject({ ruleId: 'S3_SENSITIVE_INFORMATION_DISCLOSED', streamId: `case-${caseD}` });
    expect(v).not.toHaveProperty('requestId');
    expect((await t.get(`/violations/${v.violationId}`, counsel).expect(200)).body).toEqual(v);
    const inCapitals = `/violations/${(v.violationId as string).toUpperCase()}`;
    expect((await t.get(inCapitals, counsel).expect(200)).body).toEqual(v);
    const byUpperStream = await t.get(`/violations?streamId=case-${caseD.toUpperCase()}`, counsel);
    expect(byUpperStream.body.items).toEqual([v]);
    for (const bad of ['bogus', 'case-123', 'report-2025-Q5']) {
      const refused = await t.get(`/violations?streamId=${bad}`, counsel).expect(400);
      expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'streamId' })]);
    }
    const view = await t.get(`/cases/${caseD}`, counsel).expect(200);
    expect(view.body.violations).toEqual([v]);
  });
});

/**
 * Opens the case as an officer of A and gives out its subject's release date with no notice, then
 * answers the path that lists its S5_RELEASE_DATE_NOTICE_MISSING once the register has judged it.
 */
async function releaseDateGivenOut(opening: Opening): Promise<string> {
  await disclosedUnrequested(opening, ['RELEASE_DATE']);
  return `/violations?${await caughtUp()}&streamId=case-${opening.caseId}&ruleId=S5_RELEASE_DATE_NOTICE_MISSING`;
}

describe("what oversight reads of a violation's evidence", () => {
  it('leaves out the case opening, which holds only the person’s profile (here: that they have counsel)', async () => {
    // On a case that names an attorney: the opening is cited.
    const path = await releaseDateGivenOut(openCaseBody(A, randomUUID()));
    const [forCounsel] = (await t.get(path, counsel).expect(200)).body.items;
    expect(forCounsel.evidence.map((e: { type: string }) => e.type)).toEqual([
      'InformationDisclosed',
      'CaseOpened',
    ]);
    const [listed] = (await t.get(path, oversight).expect(200)).body.items;
    const one = (await t.get(`/violations/${forCounsel.violationId}`, oversight).expect(200)).body;
    for (const seen of [listed, one]) {
      expect(seen).toEqual({ ...forCounsel, evidence: [forCounsel.evidence[0]] });
    }
  });

  it('gives no sign, through the violation’s id, of whether the case names an attorney or designee', async () => {
    // Two cases alike but for that: a release date given out with no notice on each.
    const seenBy = async (represented: boolean) => {
      const body = openCaseBody(A, randomUUID());
      const { attorney: _attorney, designee: _designee, ...unrepresented } = body.subject;
      const path = await releaseDateGivenOut({
        ...body,
        subject: represented ? body.subject : unrepresented,
      });
      const [forCounsel] = (await t.get(path, counsel).expect(200)).body.items;
      const [forOversight] = (await t.get(path, oversight).expect(200)).body.items;
      return { forCounsel, forOversight };
    };
    const types = (v: { evidence: { type: string }[] }) => v.evidence.map((e) => e.type);
    const represented = await seenBy(true);
    const unrepresented = await seenBy(false);
    // Counsel sees the opening cited where the profile mattered; oversight sees the same in both.
    expect(types(represented.forCounsel)).toEqual(['InformationDisclosed', 'CaseOpened']);
    expect(types(unrepresented.forCounsel)).toEqual(['InformationDisclosed']);
    // Oversight, recomputing each id from the evidence it sees, finds it in both: nothing hidden counts.
    for (const { forOversight: v } of [represented, unrepresented]) {
      expect(types(v)).toEqual(['InformationDisclosed']);
      expect(violationIdOf({ ruleId: v.ruleId, streamId: v.streamId, evidence: v.evidence })).toBe(
        v.violationId,
      );
    }
  });
});

describe('a violation by the id it had before ids left out the case opening (register v22)', () => {
  /** A release date given out with no notice on a case naming an attorney: the opening is cited, so
   * the violation's id then (its evidence's, the opening's included) differs from its id now. */
  async function renamedViolation(): Promise<{ violationId: string; formerId: string }> {
    const path = await releaseDateGivenOut(openCaseBody(A, randomUUID()));
    const [v] = (await t.get(path, counsel).expect(200)).body.items;
    const evidence = v.evidence as { eventId: string; type: string }[];
    expect(evidence.map((e) => e.type)).toContain('CaseOpened');
    const formerId = uuidv5(
      [v.ruleId, v.streamId, ...evidence.map((e) => e.eventId).sort()].join('\n'),
      FORMER_ID_NAMESPACE,
    );
    expect(formerId).not.toBe(v.violationId);
    return { violationId: v.violationId, formerId };
  }

  it('GET answers as for its current id, which the body names, with the ETag of its reviews under that id', async () => {
    const { violationId, formerId } = await renamedViolation();
    for (const reader of [counsel, oversight, officerA]) {
      const current = await t.get(`/violations/${violationId}`, reader).expect(200);
      const former = await t.get(`/violations/${formerId}`, reader).expect(200);
      expect(former.body).toEqual(current.body);
      expect(former.body.violationId).toBe(violationId);
      expect(former.headers.etag).toBeUndefined();
    }
    const reviewed = await t
      .post(`/violations/${violationId}/review`, counsel, { status: 'CONFIRMED', note: 'n' })
      .expect(201);
    const former = await t
      .get(`/violations/${formerId}?minPosition=${reviewed.body.position}`, counsel)
      .expect(200);
    expect(former.headers.etag).toBe('"0"');
    expect(former.body.status).toBe('CONFIRMED');
    // Scoped as the current id is: another agency's officer, and an id never given, are 404.
    const officerB = await t.token({ role: 'officer', agencyId: B, sub: 'officer-b' });
    await t.get(`/violations/${formerId}`, officerB).expect(404);
    await t.get(`/violations/${violationId}`, officerB).expect(404);
    await t.get(`/violations/${randomUUID()}`, counsel).expect(404);
  });

  it('records a review under it exactly as one under its current id, and answers its retry', async () => {
    const { violationId, formerId } = await renamedViolation();
    const path = `/violations/${formerId}/review`;
    const review = { status: 'DISMISSED', note: 'The attorney was told.' };
    const key = { 'Idempotency-Key': `review-${formerId}` };
    const first = await t.post(path, counsel, review, { ...key, 'If-None-Match': '*' }).expect(201);
    expect(first.body).toMatchObject({ streamId: `violation-${violationId}`, revision: 0 });
    const [event] = await t.events(`violation-${violationId}`);
    expect(event).toMatchObject({
      id: first.body.id,
      type: 'ViolationReviewed',
      data: { violationId, status: 'DISMISSED', note: 'The attorney was told.' },
    });
    expect(await t.events(`violation-${formerId}`)).toEqual([]);
    const after = await t
      .get(`/violations/${formerId}?minPosition=${first.body.position}`, counsel)
      .expect(200);
    expect(after.body.status).toBe('DISMISSED');
    expect(after.body.statusHistory.at(-1)).toMatchObject({ status: 'DISMISSED', eventId: first.body.id });

    // A retry under the same key and id gets the first response; the GET's ETag conditions the next.
    const again = await t.post(path, counsel, review, { ...key, 'If-None-Match': '*' }).expect(201);
    expect(again.body).toEqual(first.body);
    await t.post(path, counsel, { status: 'REMEDIED', note: 'n' }, { 'If-Match': '"1"' }).expect(412);
    const next = await t
      .post(path, counsel, { status: 'REMEDIED', note: 'n' }, { 'If-Match': after.headers.etag })
      .expect(201);
    expect(next.body).toMatchObject({ streamId: `violation-${violationId}`, revision: 1 });
    expect(await t.events(`violation-${violationId}`)).toHaveLength(2);
    // Only counsel reviews; an id never given is still unknown.
    await t.post(path, officerA, review).expect(403);
    await t.post(`/violations/${randomUUID()}/review`, counsel, review).expect(404);
  });

  it('conditions reviews on every stream its reviews are on: one recorded under the former id before v22 counts', async () => {
    const { violationId, formerId } = await renamedViolation();
    const path = `/violations/${violationId}`;
    const review = (headers: Record<string, string>) =>
      t.post(`${path}/review`, counsel, { status: 'REMEDIED', note: 'n' }, headers);
    const position = await reviewedAsBeforeV22(formerId, 'CONFIRMED');
    const reviewed = await t.get(`${path}?minPosition=${t.sealed(position)}`, counsel).expect(200);
    expect(reviewed.body.status).toBe('CONFIRMED');
    // Reviewed, so an ETag, and no first review any more.
    const etag = reviewed.headers.etag;
    expect(etag).toMatch(/^"[^"]+"$/);
    expect((await t.get(`/violations/${formerId}`, counsel).expect(200)).headers.etag).toBe(etag);
    const refused = await review({ 'If-None-Match': '*' }).expect(412);
    expect(refused.body.code).toBe('REVISION_MISMATCH');
    await review({ 'If-Match': '"0"' }).expect(412);
    // Of several streams' form, another tag may have been given out before: stale, not never given.
    const other = await review({ 'If-Match': SEVERAL_STREAMS_ETAG }).expect(412);
    expect(other.body.message).toBe(
      `If-Match ${SEVERAL_STREAMS_ETAG} is stale: violation-${violationId} has changed since`,
    );
    expect(await t.events(`violation-${violationId}`)).toEqual([]);

    // The ETag names them all: a review under either stream changes it.
    const next = await review({ 'If-Match': etag }).expect(201);
    expect(next.body).toMatchObject({ streamId: `violation-${violationId}`, revision: 0 });
    const afterNext = await t.get(`${path}?minPosition=${next.body.position}`, counsel).expect(200);
    expect(afterNext.body.status).toBe('REMEDIED');
    expect(afterNext.headers.etag).not.toBe(etag);
    expect(next.headers.etag).toBe(afterNext.headers.etag);
    await review({ 'If-Match': etag }).expect(412);
    const again = await reviewedAsBeforeV22(formerId, 'DISMISSED', 0);
    const afterFormer = await t.get(`${path}?minPosition=${t.sealed(again)}`, counsel).expect(200);
    expect(afterFormer.body.status).toBe('DISMISSED');
    expect(afterFormer.headers.etag).not.toBe(afterNext.headers.etag);
    await review({ 'If-Match': afterNext.headers.etag }).expect(412);
    await review({ 'If-Match': `"0", ${afterFormer.headers.etag}` }).expect(201);
    expect(await t.events(`violation-${violationId}`)).toHaveLength(2);
  });

  it('reads each stream its reviews are on once per review, whatever it checks', async () => {
    const { violationId, formerId } = await renamedViolation();
    const position = await reviewedAsBeforeV22(formerId, 'CONFIRMED');
    const path = `/violations/${violationId}`;
    const { headers } = await t.get(`${path}?minPosition=${t.sealed(position)}`, counsel).expect(200);
    // Counted through the port, on the real store: its answers are its own.
    const reads = jest.spyOn(t.app.get<EventStore>(EVENT_STORE), 'readStream');
    const readsPerStream = (): Record<string, number> => {
      const counted: Record<string, number> = {};
      for (const [streamId] of reads.mock.calls) {
        if (streamId.startsWith('violation-')) counted[streamId] = (counted[streamId] ?? 0) + 1;
      }
      return counted;
    };
    const once = { [`violation-${violationId}`]: 1, [`violation-${formerId}`]: 1 };
    const key = { 'Idempotency-Key': `review-${violationId}` };
    for (const [review, conditions] of [
      [{ status: 'REMEDIED', note: 'n' }, { 'If-Match': headers.etag }],
      [{ status: 'DISMISSED', note: 'n' }, key],
      [{ status: 'DISMISSED', note: 'n' }, key],
    ] as const) {
      reads.mockClear();
      await t.post(`${path}/review`, counsel, review, conditions).expect(201);
      expect(readsPerStream()).toEqual(once);
    }
    expect(await t.events(`violation-${violationId}`)).toHaveLength(2);
  });

  it('answers a retry under its other id with the first response, the same review under one Idempotency-Key', async () => {
    const review = { status: 'CONFIRMED', note: 'No notice.' };
    for (const order of ['former first', 'current first']) {
      const { violationId, formerId } = await renamedViolation();
      const paths = [`/violations/${formerId}/review`, `/violations/${violationId}/review`];
      if (order === 'current first') paths.reverse();
      const key = { 'Idempotency-Key': `review-${violationId}` };
      const first = await t.post(paths[0], counsel, review, key).expect(201);
      const retried = await t.post(paths[1], counsel, review, key);
      expect({ order, status: retried.status, body: retried.body }).toEqual({
        order,
        status: 201,
        body: first.body,
      });
      expect(await t.events(`violation-${violationId}`)).toHaveLength(1);
      // Still another request: another body under the key, or the key on another violation.
      const other = await t.post(paths[1], counsel, { ...review, note: 'Other.' }, key).expect(409);
      expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      const another = await renamedViolation();
      await t.post(`/violations/${another.violationId}/review`, counsel, review, key).expect(409);
      await t.post(`/violations/${another.formerId}/review`, counsel, review, key).expect(409);
      expect(await t.events(`violation-${another.violationId}`)).toEqual([]);
    }
  });

  /** Records `review` under `key` as the API recorded a review before register v22: on the stream of
   * the (former) id it was posted under, fingerprinted under that id's path, remembered in api.db. */
  async function reviewedUnderKeyBeforeV22(
    { violationId, formerId }: { violationId: string; formerId: string },
    review: { status: string; note: string },
    key: string,
  ): Promise<CommandResult> {
    const v = (await t.get(`/violations/${violationId}`, counsel).expect(200)).body;
    const commandId = uuidv5(`counsel-1:${key}`, ID_NAMESPACE);
    return t.app.get(CommandExecutor).execute({
      actor: 'counsel-1',
      commandId,
      idempotencyKey: key,
      requestHash: createHash('sha256')
        .update(`POST\n${API}/violations/${formerId}/review\n${canonicalize(review)}`)
        .digest('hex'),
      correlationId: commandId,
      streamId: `violation-${formerId}`,
      decider: violationReviewDecider,
      command: {
        type: 'ReviewViolation',
        data: { violationId: formerId, ...review, ...violationActOf(v) },
        actor: 'counsel-1',
        now: t.clock.now(),
      },
    });
  }

  it('answers a retry of a review recorded on its former id’s stream with the first response, api.db lost', async () => {
    const { violationId, formerId } = await renamedViolation();
    const review = { status: 'CONFIRMED', note: 'No notice to the attorney.' };
    const key = `review-${formerId}`;
    const first = await reviewedUnderKeyBeforeV22({ violationId, formerId }, review, key);
    const applied = await t.get(`/violations/${violationId}?minPosition=${first.position}`, counsel);
    expect(applied.body.status).toBe('CONFIRMED');
    // api.db lost: the log alone tells the retry from a second review, under either id.
    const db = new Database(`${t.dataDir}/${IDEMPOTENCY_FILE}`);
    db.prepare('DELETE FROM idempotency_keys').run();
    db.close();
    // Each answers with the violation's ETag as its GET gives it, not its former stream's revision.
    const { etag } = (await t.get(`/violations/${violationId}`, counsel).expect(200)).headers;
    for (const id of [violationId, formerId]) {
      const retried = await t.post(`/violations/${id}/review`, counsel, review, { 'Idempotency-Key': key });
      expect({ id, status: retried.status, body: retried.body }).toEqual({ id, status: 201, body: first });
      expect({ id, etag: retried.headers.etag }).toEqual({ id, etag });
    }
    expect(await t.events(`violation-${formerId}`)).toHaveLength(1);
    expect(await t.events(`violation-${violationId}`)).toEqual([]);
    // The key with another review is still another request.
    const other = await t
      .post(
        `/violations/${violationId}/review`,
        counsel,
        { ...review, note: 'Other.' },
        { 'Idempotency-Key': key },
      )
      .expect(409);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await t.events(`violation-${violationId}`)).toEqual([]);
    // The retry's ETag conditions the next review.
    await t
      .post(
        `/violations/${violationId}/review`,
        counsel,
        { status: 'REMEDIED', note: 'n' },
        { 'If-Match': etag },
      )
      .expect(201);
  });

  it('answers a retry with the violation’s ETag as it stood at the first response: current until another review follows', async () => {
    const { violationId, formerId } = await renamedViolation();
    const path = `/violations/${violationId}`;
    const nextReview = (ifMatch: string) =>
      t.post(`${path}/review`, counsel, { status: 'REMEDIED', note: 'n' }, { 'If-Match': ifMatch });
    // First recorded on the former id's stream, as before register v22, and remembered in api.db.
    const review = { status: 'CONFIRMED', note: 'No notice to the attorney.' };
    const key = { 'Idempotency-Key': `review-${formerId}` };
    const first = await reviewedUnderKeyBeforeV22({ violationId, formerId }, review, key['Idempotency-Key']);
    const reviewed = await t.get(`${path}?minPosition=${first.position}`, counsel).expect(200);
    expect(reviewed.body.status).toBe('CONFIRMED');
    for (const id of [formerId, violationId]) {
      const retried = await t.post(`/violations/${id}/review`, counsel, review, key).expect(201);
      expect(retried.body).toMatchObject({ streamId: `violation-${formerId}`, revision: 0 });
      expect({ id, etag: retried.headers.etag }).toEqual({ id, etag: reviewed.headers.etag });
    }
    const next = await nextReview(reviewed.headers.etag).expect(201);

    // A review remembered under its key, then another by someone else: the retry's ETag is the first
    // response's, which that other review made stale. Its counsel has not seen it: 412, not a lost update.
    const again = { 'Idempotency-Key': `review-again-${violationId}` };
    const remembered = await t.post(`${path}/review`, counsel, review, {
      ...again,
      'If-Match': next.headers.etag,
    });
    expect(remembered.status).toBe(201);
    const later = await nextReview(remembered.headers.etag).expect(201);
    const retried = await t.post(`${path}/review`, counsel, review, again).expect(201);
    expect(retried.body).toEqual(remembered.body);
    expect(retried.headers.etag).toBe(remembered.headers.etag);
    const stale = await nextReview(retried.headers.etag).expect(412);
    expect(stale.body.message).toContain('is stale');
    const got = await t.get(`${path}?minPosition=${later.body.position}`, counsel).expect(200);
    expect(got.headers.etag).toBe(later.headers.etag);
    await nextReview(got.headers.etag).expect(201);
    expect(await t.events(`violation-${violationId}`)).toHaveLength(4);
  });

  it('takes one first review of the violation, whichever of its ids two counsel post it under at once', async () => {
    const { violationId, formerId } = await renamedViolation();
    const firsts = await Promise.all(
      [formerId, violationId].map((id) =>
        t.post(
          `/violations/${id}/review`,
          counsel,
          { status: 'CONFIRMED', note: 'n' },
          { 'If-None-Match': '*' },
        ),
      ),
    );
    expect(firsts.map((r) => r.status).sort()).toEqual([201, 412]);
    expect(await t.events(`violation-${violationId}`)).toHaveLength(1);
  });

  it('records it under the current id also when the register learns the former id only while the review waits', async () => {
    // A release date given out on a represented case while the register is stopped: the register
    // knows neither id of its violation when the review comes.
    const runner = t.app.get(ProjectionRunner);
    await runner.stop();
    let started = false;
    try {
      const caseId = randomUUID();
      await disclosedUnrequested(openCaseBody(A, caseId), ['RELEASE_DATE']);
      const events = await t.events(`case-${caseId}`);
      const opened = events.find((e) => e.type === 'CaseOpened')!;
      const disclosed = events.find((e) => e.type === 'InformationDisclosed')!;
      const ids = { ruleId: 'S5_RELEASE_DATE_NOTICE_MISSING' as const, streamId: `case-${caseId}` };
      const laterFormerId = uuidv5(
        [ids.ruleId, ids.streamId, ...[opened.id, disclosed.id].sort()].join('\n'),
        FORMER_ID_NAMESPACE,
      );
      const laterId = violationIdOf({
        ...ids,
        evidence: [
          {
            eventId: disclosed.id,
            streamId: ids.streamId,
            revision: disclosed.revision,
            type: disclosed.type,
          },
        ],
      });
      const recorded = await reviewedOnceRegisterStarts(runner, laterFormerId, {
        status: 'CONFIRMED',
        note: 'n',
      });
      started = true;
      expect(recorded.status).toBe(201);
      expect(recorded.body.streamId).toBe(`violation-${laterId}`);
      expect(await t.events(`violation-${laterFormerId}`)).toEqual([]);
      const [event] = await t.events(`violation-${laterId}`);
      expect(event.data).toMatchObject({ violationId: laterId });
    } finally {
      if (!started) runner.start();
    }
  });
});

describe('POST /violations/{id}/review', () => {
  it('records counsel’s review on the violation’s stream and applies it', async () => {
    const [v] = (await t.get('/violations?section=2', counsel).expect(200)).body.items;
    const reviewed = await t
      .post(`/violations/${v.violationId}/review`, counsel, {
        status: 'CONFIRMED',
        note: 'No judicial warrant.',
      })
      .expect(201);
    expect(reviewed.body).toEqual({
      id: expect.any(String),
      streamId: `violation-${v.violationId}`,
      revision: 0,
      position: expect.any(String),
    });
    expect(reviewed.headers.etag).toBe('"0"');
    const [event] = await t.events(`violation-${v.violationId}`);
    expect(event).toMatchObject({
      id: reviewed.body.id,
      type: 'ViolationReviewed',
      data: { violationId: v.violationId, status: 'CONFIRMED', note: 'No judicial warrant.' },
      metadata: { actor: 'counsel-1' },
    });
    // The act beside the id: what the register still finds the violation by under another id.
    expect(event.data).toMatchObject({ ruleId: v.ruleId, streamId: v.streamId, act: v.evidence[0].eventId });
    const after = await t
      .get(`/violations/${v.violationId}?minPosition=${reviewed.body.position}`, officerA)
      .expect(200);
    expect(after.body.status).toBe('CONFIRMED');
    expect(after.body.statusHistory.at(-1)).toEqual({
      status: 'CONFIRMED',
      at: '2025-03-02T11:00:00.000Z',
      by: 'counsel-1',
      note: 'No judicial warrant.',
      eventId: reviewed.body.id,
    });
    // Counsel's note is free text that may name the person: oversight reads the review without it.
    const { note: _note, ...reviewWithoutNote } = after.body.statusHistory.at(-1);
    const seenByOversight = [
      (await t.get(`/violations/${v.violationId}`, oversight).expect(200)).body,
      (await t.get('/violations?section=2', oversight).expect(200)).body.items.find(
        (item: { violationId: string }) => item.violationId === v.violationId,
      ),
    ];
    for (const violation of seenByOversight) {
      expect(violation.status).toBe('CONFIRMED');
      expect(violation.statusHistory.at(-1)).toEqual(reviewWithoutNote);
    }
    expect(
      (await t.get(`/violations/${v.violationId}`, counsel).expect(200)).body.statusHistory.at(-1).note,
    ).toBe('No judicial warrant.');
  });

  it('lets counsel make a review conditional: the first on If-None-Match: *, the next on the ETag', async () => {
    const { caseId: caseG } = await openCaseWithRequest(t, officerA, A);
    const found = await t.get(`/violations?${await caughtUp()}&streamId=case-${caseG}`, counsel).expect(200);
    const [v] = found.body.items;
    const path = `/violations/${v.violationId}`;
    const review = (status: string, headers: Record<string, string>) =>
      t.post(`${path}/review`, counsel, { status, note: 'n' }, headers);

    expect((await t.get(path, counsel).expect(200)).headers.etag).toBeUndefined();
    // Two counsel concluding at once: one first review, the other told someone concluded first.
    const firsts = await Promise.all([
      review('CONFIRMED', { 'If-None-Match': '*' }),
      review('DISMISSED', { 'If-None-Match': '*' }),
    ]);
    expect(firsts.map((r) => r.status).sort()).toEqual([201, 412]);
    const etag = (await t.get(path, counsel).expect(200)).headers.etag;
    expect(etag).toBe('"0"');
    await review('REMEDIED', { 'If-Match': etag }).expect(201);
    await review('DISMISSED', { 'If-Match': etag }).expect(412);
    expect((await t.get(path, counsel).expect(200)).headers.etag).toBe('"1"');
    const refused = await review('CONFIRMED', { 'If-None-Match': '"1"' }).expect(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'If-None-Match' })]);
    expect(await t.events(`violation-${v.violationId}`)).toHaveLength(2);
  });

  it('answers an If-Match never given out for the violation with 412, saying so', async () => {
    const { caseId } = await openCaseWithRequest(t, officerA, A);
    const found = await t.get(`/violations?${await caughtUp()}&streamId=case-${caseId}`, counsel).expect(200);
    const [v] = found.body.items;
    const review = (headers: Record<string, string>) =>
      t.post(`/violations/${v.violationId}/review`, counsel, { status: 'CONFIRMED', note: 'n' }, headers);
    const stream = `violation-${v.violationId}`;
    // Reviews on its own stream alone: its ETag is that stream's revision, never several streams' form.
    const unreviewed = await review({ 'If-Match': SEVERAL_STREAMS_ETAG }).expect(412);
    expect(unreviewed.body).toMatchObject({
      code: 'REVISION_MISMATCH',
      message: `If-Match ${SEVERAL_STREAMS_ETAG} was never given out for ${stream}, which has nothing recorded`,
    });
    await review({}).expect(201);
    const reviewed = await review({ 'If-Match': `${SEVERAL_STREAMS_ETAG}, "4"` }).expect(412);
    expect(reviewed.body.message).toBe(
      `If-Match ${SEVERAL_STREAMS_ETAG}, "4" was never given out for ${stream}, whose ETag is its revision (revision 0)`,
    );
    expect(await t.events(stream)).toHaveLength(1);
  });

  it('is counsel’s alone, for known violations, with a valid conclusion and a note', async () => {
    const [v] = (await t.get('/violations?section=5', counsel).expect(200)).body.items;
    const path = `/violations/${v.violationId}/review`;
    await t.post(path, officerA, { status: 'DISMISSED', note: 'n' }).expect(403);
    await t.post(path, oversight, { status: 'DISMISSED', note: 'n' }).expect(403);
    await t
      .post(`/violations/${randomUUID()}/review`, counsel, { status: 'DISMISSED', note: 'n' })
      .expect(404);
    const invalid = await t.post(path, counsel, { status: 'WITHDRAWN' }).expect(400);
    expect(JSON.stringify(invalid.body)).toMatch(/status/);
    expect(JSON.stringify(invalid.body)).toMatch(/note/);
    await t.post(path, counsel, { status: 'REMEDIED', note: 'x', extra: 1 }).expect(400);
    expect(await t.events(`violation-${v.violationId}`)).toEqual([]);

    const key = { 'Idempotency-Key': 'review-1' };
    const first = await t
      .post(path, counsel, { status: 'DISMISSED', note: 'Notice given orally.' }, key)
      .expect(201);
    const again = await t
      .post(path, counsel, { status: 'DISMISSED', note: 'Notice given orally.' }, key)
      .expect(201);
    expect(again.body).toEqual(first.body);
    expect(await t.events(`violation-${v.violationId}`)).toHaveLength(1);
  });

  it('waits for a register that has not judged the latest events yet, rather than answer 404', async () => {
    const [known] = (await t.get(`/violations?${await caughtUp()}&section=2`, counsel).expect(200)).body
      .items;
    const runner = t.app.get(ProjectionRunner);
    await runner.stop();
    let started = false;
    try {
      // The same § 2 act in another case, recorded while the register is stopped.
      const caseId = randomUUID();
      await honorDetainerOnAdministrativeWarrant(caseId);
      const events = await t.events(`case-${caseId}`);
      const evidence = (known.evidence as { type: string }[]).map(({ type }) => {
        const event = events.find((e) => e.type === type)!;
        return { eventId: event.id, streamId: event.streamId, revision: event.revision, type };
      });
      const violationId = violationIdOf({ ruleId: known.ruleId, streamId: `case-${caseId}`, evidence });

      // Unknown to a register that is behind: 503 with the lag once the wait is over, and nothing recorded.
      const behind = await t.post(`/violations/${violationId}/review`, counsel, {
        status: 'CONFIRMED',
        note: 'n',
      });
      expect(behind.status).toBe(503);
      expect(behind.headers['retry-after']).toBe('1');
      expect(behind.body.lag).toEqual(
        expect.arrayContaining([expect.objectContaining({ name: 'violation-register', behind: true })]),
      );
      expect(await t.events(`violation-${violationId}`)).toEqual([]);

      // Asked again, the register starting while the review waits: recorded once it has judged the case.
      const recorded = await reviewedOnceRegisterStarts(runner, violationId, {
        status: 'CONFIRMED',
        note: 'No judicial warrant.',
      });
      started = true;
      expect(recorded.status).toBe(201);
      expect(await t.events(`violation-${violationId}`)).toHaveLength(1);
    } finally {
      if (!started) runner.start();
    }
    // Caught up, an id it never judged is unknown at once.
    await t
      .post(`/violations/${randomUUID()}/review`, counsel, { status: 'DISMISSED', note: 'n' })
      .expect(404);
  });

  it('refuses a withdrawn violation (409), yet answers a retry of a review recorded before it was withdrawn', async () => {
    // § 5: a request recorded after its notice deadline, with no notice recorded.
    const { caseId: caseC, requestId: requestC } = await openCaseWithRequest(t, officerA, A);
    const found = await t.get(`/violations?${await caughtUp()}&streamId=case-${caseC}`, counsel).expect(200);
    const [v] = found.body.items;
    expect(v).toMatchObject({ ruleId: 'S5_NOTICE_NOT_GIVEN', status: 'OPEN' });
    const path = `/violations/${v.violationId}/review`;
    const review = { status: 'CONFIRMED', note: 'No notice on file.' };
    const key = { 'Idempotency-Key': `review-${caseC}` };
    const first = await t.post(path, counsel, review, key).expect(201);

    // The notice, recorded late, was delivered in time: the facts withdraw the violation.
    await t
      .post(`/cases/${caseC}/notices`, officerA, {
        ...noticeBody(requestC),
        deliveredAt: '2025-02-28T12:00:00Z',
      })
      .expect(201);
    const withdrawn = await t.get(`/violations/${v.violationId}?${await caughtUp()}`, counsel).expect(200);
    expect(withdrawn.body.status).toBe('WITHDRAWN');

    const again = await t.post(path, counsel, review, key).expect(201);
    expect(again.body).toEqual(first.body);
    // Its retry needs nothing of the register: answered at once while the register is stopped
    // behind the log.
    const runner = t.app.get(ProjectionRunner);
    await runner.stop();
    try {
      await t.post('/cases', officerA, openCaseBody(A)).expect(201);
      expect((await t.post(path, counsel, review, key).expect(201)).body).toEqual(first.body);
    } finally {
      runner.start();
    }
    const refused = await t
      .post(path, counsel, { status: 'DISMISSED', note: 'Notice was given.' })
      .expect(409);
    expect(refused.body.code).toBe('VIOLATION_WITHDRAWN');
    expect(await t.events(`violation-${v.violationId}`)).toHaveLength(1);
  });

  it('refuses a violation a fact recorded just before withdrew, though the register has not judged it yet', async () => {
    const { caseId: caseF, requestId: requestF } = await openCaseWithRequest(t, officerA, A);
    const found = await t.get(`/violations?${await caughtUp()}&streamId=case-${caseF}`, counsel).expect(200);
    const [v] = found.body.items;
    expect(v).toMatchObject({ ruleId: 'S5_NOTICE_NOT_GIVEN', status: 'OPEN' });

    // The register falls behind: the withdrawing notice is recorded before it judges it.
    const runner = t.app.get(ProjectionRunner);
    await runner.stop();
    try {
      await t
        .post(`/cases/${caseF}/notices`, officerA, {
          ...noticeBody(requestF),
          deliveredAt: '2025-02-28T12:00:00Z',
        })
        .expect(201);
      const waiting = runnerWaitBegins(runner, VIOLATION_REGISTER);
      const review = t
        .post(`/violations/${v.violationId}/review`, counsel, {
          status: 'CONFIRMED',
          note: 'n',
        })
        .expect(409)
        .then((response) => response);
      await Promise.race([waiting, review]);
      runner.start();
      const refused = await review;
      expect(refused.body.code).toBe('VIOLATION_WITHDRAWN');
    } finally {
      runner.start();
    }
    expect(await t.events(`violation-${v.violationId}`)).toHaveLength(0);
  });
});

describe('GET /health', () => {
  it('counts the reviews the register could not apply, as in a register a rules change rebuilt', async () => {
    const registerOf = async (minPosition: string) =>
      (
        await t
          .http()
          .get(`${API}/health?minPosition=${t.sealed(minPosition)}`)
          .expect(200)
      ).body.projections.find((p: { name: string }) => p.name === 'violation-register');
    const [last] = (await t.events()).slice(-1);
    expect((await registerOf(last.position)).details).toEqual({ unappliedReviews: 0 });

    // A review recorded before reviews named their act, of a violation the register no longer holds.
    const formerId = randomUUID();
    const position = await reviewedAsBeforeV22(formerId, 'CONFIRMED');
    const register = await registerOf(position);
    expect(register).toMatchObject({ error: null, details: { unappliedReviews: 1 } });
    const metrics = await t.http().get(`${API}/metrics`).expect(200);
    expect(metrics.text).toMatch(/^trust_ledger_unapplied_reviews\{projection="violation-register"\} 1$/m);
    // Operators see each one, for someone to look at: the count alone names none.
    const [review] = await t.events(`violation-${formerId}`);
    const { out } = await withEnv({ DATA_DIR: t.dataDir }, () => runCli('projections', 'status'));
    expect(out).toMatch(/^OK violation-register v\d+ at \d+, 0 behind, unappliedReviews 1$/m);
    expect(out).toContain(
      `  unapplied review ${review.id} (2025-03-01T12:00:00Z) of violation ${formerId}, naming no act\n`,
    );
  });
});
