import { matterStreamId } from '@trust-ledger/domain';
import { randomUUID } from 'node:crypto';
import type { CommandResult } from '../../apps/api/src/write/command-result';
import { SEVERAL_STREAMS_ETAG } from '../support/etags';
import { startTestApp, type TestApp } from '../support/test-app';

const surveillance = (overrides: object = {}): object => ({
  agencyId: 'agency-a',
  kind: 'SURVEILLANCE',
  receivedAt: '2025-02-10T09:00:00-05:00',
  requestingAgency: 'FEDERAL_OTHER',
  target: { kind: 'RELIGIOUS_GROUP' },
  description: 'Request to monitor a congregation',
  ...overrides,
});

const authorized = {
  action: 'AUTHORIZED',
  at: '2025-02-11T10:00:00Z',
  legalBasis: 'CRIMINAL_PREDICATE',
  citation: 'Case 24-CR-118',
  approvedBy: 'supervisor-7',
};

describe('institutional matters (§§ 6, 7, 8, 10)', () => {
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

  async function opened(body: object = surveillance(), token = officerA): Promise<CommandResult> {
    const response = await post('/matters', body, token);
    expect(response.status).toBe(201);
    return response.body as CommandResult;
  }

  it('opens a matter, records its actions, and shows them in order', async () => {
    const matterId = randomUUID();
    const created = await opened(surveillance({ matterId }));
    const [openedEvent] = await t.events(matterStreamId(matterId));
    expect(created).toEqual({
      id: matterId,
      streamId: `matter-${matterId}`,
      revision: 0,
      position: t.sealed(openedEvent.position),
    });
    expect(openedEvent.metadata.actor).toBe('officer-a');

    const action = await post(`/matters/${matterId}/actions`, authorized);
    expect(action.status).toBe(201);
    const declined = await post(`/matters/${matterId}/actions`, {
      action: 'DECLINED',
      at: '2025-02-12T10:00:00Z',
      legalBasis: 'NONE',
    });
    const events = await t.events(matterStreamId(matterId));
    expect(action.body).toMatchObject({ id: events[1].id, revision: 1 });

    const view = await get(`/matters/${matterId}?minPosition=${declined.body.position}`);
    expect(view.status).toBe(200);
    expect(view.headers.etag).toBe('"2"');
    expect(view.body).toEqual({
      matterId,
      agencyId: 'agency-a',
      kind: 'SURVEILLANCE',
      receivedAt: '2025-02-10T09:00:00-05:00',
      requestingAgency: 'FEDERAL_OTHER',
      program: null,
      denialReason: null,
      protectedCharacteristics: [],
      target: { kind: 'RELIGIOUS_GROUP' },
      description: 'Request to monitor a congregation',
      actions: [
        { eventId: events[1].id, ...authorized, noticeForbiddenByOrder: null },
        {
          eventId: events[2].id,
          action: 'DECLINED',
          at: '2025-02-12T10:00:00Z',
          legalBasis: 'NONE',
          citation: null,
          approvedBy: null,
          noticeForbiddenByOrder: null,
        },
      ],
      revision: 2,
    });
  });

  it('refuses an action the kind of matter does not admit with 409, writing nothing', async () => {
    const created = await opened();
    const before = await logLength();
    const response = await post(`/matters/${created.id}/actions`, { ...authorized, action: 'COLLECTED' });
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('ACTION_NOT_APPLICABLE');
    expect(await logLength()).toBe(before);
  });

  it('refuses a matter id that exists with 409', async () => {
    const matterId = randomUUID();
    await opened(surveillance({ matterId }));
    const again = await post('/matters', surveillance({ matterId }));
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('MATTER_ALREADY_EXISTS');
  });

  it.each<[string, object, string[]]>([
    ['an empty body', {}, ['agencyId', 'kind', 'receivedAt', 'description']],
    [
      'values outside the vocabulary',
      surveillance({ kind: 'WIRETAP', requestingAgency: 'FBI', target: { kind: 'JOURNALIST' } }),
      ['kind', 'requestingAgency', 'target.kind'],
    ],
    [
      'a service denial without its reason',
      surveillance({ kind: 'SERVICE_DENIAL', target: undefined }),
      ['denialReason'],
    ],
    ['a surveillance without its target', surveillance({ target: undefined }), ['target']],
    [
      // Its program and reason judged by no other kind than the one misspelt.
      'a service denial of a misspelt kind',
      surveillance({
        kind: 'SERVICE_DENIALL',
        target: undefined,
        program: 'SNAP',
        denialReason: 'IMMIGRATION_STATUS',
      }),
      ['kind'],
    ],
    [
      'a student records request without the requesting agency, and a target it cannot have',
      surveillance({ kind: 'STUDENT_RECORDS_REQUEST', requestingAgency: undefined }),
      ['target', 'requestingAgency'],
    ],
    [
      'protected characteristics outside a registry request',
      surveillance({ protectedCharacteristics: ['RELIGION'] }),
      ['protectedCharacteristics'],
    ],
    ['an unknown field', surveillance({ subjectName: 'Ana' }), ['subjectName']],
  ])('refuses %s with 400 naming every field, writing nothing', async (_name, body, fields) => {
    const before = await logLength();
    const response = await post('/matters', body);
    expect(response.status).toBe(400);
    expect(response.body.errors.map((e: { field: string }) => e.field)).toEqual(fields);
    expect(await logLength()).toBe(before);
  });

  it('refuses an invalid action with 400 naming every field, writing nothing', async () => {
    const created = await opened();
    const before = await logLength();
    const response = await post(`/matters/${created.id}/actions`, {
      action: 'SPIED',
      at: 'yesterday',
      legalBasis: 'HUNCH',
      noticeForbiddenByOrder: 'yes',
    });
    expect(response.status).toBe(400);
    expect(response.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'action',
      'at',
      'legalBasis',
      'noticeForbiddenByOrder',
    ]);
    expect(await logLength()).toBe(before);
  });

  it('answers a retried action with the first response and writes nothing; a stale If-Match is 412', async () => {
    const created = await opened();
    const first = await post(`/matters/${created.id}/actions`, authorized).set('Idempotency-Key', 'act-1');
    const before = await logLength();
    const retry = await post(`/matters/${created.id}/actions`, authorized).set('Idempotency-Key', 'act-1');
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    const stale = await post(`/matters/${created.id}/actions`, authorized).set('If-Match', '"0"');
    expect(stale.status).toBe(412);
    // A violation's ETag over several streams was never this matter's: 412, and said so.
    const another = await post(`/matters/${created.id}/actions`, authorized).set(
      'If-Match',
      SEVERAL_STREAMS_ETAG,
    );
    expect(another.status).toBe(412);
    expect(another.body.message).toBe(
      `If-Match ${SEVERAL_STREAMS_ETAG} was never given out for matter-${created.id}, whose ETag is its revision (revision 1)`,
    );
    expect(await logLength()).toBe(before);
  });

  describe('access', () => {
    let ofA: CommandResult;
    beforeAll(async () => {
      ofA = await opened();
    });

    it('hides another agency’s matter as if it did not exist (404), for reads and writes', async () => {
      const before = await logLength();
      expect((await get(`/matters/${ofA.id}?minPosition=${ofA.position}`, officerB)).status).toBe(404);
      const write = await post(`/matters/${ofA.id}/actions`, authorized, officerB);
      expect(write.status).toBe(404);
      expect(write.body.code).toBe('MATTER_NOT_FOUND');
      expect((await post(`/matters/${randomUUID()}/actions`, authorized)).status).toBe(404);
      expect((await get(`/matters/${randomUUID()}`)).status).toBe(404);
      expect(await logLength()).toBe(before);
    });

    it('refuses opening for another agency and listing another agency with 403', async () => {
      const before = await logLength();
      expect((await post('/matters', surveillance(), officerB)).status).toBe(403);
      expect((await get('/matters?agencyId=agency-a', officerB)).status).toBe(403);
      expect(await logLength()).toBe(before);
    });

    it('lets counsel read every agency’s and write none; oversight and admin see nothing', async () => {
      expect((await get(`/matters/${ofA.id}?minPosition=${ofA.position}`, counsel)).status).toBe(200);
      expect((await post('/matters', surveillance(), counsel)).status).toBe(403);
      for (const role of ['oversight', 'admin'] as const) {
        const token = await t.token({ role });
        expect((await get(`/matters/${ofA.id}`, token)).status).toBe(403);
        expect((await get('/matters', token)).status).toBe(403);
      }
      expect((await get('/matters', '')).status).toBe(401);
    });
  });

  describe('GET /matters', () => {
    it('lists the caller’s agency’s by default, filtered and paged', async () => {
      await opened(surveillance({ agencyId: 'agency-b' }), officerB);
      const registry = await opened(
        surveillance({
          kind: 'REGISTRY_REQUEST',
          target: undefined,
          requestingAgency: 'DHS_OTHER',
          protectedCharacteristics: ['RELIGION', 'NATIONAL_ORIGIN'],
          receivedAt: '2025-02-20T00:00:00Z',
        }),
      );
      const sync = `minPosition=${registry.position}`;

      const all = await get(`/matters?${sync}&limit=500`);
      expect(all.status).toBe(200);
      expect(all.body.items.length).toBeGreaterThan(1);
      expect(all.body.items.every((m: { agencyId: string }) => m.agencyId === 'agency-a')).toBe(true);

      const ids = (response: { body: { items: { matterId: string }[] } }) =>
        response.body.items.map((m) => m.matterId);
      expect(ids(await get(`/matters?${sync}&kind=REGISTRY_REQUEST`))).toEqual([registry.id]);
      expect(ids(await get(`/matters?${sync}&requestingAgency=DHS_OTHER`))).toEqual([registry.id]);
      expect(ids(await get(`/matters?${sync}&receivedFrom=2025-02-15T00:00:00Z`))).toEqual([registry.id]);
      expect(ids(await get(`/matters?${sync}&receivedTo=2025-02-15T00:00:00Z&limit=500`))).not.toContain(
        registry.id,
      );
      const agencies = (await get(`/matters?${sync}&limit=500`, counsel)).body.items.map(
        (m: { agencyId: string }) => m.agencyId,
      );
      expect(new Set(agencies)).toEqual(new Set(['agency-a', 'agency-b']));

      const first = await get(`/matters?${sync}&limit=1`);
      const second = await get(`/matters?${sync}&limit=1&cursor=${first.body.nextCursor}`);
      expect([...ids(first), ...ids(second)]).toEqual(ids(all).slice(0, 2));
    });

    it('refuses malformed filters with 400 naming each', async () => {
      const response = await get('/matters?kind=RAID&receivedTo=soon&limit=501');
      expect(response.status).toBe(400);
      expect(response.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
        'kind',
        'limit',
        'receivedTo',
      ]);
      const backwards = await get(
        '/matters?receivedFrom=2025-03-01T00:00:00Z&receivedTo=2025-02-01T00:00:00Z',
      );
      expect(backwards.body.errors).toEqual([
        { field: 'receivedTo', reason: 'receivedTo must not be before receivedFrom' },
      ]);
    });
  });
});
