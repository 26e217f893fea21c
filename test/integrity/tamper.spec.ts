import Database from 'better-sqlite3';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../libs/domain/testing/manual-clock';
import {
  SqliteEventStore,
  WrongExpectedRevisionError,
  type EventMetadata,
  type EventStore,
  type EventToAppend,
  type JsonObject,
  type ReadStreamOptions,
  type RecordedEvent,
} from '@trust-ledger/event-store';
import {
  GENESIS_HASH,
  HashChainingEventStore,
  CheckpointRefusedError,
  INTEGRITY_STREAM_ID,
  IntegrityCheckpointer,
  RecordedHeads,
  canonicalJson,
  chainedDigest,
  eventHash,
  readIntegrity,
  readVerifiedStream,
  verifyAll,
  sha256Hex,
  signingKeyId,
  verifyStream,
  type CheckpointAnchor,
  type EvidenceSigningKey,
  type StreamHead,
} from '@trust-ledger/integrity';

const A = 'case-aaaaaaaa-0000-4000-8000-000000000001';
const B = 'case-bbbbbbbb-0000-4000-8000-000000000002';

let dir: string;
let file: string;
const signingKey = newSigningKey();
let store: EventStore;
const clock = new ManualClock('2024-03-01T12:00:00Z');

function event(n: number): EventToAppend {
  clock.advance(60_000);
  return {
    id: randomUUID(),
    type: 'NoteRecorded',
    data: { n, text: `note ${n}` },
    metadata: { recordedAt: clock.now(), correlationId: randomUUID(), causationId: null, actor: 'officer-1' },
  };
}

const open = (): EventStore => new HashChainingEventStore(new SqliteEventStore(file));

async function readAllEvents(s: EventStore, streamId: string): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const e of s.readStream(streamId)) events.push(e);
  return events;
}

/** Closes the store, lets `edit` change the SQLite file directly, and reopens the store. */
async function tamper(edit: (db: Database.Database) => void): Promise<void> {
  await store.close();
  const db = new Database(file);
  try {
    edit(db);
  } finally {
    db.close();
  }
  store = open();
}

/** Rewrites a stream's data with `edit` and recomputes its hash chain, as a forger with write access
 * to the file would; returns the new head's hash. */
function rewriteStream(
  db: Database.Database,
  streamId: string,
  edit: (data: JsonObject) => JsonObject,
): string {
  const rows = db
    .prepare(
      `SELECT event_id, revision, type, data, metadata FROM events WHERE stream_id = ? ORDER BY revision`,
    )
    .all(streamId) as { event_id: string; revision: number; type: string; data: string; metadata: string }[];
  let prevHash = GENESIS_HASH;
  for (const row of rows) {
    const data = edit(JSON.parse(row.data) as JsonObject);
    const metadata = JSON.parse(row.metadata) as EventMetadata;
    const hash = eventHash(prevHash, {
      id: row.event_id,
      streamId,
      revision: row.revision,
      type: row.type,
      data,
      metadata,
    });
    metadata.integrity = { hash, prevHash };
    prevHash = hash;
    db.prepare(`UPDATE events SET data = ?, metadata = ? WHERE event_id = ?`).run(
      JSON.stringify(data),
      JSON.stringify(metadata),
      row.event_id,
    );
  }
  return prevHash;
}

function newSigningKey(): EvidenceSigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey, keyId: signingKeyId(publicKey) };
}

/** The stream's last event as a checkpoint records it. */
async function headOf(streamId: string): Promise<StreamHead> {
  const events = await readAllEvents(store, streamId);
  const last = events[events.length - 1];
  return { streamId, revision: last.revision, hash: readIntegrity(last.metadata)!.hash };
}

/** Stream A: revisions 0–4 written in three appends; stream B: revisions 0–2. */
async function seed(): Promise<void> {
  await store.append(A, [event(0), event(1)], { expectedRevision: 'no_stream' });
  await store.append(A, [event(2)], { expectedRevision: 1 });
  await store.append(B, [event(0), event(1), event(2)], { expectedRevision: 'any' });
  await store.append(A, [event(3), event(4)], { expectedRevision: 'stream_exists' });
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'integrity-'));
  file = join(dir, 'events.db');
  store = open();
  await seed();
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the hash chain written by HashChainingEventStore', () => {
  it('links every event to the previous one of its stream, starting from the genesis hash', async () => {
    const events = await readAllEvents(store, A);
    expect(events.map((e) => e.revision)).toEqual([0, 1, 2, 3, 4]);
    let prevHash = GENESIS_HASH;
    for (const e of events) {
      const integrity = readIntegrity(e.metadata);
      expect(integrity).toEqual({ hash: eventHash(prevHash, e), prevHash });
      prevHash = integrity!.hash;
    }
  });

  it('verifies an untampered log as valid', async () => {
    const checkpoint = await new IntegrityCheckpointer(store, clock, signingKey).record();
    await store.append(A, [event(5)], { expectedRevision: 4 });
    expect(await verifyAll(store)).toEqual({
      valid: true,
      checkedEvents: 10,
      breaks: [],
      lastCheckpoint: {
        revision: 0,
        checkpointedAt: checkpoint!.checkpointedAt,
        position: checkpoint!.position,
        digest: checkpoint!.digest,
        signedBy: signingKey.keyId,
        signatureChecked: false,
      },
    });
    expect(await verifyStream(store, A)).toEqual({ valid: true, checkedEvents: 6, breaks: [] });
  });

  it('never forks a stream when concurrent writers append with "any"', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => store.append(A, [event(10 + i)], { expectedRevision: 'any' })),
    );
    expect(results.map((r) => r.nextExpectedRevision).sort((a, b) => a - b)).toEqual([
      5, 6, 7, 8, 9, 10, 11, 12,
    ]);
    expect(await verifyStream(store, A)).toEqual({ valid: true, checkedEvents: 13, breaks: [] });
  });

  it('answers a retried append with the original result and writes nothing', async () => {
    const retried = [event(5)];
    const first = await store.append(A, retried, { expectedRevision: 'any' });
    await store.append(A, [event(6)], { expectedRevision: 'any' });
    expect(await store.append(A, retried, { expectedRevision: 'any' })).toEqual(first);
    expect(await store.append(A, retried, { expectedRevision: 4 })).toEqual(first);
    expect((await readAllEvents(store, A)).length).toBe(7);
    expect((await verifyAll(store)).valid).toBe(true);
  });

  it("keeps the caller's expectations: a stale revision or a missing stream is refused", async () => {
    await expect(store.append(A, [event(5)], { expectedRevision: 3 })).rejects.toBeInstanceOf(
      WrongExpectedRevisionError,
    );
    await expect(
      store.append('case-none', [event(0)], { expectedRevision: 'stream_exists' }),
    ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    await expect(store.append(A, [event(5)], { expectedRevision: 'no_stream' })).rejects.toBeInstanceOf(
      WrongExpectedRevisionError,
    );
  });
});

describe('tampering with the SQLite file directly is found and located', () => {
  it('an edited data field', async () => {
    await tamper((db) =>
      db
        .prepare(
          `UPDATE events SET data = json_set(data, '$.text', 'changed') WHERE stream_id = ? AND revision = 2`,
        )
        .run(A),
    );
    const result = await verifyAll(store);
    expect(result.valid).toBe(false);
    expect(result.checkedEvents).toBe(8);
    expect(result.breaks).toEqual([
      { streamId: A, revision: 2, reason: expect.stringMatching(/content does not match/) },
    ]);
    expect((await verifyStream(store, A)).breaks).toEqual(result.breaks);
    expect(await verifyStream(store, B)).toEqual({ valid: true, checkedEvents: 3, breaks: [] });
  });

  it('edited metadata (who did it, when)', async () => {
    await tamper((db) =>
      db
        .prepare(
          `UPDATE events SET metadata = json_set(metadata, '$.actor', 'someone-else') WHERE stream_id = ? AND revision = 1`,
        )
        .run(B),
    );
    expect((await verifyAll(store)).breaks).toEqual([
      { streamId: B, revision: 1, reason: expect.stringMatching(/content does not match/) },
    ]);
  });

  it('an edit whose hash was recomputed breaks the link of the next event', async () => {
    await tamper((db) => {
      const row = db
        .prepare(`SELECT event_id, type, data, metadata FROM events WHERE stream_id = ? AND revision = 2`)
        .get(A) as {
        event_id: string;
        type: string;
        data: string;
        metadata: string;
      };
      const metadata = JSON.parse(row.metadata);
      const data = { ...JSON.parse(row.data), text: 'forged' };
      const hash = eventHash(metadata.integrity.prevHash, {
        id: row.event_id,
        streamId: A,
        revision: 2,
        type: row.type,
        data,
        metadata,
      });
      metadata.integrity.hash = hash;
      db.prepare(`UPDATE events SET data = ?, metadata = ? WHERE stream_id = ? AND revision = 2`).run(
        JSON.stringify(data),
        JSON.stringify(metadata),
        A,
      );
    });
    expect((await verifyAll(store)).breaks).toEqual([
      {
        streamId: A,
        revision: 3,
        reason: expect.stringMatching(/prevHash does not match the previous event/),
      },
    ]);
  });

  it('a deleted event in the middle of a stream', async () => {
    await tamper((db) => db.prepare(`DELETE FROM events WHERE stream_id = ? AND revision = 2`).run(A));
    const result = await verifyAll(store);
    expect(result.checkedEvents).toBe(7);
    expect(result.breaks).toEqual([{ streamId: A, revision: 2, reason: 'revision 2 is missing (deleted)' }]);
  });

  it('a deleted tail, once a checkpoint has recorded the stream head', async () => {
    await new IntegrityCheckpointer(store, clock, signingKey).record();
    await tamper((db) => db.prepare(`DELETE FROM events WHERE stream_id = ? AND revision >= 3`).run(A));
    const result = await verifyAll(store);
    expect(result.breaks).toEqual([
      {
        streamId: A,
        revision: 3,
        reason: expect.stringMatching(/^revisions 3–4 are missing \(deleted tail\): checkpoint 0 /),
      },
    ]);
    expect((await verifyStream(store, A)).breaks).toEqual(result.breaks);
  });

  it('a whole deleted stream, once a checkpoint has recorded it', async () => {
    await new IntegrityCheckpointer(store, clock, signingKey).record();
    await tamper((db) => db.prepare(`DELETE FROM events WHERE stream_id = ?`).run(B));
    const result = await verifyAll(store);
    expect(result.breaks).toEqual([
      { streamId: B, revision: 0, reason: expect.stringMatching(/^stream is missing: checkpoint 0 /) },
    ]);
    expect(await verifyStream(store, B)).toEqual({ valid: false, checkedEvents: 0, breaks: result.breaks });
  });

  it('two events whose revisions were swapped', async () => {
    await tamper((db) =>
      db.transaction(() => {
        const move = db.prepare(`UPDATE events SET revision = ? WHERE stream_id = ? AND revision = ?`);
        move.run(-1, A, 1);
        move.run(1, A, 2);
        move.run(2, A, -1);
      })(),
    );
    expect((await verifyAll(store)).breaks).toEqual([
      {
        streamId: A,
        revision: 1,
        reason: expect.stringMatching(/content does not match.*; prevHash does not match/),
      },
      {
        streamId: A,
        revision: 2,
        reason: expect.stringMatching(/content does not match.*; prevHash does not match/),
      },
      { streamId: A, revision: 3, reason: expect.stringMatching(/prevHash does not match/) },
    ]);
  });

  it('events whose log positions were swapped across a checkpoint, every chain intact', async () => {
    await new IntegrityCheckpointer(store, clock, signingKey).record();
    await store.append(B, [event(3)], { expectedRevision: 2 });
    await new IntegrityCheckpointer(store, clock, signingKey).record();
    // A4 (position 8, before checkpoint 0) and B3 (after it) trade places.
    await tamper((db) =>
      db.transaction(() => {
        const at = db.prepare(`SELECT position FROM events WHERE stream_id = ? AND revision = ?`).pluck();
        const [a4, b3] = [at.get(A, 4) as number, at.get(B, 3) as number];
        const move = db.prepare(`UPDATE events SET position = ? WHERE position = ?`);
        move.run(-1, a4);
        move.run(a4, b3);
        move.run(b3, -1);
      })(),
    );
    expect((await verifyStream(store, A)).valid).toBe(true);
    const { breaks } = await verifyAll(store);
    expect(breaks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ streamId: A, reason: expect.stringMatching(/checkpointed history/) }),
        expect.objectContaining({ streamId: B, reason: expect.stringMatching(/checkpointed history/) }),
      ]),
    );
  });

  it('a forged event with a valid hash, slipped in before a checkpoint that did not record it', async () => {
    await new IntegrityCheckpointer(store, clock, signingKey).record();
    const head = await headOf(B);
    const forged = {
      id: randomUUID(),
      streamId: B,
      revision: 3,
      type: 'NoteRecorded',
      data: { n: 3, text: 'forged' },
      metadata: {
        recordedAt: '2024-03-01T12:01:30Z',
        correlationId: 'c',
        causationId: null,
        actor: 'officer-1',
      },
    };
    const hash = eventHash(head.hash!, forged);
    const metadata = { ...forged.metadata, integrity: { hash, prevHash: head.hash } };
    // Room made at position 7 (B2 is at 6), as a forger who may rewrite the file would.
    await tamper((db) =>
      db.transaction(() => {
        db.prepare(`UPDATE events SET position = position + 1000 WHERE position >= 7`).run();
        db.prepare(`UPDATE events SET position = position - 999 WHERE position >= 1007`).run();
        db.prepare(
          `INSERT INTO events (position, event_id, stream_id, revision, type, data, metadata, recorded_at)
           VALUES (7, ?, ?, 3, 'NoteRecorded', ?, ?, 0)`,
        ).run(forged.id, B, JSON.stringify(forged.data), JSON.stringify(metadata));
      })(),
    );
    // Its chain and the checkpoint's head for it both hold: only the log's order gives it away.
    expect((await verifyStream(store, B)).valid).toBe(true);
    const recorded = (revision: number): string =>
      `stands before checkpoint 0 (log position 8), which recorded the stream up to revision ${revision}: an event was inserted into or moved within checkpointed history`;
    expect((await verifyAll(store)).breaks).toEqual([
      { streamId: A, revision: 3, reason: recorded(4) },
      { streamId: B, revision: 3, reason: recorded(2) },
    ]);
  });

  it('a whole stream rewritten with a consistent new chain contradicts the checkpoint', async () => {
    await new IntegrityCheckpointer(store, clock, signingKey).record();
    await tamper((db) => rewriteStream(db, B, (data) => ({ ...data, text: 'rewritten' })));
    expect((await verifyAll(store)).breaks).toEqual([
      {
        streamId: B,
        revision: 2,
        reason: expect.stringMatching(/^hash differs from the one recorded \(history rewritten\)/),
      },
    ]);
  });

  describe('a stream and its checkpoint rewritten consistently, by someone without the signing key', () => {
    type Forgery = 'keep signature' | 'drop signature' | 'older format';
    /** Rewrites B and the checkpoint that recorded it: both chains and the digest agree again. */
    const forge = (how: Forgery) => (db: Database.Database) => {
      const hash = rewriteStream(db, B, (data) => ({ ...data, text: 'rewritten' }));
      rewriteStream(db, INTEGRITY_STREAM_ID, ({ signature, digestScheme, ...data }) => {
        const heads = (data.heads as StreamHead[]).map((h) => (h.streamId === B ? { ...h, hash } : h));
        if (how === 'older format') {
          const rows = [...heads]
            .sort((x, y) => (x.streamId < y.streamId ? -1 : 1))
            .map((h) => [h.streamId, h.revision, h.hash]);
          return { ...data, heads, digest: sha256Hex(canonicalJson(rows)) };
        }
        const forged = { ...data, heads, digestScheme, digest: chainedDigest(null, heads) };
        return how === 'keep signature' ? { ...forged, signature } : forged;
      });
    };
    const publicKeys = [signingKey.publicKey];
    const caseCheck = () => verifyStream(store, B, new RecordedHeads(store, [signingKey.publicKey]));
    /** The recorded checkpoint's revision and digest, as kept outside the database. */
    let anchor: CheckpointAnchor;

    beforeEach(async () => {
      anchor = {
        revision: 0,
        digest: (await new IntegrityCheckpointer(store, clock, signingKey).record())!.digest,
      };
    });

    it('keeping the signature: the signature no longer matches', async () => {
      await tamper(forge('keep signature'));
      const forged = {
        streamId: INTEGRITY_STREAM_ID,
        revision: 0,
        reason: 'checkpoint signature: the signature does not match the content (the document was changed)',
      };
      // The chains and the digests agree: without the public key nothing shows.
      expect((await verifyAll(store)).breaks).toEqual([]);
      expect((await verifyStream(store, B)).valid).toBe(true);
      expect((await verifyAll(store, { publicKeys })).breaks).toEqual([forged]);
      // The API checks the last checkpoint's signature with its own key, so a case's check fails too.
      expect(await caseCheck()).toEqual({ valid: false, checkedEvents: 3, breaks: [forged] });
    });

    it('dropping the signature: a chained checkpoint must be signed', async () => {
      await tamper(forge('drop signature'));
      const unsigned = { streamId: INTEGRITY_STREAM_ID, revision: 0, reason: 'checkpoint is not signed' };
      expect((await verifyAll(store)).breaks).toEqual([unsigned]);
      expect((await caseCheck()).breaks).toEqual([unsigned]);
    });

    it('going back to the older format: passes as a log recorded before signing, unless the verifier holds the key', async () => {
      await tamper(forge('older format'));
      expect((await verifyAll(store, { publicKeys })).breaks).toEqual([]);
      expect((await caseCheck()).valid).toBe(true);
      expect((await verifyAll(store, { publicKeys, requireSignature: true })).breaks).toEqual([
        { streamId: INTEGRITY_STREAM_ID, revision: 0, reason: 'the last checkpoint is not signed' },
      ]);
    });

    it.each<Forgery>(['keep signature', 'drop signature', 'older format'])(
      '%s: found with the digest kept outside, by the full verify and the case checks, and never signed over',
      async (how) => {
        await tamper(forge(how));
        const replaced = {
          streamId: INTEGRITY_STREAM_ID,
          revision: 0,
          reason:
            'checkpoint is not the one whose digest is kept outside the database (the stream was replaced)',
        };
        expect((await verifyAll(store, { publicKeys, anchor })).breaks).toContainEqual(replaced);
        const heads = new RecordedHeads(store, publicKeys, anchor);
        expect((await verifyStream(store, B, heads)).breaks).toContainEqual(replaced);
        await store.append(A, [event(5)], { expectedRevision: 4 });
        await expect(new IntegrityCheckpointer(store, clock, signingKey, { heads }).record()).rejects.toThrow(
          CheckpointRefusedError,
        );
      },
    );

    it('a checkpoint stream cut back to nothing: found with the digest kept outside', async () => {
      await tamper((db) => db.prepare('DELETE FROM events WHERE stream_id = ?').run(INTEGRITY_STREAM_ID));
      const cut = {
        streamId: INTEGRITY_STREAM_ID,
        revision: 0,
        reason:
          'the checkpoint stream ends before revision 0, whose digest is kept outside the database (cut back or replaced)',
      };
      expect((await verifyAll(store)).breaks).toEqual([]);
      expect((await verifyAll(store, { anchor })).breaks).toEqual([cut]);
      const heads = new RecordedHeads(store, publicKeys, anchor);
      expect((await verifyStream(store, B, heads)).breaks).toEqual([cut]);
      await expect(new IntegrityCheckpointer(store, clock, signingKey, { heads }).record()).rejects.toThrow(
        CheckpointRefusedError,
      );
    });

    it('the untouched log passes with its anchor, and the service goes on checkpointing over it', async () => {
      expect(await verifyAll(store, { publicKeys, anchor, requireSignature: true })).toMatchObject({
        valid: true,
        breaks: [],
      });
      const heads = new RecordedHeads(store, publicKeys, anchor);
      await store.append(A, [event(5)], { expectedRevision: 4 });
      expect(await new IntegrityCheckpointer(store, clock, signingKey, { heads }).record()).not.toBeNull();
      expect((await verifyStream(store, A, heads)).valid).toBe(true);
      expect((await verifyAll(store, { publicKeys, anchor })).valid).toBe(true);
    });

    it("is not laundered by the service's next checkpoint: it refuses to sign over it", async () => {
      await tamper(forge('keep signature'));
      await store.append(A, [event(5)], { expectedRevision: 4 });
      // As the API records them: with its own key, and its keys checking the last signature.
      const heads = new RecordedHeads(store, publicKeys);
      const refused = new IntegrityCheckpointer(store, clock, signingKey, { heads }).record();
      await expect(refused).rejects.toThrow(CheckpointRefusedError);
      await expect(refused).rejects.toMatchObject({
        problems: [
          {
            streamId: INTEGRITY_STREAM_ID,
            revision: 0,
            reason: expect.stringMatching(/^checkpoint signature/),
          },
        ],
      });
      expect(await readAllEvents(store, INTEGRITY_STREAM_ID)).toHaveLength(1);
      expect((await caseCheck()).valid).toBe(false);
      // Signed over, the forgery would pass every check that reads the last signature only.
      await new IntegrityCheckpointer(store, clock, signingKey).record();
      expect((await caseCheck()).valid).toBe(true);
    });
  });

  it('an edited checkpoint', async () => {
    await new IntegrityCheckpointer(store, clock, signingKey).record();
    await tamper((db) =>
      db
        .prepare(
          `UPDATE events SET data = json_set(data, '$.digest', ?) WHERE stream_id = ? AND revision = 0`,
        )
        .run('0'.repeat(64), INTEGRITY_STREAM_ID),
    );
    expect((await verifyAll(store)).breaks).toEqual([
      {
        streamId: INTEGRITY_STREAM_ID,
        revision: 0,
        reason: expect.stringMatching(/content does not match/),
      },
      {
        streamId: INTEGRITY_STREAM_ID,
        revision: 0,
        reason: 'checkpoint digest does not match the stream heads recorded up to it',
      },
    ]);
  });
});

describe('a checkpoint whose recorded head was edited', () => {
  it('is blamed alone, not the untouched stream whose head it misstates', async () => {
    await new IntegrityCheckpointer(store, clock, signingKey).record();
    await tamper((db) =>
      db
        .prepare(
          `UPDATE events SET data = json_set(data, '$.heads[0].revision', 3) WHERE stream_id = ? AND revision = 0`,
        )
        .run(INTEGRITY_STREAM_ID),
    );
    const { breaks } = await verifyAll(store);
    expect(breaks).toEqual([
      { streamId: INTEGRITY_STREAM_ID, revision: 0, reason: expect.stringMatching(/content does not match/) },
      {
        streamId: INTEGRITY_STREAM_ID,
        revision: 0,
        reason: 'checkpoint digest does not match the stream heads recorded up to it',
      },
    ]);
  });
});

describe('IntegrityCheckpointer', () => {
  it('records only the heads that moved since the previous checkpoint, and nothing when none did', async () => {
    const checkpointer = new IntegrityCheckpointer(store, clock, signingKey);
    const first = await checkpointer.record();
    expect(first?.heads.map((h) => [h.streamId, h.revision])).toEqual([
      [A, 4],
      [B, 2],
    ]);
    expect(first?.streamCount).toBe(2);
    expect(await checkpointer.record()).toBeNull();

    await store.append(B, [event(3)], { expectedRevision: 2 });
    const second = await new IntegrityCheckpointer(store, clock, signingKey).record();
    expect(second?.heads).toEqual([
      { streamId: B, revision: 3, hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
    ]);
    expect(second?.streamCount).toBe(2);
    expect(await checkpointer.record()).toBeNull();
    expect((await verifyAll(store)).valid).toBe(true);
  });

  it("chains each digest from the previous checkpoint's, over the heads it records", async () => {
    const first = await new IntegrityCheckpointer(store, clock, signingKey).record();
    await store.append(B, [event(3)], { expectedRevision: 2 });
    const second = await new IntegrityCheckpointer(store, clock, signingKey).record();
    const chainedOver = (previous: string | null, heads: StreamHead[]) =>
      sha256Hex(canonicalJson([previous, heads.map((h) => [h.streamId, h.revision, h.hash])]));
    expect(first).toMatchObject({ digestScheme: 'chained', digest: chainedOver(null, first!.heads) });
    expect(second).toMatchObject({
      digestScheme: 'chained',
      digest: chainedOver(first!.digest, second!.heads),
    });
  });

  /**
   * A checkpoint as recorded before the chained scheme: no digestScheme, every head (A's and B's)
   * restated, and a digest over them by stream id. Returns that digest.
   */
  async function recordLegacyCheckpoint(): Promise<string> {
    const heads = [await headOf(A), await headOf(B)];
    const digest = sha256Hex(canonicalJson(heads.map((h) => [h.streamId, h.revision, h.hash])));
    const recorded = (await readAllEvents(store, INTEGRITY_STREAM_ID)).length;
    await store.append(
      INTEGRITY_STREAM_ID,
      [
        {
          ...event(99),
          type: 'IntegrityCheckpointRecorded',
          data: {
            checkpointedAt: clock.now(),
            position: (await store.headPosition())!,
            heads,
            streamCount: 2,
            digest,
          },
        },
      ],
      { expectedRevision: recorded === 0 ? 'no_stream' : recorded - 1 },
    );
    return digest;
  }

  it('holds the log order to checkpoints of the older format, which restate every head', async () => {
    await recordLegacyCheckpoint();
    await store.append(A, [event(5)], { expectedRevision: 4 });
    // B did not move since the first, and the second names it again.
    await recordLegacyCheckpoint();
    expect(await verifyAll(store)).toMatchObject({ valid: true, breaks: [] });
  });

  it('goes on from checkpoints recorded before the chained scheme, and verifies both', async () => {
    const legacyDigest = await recordLegacyCheckpoint();
    await store.append(A, [event(5)], { expectedRevision: 4 });
    const next = await new IntegrityCheckpointer(store, clock, signingKey).record();
    expect(next?.heads.map((h) => [h.streamId, h.revision])).toEqual([[A, 5]]);
    expect(next?.digest).toBe(
      sha256Hex(canonicalJson([legacyDigest, next!.heads.map((h) => [h.streamId, h.revision, h.hash])])),
    );
    expect(await verifyAll(store)).toMatchObject({
      valid: true,
      checkedEvents: 11,
      breaks: [],
      lastCheckpoint: { revision: 1, digest: next!.digest },
    });
  });

  it('records a backlog in slices, answering a verification waiting on the heads in between', async () => {
    // Given the log A0 A1 A2 B0 B1 B2 A3 A4 and checkpoints of at most three events.
    const heads = new RecordedHeads(store);
    const checkpointer = new IntegrityCheckpointer(store, clock, signingKey, {
      heads,
      maxEventsPerCheckpoint: 3,
    });
    const recording = checkpointer.record();
    const revisionSeenMeanwhile = heads.use((fold) => fold.revision);
    const last = await recording;

    const checkpoints = await readAllEvents(store, INTEGRITY_STREAM_ID);
    expect(
      checkpoints.map((c) => [
        (c.data.heads as StreamHead[]).map((h) => [h.streamId, h.revision]),
        c.data.streamCount,
      ]),
    ).toEqual([
      [[[A, 2]], 1],
      [[[B, 2]], 2],
      [[[A, 4]], 2],
    ]);
    expect(last).toEqual(checkpoints[2].data);
    // It waited for the first checkpoint only, not for the whole backlog.
    await expect(revisionSeenMeanwhile).resolves.toBe(0);
    expect(await checkpointer.record()).toBeNull();
    expect(await verifyAll(store)).toMatchObject({ valid: true, checkedEvents: 11, breaks: [] });
  });

  describe('after the signing key was changed', () => {
    const newKey = newSigningKey();
    const withKeys = (...keys: EvidenceSigningKey[]) =>
      new RecordedHeads(
        store,
        keys.map((k) => k.publicKey),
      );

    beforeEach(async () => {
      await new IntegrityCheckpointer(store, clock, signingKey).record();
      await store.append(A, [event(5)], { expectedRevision: 4 });
    });

    it('refuses to sign over a checkpoint signed by a key it does not trust, and the case checks say why', async () => {
      const heads = withKeys(newKey);
      const untrusted = {
        streamId: INTEGRITY_STREAM_ID,
        revision: 0,
        reason: `checkpoint is signed by key ${signingKey.keyId}, which is not among the public keys given`,
      };
      await expect(new IntegrityCheckpointer(store, clock, newKey, { heads }).record()).rejects.toMatchObject(
        { problems: [untrusted] },
      );
      expect((await verifyStream(store, B, heads)).breaks).toEqual([untrusted]);
    });

    it('goes on signing with the new key once the key used before is trusted', async () => {
      const heads = withKeys(newKey, signingKey);
      expect((await verifyStream(store, B, heads)).valid).toBe(true);
      const next = await new IntegrityCheckpointer(store, clock, newKey, { heads }).record();
      expect(next?.signature?.keyId).toBe(newKey.keyId);
      // From then on the new key alone vouches for the last checkpoint; the full verify needs both.
      expect((await verifyStream(store, A, withKeys(newKey))).valid).toBe(true);
      const publicKeys = [newKey.publicKey, signingKey.publicKey];
      expect(await verifyAll(store, { publicKeys, requireSignature: true })).toMatchObject({ valid: true });
      expect((await verifyAll(store, { publicKeys: [newKey.publicKey], requireSignature: true })).valid).toBe(
        false,
      );
    });
  });

  it('lets concurrent checkpointers (other processes) agree on one chain of checkpoints', async () => {
    const results = await Promise.all([
      new IntegrityCheckpointer(store, clock, signingKey).record(),
      new IntegrityCheckpointer(store, clock, signingKey).record(),
    ]);
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    expect((await readAllEvents(store, INTEGRITY_STREAM_ID)).length).toBe(1);
    expect((await verifyAll(store)).valid).toBe(true);
  });
});

describe('reading a stream together with its verification', () => {
  /** The store, but `during` runs just after a read of stream A has returned its last event. */
  const racing = (during: () => Promise<void>): EventStore =>
    new Proxy(store, {
      get(target, property) {
        if (property === 'readStream') {
          return async function* (streamId: string) {
            yield* target.readStream(streamId);
            if (streamId === A) await during();
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });

  it('verifies exactly the events it returns', async () => {
    const { events, integrity } = await readVerifiedStream(store, A);
    expect(events.map((e) => e.revision)).toEqual([0, 1, 2, 3, 4]);
    expect(integrity).toEqual({ valid: true, checkedEvents: 5, breaks: [] });
  });

  it('is not fooled by an append and a checkpoint that land after the read', async () => {
    await new IntegrityCheckpointer(store, clock, signingKey).record();
    const growing = racing(async () => {
      await store.append(A, [event(5)], { expectedRevision: 4 });
      await new IntegrityCheckpointer(store, clock, signingKey).record();
    });
    const { events, integrity } = await readVerifiedStream(growing, A);
    // A checkpoint read after the events would record revision 5 and report it deleted.
    expect(events).toHaveLength(5);
    expect(integrity).toEqual({ valid: true, checkedEvents: 5, breaks: [] });
    expect(await verifyStream(store, A)).toEqual({ valid: true, checkedEvents: 6, breaks: [] });
  });

  it('reads the checkpoint stream once, and verifies it by its own chain', async () => {
    const checkpointer = new IntegrityCheckpointer(store, clock, signingKey);
    await checkpointer.record();
    await store.append(B, [event(3)], { expectedRevision: 2 });
    await checkpointer.record();
    const reads: string[] = [];
    const counting = new Proxy(store, {
      get(target, property) {
        if (property === 'readStream') {
          return (streamId: string) => {
            reads.push(streamId);
            return target.readStream(streamId);
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const { events, integrity } = await readVerifiedStream(counting, INTEGRITY_STREAM_ID);
    expect(reads).toEqual([INTEGRITY_STREAM_ID]);
    expect(events.map((e) => e.revision)).toEqual([0, 1]);
    expect(integrity).toEqual({ valid: true, checkedEvents: 2, breaks: [] });

    await tamper((db) =>
      db
        .prepare(
          `UPDATE events SET data = json_set(data, '$.digest', ?) WHERE stream_id = ? AND revision = 1`,
        )
        .run('0'.repeat(64), INTEGRITY_STREAM_ID),
    );
    const tampered = await readVerifiedStream(store, INTEGRITY_STREAM_ID);
    expect(tampered.integrity.breaks.map((b) => [b.streamId, b.revision])).toEqual([
      [INTEGRITY_STREAM_ID, 1],
      [INTEGRITY_STREAM_ID, 1],
    ]);
  });

  it('reads only the checkpoints recorded since its last verification, and shares them with the checkpointer', async () => {
    const reads: [string, number][] = [];
    // The store of the moment (tamper reopens it), counting the streams read and where from.
    const counting = new Proxy(store, {
      get(_, property) {
        if (property === 'readStream') {
          return (streamId: string, options?: ReadStreamOptions) => {
            reads.push([streamId, options?.fromRevision ?? 0]);
            return store.readStream(streamId, options);
          };
        }
        const value: unknown = Reflect.get(store, property, store);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(store) : value;
      },
    });
    const heads = new RecordedHeads(counting);
    const checkpointer = new IntegrityCheckpointer(counting, clock, signingKey, { heads });
    await checkpointer.record();
    await store.append(B, [event(3)], { expectedRevision: 2 });
    await checkpointer.record();
    reads.length = 0;

    expect(await verifyStream(counting, A, heads)).toMatchObject({ valid: true, checkedEvents: 5 });
    await store.append(A, [event(5)], { expectedRevision: 4 });
    await new IntegrityCheckpointer(store, clock, signingKey).record(); // another process's checkpoint
    expect(await verifyStream(counting, A, heads)).toMatchObject({ valid: true, checkedEvents: 6 });
    // From the revision after the last one folded, each time: the checkpointer folded the first
    // checkpoint before recording the second, the verifications fold the second and the third.
    expect(reads).toEqual([
      [INTEGRITY_STREAM_ID, 1],
      [A, 0],
      [INTEGRITY_STREAM_ID, 2],
      [A, 0],
    ]);

    // The heads folded earlier still find a tail deleted since.
    await tamper((db) => db.prepare(`DELETE FROM events WHERE stream_id = ? AND revision = 5`).run(A));
    const result = await verifyStream(counting, A, heads);
    expect(result.breaks).toEqual([
      { streamId: A, revision: 5, reason: expect.stringMatching(/^revision 5 is missing \(deleted tail\)/) },
    ]);
  });

  it('still finds a deleted tail that a checkpoint recorded', async () => {
    await new IntegrityCheckpointer(store, clock, signingKey).record();
    await tamper((db) => db.prepare(`DELETE FROM events WHERE stream_id = ? AND revision >= 3`).run(A));
    const { events, integrity } = await readVerifiedStream(store, A);
    expect(events).toHaveLength(3);
    expect(integrity.breaks).toEqual([
      {
        streamId: A,
        revision: 3,
        reason: expect.stringMatching(/^revisions 3–4 are missing \(deleted tail\)/),
      },
    ]);
  });
});
