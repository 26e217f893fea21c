import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_STORE, type EventStore } from '@trust-ledger/event-store';
import { verifyStream } from '@trust-ledger/integrity';
import { AccessLog } from '../../apps/api/src/access-log/access-log';
import { openCaseBody } from '../support/case-bodies';
import { requestCertification } from '../support/certification-bodies';
import { API, startTestApp, type TestApp } from '../support/test-app';

/**
 * Every read of a case's personal data is recorded (who, when, which view, why) on the case's
 * access-log stream, before the data leaves; the case itself does not move, and counsel and admins
 * can list the record. A certification's victim likewise, on the certification's access-log stream.
 */

const AGENCY = 'agency-a';

let t: TestApp;
let officer: string;
let supervisor: string;
let otherOfficer: string;
let counsel: string;
let oversight: string;
let admin: string;

beforeAll(async () => {
  t = await startTestApp();
  officer = await t.token({ role: 'officer', agencyId: AGENCY, sub: 'officer-1' });
  supervisor = await t.token({ role: 'supervisor', agencyId: AGENCY, sub: 'supervisor-1' });
  otherOfficer = await t.token({ role: 'officer', agencyId: 'agency-b', sub: 'officer-9' });
  counsel = await t.token({ role: 'counsel', sub: 'counsel-1' });
  oversight = await t.token({ role: 'oversight', sub: 'oversight-1' });
  admin = await t.token({ role: 'admin', sub: 'admin-1' });
});
afterAll(() => t.close());

async function openCase(): Promise<{ caseId: string; position: string }> {
  const caseId = randomUUID();
  const opened = await t.post('/cases', officer, openCaseBody(AGENCY, caseId)).expect(201);
  return { caseId, position: opened.body.position as string };
}

const read = (token: string, path: string, headers: Record<string, string> = {}) =>
  t
    .http()
    .get(`${API}${path}`)
    .set({ Authorization: `Bearer ${token}`, ...headers });

/** The access log of `owner` (`/cases/<id>` or `/certifications/<id>`), as `token` lists it. */
const logOf = async (owner: string, query = '', token = counsel) =>
  (await read(token, `${owner}/access-log${query}`).expect(200)).body as {
    items: Array<Record<string, unknown>>;
    nextCursor: string | null;
  };
const accessLog = (caseId: string, query?: string, token?: string) => logOf(`/cases/${caseId}`, query, token);

it('records who read which view of the case, when and why, in order', async () => {
  const { caseId, position } = await openCase();
  await read(officer, `/cases/${caseId}?minPosition=${position}`).expect(200);
  t.clock.advance(60_000);
  await read(supervisor, `/cases/${caseId}?asOf=2025-03-01T12:00:00Z`, {
    'X-Purpose': 'Bail hearing review',
  }).expect(200);
  await read(counsel, `/cases/${caseId}/history`, {
    'X-Purpose': 'Habeas petition, docket 2:25-cv-0042',
    'X-Correlation-Id': 'counsel-review-1',
  }).expect(200);
  await read(counsel, `/cases/${caseId}/evidence`).expect(200);
  await read(officer, `/cases?agencyId=${AGENCY}&limit=500`).expect(200);

  const log = await accessLog(caseId);
  expect(log.nextCursor).toBeNull();
  const events = await t.events(`access-log-${caseId}`);
  expect(log.items).toEqual([
    {
      eventId: events[0].id,
      readAt: '2025-03-01T12:00:00.000Z',
      actor: 'officer-1',
      role: 'officer',
      agencyId: AGENCY,
      view: 'CASE',
      endpoint: 'GET /cases/{caseId}',
      asOf: null,
      purpose: null,
      correlationId: expect.any(String),
    },
    {
      eventId: events[1].id,
      readAt: '2025-03-01T12:01:00.000Z',
      actor: 'supervisor-1',
      role: 'supervisor',
      agencyId: AGENCY,
      view: 'CASE',
      endpoint: 'GET /cases/{caseId}',
      asOf: '2025-03-01T12:00:00Z',
      purpose: 'Bail hearing review',
      correlationId: expect.any(String),
    },
    {
      eventId: events[2].id,
      readAt: '2025-03-01T12:01:00.000Z',
      actor: 'counsel-1',
      role: 'counsel',
      agencyId: null,
      view: 'HISTORY',
      endpoint: 'GET /cases/{caseId}/history',
      asOf: null,
      purpose: 'Habeas petition, docket 2:25-cv-0042',
      correlationId: 'counsel-review-1',
    },
    expect.objectContaining({
      actor: 'counsel-1',
      view: 'EVIDENCE',
      endpoint: 'GET /cases/{caseId}/evidence',
    }),
    expect.objectContaining({ actor: 'officer-1', view: 'CASE_LIST', endpoint: 'GET /cases' }),
  ]);
  expect(events.map((e) => e.type)).toEqual(Array(5).fill('PersonalDataAccessed'));
  // Admins may read the log too.
  expect((await accessLog(caseId, '', admin)).items).toHaveLength(5);
});

it('keeps reads off the case: its revision, ETag and stream stay put, and its chain and the log’s verify', async () => {
  const { caseId, position } = await openCase();
  const first = await read(officer, `/cases/${caseId}?minPosition=${position}`).expect(200);
  const before = await t.events(`case-${caseId}`);
  for (let i = 0; i < 3; i++) await read(counsel, `/cases/${caseId}/history`).expect(200);
  const again = await read(officer, `/cases/${caseId}`).expect(200);
  expect(again.headers.etag).toBe(first.headers.etag);
  expect(again.body.revision).toBe(first.body.revision);
  expect(await t.events(`case-${caseId}`)).toEqual(before);

  const store = t.app.get(EVENT_STORE);
  await expect(verifyStream(store, `access-log-${caseId}`)).resolves.toEqual({
    valid: true,
    checkedEvents: 5,
    breaks: [],
  });
  await expect(read(counsel, `/cases/${caseId}/integrity`).expect(200)).resolves.toMatchObject({
    body: { valid: true, checkedEvents: before.length },
  });
});

it('records concurrent reads of one case without losing one or forking the chain', async () => {
  const { caseId, position } = await openCase();
  await read(officer, `/cases/${caseId}?minPosition=${position}`).expect(200);
  const responses = await Promise.all(
    Array.from({ length: 40 }, (_, i) =>
      read(i % 2 === 0 ? officer : counsel, `/cases/${caseId}`, { 'X-Purpose': `read ${i}` }),
    ),
  );
  expect(responses.map((r) => r.status)).toEqual(Array(40).fill(200));
  const events = await t.events(`access-log-${caseId}`);
  expect(events.map((e) => e.revision)).toEqual(Array.from({ length: 41 }, (_, i) => i));
  expect(new Set((await accessLog(caseId, '?limit=500')).items.map((i) => i.purpose))).toEqual(
    new Set([null, ...Array.from({ length: 40 }, (_, i) => `read ${i}`)]),
  );
  await expect(verifyStream(t.app.get(EVENT_STORE), `access-log-${caseId}`)).resolves.toMatchObject({
    valid: true,
    checkedEvents: 41,
  });
});

it('records nothing for a read that was refused or invalid, since it served no data', async () => {
  const { caseId, position } = await openCase();
  await read(officer, `/cases/${caseId}?minPosition=${position}`).expect(200);
  await read(otherOfficer, `/cases/${caseId}`).expect(404);
  await read(otherOfficer, `/cases/${caseId}/history`).expect(404);
  await read(oversight, `/cases/${caseId}`).expect(403);
  await read(officer, `/cases/${caseId}/evidence`).expect(403);
  await read(officer, `/cases/${caseId}?asOf=yesterday`).expect(400);
  const tooLong = await read(officer, `/cases/${caseId}`, { 'X-Purpose': 'x'.repeat(501) }).expect(400);
  expect(tooLong.body.errors).toEqual([expect.objectContaining({ field: 'X-Purpose' })]);
  // A purpose that would display other than it reads, in the log counsel and oversight read.
  for (const purpose of ['Bail \u202Egniraeh', 'Bail\u2028hearing', 'Bail\u0085hearing']) {
    const refused = await read(officer, `/cases/${caseId}`, {
      'X-Purpose': Buffer.from(purpose).toString('latin1'),
    }).expect(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'X-Purpose' })]);
  }
  await read(officer, `/cases/${randomUUID()}`).expect(404);
  expect((await accessLog(caseId)).items).toHaveLength(1);
});

it('records a read through the id in capitals on the same log: it served the same person', async () => {
  const { caseId, position } = await openCase();
  const upper = caseId.toUpperCase();
  await read(officer, `/cases/${upper}?minPosition=${position}`).expect(200);
  await read(officer, `/cases/${upper}/history`).expect(200);
  await read(counsel, `/cases/${upper}/evidence`).expect(200);
  expect((await accessLog(caseId)).items.map((i) => i.view)).toEqual(['CASE', 'HISTORY', 'EVIDENCE']);

  const certification = await requestCertification(t, officer, AGENCY, { victim: { fullName: 'R Q' } });
  const certificationId = certification.certificationId.toUpperCase();
  await read(officer, `/certifications/${certificationId}?minPosition=${certification.position}`).expect(200);
  const log = await logOf(`/certifications/${certification.certificationId}`);
  expect(log.items.map((i) => i.view)).toEqual(['CERTIFICATION']);
});

it('serves no data when the read cannot be recorded', async () => {
  const { caseId, position } = await openCase();
  const record = jest.spyOn(t.app.get(AccessLog), 'record').mockRejectedValueOnce(new Error('disk full'));
  const response = await read(officer, `/cases/${caseId}?minPosition=${position}`).expect(500);
  record.mockRestore();
  expect(response.text).not.toContain('María');
  expect((await accessLog(caseId)).items).toHaveLength(0);
});

it('keeps a UTF-8 purpose as written', async () => {
  const { caseId, position } = await openCase();
  const purpose = 'Revisión de la orden de detención';
  await read(counsel, `/cases/${caseId}?minPosition=${position}`, {
    'X-Purpose': Buffer.from(purpose, 'utf8').toString('latin1'),
  }).expect(200);
  expect((await accessLog(caseId)).items[0].purpose).toBe(purpose);
});

describe('GET /cases/{caseId}/access-log', () => {
  it('pages with cursor and limit', async () => {
    const { caseId, position } = await openCase();
    for (let i = 0; i < 5; i++) await read(counsel, `/cases/${caseId}?minPosition=${position}`).expect(200);
    const first = await accessLog(caseId, '?limit=2');
    expect(first.items).toHaveLength(2);
    const second = await accessLog(caseId, `?limit=2&cursor=${first.nextCursor}`);
    const third = await accessLog(caseId, `?limit=2&cursor=${second.nextCursor}`);
    expect(third).toMatchObject({ nextCursor: null });
    const ids = [...first.items, ...second.items, ...third.items].map((i) => i.eventId);
    expect(ids).toEqual((await t.events(`access-log-${caseId}`)).map((e) => e.id));
    await read(counsel, `/cases/${caseId}/access-log?limit=0`).expect(400);
    await read(counsel, `/cases/${caseId}/access-log?limit=501`).expect(400);
  });

  it('is for counsel and admins, and names no unknown case', async () => {
    const { caseId } = await openCase();
    for (const token of [officer, supervisor, oversight]) {
      await read(token, `/cases/${caseId}/access-log`).expect(403);
    }
    await t.http().get(`${API}/cases/${caseId}/access-log`).expect(401);
    await read(counsel, `/cases/${randomUUID()}/access-log`).expect(404);
    // A case nobody has read yet has an empty log.
    expect(await accessLog(caseId)).toEqual({ items: [], nextCursor: null });
  });
});

describe('a certification’s victim', () => {
  const victim = { fullName: 'Rosa Quintero' };
  const certificationLog = (certificationId: string, query?: string, token?: string) =>
    logOf(`/certifications/${certificationId}`, query, token);

  it('is recorded at every read, of the certification or of a list showing it, on its own log', async () => {
    const { certificationId, position } = await requestCertification(t, officer, AGENCY, { victim });
    const shown = await read(officer, `/certifications/${certificationId}?minPosition=${position}`, {
      'X-Purpose': 'Deadline check',
    }).expect(200);
    expect(shown.body.victim).toEqual(victim);
    await read(counsel, `/certifications?agencyId=${AGENCY}&limit=500`).expect(200);

    const events = await t.events(`access-log-certification-${certificationId}`);
    expect(events.map((e) => e.data.certificationId)).toEqual([certificationId, certificationId]);
    expect(await certificationLog(certificationId)).toEqual({
      items: [
        {
          eventId: events[0].id,
          readAt: events[0].metadata.recordedAt,
          actor: 'officer-1',
          role: 'officer',
          agencyId: AGENCY,
          view: 'CERTIFICATION',
          endpoint: 'GET /certifications/{certificationId}',
          asOf: null,
          purpose: 'Deadline check',
          correlationId: expect.any(String),
        },
        expect.objectContaining({
          eventId: events[1].id,
          actor: 'counsel-1',
          role: 'counsel',
          agencyId: null,
          view: 'CERTIFICATION_LIST',
          endpoint: 'GET /certifications',
        }),
      ],
      nextCursor: null,
    });
    // The reads stay off the certification, and the log's chain verifies.
    expect((await t.events(`certification-${certificationId}`)).map((e) => e.type)).toEqual([
      'CertificationRequested',
    ]);
    await expect(
      verifyStream(t.app.get(EVENT_STORE), `access-log-certification-${certificationId}`),
    ).resolves.toEqual({ valid: true, checkedEvents: 2, breaks: [] });
  });

  it('is not recorded for a read that was refused, since it served no data', async () => {
    const { certificationId, position } = await requestCertification(t, officer, AGENCY, { victim });
    await read(otherOfficer, `/certifications/${certificationId}?minPosition=${position}`).expect(404);
    await read(oversight, `/certifications/${certificationId}`).expect(403);
    await read(oversight, `/certifications`).expect(403);
    await read(otherOfficer, `/certifications?agencyId=${AGENCY}`).expect(403);
    await read(officer, `/certifications/${certificationId}`, { 'X-Purpose': '' }).expect(400);
    expect(await certificationLog(certificationId)).toEqual({ items: [], nextCursor: null });
  });

  it('has a log that counsel and admins page through, naming no unknown certification', async () => {
    const { certificationId, position } = await requestCertification(t, officer, AGENCY, { victim });
    for (let i = 0; i < 3; i++) {
      await read(counsel, `/certifications/${certificationId}?minPosition=${position}`).expect(200);
    }
    const first = await certificationLog(certificationId, '?limit=2', admin);
    const second = await certificationLog(certificationId, `?limit=2&cursor=${first.nextCursor}`);
    expect(second.nextCursor).toBeNull();
    expect([...first.items, ...second.items].map((i) => i.eventId)).toEqual(
      (await t.events(`access-log-certification-${certificationId}`)).map((e) => e.id),
    );
    for (const token of [officer, supervisor, oversight]) {
      await read(token, `/certifications/${certificationId}/access-log`).expect(403);
    }
    await t.http().get(`${API}/certifications/${certificationId}/access-log`).expect(401);
    await read(counsel, `/certifications/${randomUUID()}/access-log`).expect(404);
    await read(counsel, `/certifications/not-a-uuid/access-log`).expect(400);
    // A case's id is not a certification's: the case's log is not served here.
    const { caseId } = await openCase();
    await read(counsel, `/certifications/${caseId}/access-log`).expect(404);
  });
});

describe('the purpose of a read', () => {
  /** Every file of DATA_DIR (WAL files included) whose raw bytes hold one of `values`, with those. */
  function filesHolding(values: string[]): Record<string, string[]> {
    const filesUnder = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? filesUnder(path) : [path];
      });
    return Object.fromEntries(
      filesUnder(t.dataDir).flatMap((file) => {
        const bytes = readFileSync(file);
        const found = values.filter((value) => bytes.includes(Buffer.from(value, 'utf8')));
        return found.length === 0 ? [] : [[file.slice(t.dataDir.length + 1), found]];
      }),
    );
  }

  const erase = async (owner: string): Promise<void> => {
    await t.post(`${owner}/erase-personal-data`, admin, { reason: 'Court order' }).expect(201);
  };

  it('is sealed with the data of the person read, and "[erased]" with it, the read itself kept', async () => {
    const { caseId, position } = await openCase();
    const { certificationId } = await requestCertification(t, officer, AGENCY, {
      victim: { fullName: 'R Q' },
    });
    // Officers' words about the person, each found nowhere else, so that finding one means a leak.
    const purposes = {
      view: 'Checking on Wilhelmina Okonkwo-Hartley’s release date',
      history: 'Her brother Tadeusz Okonkwo-Hartley called about her',
      list: 'Looking for Wilhelmina among this week’s bookings',
      certification: 'Whether Ottoline Vasquez-Abernathy may testify',
    };
    const utf8 = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');
    await read(officer, `/cases/${caseId}?minPosition=${position}`, {
      'X-Purpose': utf8(purposes.view),
    }).expect(200);
    await read(counsel, `/cases/${caseId}/history`, { 'X-Purpose': purposes.history }).expect(200);
    await read(officer, `/cases?agencyId=${AGENCY}&limit=500`, { 'X-Purpose': utf8(purposes.list) }).expect(
      200,
    );
    await read(officer, `/certifications/${certificationId}`, { 'X-Purpose': purposes.certification }).expect(
      200,
    );

    const before = await accessLog(caseId);
    expect(before.items.map(({ actor, view, purpose }) => ({ actor, view, purpose }))).toEqual([
      { actor: 'officer-1', view: 'CASE', purpose: purposes.view },
      { actor: 'counsel-1', view: 'HISTORY', purpose: purposes.history },
      { actor: 'officer-1', view: 'CASE_LIST', purpose: purposes.list },
    ]);
    const certificationBefore = await logOf(`/certifications/${certificationId}`);
    expect(certificationBefore.items.map((i) => i.purpose)).toEqual([purposes.certification]);
    // Not in clear in the log, nor anywhere else the service keeps its files.
    expect(filesHolding(Object.values(purposes))).toEqual({});

    await erase(`/cases/${caseId}`);
    await erase(`/certifications/${certificationId}`);
    // Who read, when, which view and why stay the audit of access; the why no longer says it.
    expect(await accessLog(caseId)).toEqual({
      items: before.items.map((item) => ({ ...item, purpose: '[erased]' })),
      nextCursor: null,
    });
    expect((await logOf(`/certifications/${certificationId}`)).items).toEqual(
      certificationBefore.items.map((item) => ({ ...item, purpose: '[erased]' })),
    );

    // A read after the erasure has no key to seal its purpose under: it keeps it as "[erased]".
    const afterwards = 'Wilhelmina Okonkwo-Hartley asked for her file';
    await read(counsel, `/cases/${caseId}`, { 'X-Purpose': afterwards }).expect(200);
    await read(counsel, `/cases/${caseId}/evidence`).expect(200);
    const after = await accessLog(caseId);
    expect(after.items.slice(3).map(({ actor, view, purpose }) => ({ actor, view, purpose }))).toEqual([
      { actor: 'counsel-1', view: 'CASE', purpose: '[erased]' },
      { actor: 'counsel-1', view: 'EVIDENCE', purpose: null },
    ]);
    expect((await t.events(`access-log-${caseId}`))[3].data.purpose).toBe('[erased]');
    expect(filesHolding([...Object.values(purposes), afterwards])).toEqual({});
  });

  it('is served as recorded by a read logged before purposes were sealed, and "[erased]" after an erasure', async () => {
    const { caseId, position } = await openCase();
    await read(officer, `/cases/${caseId}?minPosition=${position}`).expect(200);
    // A read as the service recorded it before it sealed purposes: in clear.
    const older = {
      caseId,
      view: 'CASE',
      endpoint: 'GET /cases/{caseId}',
      asOf: null,
      purpose: 'Checking on María’s bail hearing',
      role: 'officer',
      agencyId: AGENCY,
    };
    await t.app.get<EventStore>(EVENT_STORE).append(
      `access-log-${caseId}`,
      [
        {
          id: randomUUID(),
          type: 'PersonalDataAccessed',
          data: older,
          metadata: {
            recordedAt: t.clock.now(),
            correlationId: 'legacy',
            causationId: null,
            actor: 'officer-1',
          },
        },
      ],
      { expectedRevision: 'any' },
    );
    const recorded = (await t.events(`access-log-${caseId}`))[1];
    const served = {
      eventId: recorded.id,
      readAt: recorded.metadata.recordedAt,
      actor: 'officer-1',
      role: 'officer',
      agencyId: AGENCY,
      view: 'CASE',
      endpoint: 'GET /cases/{caseId}',
      asOf: null,
      purpose: older.purpose,
      correlationId: 'legacy',
    };
    expect((await accessLog(caseId)).items[1]).toEqual(served);

    await erase(`/cases/${caseId}`);
    expect((await accessLog(caseId)).items[1]).toEqual({ ...served, purpose: '[erased]' });
    // The log is never rewritten: the older event holds its purpose as it was recorded.
    expect((await t.events(`access-log-${caseId}`))[1]).toEqual(recorded);
    await expect(verifyStream(t.app.get(EVENT_STORE), `access-log-${caseId}`)).resolves.toMatchObject({
      valid: true,
      checkedEvents: 2,
    });
  });
});
