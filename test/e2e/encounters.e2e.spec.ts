import { encounterStreamId } from '@trust-ledger/domain';
import { API, startTestApp, type TestApp } from '../support/test-app';

const ENCOUNTER_ID = 'e1e1e1e1-0000-4000-8000-000000000001';

const encounter = (overrides: object = {}): object => ({
  agencyId: 'agency-a',
  occurredAt: '2025-02-28T21:15:00-05:00',
  kind: 'STOP',
  personRole: 'VICTIM',
  grounds: ['CALL_FOR_SERVICE'],
  statusInquiry: { asked: true, justification: 'NONE', explanation: 'Asked out of habit' },
  ...overrides,
});

describe('POST /encounters (§ 1)', () => {
  let t: TestApp;
  let officerA: string;

  beforeAll(async () => {
    t = await startTestApp();
    officerA = await t.token({ role: 'officer', agencyId: 'agency-a', sub: 'officer-a' });
  });
  afterAll(() => t.close());

  const record = (body: object, token = officerA) =>
    t.http().post(`${API}/encounters`).set('Authorization', `Bearer ${token}`).send(body);

  /** Every event in the log, to show that a refused command wrote nothing. */
  const logLength = async (): Promise<number> => (await t.events()).length;

  it('records the encounter on its own stream, with the token’s sub as actor', async () => {
    const response = await record(encounter({ encounterId: ENCOUNTER_ID }));
    expect(response.status).toBe(201);
    const [event] = await t.events(encounterStreamId(ENCOUNTER_ID));
    expect(response.body).toEqual({
      id: ENCOUNTER_ID,
      streamId: `encounter-${ENCOUNTER_ID}`,
      revision: 0,
      position: t.sealed(event.position),
    });
    expect(response.headers.etag).toBe('"0"');
    expect(event).toMatchObject({
      type: 'EncounterRecorded',
      data: {
        encounterId: ENCOUNTER_ID,
        agencyId: 'agency-a',
        occurredAt: '2025-02-28T21:15:00-05:00',
        kind: 'STOP',
        personRole: 'VICTIM',
        grounds: ['CALL_FOR_SERVICE'],
        statusInquiry: { asked: true, justification: 'NONE', explanation: 'Asked out of habit' },
      },
      metadata: { actor: 'officer-a' },
    });
  });

  it('chooses an id when the client gives none, and a supervisor may record too', async () => {
    const supervisor = await t.token({ role: 'supervisor', agencyId: 'agency-a', sub: 'supervisor-a' });
    const response = await record(encounter({ statusInquiry: undefined }), supervisor);
    expect(response.status).toBe(201);
    expect(response.body.streamId).toBe(`encounter-${response.body.id}`);
    const [event] = await t.events(response.body.streamId);
    expect(event.data.statusInquiry).toBeNull();
  });

  it('refuses a second encounter under the same id with 409', async () => {
    const before = await logLength();
    const response = await record(encounter({ encounterId: ENCOUNTER_ID }));
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('ENCOUNTER_ALREADY_RECORDED');
    expect(await logLength()).toBe(before);
  });

  it('answers a retry with the first response and writes nothing', async () => {
    const body = encounter({ grounds: ['TRAFFIC'] });
    const first = await record(body).set('Idempotency-Key', 'enc-1');
    const before = await logLength();
    const retry = await record(body).set('Idempotency-Key', 'enc-1');
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(await logLength()).toBe(before);
    const reused = await record(encounter({ grounds: ['OTHER'] })).set('Idempotency-Key', 'enc-1');
    expect(reused.status).toBe(409);
    expect(await logLength()).toBe(before);
  });

  describe('holds no personal data', () => {
    it.each<[string, object, string[]]>([
      ['a name', encounter({ name: 'Ana Pérez' }), ['name']],
      [
        'a full name and a date of birth',
        encounter({ fullName: 'Ana Pérez', dateOfBirth: '1990-01-01' }),
        ['fullName', 'dateOfBirth'],
      ],
      [
        'a name inside the status inquiry',
        encounter({ statusInquiry: { asked: true, justification: 'NONE', personName: 'Ana Pérez' } }),
        ['statusInquiry.personName'],
      ],
    ])('refuses %s with 400 naming the field, and writes nothing', async (_name, body, fields) => {
      const before = await logLength();
      const response = await record(body);
      expect(response.status).toBe(400);
      expect(response.body.errors.map((e: { field: string }) => e.field)).toEqual(fields);
      expect(await logLength()).toBe(before);
    });
  });

  it.each<[string, object, string[]]>([
    ['an empty body', {}, ['agencyId', 'occurredAt', 'kind', 'personRole', 'grounds']],
    [
      'values outside the vocabulary',
      encounter({ kind: 'RAID', personRole: 'ALIEN', grounds: ['LOOKS_FOREIGN'] }),
      ['kind', 'personRole', 'grounds'],
    ],
    ['no grounds', encounter({ grounds: [] }), ['grounds']],
    ['a repeated ground', encounter({ grounds: ['TRAFFIC', 'TRAFFIC'] }), ['grounds[1]']],
    ['a time without offset', encounter({ occurredAt: '2025-02-28T21:15:00' }), ['occurredAt']],
    [
      'an incomplete status inquiry',
      encounter({ statusInquiry: { justification: 'MAYBE' } }),
      ['statusInquiry.asked', 'statusInquiry.justification'],
    ],
    ['a malformed id', encounter({ encounterId: 'e-1' }), ['encounterId']],
  ])('refuses %s with 400 naming every field, and writes nothing', async (_name, body, fields) => {
    const before = await logLength();
    const response = await record(body);
    expect(response.status).toBe(400);
    expect(response.body.errors.map((e: { field: string }) => e.field)).toEqual(fields);
    expect(await logLength()).toBe(before);
  });

  it('is for officers and supervisors of the agency only', async () => {
    const before = await logLength();
    expect((await record(encounter(), '')).status).toBe(401);
    const officerB = await t.token({ role: 'officer', agencyId: 'agency-b' });
    expect((await record(encounter(), officerB)).status).toBe(403);
    for (const role of ['counsel', 'oversight', 'admin'] as const) {
      expect((await record(encounter(), await t.token({ role }))).status).toBe(403);
    }
    expect(await logLength()).toBe(before);
  });
});
