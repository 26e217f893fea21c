import { defaultOrdinanceVersion, ORDINANCE_STREAM_ID, type Clock } from '@trust-ledger/domain';
import { EVENT_STORE, SqliteEventStore, type EventStore } from '@trust-ledger/event-store';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../apps/api/src/bootstrap';
import { APP_CONFIG, type AppConfig } from '../../apps/api/src/config/app-config';
import {
  DEFAULT_VERSION_EVENT_ID,
  DefaultOrdinanceRecorder,
  ORDINANCE_ACTOR,
} from '../../apps/api/src/ordinance/default-ordinance';
import { SEVERAL_STREAMS_ETAG } from '../support/etags';
import { IdentityEventCodec } from '../support/identity-event-codec';
import { API, startTestApp, type TestApp } from '../support/test-app';

const { version: _, ...DEFAULT_TERMS } = defaultOrdinanceVersion();

/** A valid version: the default's terms from 2025, with § 3 repealed. */
const terms = (overrides: object = {}): object => ({
  ...DEFAULT_TERMS,
  effectiveFrom: '2025-01-01T00:00:00-05:00',
  sectionsInForce: [1, 2, 4, 5, 6, 7, 8, 9, 10, 11],
  ...overrides,
});

describe('ordinance (§ 14)', () => {
  let t: TestApp;
  let admin: string;

  beforeEach(async () => {
    t = await startTestApp();
    admin = await t.token({ role: 'admin', sub: 'admin-1' });
  });
  afterEach(() => t.close());

  /** GET as a caller with a token (any role reads the ordinance; nobody reads it without one). */
  const read = async (app: TestApp, path: string) =>
    app
      .http()
      .get(`${API}${path}`)
      .set('Authorization', `Bearer ${await app.token({ role: 'oversight', sub: 'oversight-1' })}`);

  const adopt = (body: object, token = admin) =>
    t.http().post(`${API}/ordinance/versions`).set('Authorization', `Bearer ${token}`).send(body);

  describe('on first start', () => {
    it('records the default version, which every role may read, and nobody without a token', async () => {
      const [event] = await t.events(ORDINANCE_STREAM_ID);
      expect(event).toMatchObject({
        id: DEFAULT_VERSION_EVENT_ID,
        revision: 0,
        type: 'OrdinanceVersionAdopted',
        data: defaultOrdinanceVersion('2000-01-01T00:00:00Z'),
        metadata: { actor: ORDINANCE_ACTOR, recordedAt: '2025-03-01T12:00:00.000Z' },
      });

      const current = await read(t, '/ordinance');
      expect(current.status).toBe(200);
      expect(current.body).toEqual({
        ...defaultOrdinanceVersion('2000-01-01T00:00:00Z'),
        adoptedAt: '2025-03-01T12:00:00.000Z',
      });
      const versions = await read(t, '/ordinance/versions');
      expect(versions.status).toBe(200);
      expect(versions.body).toEqual({ items: [current.body], nextCursor: null });
      for (const path of ['/ordinance', '/ordinance/versions']) {
        expect((await t.http().get(`${API}${path}`)).status).toBe(401);
      }
    });

    it('records it once, however many instances start at once or restart on the same log', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'trust-ledger-e2e-'));
      try {
        // Instances racing at their first start on one log, each with its own connection and clock.
        const stores = [1, 2, 3].map(() => new SqliteEventStore(join(dataDir, 'race.db')));
        await Promise.all(
          stores.map((store, i) => {
            const clock: Clock = { now: () => `2025-03-01T12:00:0${i}Z` };
            return new DefaultOrdinanceRecorder(
              store,
              t.config,
              clock,
              new IdentityEventCodec(),
            ).onModuleInit();
          }),
        );
        const raced = [];
        for await (const e of stores[0].readStream(ORDINANCE_STREAM_ID)) raced.push(e);
        expect(raced.map((e) => [e.id, e.revision])).toEqual([[DEFAULT_VERSION_EVENT_ID, 0]]);
        await Promise.all(stores.map((store) => store.close()));

        // The service itself, started twice on one DATA_DIR.
        await (await createApp({ dataDir, eventStore: 'sqlite', logger: false })).close();
        const again = await createApp({ dataDir, eventStore: 'sqlite', logger: false });
        const events = [];
        for await (const e of again.get<EventStore>(EVENT_STORE).readStream(ORDINANCE_STREAM_ID))
          events.push(e);
        expect(events.map((e) => e.id)).toEqual([DEFAULT_VERSION_EVENT_ID]);
        await again.close();
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });

    it('takes effect from ORDINANCE_EFFECTIVE_FROM, and nothing is in force before it', async () => {
      const later = await startTestApp({ ordinanceEffectiveFrom: '2030-01-01T00:00:00-05:00' });
      try {
        expect(later.app.get<AppConfig>(APP_CONFIG).ordinanceEffectiveFrom).toBe('2030-01-01T00:00:00-05:00');
        const current = await read(later, '/ordinance');
        expect(current.status).toBe(404);
        expect(current.body.code).toBe('NO_ORDINANCE_IN_FORCE');
        const versions = await read(later, '/ordinance/versions');
        expect(versions.body.items).toEqual([
          expect.objectContaining({ version: 1, effectiveFrom: '2030-01-01T00:00:00-05:00' }),
        ]);
        later.clock.set('2030-01-01T05:00:00Z');
        expect((await read(later, '/ordinance')).body.version).toBe(1);
      } finally {
        await later.close();
      }
    });
  });

  describe('POST /ordinance/versions', () => {
    it('records the next version, which is in force from its effectiveFrom', async () => {
      const response = await adopt(terms());
      expect(response.status).toBe(201);
      expect(response.headers.etag).toBe('"1"');
      const [, adopted] = await t.events(ORDINANCE_STREAM_ID);
      expect(response.body).toEqual({
        id: adopted.id,
        streamId: 'ordinance',
        revision: 1,
        position: t.sealed(adopted.position),
      });
      expect(adopted).toMatchObject({
        type: 'OrdinanceVersionAdopted',
        data: { version: 2, ...terms() },
        metadata: { actor: 'admin-1' },
      });

      const current = await read(t, '/ordinance');
      expect(current.body).toMatchObject({ version: 2, sectionsInForce: [1, 2, 4, 5, 6, 7, 8, 9, 10, 11] });

      const page = await read(t, '/ordinance/versions?limit=1');
      expect(page.body.items.map((v: { version: number }) => v.version)).toEqual([1]);
      expect(page.body.nextCursor).toBe('1');
      const rest = await read(t, `/ordinance/versions?limit=1&cursor=${page.body.nextCursor}`);
      expect(rest.body.items.map((v: { version: number }) => v.version)).toEqual([2]);
      expect(rest.body.nextCursor).toBeNull();
    });

    it('keeps the version in force until a later one takes effect', async () => {
      await adopt(terms({ effectiveFrom: '2025-06-01T00:00:00Z', smallCellThreshold: 11 })).expect(201);
      expect((await read(t, '/ordinance')).body.version).toBe(1);
      t.clock.set('2025-06-01T00:00:00Z');
      expect((await read(t, '/ordinance')).body).toMatchObject({
        version: 2,
        smallCellThreshold: 11,
      });
    });

    it('answers a retry with the first response and writes nothing; another body under the key is 409', async () => {
      const first = await adopt(terms()).set('Idempotency-Key', 'v2');
      const retry = await adopt(terms()).set('Idempotency-Key', 'v2');
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(first.body);
      const reused = await adopt(terms({ reportDueDays: 30 })).set('Idempotency-Key', 'v2');
      expect(reused.status).toBe(409);
      expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(await t.events(ORDINANCE_STREAM_ID)).toHaveLength(2);
    });

    it('refuses a stale If-Match with 412', async () => {
      await adopt(terms()).set('If-Match', '"0"').expect(201);
      const stale = await adopt(terms()).set('If-Match', '"0"');
      expect(stale.status).toBe(412);
      // A violation's ETag over several streams was never the ordinance's: 412, and said so.
      const another = await adopt(terms()).set('If-Match', SEVERAL_STREAMS_ETAG);
      expect(another.status).toBe(412);
      expect(another.body.message).toBe(
        `If-Match ${SEVERAL_STREAMS_ETAG} was never given out for ordinance, whose ETag is its revision (revision 1)`,
      );
      expect(await t.events(ORDINANCE_STREAM_ID)).toHaveLength(2);
    });

    it('is for admins only', async () => {
      expect((await adopt(terms(), '')).status).toBe(401);
      for (const role of ['officer', 'supervisor', 'counsel', 'oversight'] as const) {
        const token = await t.token({ role, agencyId: 'agency-a' });
        expect((await adopt(terms(), token)).status).toBe(403);
      }
      expect(await t.events(ORDINANCE_STREAM_ID)).toHaveLength(1);
    });

    const exception = DEFAULT_TERMS.detainerExceptions[0];
    it.each<[string, object, string[]]>([
      ['a section 12', { sectionsInForce: [1, 12] }, ['sectionsInForce']],
      ['a repeated section', { sectionsInForce: [2, 2] }, ['sectionsInForce[1]']],
      [
        'a zero certification deadline',
        { certificationDeadlineDays: 0 },
        // …which the expedited deadline then exceeds.
        ['certificationDeadlineDays', 'certificationExpeditedDays'],
      ],
      ['a zero notice deadline', { noticeDeadlineHours: 0 }, ['noticeDeadlineHours']],
      [
        'an unknown conviction category',
        { detainerExceptions: [{ ...exception, convictionCategories: ['FELONY'] }] },
        ['detainerExceptions[0].convictionCategories'],
      ],
      ['an unknown issuer', { judicialWarrantIssuers: ['SHERIFF'] }, ['judicialWarrantIssuers']],
      [
        'an immigration judge as issuer of judicial warrants',
        { judicialWarrantIssuers: ['FEDERAL_JUDGE', 'IMMIGRATION_JUDGE'] },
        ['judicialWarrantIssuers[1]'],
      ],
      ['a small-cell threshold of 1', { smallCellThreshold: 1 }, ['smallCellThreshold']],
      ['an unknown time zone', { timeZone: 'Mars/Olympus_Mons' }, ['timeZone']],
      ['an effectiveFrom without offset', { effectiveFrom: '2025-01-01T00:00:00' }, ['effectiveFrom']],
      ['a reporting period of a month', { reportingPeriod: 'MONTH' }, ['reportingPeriod']],
      ['an unknown field', { adoptedBy: 'mayor' }, ['adoptedBy']],
      [
        'several faults at once',
        { timeZone: 'Nowhere', reportDueDays: 0, sectionsInForce: [1, 1] },
        ['sectionsInForce[1]', 'reportDueDays', 'timeZone'],
      ],
      [
        // A reporting period the DTO refuses, and a zone only the ordinance's own checks know: one 400.
        "faults of the body's shape and of the terms' meaning together",
        {
          reportingPeriod: 'MONTH',
          timeZone: 'Nowhere',
          judicialWarrantIssuers: ['STATE_JUDGE', 'STATE_JUDGE'],
        },
        ['reportingPeriod', 'judicialWarrantIssuers[1]', 'timeZone'],
      ],
    ])('refuses %s with 400 naming the field, and writes nothing', async (_name, overrides, fields) => {
      const response = await adopt(terms(overrides));
      expect(response.status).toBe(400);
      expect(response.body.errors.map((e: { field: string }) => e.field)).toEqual(fields);
      expect(await t.events(ORDINANCE_STREAM_ID)).toHaveLength(1);
    });

    it('names every missing term', async () => {
      const response = await adopt({ effectiveFrom: '2025-01-01T00:00:00Z' });
      expect(response.status).toBe(400);
      expect(response.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(
        Object.keys(DEFAULT_TERMS)
          .filter((k) => k !== 'effectiveFrom')
          .sort(),
      );
    });
  });

  it('rejects a malformed page request', async () => {
    const response = await read(t, '/ordinance/versions?limit=501&cursor=x');
    expect(response.status).toBe(400);
    expect(response.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['cursor', 'limit']);
  });
});
