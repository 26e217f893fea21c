import Database from 'better-sqlite3';
import { createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiscoveryService } from '@nestjs/core';
import {
  EVENT_STORE,
  SqliteEventStore,
  type EventStore,
  type RecordedEvent,
} from '@trust-ledger/event-store';
import {
  CHECKPOINT_EVENT_TYPE,
  GENESIS_HASH,
  HashChainingEventStore,
  INTEGRITY_STREAM_ID,
  PUBLIC_KEY_FILE,
  readIntegrity,
  signingKeyId,
  verifyAll,
} from '@trust-ledger/integrity';
import {
  passesFilter,
  ProjectionProvider,
  ProjectionRunner,
  type Projection,
} from '@trust-ledger/projections';
import { loadConfig, type AppConfig } from '../../apps/api/src/config/app-config';
import { chainedEventStoreModule } from '../../apps/api/src/integrity/chained-event-store';
import { decisionBody, noticeBody, openCaseBody, requestBody } from '../support/case-bodies';
import { accessLogStreamId } from '../../apps/api/src/access-log/access-log';
import { PROJECTION_STOPPED_MESSAGE } from '../../apps/api/src/common/error-response';
import { API, startTestApp, type TestApp } from '../support/test-app';

/**
 * The hash chain through the real application: every append chained, whichever adapter is
 * configured; GET /cases/{caseId}/integrity finding an edit made behind the application's back,
 * and checkpoints (periodic and on demand) finding a deleted tail.
 */

const AGENCY = 'agency-a';

let t: TestApp;
let officer: string;
let supervisor: string;
let counsel: string;
let oversight: string;
let admin: string;

beforeAll(async () => {
  t = await startTestApp();
  officer = await t.token({ role: 'officer', agencyId: AGENCY, sub: 'officer-1' });
  supervisor = await t.token({ role: 'supervisor', agencyId: AGENCY, sub: 'supervisor-1' });
  counsel = await t.token({ role: 'counsel', sub: 'counsel-1' });
  oversight = await t.token({ role: 'oversight', sub: 'oversight-1' });
  admin = await t.token({ role: 'admin', sub: 'admin-1' });
});
afterAll(() => t.close());

/** A case with four events: opened, a request, a notice, a decision. */
async function openCase(agencyId = AGENCY): Promise<string> {
  const token = await t.token({ role: 'officer', agencyId, sub: `officer-of-${agencyId}` });
  const caseId = randomUUID();
  const requestId = randomUUID();
  await t.post('/cases', token, openCaseBody(agencyId, caseId)).expect(201);
  await t.post(`/cases/${caseId}/requests`, token, requestBody(requestId)).expect(201);
  await t.post(`/cases/${caseId}/notices`, token, noticeBody(requestId)).expect(201);
  await t.post(`/cases/${caseId}/requests/${requestId}/decision`, token, decisionBody).expect(201);
  return caseId;
}

const integrity = (caseId: string, token = counsel) => t.get(`/cases/${caseId}/integrity`, token);

/** Runs SQL on the store's file through a connection of its own, as someone with disk access would. */
function tamper(sql: string, ...params: unknown[]): void {
  const db = new Database(join(t.dataDir, 'trust-ledger.db'));
  try {
    db.prepare(sql).run(...params);
  } finally {
    db.close();
  }
}

it('chains every event the application appends, through the store it injects', async () => {
  await openCase();
  expect(t.app.get(EVENT_STORE)).toBeInstanceOf(HashChainingEventStore);
  const events = await t.events();
  expect(events.length).toBeGreaterThan(4);
  const previous = new Map<string, string>();
  for (const event of events) {
    const chain = readIntegrity(event.metadata);
    expect([event.streamId, event.revision, chain?.prevHash]).toEqual([
      event.streamId,
      event.revision,
      previous.get(event.streamId) ?? GENESIS_HASH,
    ]);
    previous.set(event.streamId, chain!.hash);
  }
  await expect(verifyAll(t.app.get(EVENT_STORE))).resolves.toMatchObject({ valid: true, breaks: [] });
});

it('wraps the adapter the configuration picks, once it has answered', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'chained-'));
  const provider = (eventStore: AppConfig['eventStore']) => {
    const module = chainedEventStoreModule({
      ...t.config,
      dataDir,
      eventStore,
      eventStoreConnectionString: 'esdb://admin:s3cret@localhost:1?tls=false',
    });
    const factory = module.providers![0] as { provide: symbol; useFactory: () => Promise<EventStore> };
    expect(factory.provide).toBe(EVENT_STORE);
    return factory;
  };
  try {
    const store = await provider('sqlite').useFactory();
    expect(store).toBeInstanceOf(HashChainingEventStore);
    expect((store as unknown as { inner: EventStore }).inner).toBeInstanceOf(SqliteEventStore);
    await store.close();
    // No EventStoreDB listens there: the start stops at the store, named without its password.
    const refused = provider('eventstoredb').useFactory();
    await expect(refused).rejects.toThrow(/^EventStoreDB at localhost:1 cannot be read: /);
    await expect(refused).rejects.not.toThrow(/s3cret/);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

describe('GET /cases/{caseId}/integrity', () => {
  it('answers counsel and admin with the recomputed chain, whatever the agency', async () => {
    const caseId = await openCase('agency-z');
    for (const token of [counsel, admin]) {
      const response = await integrity(caseId, token).expect(200);
      expect(response.body).toEqual({ valid: true, checkedEvents: 4, breaks: [] });
    }
  });

  it('refuses everyone else, and names no unknown case', async () => {
    const caseId = await openCase();
    for (const token of [officer, supervisor, oversight]) await integrity(caseId, token).expect(403);
    await t.http().get(`${API}/cases/${caseId}/integrity`).expect(401);
    await integrity(randomUUID()).expect(404);
    await integrity('not-a-uuid').expect(400);
  });

  it('reports a row edited in the SQLite file, with its stream and revision, and the chain after it', async () => {
    const caseId = await openCase();
    const streamId = `case-${caseId}`;
    tamper(
      `UPDATE events SET data = json_set(data, '$.form', 'OTHER') WHERE stream_id = ? AND revision = 1`,
      streamId,
    );
    const response = await integrity(caseId).expect(200);
    expect(response.body).toEqual({
      valid: false,
      checkedEvents: 4,
      breaks: [{ streamId, revision: 1, reason: expect.stringMatching(/content does not match its hash/) }],
    });
    // Re-hashing the edited event to hide the edit breaks the link to the next one instead.
    const [edited] = (await t.events(streamId)).slice(1, 2);
    tamper(
      `UPDATE events SET metadata = json_set(metadata, '$.integrity.hash', ?) WHERE stream_id = ? AND revision = 1`,
      'f'.repeat(64),
      streamId,
    );
    const rehashed = await integrity(caseId).expect(200);
    expect(rehashed.body.breaks.map((b: { revision: number }) => b.revision)).toEqual([1, 2]);
    expect(edited.type).toBe('FederalRequestReceived');
  });

  it('reports an event altered into something that is not JSON as a break; reads of it say where', async () => {
    const caseId = await openCase();
    const streamId = `case-${caseId}`;
    tamper(`UPDATE events SET data = data || ' ' WHERE stream_id = ? AND revision = 1`, streamId);
    tamper(`UPDATE events SET data = '{"form":' || data WHERE stream_id = ? AND revision = 1`, streamId);
    try {
      const response = await integrity(caseId).expect(200);
      expect(response.body).toEqual({
        valid: false,
        checkedEvents: 4,
        breaks: [{ streamId, revision: 1, reason: 'the stored event is not valid JSON (it was altered)' }],
      });
      const history = await t.get(`/cases/${caseId}/history`, counsel).expect(500);
      expect(history.body).toMatchObject({
        code: 'ALTERED_EVENT',
        message: expect.stringContaining(`(${streamId} revision 1) is not valid JSON`),
      });
      // Named by the event, not by its log position, which counts every agency's events.
      expect(history.body.message).toMatch(/^the stored event [0-9a-f-]{36} \(/);
      // Nor is a checkpoint signed over a log that holds it.
      expect((await t.post('/integrity/checkpoints', admin, {})).body.code).toBe('ALTERED_EVENT');
    } finally {
      // Put back as it was, for the tests that checkpoint the whole log after this one.
      tamper(
        `UPDATE events SET data = substr(data, 9, length(data) - 9) WHERE stream_id = ? AND revision = 1`,
        streamId,
      );
    }
    expect((await integrity(caseId).expect(200)).body.valid).toBe(true);

    // Every read of the case appends to its access log: a break there stops the reads, and the
    // case's check says so.
    await t.get(`/cases/${caseId}`, counsel).expect(200);
    const accessLog = accessLogStreamId({ caseId });
    tamper(`UPDATE events SET data = '{"x":' || data WHERE stream_id = ? AND revision = 0`, accessLog);
    try {
      const checked = await integrity(caseId).expect(200);
      expect(checked.body).toMatchObject({
        valid: false,
        breaks: [
          { streamId: accessLog, revision: 0, reason: 'the stored event is not valid JSON (it was altered)' },
        ],
      });
      expect((await t.get(`/cases/${caseId}`, counsel).expect(500)).body.code).toBe('ALTERED_EVENT');
    } finally {
      tamper(`UPDATE events SET data = substr(data, 6) WHERE stream_id = ? AND revision = 0`, accessLog);
    }
    expect((await integrity(caseId).expect(200)).body.valid).toBe(true);
  });

  it('stops the read models at an event altered before they read it; anyone is told its id alone, operators why', async () => {
    // An app of its own: its log stays altered.
    const app = await startTestApp();
    const runner = app.app.get(ProjectionRunner);
    try {
      await runner.stop();
      const token = await app.token({ role: 'officer', agencyId: AGENCY, sub: 'officer-1' });
      const caseId = randomUUID();
      const streamId = `case-${caseId}`;
      await app.post('/cases', token, openCaseBody(AGENCY, caseId)).expect(201);
      const [opened] = await app.events(streamId);
      const db = new Database(join(app.dataDir, 'trust-ledger.db'));
      try {
        db.prepare(`UPDATE events SET data = '{"x":' || data WHERE stream_id = ?`).run(streamId);
      } finally {
        db.close();
      }
      runner.start();
      await expect(runner.waitFor(opened.position, 5000)).rejects.toThrow();
      // Operators (`projections status`, the log) see where: the stream, another agency's record.
      const stopped = (await runner.status()).find((p) => p.name === 'case-view')!;
      expect(stopped.error).toMatchObject({ eventId: opened.id, message: expect.stringContaining(streamId) });

      // A checkpoint cannot be signed over it either; its error names the stream too.
      const admin = await app.token({ role: 'admin', sub: 'admin-1' });
      expect((await app.post('/integrity/checkpoints', admin, {}).expect(500)).body.code).toBe(
        'ALTERED_EVENT',
      );

      const health = await app.http().get(`${API}/health`).expect(503);
      expect(health.body.integrity).toEqual({
        error: {
          at: expect.any(String),
          message: "the last integrity checkpoint failed: the service's log says why",
        },
      });
      expect(health.body.projections).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            name: 'case-view',
            error: { message: PROJECTION_STOPPED_MESSAGE, eventId: opened.id },
          }),
        ]),
      );
      // Nor does a public read waiting for the read models name it.
      const read = await app
        .http()
        .get(`${API}/public/statistics?period=2024&minPosition=${app.sealed(opened.position)}`)
        .expect(503);
      expect(read.body).toMatchObject({ code: 'PROJECTION_STOPPED' });
      for (const body of [health.body, read.body]) expect(JSON.stringify(body)).not.toContain(caseId);
    } finally {
      await app.close();
    }
  });

  it('reports a deleted tail, and a deleted case, once a checkpoint recorded them', async () => {
    const caseId = await openCase();
    const gone = await openCase();
    await t.post('/integrity/checkpoints', officer, {}).expect(403);
    const checkpoint = await t.post('/integrity/checkpoints', admin, {}).expect(201);
    expect(checkpoint.body.checkpoint.heads).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ streamId: `case-${caseId}`, revision: 3 }),
        expect.objectContaining({ streamId: `case-${gone}`, revision: 3 }),
      ]),
    );
    // Nothing written since: nothing to record.
    await expect(t.post('/integrity/checkpoints', admin, {}).expect(201)).resolves.toMatchObject({
      body: { checkpoint: null },
    });

    tamper('DELETE FROM events WHERE stream_id = ? AND revision = 3', `case-${caseId}`);
    const tail = await integrity(caseId).expect(200);
    expect(tail.body).toMatchObject({
      valid: false,
      checkedEvents: 3,
      breaks: [{ streamId: `case-${caseId}`, revision: 3, reason: expect.stringMatching(/deleted tail/) }],
    });

    tamper('DELETE FROM events WHERE stream_id = ?', `case-${gone}`);
    const deleted = await integrity(gone).expect(200);
    expect(deleted.body).toMatchObject({
      valid: false,
      checkedEvents: 0,
      breaks: [{ streamId: `case-${gone}`, revision: 0, reason: expect.stringMatching(/stream is missing/) }],
    });
  });
});

describe('POST /integrity/checkpoints with an Idempotency-Key', () => {
  it('answers a retry with the first checkpoint and records no other; the key with another request is 409', async () => {
    const app = await startTestApp();
    try {
      const admin = await app.token({ role: 'admin', sub: 'admin-1' });
      const officer = await app.token({ role: 'officer', agencyId: AGENCY, sub: 'officer-1' });
      await app.post('/cases', officer, openCaseBody(AGENCY, randomUUID())).expect(201);
      const key = { 'Idempotency-Key': 'checkpoint-before-backup' };
      const first = await app.post('/integrity/checkpoints', admin, {}, key).expect(201);
      expect(first.body.checkpoint).not.toBeNull();

      // Written since: a new checkpoint would record it, but a retry is the same request.
      await app.post('/cases', officer, openCaseBody(AGENCY, randomUUID())).expect(201);
      const again = await app.post('/integrity/checkpoints', admin, {}, key).expect(201);
      expect(again.body).toEqual(first.body);
      expect(await app.events('integrity')).toHaveLength(1);

      const reused = await app.post('/integrity/checkpoints', admin, { another: true }, key).expect(409);
      expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      // Without the key, the case written since is checkpointed.
      const next = await app.post('/integrity/checkpoints', admin, {}).expect(201);
      expect(next.body.checkpoint.streamCount).toBe(first.body.checkpoint.streamCount + 1);
      expect(await app.events('integrity')).toHaveLength(2);
    } finally {
      await app.close();
    }
  });
});

describe('a checkpoint rewritten without the signing key', () => {
  it('makes the case checks it vouches for fail', async () => {
    // An app of its own: its checkpoint stream stays forged.
    const app = await startTestApp();
    try {
      const token = await app.token({ role: 'officer', agencyId: AGENCY, sub: 'officer-1' });
      const caseId = randomUUID();
      await app.post('/cases', token, openCaseBody(AGENCY, caseId)).expect(201);
      await app
        .post('/integrity/checkpoints', await app.token({ role: 'admin', sub: 'admin-1' }), {})
        .expect(201);
      const db = new Database(join(app.dataDir, 'trust-ledger.db'));
      try {
        db.prepare(`UPDATE events SET data = json_set(data, '$.checkpointedAt', ?) WHERE stream_id = ?`).run(
          '2000-01-01T00:00:00.000Z',
          INTEGRITY_STREAM_ID,
        );
      } finally {
        db.close();
      }
      const forged = {
        streamId: INTEGRITY_STREAM_ID,
        revision: 0,
        reason: 'checkpoint signature: the signature does not match the content (the document was changed)',
      };
      const check = await app
        .get(`/cases/${caseId}/integrity`, await app.token({ role: 'counsel', sub: 'c' }))
        .expect(200);
      expect(check.body).toEqual({ valid: false, checkedEvents: 1, breaks: [forged] });

      // The next checkpoint, signed over it, would hide the forgery from these checks: it is refused,
      // and the instance reports itself unhealthy until someone looks.
      await app.post('/cases', token, openCaseBody(AGENCY, randomUUID())).expect(201);
      const refused = await app
        .post('/integrity/checkpoints', await app.token({ role: 'admin', sub: 'admin-1' }), {})
        .expect(409);
      expect(refused.body).toMatchObject({ code: 'CHECKPOINTS_DO_NOT_VERIFY', breaks: [forged] });
      expect(await app.events(INTEGRITY_STREAM_ID)).toHaveLength(1);
      const health = await app.http().get(`${API}/health`).expect(503);
      // Anyone is told that, not why: the reasons name the checkpoints' revisions, which the 409, the
      // log and `verify` give.
      expect(health.body).toMatchObject({
        status: 'unhealthy',
        integrity: {
          error: {
            at: expect.any(String),
            message:
              'no integrity checkpoint recorded: the checkpoints so far do not verify; `verify` says why',
          },
        },
      });
      expect(JSON.stringify(health.body)).not.toMatch(/revision/);
      const metrics = await app.http().get(`${API}/metrics`).expect(200);
      expect(metrics.text).toMatch(/^trust_ledger_integrity_checkpoint_failed 1$/m);
    } finally {
      await app.close();
    }
  });
});

describe('after EVIDENCE_SIGNING_KEY was changed', () => {
  const newKey = generateKeyPairSync('ed25519');
  const newKeyPem = newKey.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  let dataDir: string;
  let caseId: string;
  /** The public key the instance generated first, which signed the first checkpoint. */
  let oldPublicKey: string;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'key-change-'));
    const before = await startTestApp({ dataDir });
    try {
      caseId = randomUUID();
      const token = await before.token({ role: 'officer', agencyId: AGENCY, sub: 'officer-1' });
      await before.post('/cases', token, openCaseBody(AGENCY, caseId)).expect(201);
      await before
        .post('/integrity/checkpoints', await before.token({ role: 'admin', sub: 'a' }), {})
        .expect(201);
      oldPublicKey = readFileSync(join(dataDir, PUBLIC_KEY_FILE), 'utf8');
    } finally {
      await before.close();
    }
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  /** Runs `use` on an instance of the same DATA_DIR that signs with the new key. */
  async function withNewKey(
    trustedPem: string | undefined,
    use: (app: TestApp, tokens: { counsel: string; admin: string; officer: string }) => Promise<void>,
  ): Promise<void> {
    const evidenceTrustedPublicKeys = trustedPem === undefined ? [] : [createPublicKey(trustedPem)];
    const app = await startTestApp({ dataDir, evidenceSigningKey: newKeyPem, evidenceTrustedPublicKeys });
    try {
      await use(app, {
        counsel: await app.token({ role: 'counsel', sub: 'c' }),
        admin: await app.token({ role: 'admin', sub: 'a' }),
        officer: await app.token({ role: 'officer', agencyId: AGENCY, sub: 'officer-1' }),
      });
    } finally {
      await app.close();
    }
  }

  it('reports the last checkpoint as signed by an untrusted key, and records none over it', async () => {
    const oldKeyId = signingKeyId(createPublicKey(oldPublicKey));
    const untrusted = {
      streamId: INTEGRITY_STREAM_ID,
      revision: 0,
      reason: `checkpoint is signed by key ${oldKeyId}, which is not among the public keys given`,
    };
    await withNewKey(undefined, async (app, { counsel, admin, officer }) => {
      const check = await app.get(`/cases/${caseId}/integrity`, counsel).expect(200);
      expect(check.body).toEqual({ valid: false, checkedEvents: 1, breaks: [untrusted] });
      await app.post('/cases', officer, openCaseBody(AGENCY, randomUUID())).expect(201);
      await app.post('/integrity/checkpoints', admin, {}).expect(409);
    });
  });

  it('trusts the keys in EVIDENCE_TRUSTED_PUBLIC_KEYS, publishes them, and signs on with the new key', async () => {
    await withNewKey(oldPublicKey, async (app, { counsel, admin, officer }) => {
      const check = await app.get(`/cases/${caseId}/integrity`, counsel).expect(200);
      expect(check.body).toEqual({ valid: true, checkedEvents: 1, breaks: [] });
      await app.post('/cases', officer, openCaseBody(AGENCY, randomUUID())).expect(201);
      const next = await app.post('/integrity/checkpoints', admin, {}).expect(201);
      const newKeyId = signingKeyId(newKey.publicKey);
      expect(next.body.checkpoint.signature.keyId).toBe(newKeyId);
      const published = await app.http().get(`${API}/public/signing-key`).expect(200);
      expect(published.body).toEqual({
        algorithm: 'Ed25519',
        keyId: newKeyId,
        publicKey: newKey.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        trustedKeys: [{ keyId: signingKeyId(createPublicKey(oldPublicKey)), publicKey: oldPublicKey }],
      });
      await app.http().get(`${API}/health`).expect(200);
    });
  });

  it('refuses EVIDENCE_TRUSTED_PUBLIC_KEYS that are not Ed25519 PEM public keys, naming the setting', () => {
    const env = (value: string) => () => loadConfig({ dataDir }, { EVIDENCE_TRUSTED_PUBLIC_KEYS: value });
    // Two keys one after another, and with "\n" for line breaks as an environment file writes them.
    const both = `${oldPublicKey}${newKey.publicKey.export({ type: 'spki', format: 'pem' }).toString()}`;
    const ids = (keys: KeyObject[]) => keys.map(signingKeyId);
    const bothIds = [signingKeyId(createPublicKey(oldPublicKey)), signingKeyId(newKey.publicKey)];
    expect(ids(env(both)().evidenceTrustedPublicKeys)).toEqual(bothIds);
    expect(ids(env(both.trim().replace(/\n/g, '\\n'))().evidenceTrustedPublicKeys)).toEqual(bothIds);
    // A private key (a secret in a public setting), anything else beside the keys, or nothing.
    for (const bad of [newKeyPem, `${oldPublicKey}\n${newKeyPem}`, `${oldPublicKey} trailing`, 'not a key']) {
      expect(env(bad)).toThrow(/EVIDENCE_TRUSTED_PUBLIC_KEYS must hold only PEM public keys/);
    }
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    expect(env(rsa.export({ type: 'spki', format: 'pem' }).toString())).toThrow(
      'EVIDENCE_TRUSTED_PUBLIC_KEYS (key 1) is not an Ed25519 public key',
    );
  });
});

describe('checkpoints', () => {
  it('come every INTEGRITY_CHECKPOINT_INTERVAL_MS (default a minute; 0 off), a whole number a timer can honour', () => {
    const env = (value?: string) =>
      loadConfig(
        { dataDir: t.dataDir },
        value === undefined ? {} : { INTEGRITY_CHECKPOINT_INTERVAL_MS: value },
      );
    expect(env().integrityCheckpointIntervalMs).toBe(60_000);
    expect(env('0').integrityCheckpointIntervalMs).toBe(0);
    expect(env('250').integrityCheckpointIntervalMs).toBe(250);
    for (const bad of ['soon', '-1', '1.5', String(2 ** 31)]) {
      expect(() => env(bad)).toThrow(/INTEGRITY_CHECKPOINT_INTERVAL_MS must be a whole number/);
    }
  });

  it('must still hold the one INTEGRITY_ANCHOR names, given as <revision>:<digest>', async () => {
    const env = (value: string) => () => loadConfig({ dataDir: t.dataDir }, { INTEGRITY_ANCHOR: value });
    const digest = 'ab'.repeat(32);
    expect(env(`12:${digest}`)().integrityAnchor).toEqual({ revision: 12, digest });
    for (const bad of [
      '12',
      `x:${digest}`,
      `12:${digest.slice(1)}`,
      `-1:${digest}`,
      `12:${digest.toUpperCase()}`,
    ]) {
      expect(env(bad)).toThrow(/INTEGRITY_ANCHOR must be <revision>:<digest>/);
    }

    const dataDir = mkdtempSync(join(tmpdir(), 'anchored-'));
    try {
      const before = await startTestApp({ dataDir });
      const caseId = randomUUID();
      let recorded: { revision: number; digest: string };
      try {
        const token = await before.token({ role: 'officer', agencyId: AGENCY, sub: 'officer-1' });
        await before.post('/cases', token, openCaseBody(AGENCY, caseId)).expect(201);
        const admin = await before.token({ role: 'admin', sub: 'a' });
        const checkpoint = await before.post('/integrity/checkpoints', admin, {}).expect(201);
        recorded = { revision: 0, digest: checkpoint.body.checkpoint.digest as string };
      } finally {
        await before.close();
      }
      // The digest kept outside matches: nothing to report. Another digest: the stream was replaced.
      for (const [anchor, valid] of [
        [recorded, true],
        [{ revision: 0, digest }, false],
      ] as const) {
        const app = await startTestApp({ dataDir, integrityAnchor: anchor });
        try {
          const check = await app
            .get(`/cases/${caseId}/integrity`, await app.token({ role: 'counsel', sub: 'c' }))
            .expect(200);
          expect(check.body.valid).toBe(valid);
          if (!valid) {
            expect(check.body.breaks).toEqual([
              {
                streamId: INTEGRITY_STREAM_ID,
                revision: 0,
                reason:
                  'checkpoint is not the one whose digest is kept outside the database (the stream was replaced)',
              },
            ]);
          }
        } finally {
          await app.close();
        }
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('are recorded periodically, on the hash-chained integrity stream', async () => {
    const periodic = await startTestApp({ integrityCheckpointIntervalMs: 50 });
    try {
      const token = await periodic.token({ role: 'officer', agencyId: AGENCY, sub: 'officer-1' });
      const caseId = randomUUID();
      await periodic.post('/cases', token, openCaseBody(AGENCY, caseId)).expect(201);
      let checkpoints: RecordedEvent[] = [];
      for (let waited = 0; waited < 5000; waited += 50) {
        checkpoints = await periodic.events(INTEGRITY_STREAM_ID);
        if (checkpoints.some((e) => JSON.stringify(e.data.heads).includes(caseId))) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const recorded = checkpoints.find((e) => JSON.stringify(e.data.heads).includes(caseId));
      expect(recorded).toMatchObject({
        type: CHECKPOINT_EVENT_TYPE,
        metadata: { actor: 'system:integrity' },
      });
      expect(readIntegrity(recorded!.metadata)).not.toBeNull();
    } finally {
      await periodic.close();
    }
  });

  it('are, like the access logs, on streams no projection follows', () => {
    const projections = t.app
      .get(DiscoveryService)
      .getProviders({ metadataKey: ProjectionProvider.KEY })
      .map((wrapper) => wrapper.instance as Projection);
    expect(projections.map((p) => p.name)).toContain('case-view');
    const on = (streamId: string, type: string): RecordedEvent => ({
      id: randomUUID(),
      streamId,
      revision: 0,
      position: '1',
      type,
      data: {},
      metadata: { recordedAt: '2025-03-01T12:00:00Z', correlationId: 'c', causationId: null, actor: 'a' },
    });
    for (const projection of projections) {
      expect([
        projection.name,
        passesFilter(projection.filter, on(INTEGRITY_STREAM_ID, CHECKPOINT_EVENT_TYPE)),
      ]).toEqual([projection.name, false]);
      for (const accessLog of [`access-log-${randomUUID()}`, `access-log-certification-${randomUUID()}`]) {
        expect([
          projection.name,
          passesFilter(projection.filter, on(accessLog, 'PersonalDataAccessed')),
        ]).toEqual([projection.name, false]);
      }
    }
  });
});
