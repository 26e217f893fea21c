import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import {
  PersonalDataCipher,
  RequestHasher,
  SqliteKeyStore,
  isSealed,
  subjectKeyId,
  victimKeyId,
} from '@trust-ledger/privacy';
import {
  accessBody,
  decisionBody,
  judicialWarrant,
  noticeBody,
  openCaseBody,
  requestBody,
} from '../support/case-bodies';
import { ProjectionRunner, READ_MODEL_DB, type ReadModelDb } from '@trust-ledger/projections';
import {
  EVENT_STORE,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type JsonObject,
} from '@trust-ledger/event-store';
import { EVENT_CODEC, type EventCodec } from '../../apps/api/src/write/event-codec';
import { certificationBody, requestCertification } from '../support/certification-bodies';
import { API, startTestApp, type TestApp } from '../support/test-app';

/**
 * Personal data through the real application: sealed before it reaches the store (nothing of it in
 * any file of DATA_DIR nor in the log output), revealed to those who may read the case, never to
 * oversight, and erased for good by an admin while the record and its hash chain stay whole.
 */

const AGENCY = 'agency-a';

/** Values that occur nowhere else, so that finding one in a file can only mean a leak. */
const SUBJECT = {
  fullName: 'Zelda Quintanilla-Núñez',
  dateOfBirth: '1987-11-23',
  aNumber: 'A246813579',
  preferredLanguage: 'es-MX',
  attorney: { name: 'Ophelia Barrister', phone: '+1 555 0188', email: 'ophelia@example.org' },
  designee: { name: 'Horatio Kinsman', phone: '+1 555 0199' },
};
const PERSONAL = [
  'Zelda Quintanilla-Núñez',
  'Quintanilla',
  '1987-11-23',
  'A246813579',
  'Ophelia Barrister',
  'Horatio Kinsman',
];

const ERASED_SUBJECT = {
  fullName: '[erased]',
  dateOfBirth: '[erased]',
  aNumber: '[erased]',
  preferredLanguage: '[erased]',
  attorney: { name: '[erased]', phone: '[erased]', email: '[erased]' },
  designee: { name: '[erased]', phone: '[erased]' },
};

const openBody = (caseId: string) => ({ ...openCaseBody(AGENCY, caseId), subject: SUBJECT });

let t: TestApp;
let officer: string;
let supervisor: string;
let otherOfficer: string;
let counsel: string;
let oversight: string;
let admin: string;
let output = '';
const writes: jest.SpyInstance[] = [];

beforeAll(async () => {
  // The log output as an operator would collect it: everything the process writes.
  for (const stream of [process.stdout, process.stderr]) {
    writes.push(
      jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        output += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
        return true;
      }),
    );
  }
  try {
    t = await startTestApp({ logger: undefined });
  } catch (e) {
    for (const write of writes) write.mockRestore();
    console.error(e);
    throw e;
  }
  officer = await t.token({ role: 'officer', agencyId: AGENCY, sub: 'officer-1' });
  supervisor = await t.token({ role: 'supervisor', agencyId: AGENCY, sub: 'supervisor-1' });
  otherOfficer = await t.token({ role: 'officer', agencyId: 'agency-b', sub: 'officer-9' });
  counsel = await t.token({ role: 'counsel', sub: 'counsel-1' });
  oversight = await t.token({ role: 'oversight', sub: 'oversight-1' });
  admin = await t.token({ role: 'admin', sub: 'admin-1' });
});
afterAll(async () => {
  try {
    await t?.close();
  } finally {
    for (const write of writes) write.mockRestore();
  }
});

/** A case with an honored detainer and no judicial warrant: a § 2 violation and statistics to keep. */
async function openCase(): Promise<{ caseId: string; position: string }> {
  const caseId = randomUUID();
  const requestId = randomUUID();
  await t.post('/cases', officer, openBody(caseId)).expect(201);
  await t.post(`/cases/${caseId}/requests`, officer, requestBody(requestId)).expect(201);
  const decided = await t
    .post(`/cases/${caseId}/requests/${requestId}/decision`, officer, {
      ...decisionBody,
      outcome: 'HONORED',
      rationale: 'Honored on the administrative warrant.',
    })
    .expect(201);
  return { caseId, position: decided.body.position as string };
}

/** An event as the service stored it before its personal fields were sealed: in clear. */
async function appendInClear(
  streamId: string,
  after: ExpectedRevision,
  type: string,
  data: JsonObject,
): Promise<AppendResult> {
  return t.app.get<EventStore>(EVENT_STORE).append(
    streamId,
    [
      {
        id: randomUUID(),
        type,
        data,
        metadata: {
          recordedAt: t.clock.now(),
          correlationId: 'legacy',
          causationId: null,
          actor: 'officer-1',
        },
      },
    ],
    { expectedRevision: after },
  );
}

/** GET as `token`, after the read models caught up with `position`. */
const read = (token: string, path: string, position?: string) =>
  t.get(
    position === undefined ? path : `${path}${path.includes('?') ? '&' : '?'}minPosition=${position}`,
    token,
  );

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Every personal value found in a file's raw bytes, as `file: value`. */
function leaksIn(dir: string): string[] {
  return filesUnder(dir).flatMap((file) => {
    const bytes = readFileSync(file);
    return PERSONAL.filter((value) => bytes.includes(Buffer.from(value, 'utf8'))).map(
      (value) => `${file}: ${value}`,
    );
  });
}

describe('sealed before it reaches the store', () => {
  it('leaves no name, date of birth or A-number in any file of DATA_DIR, nor in the log output', async () => {
    const { caseId, position } = await openCase();
    // Every read model and API table written, and every read path taken once.
    await read(officer, `/cases/${caseId}`, position).expect(200);
    await read(officer, `/cases?agencyId=${AGENCY}`).expect(200);
    await read(counsel, `/cases/${caseId}/history`).expect(200);
    await read(counsel, `/cases/${caseId}/evidence`).expect(200);
    await t.post('/integrity/checkpoints', admin, {}).expect(201);

    const files = filesUnder(t.dataDir).map((file) => file.slice(t.dataDir.length + 1));
    expect(files).toEqual(
      expect.arrayContaining([
        'trust-ledger.db',
        'trust-ledger.db-wal',
        'read-models.db',
        'keys.db',
        'api.db',
      ]),
    );
    expect(files.some((file) => file.startsWith('read-models.db-wal'))).toBe(true);
    expect(leaksIn(t.dataDir)).toEqual([]);
    expect(PERSONAL.filter((value) => output.includes(value))).toEqual([]);

    // What the store holds is the sealed form, its shape naming the fields and nothing more.
    const [opened] = await t.events(`case-${caseId}`);
    expect(isSealed(opened.data.subject)).toBe(true);
    expect(opened.data.subject).toMatchObject({ keyId: subjectKeyId(caseId), shape: ERASED_SUBJECT });
  });

  it('keeps every file of DATA_DIR but the evidence public key owner-only, WAL files included', async () => {
    await openCase();
    const open = filesUnder(t.dataDir)
      .filter((file) => !file.endsWith('.pub.pem') && (statSync(file).mode & 0o077) !== 0)
      .map((file) => `${file.slice(t.dataDir.length + 1)}: ${(statSync(file).mode & 0o777).toString(8)}`);
    expect(open).toEqual([]);
  });
});

describe('revealed to those who may read the case', () => {
  let caseId: string;
  let position: string;
  beforeAll(async () => {
    ({ caseId, position } = await openCase());
  });

  it.each([
    ['officer of the agency', () => officer],
    ['supervisor of the agency', () => supervisor],
    ['counsel', () => counsel],
  ])('shows the %s the clear subject in the case, its past and its history', async (_who, token) => {
    const view = await read(token(), `/cases/${caseId}`, position).expect(200);
    expect(view.body.subject).toEqual(SUBJECT);
    const past = await read(token(), `/cases/${caseId}?asOf=2025-03-01T12:00:00Z`).expect(200);
    expect(past.body.subject).toEqual(SUBJECT);
    const history = await read(token(), `/cases/${caseId}/history`).expect(200);
    expect(history.body.items[0]).toMatchObject({ type: 'CaseOpened', data: { subject: SUBJECT } });
    const list = await read(token(), `/cases?agencyId=${AGENCY}&limit=500`).expect(200);
    expect(list.body.items.find((item: { caseId: string }) => item.caseId === caseId).subject).toEqual(
      SUBJECT,
    );
  });

  it('shows counsel the clear subject in the evidence pack, whose events keep it sealed', async () => {
    const response = await read(counsel, `/cases/${caseId}/evidence`).expect(200);
    const pack = JSON.parse(response.text);
    expect(pack.subject).toEqual(SUBJECT);
    expect(isSealed(pack.events[0].data.subject)).toBe(true);
  });

  it("hides the case from another agency's officer", async () => {
    for (const path of [`/cases/${caseId}`, `/cases/${caseId}/history`]) {
      await read(otherOfficer, path).expect(404);
    }
  });

  it("opens nothing of the person's for another agency's officer: the case is refused before it is decrypted, read or written", async () => {
    const codec = t.app.get<EventCodec>(EVENT_CODEC);
    const decode = jest.spyOn(codec, 'decode');
    const revealAll = jest.spyOn(codec, 'revealAll');
    try {
      for (const path of [
        `/cases/${caseId}`,
        `/cases/${caseId}?asOf=2025-03-01T12:00:00Z`,
        `/cases/${caseId}/history`,
      ]) {
        await read(otherOfficer, path).expect(404);
      }
      // A command on it too: refused on the agency its stored opening names.
      const close = { closedAt: '2025-03-01T11:00:00Z', reason: 'Released' };
      expect((await t.post(`/cases/${caseId}/close`, otherOfficer, close)).status).toBe(404);
      expect([decode.mock.calls.length, revealAll.mock.calls.length]).toEqual([0, 0]);
      // The same reads by the agency's own officer do open it: the spies see the reader's calls.
      await read(officer, `/cases/${caseId}`).expect(200);
      expect(decode.mock.calls.length).toBeGreaterThan(0);
    } finally {
      decode.mockRestore();
      revealAll.mockRestore();
    }
  });

  it('never gives oversight or the public personal data, on any route the API documents', async () => {
    const docs = await t.http().get(`${API}/docs-json`).expect(200);
    const paths = Object.entries(docs.body.paths as Record<string, Record<string, unknown>>)
      .filter(([, operations]) => 'get' in operations)
      .map(([path]) => path.replace(/^\/api\/v1/, '').replace(/\{caseId\}/g, caseId))
      // Event streams never end; what they carry is served by their plain GET as well.
      .filter((path) => !path.includes('{') && !path.startsWith('/docs') && !path.endsWith('/stream'));
    expect(paths).toEqual(expect.arrayContaining([`/cases/${caseId}`, `/cases/${caseId}/evidence`]));
    for (const path of paths) {
      for (const response of [await read(oversight, path), await t.http().get(`${API}${path}`)]) {
        expect([path, PERSONAL.filter((value) => response.text.includes(value))]).toEqual([path, []]);
      }
    }
    for (const path of [
      `/cases/${caseId}`,
      `/cases/${caseId}/history`,
      `/cases/${caseId}/evidence`,
      '/cases',
    ]) {
      await read(oversight, path).expect(403);
    }
  });
});

describe('erasure', () => {
  const erase = (caseId: string, token = admin, headers: Record<string, string> = {}) =>
    t.post(`/cases/${caseId}/erase-personal-data`, token, { reason: 'Court order 2025-CV-118' }, headers);

  /** Everything a reader can see of the case, keyed by where it was read. */
  async function everyRead(caseId: string, position: string) {
    const view = await read(counsel, `/cases/${caseId}`, position).expect(200);
    const past = await read(counsel, `/cases/${caseId}?asOf=2025-03-01T12:00:00Z`).expect(200);
    const history = await read(counsel, `/cases/${caseId}/history`).expect(200);
    const pack = JSON.parse((await read(counsel, `/cases/${caseId}/evidence`).expect(200)).text);
    const list = await read(officer, `/cases?agencyId=${AGENCY}&limit=500`).expect(200);
    return {
      view: view.body,
      subjects: {
        view: view.body.subject,
        asOf: past.body.subject,
        history: history.body.items[0].data.subject,
        evidence: pack.subject,
        list: list.body.items.find((item: { caseId: string }) => item.caseId === caseId).subject,
      },
    };
  }

  it('records PersonalDataErased, destroys the key, and every read shows "[erased]" while the chain verifies', async () => {
    const { caseId, position } = await openCase();
    const before = await everyRead(caseId, position);
    expect(Object.values(before.subjects)).toEqual(Array(5).fill(SUBJECT));
    const violationsBefore = await read(counsel, `/violations?streamId=case-${caseId}`, position).expect(200);
    expect(violationsBefore.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ruleId: 'S2_DETAINER_HONORED_WITHOUT_JUDICIAL_WARRANT' }),
      ]),
    );
    const statisticsBefore = await t
      .http()
      .get(`${API}/public/statistics?period=2025-Q1&minPosition=${position}`)
      .expect(200);
    expect(statisticsBefore.body.rows.length).toBeGreaterThan(0);

    const erased = await erase(caseId).expect(201);
    const events = await t.events(`case-${caseId}`);
    const last = events[events.length - 1];
    expect(last).toMatchObject({ type: 'PersonalDataErased', data: { reason: 'Court order 2025-CV-118' } });
    expect(last.metadata.actor).toBe('admin-1');
    expect(erased.body).toEqual({
      id: last.id,
      streamId: `case-${caseId}`,
      revision: last.revision,
      position: t.sealed(last.position),
    });
    expect(erased.headers.etag).toBe(`"${last.revision}"`);
    // The sealed subject can no longer be opened by anyone.
    const cipher = t.app.get(PersonalDataCipher);
    await expect(cipher.reveal(events[0].data.subject as never)).resolves.toEqual(ERASED_SUBJECT);

    const after = await everyRead(caseId, erased.body.position);
    expect(after.subjects).toEqual({
      view: ERASED_SUBJECT,
      asOf: ERASED_SUBJECT,
      history: ERASED_SUBJECT,
      evidence: ERASED_SUBJECT,
      list: ERASED_SUBJECT,
    });
    expect(after.view.personalDataErased).toBe(true);
    // Only the subject and the free text about them changed: the facts, and what the ordinance
    // makes of them, did not.
    const { subject: _s1, revision: r1, personalDataErased: _e1, ...factsBefore } = before.view;
    const { subject: _s2, revision: r2, personalDataErased: _e2, ...factsAfter } = after.view;
    expect(factsAfter).toEqual({
      ...factsBefore,
      convictions: [{ ...factsBefore.convictions[0], offense: '[erased]' }],
      requests: [
        {
          ...factsBefore.requests[0],
          decision: { ...factsBefore.requests[0].decision, rationale: '[erased]' },
        },
      ],
    });
    expect(r2).toBe(r1 + 1);
    const violationsAfter = await read(
      counsel,
      `/violations?streamId=case-${caseId}`,
      erased.body.position,
    ).expect(200);
    expect(violationsAfter.body).toEqual(violationsBefore.body);
    const statisticsAfter = await t
      .http()
      .get(`${API}/public/statistics?period=2025-Q1&minPosition=${erased.body.position}`)
      .expect(200);
    expect(statisticsAfter.body).toEqual(statisticsBefore.body);

    const integrity = await read(counsel, `/cases/${caseId}/integrity`).expect(200);
    expect(integrity.body).toEqual({ valid: true, checkedEvents: events.length, breaks: [] });
  });

  it('takes the opening’s request fingerprint with it: no key left can test a guessed subject against it', async () => {
    const caseId = randomUUID();
    const body = openBody(caseId);
    const opened = await t.post('/cases', officer, body, { 'Idempotency-Key': 'open-fp' }).expect(201);
    const stored = (await t.events(`case-${caseId}`))[0].metadata.requestHash;
    // What someone holding the data would compute from a guess, as the service does (command-meta).
    const guess = createHash('sha256')
      .update(`POST\n${API}/cases\n${canonicalize(body)}`)
      .digest('hex');
    const hasher = t.app.get(RequestHasher);
    expect(await hasher.digest(guess, { keyId: subjectKeyId(caseId), create: false })).toBe(stored);
    expect(await hasher.digest(guess)).not.toBe(stored);
    // A retry is still recognised while the person's key lives.
    const retried = await t.post('/cases', officer, body, { 'Idempotency-Key': 'open-fp' }).expect(201);
    expect(retried.body).toEqual(opened.body);

    await erase(caseId).expect(201);
    expect(await hasher.digest(guess, { keyId: subjectKeyId(caseId), create: false })).not.toBe(stored);
    expect(await hasher.digest(guess)).not.toBe(stored);
  });

  it('refuses a second erasure with 409, and answers a replay of the first with its response', async () => {
    const { caseId } = await openCase();
    const first = await erase(caseId, admin, { 'Idempotency-Key': 'erase-1' }).expect(201);
    const replay = await erase(caseId, admin, { 'Idempotency-Key': 'erase-1' }).expect(201);
    expect(replay.body).toEqual(first.body);
    const again = await erase(caseId).expect(409);
    expect(again.body.code).toBe('ALREADY_ERASED');
    expect((await t.events(`case-${caseId}`)).filter((e) => e.type === 'PersonalDataErased')).toHaveLength(1);
  });

  it('destroys the key on a retry when the first attempt failed after recording the event', async () => {
    const { caseId, position } = await openCase();
    const cipher = t.app.get(PersonalDataCipher);
    const destroy = jest.spyOn(cipher, 'erase').mockImplementationOnce(() => {
      throw new Error('disk full');
    });
    await erase(caseId).expect(500);
    destroy.mockRestore();
    // The record says it is erased; the key survived the crash.
    const [opened] = await t.events(`case-${caseId}`);
    await expect(cipher.reveal(opened.data.subject as never)).resolves.toEqual(SUBJECT);

    await erase(caseId).expect(409);
    await expect(cipher.reveal(opened.data.subject as never)).resolves.toEqual(ERASED_SUBJECT);
    const history = await read(counsel, `/cases/${caseId}/history`, position).expect(200);
    expect(history.body.items[0].data.subject).toEqual(ERASED_SUBJECT);
  });

  it('still replays a retried command that carried no personal data, and says why it cannot compare one that did', async () => {
    const caseId = randomUUID();
    const requestId = randomUUID();
    await t.post('/cases', officer, openBody(caseId)).expect(201);
    const retried = async (path: string, body: object, key: string) => {
      const first = await t.post(path, officer, body, { 'Idempotency-Key': key }).expect(201);
      return async () => ({ first, again: await t.post(path, officer, body, { 'Idempotency-Key': key }) });
    };
    const request = await retried(`/cases/${caseId}/requests`, requestBody(requestId), 'retry-request');
    const notice = await retried(`/cases/${caseId}/notices`, noticeBody(requestId), 'retry-notice');
    const decision = await retried(
      `/cases/${caseId}/requests/${requestId}/decision`,
      decisionBody,
      'retry-decision',
    );
    await erase(caseId).expect(201);

    // The request's fingerprint does not depend on the destroyed key: the retry gets its first answer.
    const { first, again } = await request();
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    // The notice's language and the decision's rationale (which may name the person) went with the
    // key, and so did the means to recognise their bodies.
    for (const retry of [notice, decision]) {
      const { again: refused } = await retry();
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({
        code: 'IDEMPOTENCY_KEY_REUSED',
        message: expect.stringContaining('the personal data it carried has since been erased'),
      });
    }
  });

  it('mints no key for an opening that is refused', async () => {
    const keys = t.app.get(SqliteKeyStore);
    const first = randomUUID();
    await t.post('/cases', officer, openBody(first), { 'Idempotency-Key': 'open-once' }).expect(201);
    const reused = randomUUID();
    await t.post('/cases', officer, openBody(reused), { 'Idempotency-Key': 'open-once' }).expect(409);
    const stale = randomUUID();
    await t.post('/cases', officer, openBody(stale), { 'If-Match': '"3"' }).expect(412);
    expect(keys.get(subjectKeyId(first))).toBeInstanceOf(Buffer);
    expect([keys.get(subjectKeyId(reused)), keys.get(subjectKeyId(stale))]).toEqual([undefined, undefined]);
  });

  it('is for admins only, needs a reason, and names an existing case', async () => {
    const { caseId } = await openCase();
    for (const token of [officer, supervisor, counsel, oversight]) await erase(caseId, token).expect(403);
    await t.http().post(`${API}/cases/${caseId}/erase-personal-data`).send({ reason: 'x' }).expect(401);
    const missing = await t.post(`/cases/${caseId}/erase-personal-data`, admin, {}).expect(400);
    expect(missing.body.errors).toEqual([expect.objectContaining({ field: 'reason' })]);
    await t.post(`/cases/${caseId}/erase-personal-data`, admin, { reason: 'x', extra: 1 }).expect(400);
    await erase(randomUUID()).expect(404);
    expect((await t.events(`case-${caseId}`)).some((e) => e.type === 'PersonalDataErased')).toBe(false);
  });
});

describe('the languages a person was given notice or asked consent in', () => {
  /** A case whose subject prefers es-MX, given a notice in Portuguese and asked consent in Tagalog. */
  async function caseWithLanguages(): Promise<{ caseId: string; position: string }> {
    const caseId = randomUUID();
    const requestId = randomUUID();
    await t.post('/cases', officer, openBody(caseId)).expect(201);
    await t.post(`/cases/${caseId}/requests`, officer, requestBody(requestId)).expect(201);
    await t
      .post(`/cases/${caseId}/notices`, officer, { ...noticeBody(requestId), language: 'pt-BR' })
      .expect(201);
    const accessed = await t
      .post(`/cases/${caseId}/access`, officer, {
        ...accessBody(requestId),
        consent: { ...accessBody(requestId).consent, language: 'tl' },
      })
      .expect(201);
    return { caseId, position: accessed.body.position as string };
  }

  /** The two languages as each read shows them: view, as-of view, history, evidence pack. */
  async function languagesRead(caseId: string, position: string) {
    const view = (await read(counsel, `/cases/${caseId}`, position).expect(200)).body;
    const past = (await read(counsel, `/cases/${caseId}?asOf=2030-01-01T00:00:00Z`).expect(200)).body;
    const history = (await read(counsel, `/cases/${caseId}/history`).expect(200)).body.items as {
      type: string;
      data: { language?: string; consent?: { language: string } };
    }[];
    const pack = JSON.parse((await read(counsel, `/cases/${caseId}/evidence`).expect(200)).text);
    return [
      [view.requests[0].notices[0].language, view.accessGrants[0].consent.language],
      [past.requests[0].notices[0].language, past.accessGrants[0].consent.language],
      [
        history.find((e) => e.type === 'NoticeIssued')?.data.language,
        history.find((e) => e.type === 'CustodyAccessGranted')?.data.consent?.language,
      ],
      (pack.revealed as { path: string; value: string }[])
        .filter((field) => field.path.endsWith('language'))
        .map((field) => field.value),
    ];
  }

  it('are sealed with the subject, shown to its readers, and "[erased]" with it while the rules still judge the notice', async () => {
    const { caseId, position } = await caseWithLanguages();
    const stored = await t.events(`case-${caseId}`);
    const notice = stored.find((e) => e.type === 'NoticeIssued')!;
    const access = stored.find((e) => e.type === 'CustodyAccessGranted')!;
    expect(notice.data.language).toMatchObject({ $sealed: 1, keyId: subjectKeyId(caseId) });
    expect(notice.data.inPreferredLanguage).toBe(false);
    expect((access.data.consent as { language: unknown }).language).toMatchObject({ $sealed: 1 });
    // Nor does the opening keep the preferred language outside the sealed subject.
    expect(stored[0].data.subjectProfile).toEqual({ hasAttorney: true, hasDesignee: true });
    expect(await languagesRead(caseId, position)).toEqual(Array(4).fill(['pt-BR', 'tl']));
    const deficient = async (at: string) =>
      (await read(counsel, `/violations?streamId=case-${caseId}`, at).expect(200)).body.items.filter(
        (v: { ruleId: string }) => v.ruleId === 'S5_NOTICE_DEFICIENT',
      );
    const before = await deficient(position);
    expect(before).toEqual([
      expect.objectContaining({
        explanation:
          "The request-and-intent notice to the subject was not in the subject's preferred language.",
      }),
    ]);

    const erased = await t
      .post(`/cases/${caseId}/erase-personal-data`, admin, { reason: 'Court order 2025-CV-119' })
      .expect(201);
    expect(await languagesRead(caseId, erased.body.position)).toEqual(
      Array(4).fill(['[erased]', '[erased]']),
    );
    // A notice recorded after the erasure keeps no language either, and mints no key.
    const requestId = (stored[1].data as { requestId: string }).requestId;
    const lateBody = {
      ...noticeBody(requestId),
      purpose: 'RELEASE_DATE',
      requestId: undefined,
      statedIntent: undefined,
    };
    const late = await t
      .post(`/cases/${caseId}/notices`, officer, lateBody, { 'Idempotency-Key': 'late' })
      .expect(201);
    const [lateNotice] = (await t.events(`case-${caseId}`)).slice(-1);
    expect(lateNotice.data).toMatchObject({ language: '[erased]', inPreferredLanguage: null });
    // Nor does its fingerprint keep the language testable: nothing can recompute it, so a retry is
    // told it cannot be compared, and records nothing.
    const retried = await t.post(`/cases/${caseId}/notices`, officer, lateBody, {
      'Idempotency-Key': 'late',
    });
    expect(retried.status).toBe(409);
    expect(retried.body.message).toContain('has since been erased');
    expect((await t.events(`case-${caseId}`)).slice(-1)).toEqual([lateNotice]);
    // The register judged the notice by what it recorded, not by the languages: a rebuild after the
    // erasure finds the same.
    await t.app.get(ProjectionRunner).rebuild('violation-register');
    expect(await deficient(late.body.position)).toEqual(before);
  });
  it('shows what an older event held in clear as "[erased]" once erased, in the history and in a look into the past', async () => {
    const caseId = randomUUID();
    const requestId = randomUUID();
    await t.post('/cases', officer, openBody(caseId)).expect(201);
    const received = await t.post(`/cases/${caseId}/requests`, officer, requestBody(requestId)).expect(201);
    // A notice as the service stored it before languages were sealed: in clear.
    await appendInClear(`case-${caseId}`, received.body.revision as number, 'NoticeIssued', {
      ...noticeBody(requestId),
      language: 'yua',
    });
    const beforeErasure = t.clock.now();
    t.clock.advance(60_000);
    const erased = await t
      .post(`/cases/${caseId}/erase-personal-data`, admin, { reason: 'Court order 2025-CV-120' })
      .expect(201);

    const past = await read(counsel, `/cases/${caseId}?asOf=${beforeErasure}`).expect(200);
    expect(past.body.requests[0].notices[0].language).toBe('[erased]');
    const now = await read(counsel, `/cases/${caseId}`, erased.body.position).expect(200);
    expect(now.body.requests[0].notices[0].language).toBe('[erased]');
    const history = await read(counsel, `/cases/${caseId}/history`).expect(200);
    const notice = (history.body.items as { type: string; data: { language: string } }[]).find(
      (e) => e.type === 'NoticeIssued',
    );
    expect(notice?.data.language).toBe('[erased]');
  });
});

describe('the free text officers type on a case', () => {
  /** Officers' words about the person, found nowhere else: in any file, they could only be a leak. */
  const OFFENSE = 'Struck Mr Pettigrew-Olamide with a bottle';
  const LEGACY_RATIONALE = 'Zelda told us her cousin in Tucson would take her';
  const RATIONALE = 'Honored: Zelda has no one to go to here';
  const AMENDMENT = 'Zelda’s attorney produced the void warrant';
  const CLOSING = 'Zelda was handed to ICE at the Eloy gate';
  /** Not free text, but as telling: it names the person's court case. */
  const DOCKET = '2:25-mj-90817';
  const WORDS = [OFFENSE, LEGACY_RATIONALE, RATIONALE, AMENDMENT, CLOSING, DOCKET];

  /**
   * A case whose conviction, decisions and closing carry free text; its first decision recorded in
   * clear, as the service stored decisions before their rationale was sealed.
   */
  async function caseWithFreeText(): Promise<{ caseId: string; position: string }> {
    const caseId = randomUUID();
    const requestId = randomUUID();
    const opening = openBody(caseId);
    await t
      .post('/cases', officer, {
        ...opening,
        convictions: [{ ...opening.convictions[0], offense: OFFENSE }],
      })
      .expect(201);
    const request = requestBody(requestId);
    const received = await t
      .post(`/cases/${caseId}/requests`, officer, {
        ...request,
        documents: [...request.documents, { ...judicialWarrant, docketNumber: DOCKET }],
      })
      .expect(201);
    await appendInClear(`case-${caseId}`, received.body.revision as number, 'DecisionRecorded', {
      requestId,
      outcome: 'DECLINED',
      basis: 'NONE',
      exceptionCode: null,
      decidedAt: '2025-02-28T10:30:00Z',
      rationale: LEGACY_RATIONALE,
    });
    await t
      .post(`/cases/${caseId}/requests/${requestId}/decision`, officer, {
        ...decisionBody,
        outcome: 'HONORED',
        rationale: RATIONALE,
        amendsDecision: true,
        reason: AMENDMENT,
      })
      .expect(201);
    const closed = await t
      .post(`/cases/${caseId}/close`, officer, { closedAt: '2025-03-01T09:00:00Z', reason: CLOSING })
      .expect(201);
    return { caseId, position: closed.body.position as string };
  }

  /** The free text as the officer reads it: the case now and in the past, and its history. */
  async function wordsRead(caseId: string, position: string) {
    const view = (await read(officer, `/cases/${caseId}`, position).expect(200)).body;
    const past = (await read(officer, `/cases/${caseId}?asOf=2030-01-01T00:00:00Z`).expect(200)).body;
    const inView = (v: typeof view) => [
      v.convictions[0].offense,
      v.requests[0].previousDecisions[0].rationale,
      v.requests[0].decision.rationale,
      v.requests[0].decision.amendmentReason,
      v.requests[0].documents[1].docketNumber,
    ];
    const history = (await read(officer, `/cases/${caseId}/history`).expect(200)).body.items as {
      type: string;
      data: Record<string, unknown> & {
        convictions?: { offense: string }[];
        documents?: { docketNumber?: string }[];
      };
    }[];
    const of = (type: string) => history.find((e) => e.type === type)!.data;
    return {
      view: inView(view),
      asOf: inView(past),
      history: [
        of('CaseOpened').convictions?.[0].offense,
        of('DecisionRecorded').rationale,
        of('DecisionAmended').rationale,
        of('DecisionAmended').reason,
        of('CaseClosed').reason,
        of('FederalRequestReceived').documents?.[1].docketNumber,
      ],
    };
  }

  it('is sealed in the log, shown to the case’s readers, never to oversight, and "[erased]" with the person', async () => {
    const { caseId, position } = await caseWithFreeText();
    const stored = await t.events(`case-${caseId}`);
    const sealedWith = { $sealed: 1, keyId: subjectKeyId(caseId), shape: '[erased]' };
    expect([
      (stored[0].data.convictions as { offense: unknown }[])[0].offense,
      stored[3].data.rationale,
      stored[3].data.reason,
      stored[4].data.reason,
      (stored[1].data.documents as { docketNumber: unknown }[])[1].docketNumber,
    ]).toEqual(Array(5).fill(expect.objectContaining(sealedWith)));
    // The decision recorded before free text was sealed holds it in clear (the log is never rewritten).
    expect(stored[2].data.rationale).toBe(LEGACY_RATIONALE);
    // Nothing typed since is in any file of DATA_DIR: the log, the read models, the key store.
    const sealedWords = [OFFENSE, RATIONALE, AMENDMENT, CLOSING, DOCKET];
    await read(officer, `/cases/${caseId}`, position).expect(200);
    const files = filesUnder(t.dataDir);
    expect(files.flatMap((file) => sealedWords.filter((w) => readFileSync(file).includes(w)))).toEqual([]);

    const before = await wordsRead(caseId, position);
    expect(before).toEqual({
      view: [OFFENSE, LEGACY_RATIONALE, RATIONALE, AMENDMENT, DOCKET],
      asOf: [OFFENSE, LEGACY_RATIONALE, RATIONALE, AMENDMENT, DOCKET],
      history: [OFFENSE, LEGACY_RATIONALE, RATIONALE, AMENDMENT, CLOSING, DOCKET],
    });
    const forOversight = await read(oversight, `/violations?streamId=case-${caseId}`, position).expect(200);
    expect(WORDS.filter((w) => forOversight.text.includes(w))).toEqual([]);

    const erased = await t
      .post(`/cases/${caseId}/erase-personal-data`, admin, { reason: 'Court order 2025-CV-121' })
      .expect(201);
    const after = {
      view: Array(5).fill('[erased]'),
      asOf: Array(5).fill('[erased]'),
      history: Array(6).fill('[erased]'),
    };
    expect(await wordsRead(caseId, erased.body.position)).toEqual(after);
    // The case view rebuilt from the log keeps none of it either.
    await t.app.get(ProjectionRunner).rebuild('case-view');
    expect(await wordsRead(caseId, erased.body.position)).toEqual(after);
    const view = (await read(counsel, `/cases/${caseId}`, erased.body.position).expect(200)).text;
    expect(WORDS.filter((w) => view.includes(w))).toEqual([]);
  });
});

describe('the copies of the events the violation register and the certification view keep', () => {
  /** Officers' words about the person, each found nowhere else. */
  const OFFENSE = 'Threw a brick at Mr Abernathy-Osei';
  const DOCKET = '2:24-mj-77031';
  const RATIONALE = 'Honored: Zelda sleeps at her brother Tomasz’s';
  const AMENDED = 'Still honored: Tomasz will not take her back';
  const AMENDMENT = 'Zelda’s brother Tomasz called the jail';
  const CLOSING = 'Zelda left with Tomasz on the 3rd';
  const ACTIVITY = 'Beaten by her landlord, Crispin Vandermolen';
  const REFUSAL = 'Would not testify against Crispin Vandermolen';
  const EXPLANATION = 'Nobody charged Crispin Vandermolen';
  const WITHDRAWAL = 'Her lawyer, Ms Okonkwo-Laine, withdrew it';
  const WORDS = [
    OFFENSE,
    DOCKET,
    RATIONALE,
    AMENDED,
    AMENDMENT,
    CLOSING,
    ACTIVITY,
    REFUSAL,
    EXPLANATION,
    WITHDRAWAL,
  ];

  /** The stream's events as the register keeps them in vr_events, as stored there. */
  function keptByRegister(streamId: string): string {
    const db = t.app.get<ReadModelDb>(READ_MODEL_DB);
    const chunks = db
      .prepare<[string], string>(
        'SELECT e.events FROM vr_events e JOIN vr_streams s ON s.seq = e.stream_seq WHERE s.stream_id = ? ORDER BY e.chunk',
      )
      .pluck()
      .all(streamId);
    expect(chunks.length).toBeGreaterThan(0);
    return chunks.join('\n');
  }

  /**
   * Appends `events` as the service stored them before officers' free text was sealed: the person's
   * data (the first event's subject or victim) sealed as ever, the words in clear. Returns where the
   * last landed.
   */
  async function recordAsBefore(
    streamId: string,
    [created, ...rest]: { type: string; data: JsonObject }[],
    clearInCreation: (sealed: JsonObject) => JsonObject,
  ): Promise<string> {
    const codec = t.app.get<EventCodec>(EVENT_CODEC);
    const sealed = await codec.encode(streamId, created);
    let last = await appendInClear(streamId, 'no_stream', created.type, clearInCreation(sealed.data));
    for (const { type, data } of rest) {
      last = await appendInClear(streamId, last.nextExpectedRevision, type, data);
    }
    return t.sealed(last.position);
  }

  const violationsOf = async (streamId: string, position: string) =>
    (await read(counsel, `/violations?streamId=${streamId}`, position).expect(200)).body.items as unknown[];

  it('keeps none of the free text events recorded before it was sealed hold in clear, and judges them as before', async () => {
    const caseId = randomUUID();
    const requestId = randomUUID();
    const caseStream = `case-${caseId}`;
    const opening = openBody(caseId);
    const decision = { requestId, outcome: 'HONORED', basis: 'NONE', exceptionCode: null };
    const casePosition = await recordAsBefore(
      caseStream,
      [
        {
          type: 'CaseOpened',
          data: {
            caseId,
            agencyId: AGENCY,
            openedAt: '2025-02-28T08:00:00Z',
            subject: SUBJECT,
            subjectProfile: { hasAttorney: true, hasDesignee: true },
            custody: opening.custody,
            convictions: [{ offense: OFFENSE, category: 'MISDEMEANOR', convictedAt: '2019-06-01' }],
          },
        },
        {
          type: 'FederalRequestReceived',
          data: {
            ...requestBody(requestId),
            // Signed after the decisions: it does not make honoring the detainer lawful.
            documents: [{ ...judicialWarrant, signedAt: '2025-03-05T00:00:00Z', docketNumber: DOCKET }],
          },
        },
        {
          type: 'DecisionRecorded',
          data: { ...decision, decidedAt: '2025-02-28T10:30:00Z', rationale: RATIONALE },
        },
        {
          type: 'DecisionAmended',
          data: { ...decision, decidedAt: '2025-02-28T11:00:00Z', rationale: AMENDED, reason: AMENDMENT },
        },
        { type: 'CaseClosed', data: { closedAt: '2025-03-01T09:00:00Z', reason: CLOSING } },
      ],
      (sealed) => ({
        ...sealed,
        convictions: [{ offense: OFFENSE, category: 'MISDEMEANOR', convictedAt: '2019-06-01' }],
      }),
    );
    const certificationId = randomUUID();
    const certificationStream = `certification-${certificationId}`;
    const certificationPosition = await recordAsBefore(
      certificationStream,
      [
        {
          type: 'CertificationRequested',
          data: { ...certificationBody(AGENCY), certificationId, qualifyingActivity: ACTIVITY },
        },
        { type: 'AssistanceRefusalRecorded', data: { at: '2025-02-22T09:00:00Z', description: REFUSAL } },
        {
          type: 'CertificationDecided',
          data: {
            outcome: 'DENIED',
            decidedAt: '2025-02-24T09:00:00Z',
            grounds: 'NO_PROSECUTION_OR_CONVICTION',
            explanation: EXPLANATION,
          },
        },
        { type: 'CertificationWithdrawn', data: { at: '2025-02-25T09:00:00Z', reason: WITHDRAWAL } },
      ],
      (sealed) => ({ ...sealed, qualifyingActivity: ACTIVITY }),
    );
    // The log holds the words in clear, as such a log does.
    const log = JSON.stringify([...(await t.events(caseStream)), ...(await t.events(certificationStream))]);
    expect(WORDS.filter((w) => !log.includes(w))).toEqual([]);

    const caseViolations = await violationsOf(caseStream, casePosition);
    const certificationViolations = await violationsOf(certificationStream, certificationPosition);
    // Honoring without a judicial warrant (twice), no notice, denial on an excluded ground.
    expect(caseViolations.length).toBeGreaterThanOrEqual(2);
    expect(certificationViolations).toHaveLength(1);
    const kept = () => keptByRegister(caseStream) + keptByRegister(certificationStream);
    expect(WORDS.filter((w) => kept().includes(w))).toEqual([]);
    // Nor the person, sealed or not: the register keeps only what its rules read.
    expect(kept()).not.toContain('$sealed');

    const erasedCase = await t
      .post(`/cases/${caseId}/erase-personal-data`, admin, { reason: 'Court order 2025-CV-130' })
      .expect(201);
    const erasedVictim = await t
      .post(`/certifications/${certificationId}/erase-personal-data`, admin, {
        reason: 'Asked to be forgotten',
      })
      .expect(201);
    expect(WORDS.filter((w) => kept().includes(w))).toEqual([]);
    expect(await violationsOf(caseStream, erasedCase.body.position)).toEqual(caseViolations);
    expect(await violationsOf(certificationStream, erasedVictim.body.position)).toEqual(
      certificationViolations,
    );
    // Nor does the certification view's copy of the request, from which the victim is read.
    const certificationView = t.app
      .get<ReadModelDb>(READ_MODEL_DB)
      .prepare<[string], string>(
        'SELECT requested_event || record FROM certification_views WHERE certification_id = ?',
      )
      .pluck()
      .get(certificationId);
    expect(certificationView).toBeDefined();
    expect(WORDS.filter((w) => certificationView!.includes(w))).toEqual([]);
    // A rebuild, which writes vr_events again from the log, keeps none of it either and finds the same.
    await t.app.get(ProjectionRunner).rebuild('violation-register');
    expect(WORDS.filter((w) => kept().includes(w))).toEqual([]);
    expect(await violationsOf(caseStream, erasedVictim.body.position)).toEqual(caseViolations);
    expect(await violationsOf(certificationStream, erasedVictim.body.position)).toEqual(
      certificationViolations,
    );
  });
});

describe('erasure of a certification’s victim', () => {
  const VICTIM = {
    fullName: 'Imelda Vasquez-Oyelaran',
    dateOfBirth: '1979-02-14',
    preferredLanguage: 'pt-BR',
  };
  const ERASED_VICTIM = { fullName: '[erased]', dateOfBirth: '[erased]', preferredLanguage: '[erased]' };
  const REASON = 'The victim asked to be forgotten';

  const eraseVictim = (certificationId: string, token = admin, headers: Record<string, string> = {}) =>
    t.post(`/certifications/${certificationId}/erase-personal-data`, token, { reason: REASON }, headers);

  /** The certification as its agency reads it, and as counsel's list shows it. */
  async function reads(certificationId: string, position: string) {
    const one = await read(officer, `/certifications/${certificationId}`, position).expect(200);
    const list = await read(counsel, `/certifications?agencyId=${AGENCY}&limit=500`, position).expect(200);
    const listed = (list.body.items as { certificationId: string }[]).find(
      (item) => item.certificationId === certificationId,
    );
    return { one: one.body as Record<string, unknown>, listed };
  }

  it('records PersonalDataErased, destroys the victim’s key, and every read shows "[erased]" while the record stays', async () => {
    const { certificationId, position } = await requestCertification(t, officer, AGENCY, { victim: VICTIM });
    const before = await reads(certificationId, position);
    expect([before.one.victim, before.listed]).toEqual([VICTIM, expect.objectContaining({ victim: VICTIM })]);
    expect(before.one.personalDataErased).toBe(false);
    const violationsBefore = await read(
      counsel,
      `/violations?streamId=certification-${certificationId}`,
      position,
    ).expect(200);

    const erased = await eraseVictim(certificationId).expect(201);
    const events = await t.events(`certification-${certificationId}`);
    expect(events.map((e) => e.type)).toEqual(['CertificationRequested', 'PersonalDataErased']);
    expect(events[1]).toMatchObject({ data: { reason: REASON }, metadata: { actor: 'admin-1' } });
    expect(erased.body).toEqual({
      id: events[1].id,
      streamId: `certification-${certificationId}`,
      revision: 1,
      position: t.sealed(events[1].position),
    });
    await expect(t.app.get(PersonalDataCipher).reveal(events[0].data.victim as never)).resolves.toEqual(
      ERASED_VICTIM,
    );

    const after = await reads(certificationId, erased.body.position);
    expect([after.one.victim, after.listed]).toEqual([
      ERASED_VICTIM,
      expect.objectContaining({ victim: ERASED_VICTIM, personalDataErased: true }),
    ]);
    expect(after.one.personalDataErased).toBe(true);
    // Only the victim and the free text about them changed: the record, and what the ordinance
    // makes of it, did not.
    const { victim: _v1, revision: r1, personalDataErased: _e1, ...factsBefore } = before.one;
    const { victim: _v2, revision: r2, personalDataErased: _e2, ...factsAfter } = after.one;
    expect(factsAfter).toEqual({ ...factsBefore, qualifyingActivity: '[erased]' });
    expect(r2).toBe(Number(r1) + 1);
    const violationsAfter = await read(
      counsel,
      `/violations?streamId=certification-${certificationId}`,
      erased.body.position,
    ).expect(200);
    expect(violationsAfter.body).toEqual(violationsBefore.body);
    // The certification can still be decided.
    const decided = await t
      .post(`/certifications/${certificationId}/decision`, officer, {
        outcome: 'CERTIFIED',
        decidedAt: '2025-02-25T10:00:00Z',
        explanation: 'Helpful in the investigation',
      })
      .expect(201);
    const done = await read(officer, `/certifications/${certificationId}`, decided.body.position).expect(200);
    expect(done.body).toMatchObject({ status: 'CERTIFIED', victim: ERASED_VICTIM });
  });

  it('seals the free text typed on the certification with the victim, shows it to readers, and erases it with them', async () => {
    const ACTIVITY = 'Imelda was trafficked by her employer, Gideon Strathmore';
    const REFUSAL = 'Imelda would not name her sister';
    const EXPLANATION = 'Imelda refused to help identify Gideon Strathmore';
    const { certificationId } = await requestCertification(t, officer, AGENCY, {
      victim: VICTIM,
      qualifyingActivity: ACTIVITY,
    });
    await t
      .post(`/certifications/${certificationId}/assistance-refusals`, officer, {
        at: '2025-02-22T09:00:00Z',
        description: REFUSAL,
      })
      .expect(201);
    const denied = await t
      .post(`/certifications/${certificationId}/decision`, officer, {
        outcome: 'DENIED',
        decidedAt: '2025-02-24T09:00:00Z',
        grounds: 'REFUSED_REASONABLE_ASSISTANCE',
        explanation: EXPLANATION,
      })
      .expect(201);
    const stored = await t.events(`certification-${certificationId}`);
    const sealed = expect.objectContaining({ $sealed: 1, keyId: victimKeyId(certificationId) });
    expect([
      stored[0].data.qualifyingActivity,
      stored[1].data.description,
      stored[2].data.explanation,
    ]).toEqual([sealed, sealed, sealed]);
    const words = async (position: string) => {
      const { body } = await read(officer, `/certifications/${certificationId}`, position).expect(200);
      return [body.qualifyingActivity, body.assistanceRefusals[0].description, body.decision.explanation];
    };
    expect(await words(denied.body.position)).toEqual([ACTIVITY, REFUSAL, EXPLANATION]);
    // The rules never read it: the denial on a refusal recorded before it stays lawful.
    const violations = await read(
      counsel,
      `/violations?streamId=certification-${certificationId}`,
      denied.body.position,
    ).expect(200);
    expect(violations.body.items).toEqual([]);

    const erased = await eraseVictim(certificationId).expect(201);
    expect(await words(erased.body.position)).toEqual(Array(3).fill('[erased]'));
    const history = await read(officer, `/certifications/${certificationId}/history`).expect(200);
    expect([ACTIVITY, REFUSAL, EXPLANATION].filter((w) => JSON.stringify(history.body).includes(w))).toEqual(
      [],
    );
  });

  it('keys the fingerprint of a request carrying free text with the victim: recognised until they are erased', async () => {
    const { certificationId } = await requestCertification(t, officer, AGENCY, { victim: VICTIM });
    const refuse = () =>
      t.post(
        `/certifications/${certificationId}/assistance-refusals`,
        officer,
        { at: '2025-02-22T09:00:00Z', description: 'Imelda would not come to the interview' },
        { 'Idempotency-Key': 'refusal-1' },
      );
    const first = await refuse().expect(201);
    expect((await refuse().expect(201)).body).toEqual(first.body);
    await eraseVictim(certificationId).expect(201);
    const refused = await refuse().expect(409);
    expect(refused.body.message).toContain('the personal data it carried has since been erased');
  });

  it('refuses a second erasure with 409, and answers a replay of the first with its response', async () => {
    const { certificationId } = await requestCertification(t, officer, AGENCY, { victim: VICTIM });
    const first = await eraseVictim(certificationId, admin, { 'Idempotency-Key': 'erase-victim-1' }).expect(
      201,
    );
    const replay = await eraseVictim(certificationId, admin, { 'Idempotency-Key': 'erase-victim-1' }).expect(
      201,
    );
    expect(replay.body).toEqual(first.body);
    const again = await eraseVictim(certificationId).expect(409);
    expect(again.body.code).toBe('ALREADY_ERASED');
    expect((await t.events(`certification-${certificationId}`)).map((e) => e.type)).toEqual([
      'CertificationRequested',
      'PersonalDataErased',
    ]);
  });

  it('destroys the victim’s key on a retry when the first attempt failed after recording the event', async () => {
    const { certificationId, position } = await requestCertification(t, officer, AGENCY, { victim: VICTIM });
    const cipher = t.app.get(PersonalDataCipher);
    const destroy = jest.spyOn(cipher, 'erase').mockImplementationOnce(() => {
      throw new Error('disk full');
    });
    await eraseVictim(certificationId).expect(500);
    destroy.mockRestore();
    const [requested] = await t.events(`certification-${certificationId}`);
    await expect(cipher.reveal(requested.data.victim as never)).resolves.toEqual(VICTIM);

    await eraseVictim(certificationId).expect(409);
    await expect(cipher.reveal(requested.data.victim as never)).resolves.toEqual(ERASED_VICTIM);
    const shown = await read(officer, `/certifications/${certificationId}`, position).expect(200);
    expect(shown.body.victim).toEqual(ERASED_VICTIM);
  });

  it('is for admins only, needs a reason, and names an existing certification', async () => {
    const { certificationId } = await requestCertification(t, officer, AGENCY, { victim: VICTIM });
    const path = `/certifications/${certificationId}/erase-personal-data`;
    for (const token of [officer, supervisor, counsel, oversight]) {
      await eraseVictim(certificationId, token).expect(403);
    }
    await t.http().post(`${API}${path}`).send({ reason: 'x' }).expect(401);
    const missing = await t.post(path, admin, {}).expect(400);
    expect(missing.body.errors).toEqual([expect.objectContaining({ field: 'reason' })]);
    await eraseVictim(randomUUID()).expect(404);
    // A case's id names no certification.
    const { caseId } = await openCase();
    await eraseVictim(caseId).expect(404);
    expect((await t.events(`certification-${certificationId}`)).map((e) => e.type)).toEqual([
      'CertificationRequested',
    ]);
    const [opened] = await t.events(`case-${caseId}`);
    await expect(t.app.get(PersonalDataCipher).reveal(opened.data.subject as never)).resolves.toEqual(
      SUBJECT,
    );
  });
});
