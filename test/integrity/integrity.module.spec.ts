import { createPublicKey, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { CLOCK } from '@trust-ledger/domain';
import { EVENT_STORE, SqliteEventStore, type EventStore } from '@trust-ledger/event-store';
import {
  EvidenceSigner,
  HashChainingEventStore,
  INTEGRITY_STREAM_ID,
  IntegrityModule,
  IntegrityService,
  loadOrCreateSigningKey,
  publicKeyPem,
  verifyEvidence,
} from '@trust-ledger/integrity';
import { ManualClock } from '../../libs/domain/testing/manual-clock';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'integrity-module-'));
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** What the application provides: the hash-chaining EVENT_STORE and the clock. */
function appModule(store: EventStore): new () => unknown {
  @Global()
  @Module({
    providers: [
      { provide: EVENT_STORE, useValue: store },
      { provide: CLOCK, useValue: new ManualClock('2024-06-20T12:00:00Z') },
    ],
    exports: [EVENT_STORE, CLOCK],
  })
  class AppProviders {}
  return AppProviders;
}

async function count(store: EventStore, streamId: string): Promise<number> {
  let n = 0;
  for await (const _ of store.readStream(streamId)) n += 1;
  return n;
}

describe('IntegrityModule', () => {
  it('provides verification, checkpoints (one more at shutdown) and the evidence signer, whose key signs the checkpoints', async () => {
    const file = join(dir, 'trust-ledger.db');
    const store = new HashChainingEventStore(new SqliteEventStore(file));
    const moduleRef = await Test.createTestingModule({
      imports: [appModule(store), IntegrityModule.forRoot({ dataDir: dir, checkpointIntervalMs: 0 })],
    }).compile();
    const app = await moduleRef.init();
    const integrity = app.get(IntegrityService);
    const metadata = {
      recordedAt: '2024-06-20T12:00:00Z',
      correlationId: randomUUID(),
      causationId: null,
      actor: 'a',
    };
    await store.append('case-1', [{ id: randomUUID(), type: 'T', data: {}, metadata }], {
      expectedRevision: 'any',
    });
    expect(await integrity.verifyStream('case-1')).toEqual({ valid: true, checkedEvents: 1, breaks: [] });
    const checkpoint = await integrity.recordCheckpoint();
    expect(checkpoint).toMatchObject({ streamCount: 1 });

    await store.append('case-1', [{ id: randomUUID(), type: 'T', data: {}, metadata }], {
      expectedRevision: 0,
    });
    const signer = app.get(EvidenceSigner);
    const signed = signer.sign({ caseId: '1' });
    await app.close();
    await store.close();

    const reopened = new SqliteEventStore(file);
    expect(await count(reopened, INTEGRITY_STREAM_ID)).toBe(2);
    await reopened.close();
    const publicKey = createPublicKey(signer.publicSigningKey().publicKey);
    expect(verifyEvidence(signed, publicKey)).toEqual({ valid: true });
    // The checkpoints are signed with the same key.
    expect(verifyEvidence(checkpoint, publicKey)).toEqual({ valid: true });
  });

  it('publishes the trusted public keys other than its own, each once', async () => {
    const other = loadOrCreateSigningKey(mkdtempSync(join(dir, 'other-')));
    const own = loadOrCreateSigningKey(dir);
    const store = new HashChainingEventStore(new SqliteEventStore(join(dir, 'trust-ledger.db')));
    const moduleRef = await Test.createTestingModule({
      imports: [
        appModule(store),
        IntegrityModule.forRoot({
          dataDir: dir,
          checkpointIntervalMs: 0,
          trustedPublicKeys: [other.publicKey, own.publicKey, other.publicKey],
        }),
      ],
    }).compile();
    const app = await moduleRef.init();
    expect(app.get(EvidenceSigner).publicSigningKey()).toMatchObject({
      keyId: own.keyId,
      trustedKeys: [{ keyId: other.keyId, publicKey: publicKeyPem(other.publicKey) }],
    });
    await app.close();
    await store.close();
  });

  it('refuses an EVENT_STORE that is not hash-chaining, so no write can bypass the chain', async () => {
    const store = new SqliteEventStore(join(dir, 'trust-ledger.db'));
    await expect(
      Test.createTestingModule({
        imports: [appModule(store), IntegrityModule.forRoot({ dataDir: dir })],
      }).compile(),
    ).rejects.toThrow('EVENT_STORE must be wrapped in HashChainingEventStore');
    await store.close();
  });
});
