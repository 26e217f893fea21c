import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiscoveryService } from '@nestjs/core';
import {
  EVENT_STORE,
  EventStoreDbEventStore,
  SqliteEventStore,
  type EventStore,
  type RecordedEvent,
} from '@trust-ledger/event-store';
import {
  CHECKPOINT_EVENT_TYPE,
  GENESIS_HASH,
  HashChainingEventStore,
  INTEGRITY_STREAM_ID,
  readIntegrity,
  verifyAll,
} from '@trust-ledger/integrity';
import { passesFilter, ProjectionProvider, type Projection } from '@trust-ledger/projections';
import { loadConfig } from '../../apps/api/src/config/app-config';
import { chainedEventStoreModule } from '../../apps/api/src/integrity/chained-event-store';
import { decisionBody, noticeBody, openCaseBody, requestBody } from '../support/case-bodies';
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

it('wraps either adapter the configuration picks', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'chained-'));
  try {
    for (const [eventStore, adapter] of [
      ['sqlite', SqliteEventStore],
      ['eventstoredb', EventStoreDbEventStore],
    ] as const) {
      const module = chainedEventStoreModule({
        ...t.config,
        dataDir,
        eventStore,
        eventStoreConnectionString: 'esdb://localhost:1?tls=false',
      });
      const provider = module.providers![0] as { provide: symbol; useFactory: () => EventStore };
      expect(provider.provide).toBe(EVENT_STORE);
      // Building the EventStoreDB client does not connect.
      const store = provider.useFactory();
      expect(store).toBeInstanceOf(HashChainingEventStore);
      expect((store as unknown as { inner: EventStore }).inner).toBeInstanceOf(adapter);
      await store.close();
    }
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
      const check = await app
        .get(`/cases/${caseId}/integrity`, await app.token({ role: 'counsel', sub: 'c' }))
        .expect(200);
      expect(check.body).toEqual({
        valid: false,
        checkedEvents: 1,
        breaks: [
          {
            streamId: INTEGRITY_STREAM_ID,
            revision: 0,
            reason:
              'checkpoint signature: the signature does not match the content (the document was changed)',
          },
        ],
      });
    } finally {
      await app.close();
    }
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
