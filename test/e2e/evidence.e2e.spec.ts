import Database from 'better-sqlite3';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalJson, IntegrityService, PUBLIC_KEY_FILE, signingKeyId } from '@trust-ledger/integrity';
import { violationActOf, violationStreamId, type DetectedViolation } from '@trust-ledger/domain';
import { EVENT_STORE, type EventStore } from '@trust-ledger/event-store';
import { ProjectionRunner } from '@trust-ledger/projections';
import { isSealed } from '@trust-ledger/privacy';
import { decisionBody, noticeBody, openCaseBody, requestBody } from '../support/case-bodies';
import { SchedulerService } from '../../apps/api/src/scheduler/scheduler.service';
import { API, startTestApp, type TestApp } from '../support/test-app';
import { runCli } from '../support/cli-in-process';
import { withEnv } from '../support/with-env';

/**
 * The evidence pack through the real application: signed by the instance's key, served as the exact
 * bytes that were signed, and checked offline by the operator CLI's verify-evidence, which passes
 * the pack as saved and fails it once any byte is changed.
 */

const AGENCY = 'agency-a';

let t: TestApp;
let work: string;
let officer: string;
let supervisor: string;
let counsel: string;
let oversight: string;
let admin: string;
let caseId: string;
let position: string;

type ViolationView = DetectedViolation & { violationId: string; statusHistory: { eventId: string }[] };

beforeAll(async () => {
  t = await startTestApp();
  work = mkdtempSync(join(tmpdir(), 'evidence-e2e-'));
  officer = await t.token({ role: 'officer', agencyId: AGENCY, sub: 'officer-1' });
  supervisor = await t.token({ role: 'supervisor', agencyId: AGENCY, sub: 'supervisor-1' });
  counsel = await t.token({ role: 'counsel', sub: 'counsel-1' });
  oversight = await t.token({ role: 'oversight', sub: 'oversight-1' });
  admin = await t.token({ role: 'admin', sub: 'admin-1' });

  // A detainer honored on an administrative warrant: a § 2 violation for the pack to carry.
  caseId = randomUUID();
  const requestId = randomUUID();
  await t.post('/cases', officer, openCaseBody(AGENCY, caseId)).expect(201);
  await t.post(`/cases/${caseId}/requests`, officer, requestBody(requestId)).expect(201);
  await t
    .post(`/cases/${caseId}/requests/${requestId}/decision`, officer, {
      ...decisionBody,
      outcome: 'HONORED',
      rationale: 'Honored on the administrative warrant.',
    })
    .expect(201);
  // Its language is sealed like the subject: the pack reveals it beside the event.
  const noticed = await t
    .post(`/cases/${caseId}/notices`, officer, { ...noticeBody(requestId), language: 'pt-BR' })
    .expect(201);
  position = noticed.body.position as string;
});
afterAll(async () => {
  await t.close();
  rmSync(work, { recursive: true, force: true });
});

const evidence = (token: string, id = caseId) =>
  t.get(`/cases/${id}/evidence?minPosition=${position}`, token);

const verifyEvidence = (...args: string[]) => runCli('verify-evidence', ...args);

it('gives counsel the case as recorded, its chain, its violations and the versions that judged them, signed', async () => {
  const response = await evidence(counsel).expect(200);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(response.headers['content-disposition']).toBe(`attachment; filename="evidence-${caseId}.json"`);
  const pack = JSON.parse(response.text);
  // Served as its canonical JSON: the exact bytes the signature covers.
  expect(response.text).toBe(canonicalJson(pack));
  expect(Object.keys(pack).sort()).toEqual(
    [
      'caseId',
      'citedEvents',
      'events',
      'generatedAt',
      'integrity',
      'ordinanceVersions',
      'revealed',
      'signature',
      'subject',
      'violations',
    ].sort(),
  );

  const stored = await t.events(`case-${caseId}`);
  expect(pack.caseId).toBe(caseId);
  expect(pack.generatedAt).toBe(t.clock.now());
  expect(pack.events).toEqual(stored);
  expect(isSealed(pack.events[0].data.subject)).toBe(true);
  expect(pack.subject).toEqual(openCaseBody(AGENCY, caseId).subject);
  const notice = stored.find((event) => event.type === 'NoticeIssued');
  const decision = stored.find((event) => event.type === 'DecisionRecorded');
  expect(isSealed(notice?.data.language)).toBe(true);
  expect(isSealed(decision?.data.rationale)).toBe(true);
  // The officers' free text is sealed like the subject, and revealed beside its event too.
  expect(pack.revealed).toEqual([
    { eventId: stored[0].id, path: 'convictions[0].offense', value: 'Shoplifting' },
    { eventId: decision?.id, path: 'rationale', value: 'Honored on the administrative warrant.' },
    { eventId: notice?.id, path: 'language', value: 'pt-BR' },
  ]);
  expect(pack.integrity).toEqual({ valid: true, checkedEvents: stored.length, breaks: [] });

  const register = await t.get(`/violations?streamId=case-${caseId}`, counsel).expect(200);
  expect(pack.violations).toEqual(register.body.items);
  expect(pack.violations).toEqual(
    expect.arrayContaining([
      expect.objectContaining({
        ruleId: 'S2_DETAINER_HONORED_WITHOUT_JUDICIAL_WARRANT',
        ordinanceVersion: 1,
        evidence: expect.arrayContaining([
          { eventId: stored[2].id, streamId: `case-${caseId}`, revision: 2, type: 'DecisionRecorded' },
        ]),
      }),
    ]),
  );
  const adopted = (await t.events('ordinance')).map((e) => e.data);
  expect(pack.ordinanceVersions).toEqual(adopted.filter((v) => v.version === 1));
  // The ordinance's adoptions, as recorded, so that the versions above can be checked offline too.
  expect(pack.citedEvents).toEqual(await t.events('ordinance'));

  const key = await t.http().get(`${API}/public/signing-key`).expect(200);
  expect(pack.signature).toEqual({ algorithm: 'Ed25519', keyId: key.body.keyId, value: expect.any(String) });
});

it('carries every event of the case its violations cite, though the case grew while it was built', async () => {
  const grown = randomUUID();
  const requestId = randomUUID();
  await t.post('/cases', officer, openCaseBody(AGENCY, grown)).expect(201);
  await t.post(`/cases/${grown}/requests`, officer, requestBody(requestId)).expect(201);
  const decided = await t
    .post(`/cases/${grown}/requests/${requestId}/decision`, officer, { ...decisionBody, outcome: 'HONORED' })
    .expect(201);
  await t.app.get(ProjectionRunner).waitFor(t.opened(decided.body.position as string), 5000);
  // The case as read just before the decision was recorded, which the register has judged since.
  const integrity = t.app.get(IntegrityService);
  const read = integrity.readVerifiedStream.bind(integrity);
  const before = jest.spyOn(integrity, 'readVerifiedStream').mockImplementationOnce(async (streamId) => {
    const stream = await read(streamId);
    return { ...stream, events: stream.events.slice(0, -1) };
  });
  try {
    const pack = JSON.parse((await t.get(`/cases/${grown}/evidence`, counsel).expect(200)).text);
    const carried = new Set([...pack.events, ...pack.citedEvents].map((e: { id: string }) => e.id));
    const cited = (pack.violations as { evidence: { eventId: string }[] }[]).flatMap((v) =>
      v.evidence.map((e) => e.eventId),
    );
    expect(cited).toContain(decided.body.id);
    expect(cited.filter((eventId) => !carried.has(eventId))).toEqual([]);
  } finally {
    before.mockRestore();
  }
});

it('passes verify-evidence as saved, and fails it once any byte is changed', async () => {
  const body = Buffer.from((await evidence(counsel).expect(200)).text, 'utf8');
  const key = await t.http().get(`${API}/public/signing-key`).expect(200);
  const keyFile = join(work, 'signing-key.pem');
  writeFileSync(keyFile, key.body.publicKey);
  const file = join(work, 'evidence.json');
  writeFileSync(file, body);

  const passed = await verifyEvidence(file, '--public-key', keyFile);
  expect(passed).toEqual({
    code: 0,
    out: expect.stringMatching(/^OK: .* its \d+ events form intact hash chains/),
  });
  // Without --public-key, the key the instance wrote into DATA_DIR (the CLI reads DATA_DIR).
  expect(readFileSync(join(t.dataDir, PUBLIC_KEY_FILE), 'utf8')).toBe(key.body.publicKey);

  // One byte inside the recorded events, one inside the revealed subject, one in the signature.
  const targets = [
    body.indexOf('FederalRequestReceived') + 3,
    body.indexOf('"fullName":"María Pérez"') + 14,
    body.lastIndexOf('"value":"') + 12,
  ];
  expect(targets.every((at) => at > 20)).toBe(true);
  for (const at of targets) {
    const changed = Buffer.from(body);
    changed[at] = changed[at] === 0x41 ? 0x42 : 0x41;
    writeFileSync(file, changed);
    const failed = await verifyEvidence(file, '--public-key', keyFile);
    expect(failed).toEqual({ code: 1, out: expect.stringMatching(/^FAILED: /) });
  }
});

it("finds the key that signed a pack among the installation's own and its trusted ones, with no --public-key", async () => {
  const file = join(work, 'evidence-before-the-key-changed.json');
  writeFileSync(file, (await evidence(counsel).expect(200)).text);
  const signer = readFileSync(join(t.dataDir, PUBLIC_KEY_FILE), 'utf8');
  // The installation after its signing key was changed: another key in DATA_DIR.
  const installation = mkdtempSync(join(tmpdir(), 'evidence-installation-'));
  const changed = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
  writeFileSync(join(installation, PUBLIC_KEY_FILE), changed);
  const trusted = signer.trim().replace(/\n/g, '\\n');
  try {
    await withEnv({ DATA_DIR: installation, EVIDENCE_TRUSTED_PUBLIC_KEYS: undefined }, async () =>
      expect(await verifyEvidence(file)).toEqual({ code: 1, out: expect.stringMatching(/^FAILED: /) }),
    );
    // As the API is told to trust it, on one line with \n as the README shows.
    await withEnv({ DATA_DIR: installation, EVIDENCE_TRUSTED_PUBLIC_KEYS: trusted }, async () =>
      expect(await verifyEvidence(file)).toEqual({ code: 0, out: expect.stringMatching(/^OK: /) }),
    );
  } finally {
    rmSync(installation, { recursive: true, force: true });
  }
});

it('carries counsel’s reviews of its violations as recorded, chained, so that who decided what can be checked', async () => {
  const { violationId } = (
    (await t.get(`/violations?streamId=case-${caseId}`, counsel).expect(200)).body.items as {
      violationId: string;
      ruleId: string;
    }[]
  ).find((v) => v.ruleId === 'S2_DETAINER_HONORED_WITHOUT_JUDICIAL_WARRANT')!;
  const reviewed = await t
    .post(`/violations/${violationId}/review`, counsel, { status: 'CONFIRMED', note: 'Held on an I-200.' })
    .expect(201);
  const response = await t
    .get(`/cases/${caseId}/evidence?minPosition=${reviewed.body.position}`, counsel)
    .expect(200);
  const pack = JSON.parse(response.text);
  const reviews = await t.events(`violation-${violationId}`);
  expect(reviews.map((e) => e.type)).toEqual(['ViolationReviewed']);
  expect(pack.citedEvents).toEqual([...(await t.events('ordinance')), ...reviews]);
  const history = (pack.violations as { violationId: string; statusHistory: { eventId: string }[] }[]).find(
    (v) => v.violationId === violationId,
  )!.statusHistory;
  expect(history.at(-1)!.eventId).toBe(reviews[0].id);

  const key = await t.http().get(`${API}/public/signing-key`).expect(200);
  const keyFile = join(work, 'signing-key.pem');
  writeFileSync(keyFile, key.body.publicKey);
  const file = join(work, 'reviewed.json');
  writeFileSync(file, response.text);
  expect(await verifyEvidence(file, '--public-key', keyFile)).toEqual({
    code: 0,
    out: expect.stringMatching(new RegExp(`its ${pack.events.length + pack.citedEvents.length} events form`)),
  });
});

it('carries a review the register applied by the act it names, recorded under an id a rules change replaced', async () => {
  const [violation] = (await t.get(`/violations?streamId=case-${caseId}`, counsel).expect(200)).body
    .items as ViolationView[];
  // As a review recorded before a rules change that made the violation cite other events, so gave
  // it another id: on the stream of the id it was then.
  const formerId = randomUUID();
  const appended = await t.app.get<EventStore>(EVENT_STORE).append(
    violationStreamId(formerId),
    [
      {
        id: randomUUID(),
        type: 'ViolationReviewed',
        data: {
          violationId: formerId,
          status: 'CONFIRMED',
          note: 'Reviewed before the rules changed',
          reviewedAt: '2025-03-01T12:00:00.000Z',
          ...violationActOf(violation),
        },
        metadata: {
          recordedAt: '2025-03-01T12:00:00.000Z',
          correlationId: randomUUID(),
          causationId: null,
          actor: 'counsel-1',
        },
      },
    ],
    { expectedRevision: 'no_stream' },
  );
  const response = await t
    .get(`/cases/${caseId}/evidence?minPosition=${t.sealed(appended.position)}`, counsel)
    .expect(200);
  const pack = JSON.parse(response.text);
  const [review] = await t.events(violationStreamId(formerId));
  const history = (pack.violations as ViolationView[]).find(
    (v) => v.violationId === violation.violationId,
  )!.statusHistory;
  expect(history.at(-1)!.eventId).toBe(review.id);
  expect(pack.citedEvents).toContainEqual(review);
});

it('is broken when a stream it cites holds an event that cannot be read, and is no pack when its opening cannot', async () => {
  const altered = randomUUID();
  const requestId = randomUUID();
  await t.post('/cases', officer, openCaseBody(AGENCY, altered)).expect(201);
  await t.post(`/cases/${altered}/requests`, officer, requestBody(requestId)).expect(201);
  const decided = await t
    .post(`/cases/${altered}/requests/${requestId}/decision`, officer, {
      ...decisionBody,
      outcome: 'HONORED',
    })
    .expect(201);
  const listed = await t.get(
    `/violations?streamId=case-${altered}&ruleId=S2_DETAINER_HONORED_WITHOUT_JUDICIAL_WARRANT&minPosition=${decided.body.position}`,
    counsel,
  );
  const { violationId } = (listed.body.items as { violationId: string }[])[0];
  const path = `/violations/${violationId}/review`;
  await t.post(path, counsel, { status: 'CONFIRMED', note: 'Held on an I-200.' }).expect(201);
  const last = await t.post(path, counsel, { status: 'REMEDIED', note: 'Released.' }).expect(201);

  // Counsel's last review, made unreadable: offline, nothing would show that the tail is gone.
  const db = new Database(join(t.dataDir, 'trust-ledger.db'));
  const alter = (streamId: string, revision: number): (() => void) => {
    const where = 'WHERE stream_id = ? AND revision = ?';
    db.prepare(`UPDATE events SET data = '{"x":' || data ${where}`).run(streamId, revision);
    return () => db.prepare(`UPDATE events SET data = substr(data, 6) ${where}`).run(streamId, revision);
  };
  try {
    const restoreReview = alter(`violation-${violationId}`, 1);
    const pack = JSON.parse(
      (await t.get(`/cases/${altered}/evidence?minPosition=${last.body.position}`, counsel).expect(200)).text,
    );
    expect(pack.integrity).toMatchObject({
      valid: false,
      breaks: [
        {
          streamId: `violation-${violationId}`,
          revision: 1,
          reason: 'the stored event is not valid JSON (it was altered)',
        },
      ],
    });
    restoreReview();

    const restoreOpening = alter(`case-${altered}`, 0);
    const refused = await t.get(`/cases/${altered}/evidence`, counsel).expect(500);
    expect(refused.body).toMatchObject({ code: 'ALTERED_EVENT' });
    restoreOpening();
    await t.get(`/cases/${altered}/evidence`, counsel).expect(200);
  } finally {
    db.close();
  }
});

it('carries the deadline that opened a deadline violation, so that every status change can be checked', async () => {
  const started = t.clock.now();
  const noticeless = randomUUID();
  await t.post('/cases', officer, openCaseBody(AGENCY, noticeless)).expect(201);
  // Received now, noticed never: the scheduler opens S5_NOTICE_NOT_GIVEN once 24 hours have passed.
  const received = await t
    .post(`/cases/${noticeless}/requests`, officer, { ...requestBody(), receivedAt: started })
    .expect(201);
  // The register hands the deadline to the scheduler once it has judged the request.
  await t
    .get(`/violations?streamId=case-${noticeless}&minPosition=${received.body.position}`, counsel)
    .expect(200);
  t.clock.advance(25 * 3_600_000);
  try {
    expect(await t.app.get(SchedulerService).tick()).toBe(1);
    const deadlines = await t.events(`deadline-case-${noticeless}`);
    expect(deadlines.map((e) => e.type)).toEqual(['DeadlinePassed']);
    const pack = JSON.parse(
      (
        await t
          .get(`/cases/${noticeless}/evidence?minPosition=${t.sealed(deadlines[0].position)}`, counsel)
          .expect(200)
      ).text,
    );
    expect(pack.citedEvents).toEqual(expect.arrayContaining(deadlines));
    const inPack = new Set([...pack.events, ...pack.citedEvents].map((e: { id: string }) => e.id));
    const changes = (pack.violations as { statusHistory: { eventId: string }[] }[]).flatMap(
      (v) => v.statusHistory,
    );
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.filter((change) => !inPack.has(change.eventId))).toEqual([]);
  } finally {
    t.clock.set(started);
  }
});

it('answers 503 with Retry-After and the lag while the register has not judged the case yet', async () => {
  const runner = t.app.get(ProjectionRunner);
  await runner.stop();
  try {
    const behindCaseId = randomUUID();
    await t.post('/cases', officer, openCaseBody(AGENCY, behindCaseId)).expect(201);
    const response = await t.get(`/cases/${behindCaseId}/evidence`, counsel);
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.body.lag).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'violation-register', behind: true })]),
    );
  } finally {
    runner.start();
  }
});

it('is for counsel only, and names no unknown case', async () => {
  for (const token of [officer, supervisor, oversight, admin]) await evidence(token).expect(403);
  await t.http().get(`${API}/cases/${caseId}/evidence`).expect(401);
  await evidence(counsel, randomUUID()).expect(404);
});

it('signs with EVIDENCE_SIGNING_KEY when it is configured, and publishes its public key', async () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const configured = await startTestApp({ evidenceSigningKey: pem });
  try {
    const key = await configured.http().get(`${API}/public/signing-key`).expect(200);
    expect(key.body).toEqual({
      algorithm: 'Ed25519',
      keyId: signingKeyId(publicKey),
      publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      trustedKeys: [],
    });
  } finally {
    await configured.close();
  }
});
