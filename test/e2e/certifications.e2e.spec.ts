import { certificationStreamId, defaultOrdinanceVersion } from '@trust-ledger/domain';
import { READ_MODEL_DB, type ReadModelDb } from '@trust-ledger/projections';
import { randomUUID } from 'node:crypto';
import type { CommandResult } from '../../apps/api/src/write/command-result';
import { CERTIFICATION_VICTIM as VICTIM, certificationBody } from '../support/certification-bodies';
import { SEVERAL_STREAMS_ETAG } from '../support/etags';
import { API, startTestApp, type TestApp } from '../support/test-app';

const requestBody = (overrides: object = {}): object => certificationBody('agency-a', overrides);

describe('victim visa certifications (§ 9)', () => {
  let t: TestApp;
  let officerA: string;
  let officerB: string;
  let counsel: string;

  beforeAll(async () => {
    t = await startTestApp();
    officerA = await t.token({ role: 'officer', agencyId: 'agency-a', sub: 'officer-a' });
    officerB = await t.token({ role: 'officer', agencyId: 'agency-b', sub: 'officer-b' });
    counsel = await t.token({ role: 'counsel', sub: 'counsel-1' });
  });
  afterAll(() => t.close());

  const post = (path: string, body: object, token = officerA) => t.post(path, token, body);
  const get = (path: string, token = officerA) => t.get(path, token);
  const logLength = async (): Promise<number> => (await t.events()).length;

  async function requested(overrides: object = {}): Promise<CommandResult> {
    const response = await post('/certifications', requestBody(overrides));
    expect(response.status).toBe(201);
    return response.body as CommandResult;
  }

  const decide = (id: string, body: object, token = officerA) =>
    post(`/certifications/${id}/decision`, body, token);
  const certified = {
    outcome: 'CERTIFIED',
    decidedAt: '2025-02-25T10:00:00Z',
    explanation: 'Helpful victim',
  };

  it('records the request and shows it with its status, deadline and victim', async () => {
    const certificationId = randomUUID();
    const created = await requested({ certificationId });
    const [event] = await t.events(certificationStreamId(certificationId));
    expect(created).toEqual({
      id: certificationId,
      streamId: `certification-${certificationId}`,
      revision: 0,
      position: t.sealed(event.position),
    });
    expect(event).toMatchObject({ type: 'CertificationRequested', metadata: { actor: 'officer-a' } });

    const view = await get(`/certifications/${certificationId}?minPosition=${created.position}`);
    expect(view.status).toBe(200);
    expect(view.headers.etag).toBe('"0"');
    expect(view.body).toEqual({
      certificationId,
      agencyId: 'agency-a',
      form: 'I-918B',
      requestedAt: '2025-02-20T15:00:00Z',
      requester: 'ATTORNEY',
      inRemovalProceedings: false,
      qualifyingActivity: 'Felonious assault',
      victim: VICTIM,
      status: 'PENDING',
      // 90 calendar days (UTC) after 20 February: a decision on 21 May is in time.
      deadline: '2025-05-22T00:00:00.000Z',
      assistanceRefusals: [],
      decision: null,
      withdrawal: null,
      personalDataErased: false,
      revision: 0,
    });
  });

  it('keeps the victim out of the read model, decoding it only when read', async () => {
    const created = await requested({ victim: { fullName: 'Zelda Unforgettable-Name' } });
    await get(`/certifications/${created.id}?minPosition=${created.position}`).expect(200);
    const db = t.app.get<ReadModelDb>(READ_MODEL_DB);
    const row = db
      .prepare<[string], { record: string }>(
        'SELECT record FROM certification_views WHERE certification_id = ?',
      )
      .get(created.id);
    expect(row?.record).toBeDefined();
    expect(row?.record).not.toContain('Zelda');
  });

  it('gives someone in removal proceedings the expedited deadline', async () => {
    const created = await requested({ inRemovalProceedings: true });
    const view = await get(`/certifications/${created.id}?minPosition=${created.position}`);
    expect(view.body.deadline).toBe('2025-03-07T00:00:00.000Z');
  });

  it('records refusals of assistance, then the decision, and shows them', async () => {
    const created = await requested();
    const refusal = await post(`/certifications/${created.id}/assistance-refusals`, {
      at: '2025-02-22T09:00:00Z',
      description: 'Did not attend the interview',
    });
    expect(refusal.status).toBe(201);
    expect(refusal.body.revision).toBe(1);
    const denied = await decide(created.id, {
      outcome: 'DENIED',
      decidedAt: '2025-02-24T09:00:00Z',
      grounds: 'REFUSED_REASONABLE_ASSISTANCE',
      explanation: 'No cooperation',
    });
    expect(denied.status).toBe(201);
    const events = await t.events(created.streamId);
    expect(denied.body.id).toBe(events[2].id);

    const view = await get(`/certifications/${created.id}?minPosition=${denied.body.position}`);
    expect(view.headers.etag).toBe('"2"');
    expect(view.body).toMatchObject({
      status: 'DENIED',
      assistanceRefusals: [
        { eventId: events[1].id, at: '2025-02-22T09:00:00Z', description: 'Did not attend the interview' },
      ],
      decision: {
        eventId: events[2].id,
        outcome: 'DENIED',
        decidedAt: '2025-02-24T09:00:00Z',
        grounds: 'REFUSED_REASONABLE_ASSISTANCE',
        explanation: 'No cooperation',
      },
      withdrawal: null,
      personalDataErased: false,
      revision: 2,
    });
  });

  it('refuses a second decision and a withdrawal after the decision with 409, writing nothing', async () => {
    const created = await requested();
    expect((await decide(created.id, certified)).status).toBe(201);
    const before = await logLength();
    const again = await decide(created.id, { ...certified, decidedAt: '2025-02-26T10:00:00Z' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('CERTIFICATION_DECIDED');
    const withdrawn = await post(`/certifications/${created.id}/withdraw`, {
      at: '2025-02-27T10:00:00Z',
      reason: 'x',
    });
    expect(withdrawn.status).toBe(409);
    expect(await logLength()).toBe(before);
  });

  it('withdraws a pending request, after which it cannot be decided', async () => {
    const created = await requested();
    const withdrawn = await post(`/certifications/${created.id}/withdraw`, {
      at: '2025-02-21T10:00:00Z',
      reason: 'The victim withdrew the request',
    });
    expect(withdrawn.status).toBe(201);
    const view = await get(`/certifications/${created.id}?minPosition=${withdrawn.body.position}`);
    expect(view.body).toMatchObject({
      status: 'WITHDRAWN',
      withdrawal: { at: '2025-02-21T10:00:00Z', reason: 'The victim withdrew the request' },
    });
    const decided = await decide(created.id, certified);
    expect(decided.status).toBe(409);
    expect(decided.body.code).toBe('CERTIFICATION_WITHDRAWN');
  });

  it('refuses a decision dated before the request with 409', async () => {
    const created = await requested();
    const early = await decide(created.id, { ...certified, decidedAt: '2025-02-19T10:00:00Z' });
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('PRECEDES_REQUEST');
  });

  describe('refuses invalid input with 400 naming every field, writing nothing', () => {
    let certificationId: string;
    beforeAll(async () => {
      certificationId = (await requested()).id;
    });

    it.each<[string, string, object, string[]]>([
      ['a denial without grounds', 'decision', { ...certified, outcome: 'DENIED' }, ['grounds']],
      ['grounds with a certification', 'decision', { ...certified, grounds: 'NOT_A_VICTIM' }, ['grounds']],
      [
        'an unknown outcome and grounds',
        'decision',
        { ...certified, outcome: 'MAYBE', grounds: 'UNDOCUMENTED' },
        ['outcome', 'grounds'],
      ],
      ['an empty decision', 'decision', {}, ['outcome', 'decidedAt', 'explanation']],
      ['an unknown field', 'decision', { ...certified, approvedBy: 'chief' }, ['approvedBy']],
      ['an empty refusal', 'assistance-refusals', {}, ['at', 'description']],
      ['a withdrawal without reason', 'withdraw', { at: '2025-02-21T10:00:00' }, ['at', 'reason']],
    ])('%s', async (_name, path, body, fields) => {
      const before = await logLength();
      const response = await post(`/certifications/${certificationId}/${path}`, body);
      expect(response.status).toBe(400);
      expect(response.body.errors.map((e: { field: string }) => e.field)).toEqual(fields);
      expect(await logLength()).toBe(before);
    });

    it.each<[string, object, string[]]>([
      [
        'an empty request',
        {},
        [
          'agencyId',
          'form',
          'requestedAt',
          'requester',
          'inRemovalProceedings',
          'qualifyingActivity',
          'victim',
        ],
      ],
      [
        'values outside the vocabulary',
        requestBody({ form: 'I-130', requester: 'NEIGHBOUR', inRemovalProceedings: 'no' }),
        ['form', 'requester', 'inRemovalProceedings'],
      ],
      [
        'a victim without a name, with a malformed date and language, and an extra field',
        requestBody({ victim: { dateOfBirth: '1988-02-30', preferredLanguage: '??', ssn: '123' } }),
        ['victim.ssn', 'victim.fullName', 'victim.dateOfBirth', 'victim.preferredLanguage'],
      ],
    ])('%s', async (_name, body, fields) => {
      const before = await logLength();
      const response = await post('/certifications', body);
      expect(response.status).toBe(400);
      expect(response.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([...fields].sort());
      expect(await logLength()).toBe(before);
    });
  });

  it('answers a retried request with the first response and writes nothing', async () => {
    const body = requestBody();
    const first = await post('/certifications', body).set('Idempotency-Key', 'cert-1');
    const before = await logLength();
    const retry = await post('/certifications', body).set('Idempotency-Key', 'cert-1');
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(await logLength()).toBe(before);
  });

  it('refuses a stale If-Match with 412', async () => {
    const created = await requested();
    await post(`/certifications/${created.id}/assistance-refusals`, {
      at: '2025-02-21T09:00:00Z',
      description: 'x',
    })
      .set('If-Match', '"0"')
      .expect(201);
    const before = await logLength();
    const stale = await decide(created.id, certified).set('If-Match', '"0"');
    expect(stale.status).toBe(412);
    // A violation's ETag over several streams, alone or beside one ahead: never this record's.
    const another = await decide(created.id, certified).set('If-Match', `${SEVERAL_STREAMS_ETAG}, "9"`);
    expect(another.status).toBe(412);
    expect(another.body.message).toBe(
      `If-Match ${SEVERAL_STREAMS_ETAG}, "9" was never given out for certification-${created.id}, whose ETag is its revision (revision 1)`,
    );
    expect(await logLength()).toBe(before);
  });

  describe('access', () => {
    let ofA: CommandResult;
    beforeAll(async () => {
      ofA = await requested();
    });

    it('hides another agency’s certification as if it did not exist (404), for reads and writes', async () => {
      const before = await logLength();
      expect((await get(`/certifications/${ofA.id}?minPosition=${ofA.position}`, officerB)).status).toBe(404);
      expect((await get(`/certifications/${randomUUID()}`, officerA)).status).toBe(404);
      const write = await decide(ofA.id, certified, officerB);
      expect(write.status).toBe(404);
      expect(write.body.code).toBe('CERTIFICATION_NOT_FOUND');
      expect((await decide(randomUUID(), certified)).status).toBe(404);
      expect(await logLength()).toBe(before);
    });

    it('refuses a request for another agency and a list of another agency with 403', async () => {
      const before = await logLength();
      expect((await post('/certifications', requestBody(), officerB)).status).toBe(403);
      expect((await get('/certifications?agencyId=agency-a', officerB)).status).toBe(403);
      expect(await logLength()).toBe(before);
    });

    it('lets counsel read every agency’s, and nobody else but the agency’s officers and supervisors', async () => {
      const view = await get(`/certifications/${ofA.id}?minPosition=${ofA.position}`, counsel);
      expect(view.status).toBe(200);
      expect(view.body.victim).toEqual(VICTIM);
      expect((await post('/certifications', requestBody(), counsel)).status).toBe(403);
      for (const role of ['oversight', 'admin'] as const) {
        const token = await t.token({ role });
        expect((await get(`/certifications/${ofA.id}`, token)).status).toBe(403);
        expect((await get('/certifications', token)).status).toBe(403);
      }
      expect((await get('/certifications', '')).status).toBe(401);
    });
  });

  describe('GET /certifications', () => {
    it('lists the caller’s agency’s by default, filtered and paged', async () => {
      const ofB = await post(
        '/certifications',
        requestBody({ agencyId: 'agency-b', form: 'I-914B' }),
        officerB,
      );
      const mine = await requested({ form: 'I-914B', requestedAt: '2025-02-26T00:00:00Z' });
      expect(ofB.status).toBe(201);
      // The later write: once the projections have it, they have the earlier one too.
      const sync = `minPosition=${mine.position}`;

      const all = await get(`/certifications?${sync}&limit=500`);
      expect(all.status).toBe(200);
      expect(all.body.items.length).toBeGreaterThan(1);
      expect(all.body.items.every((c: { agencyId: string }) => c.agencyId === 'agency-a')).toBe(true);
      expect(all.body.nextCursor).toBeNull();

      const t914 = await get(`/certifications?${sync}&form=I-914B`);
      expect(t914.body.items.map((c: { certificationId: string }) => c.certificationId)).toEqual([mine.id]);
      const late = await get(`/certifications?${sync}&requestedFrom=2025-02-25T00:00:00Z`);
      expect(late.body.items.map((c: { certificationId: string }) => c.certificationId)).toEqual([mine.id]);
      const forCounsel = await get(`/certifications?${sync}&form=I-914B`, counsel);
      expect(forCounsel.body.items.map((c: { agencyId: string }) => c.agencyId)).toEqual([
        'agency-b',
        'agency-a',
      ]);

      const first = await get(`/certifications?${sync}&limit=1`);
      expect(first.body.items).toHaveLength(1);
      const second = await get(`/certifications?${sync}&limit=1&cursor=${first.body.nextCursor}`);
      expect(second.body.items[0].certificationId).not.toBe(first.body.items[0].certificationId);
      expect(second.body.items[0].certificationId).toBe(all.body.items[1].certificationId);

      const pending = await get(`/certifications?${sync}&status=PENDING&limit=500`);
      expect(pending.body.items.every((c: { status: string }) => c.status === 'PENDING')).toBe(true);
    });

    it('refuses malformed filters with 400 naming each', async () => {
      const response = await get(
        '/certifications?status=LOST&form=X&requestedFrom=yesterday&limit=0&cursor=a',
      );
      expect(response.status).toBe(400);
      expect(response.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(
        ['cursor', 'form', 'limit', 'requestedFrom', 'status'].sort(),
      );
      const backwards = await get(
        '/certifications?requestedFrom=2025-03-01T00:00:00Z&requestedTo=2025-02-01T00:00:00Z',
      );
      expect(backwards.body.errors).toEqual([
        { field: 'requestedTo', reason: 'requestedTo must not be before requestedFrom' },
      ]);
    });
  });
});

describe('a certification’s deadline follows the ordinance version in force when it was requested', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('moves when a version reaching back before the request is adopted, and is null without § 9', async () => {
    const officer = await t.token({ role: 'officer', agencyId: 'agency-a' });
    const admin = await t.token({ role: 'admin' });
    const created = await t
      .http()
      .post(`${API}/certifications`)
      .set('Authorization', `Bearer ${officer}`)
      .send(requestBody());
    const deadline = async (minPosition: string): Promise<string | null> => {
      const view = await t
        .http()
        .get(`${API}/certifications/${created.body.id}?minPosition=${minPosition}`)
        .set('Authorization', `Bearer ${officer}`);
      return view.body.deadline as string | null;
    };
    expect(await deadline(created.body.position)).toBe('2025-05-22T00:00:00.000Z');

    const { version: _, ...terms } = defaultOrdinanceVersion();
    const adopt = (overrides: object) =>
      t
        .http()
        .post(`${API}/ordinance/versions`)
        .set('Authorization', `Bearer ${admin}`)
        .send({ ...terms, ...overrides });

    // Adopted after the request, but in force since before it: 30 days, counted in New York.
    const shorter = await adopt({
      effectiveFrom: '2025-01-01T00:00:00-05:00',
      certificationDeadlineDays: 30,
      certificationExpeditedDays: 10,
      timeZone: 'America/New_York',
    });
    expect(shorter.status).toBe(201);
    expect(await deadline(shorter.body.position)).toBe('2025-03-23T04:00:00.000Z');

    // A version taking effect after the request changes nothing about it.
    const later = await adopt({ effectiveFrom: '2025-02-21T00:00:00Z', certificationDeadlineDays: 200 });
    expect(await deadline(later.body.position)).toBe('2025-03-23T04:00:00.000Z');

    const withoutS9 = await adopt({ effectiveFrom: '2025-02-01T00:00:00Z', sectionsInForce: [1, 2, 3] });
    expect(await deadline(withoutS9.body.position)).toBeNull();
  });
});
