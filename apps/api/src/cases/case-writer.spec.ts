import { caseStreamId, type Clock } from '@trust-ledger/domain';
import { SqliteEventStore } from '@trust-ledger/event-store';
import {
  LocalKeyProvider,
  PersonalDataCipher,
  RequestHasher,
  SqliteKeyStore,
  keyStoreFile,
} from '@trust-ledger/privacy';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/app-config';
import { CommandExecutor } from '../write/command-executor';
import { IdentityEventCodec } from '../write/event-codec';
import { IdempotencyStore } from '../write/idempotency.store';
import { CaseWriter } from './case-writer';

/** A clock a millisecond later at every reading, as a real one is while a command runs. */
class TickingClock implements Clock {
  private t = Date.parse('2025-03-01T12:00:00Z');
  now(): string {
    return new Date(this.t++).toISOString();
  }
}

describe('CaseWriter', () => {
  let dataDir: string;
  let store: SqliteEventStore;
  let idempotency: IdempotencyStore;
  let keys: SqliteKeyStore;
  let writer: CaseWriter;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'trust-ledger-case-writer-'));
    store = new SqliteEventStore(join(dataDir, 'trust-ledger.db'));
    idempotency = new IdempotencyStore(loadConfig({ dataDir }, {}));
    const masterKey = randomBytes(32);
    keys = new SqliteKeyStore(keyStoreFile(dataDir));
    const hasher = new RequestHasher(
      masterKey,
      new PersonalDataCipher(keys, new LocalKeyProvider(masterKey)),
    );
    const clock = new TickingClock();
    writer = new CaseWriter(
      new CommandExecutor(store, new IdentityEventCodec(), clock, idempotency, hasher),
      clock,
    );
  });
  afterAll(async () => {
    idempotency.onModuleDestroy();
    keys.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('records a case opened at the moment its opening is recorded, so that an as-of read then finds it', async () => {
    const caseId = randomUUID();
    await writer.execute(
      { sub: 'officer-1', role: 'officer', agencyId: 'agency-a' },
      { actor: 'officer-1', commandId: randomUUID(), requestHash: randomUUID(), correlationId: randomUUID() },
      caseId,
      {
        type: 'OpenCase',
        data: {
          caseId,
          agencyId: 'agency-a',
          subject: { fullName: 'X' },
          custody: { status: 'IN_CUSTODY' },
          convictions: [],
        },
      },
    );
    const recorded = [];
    for await (const event of store.readStream(caseStreamId(caseId))) recorded.push(event);
    expect(recorded.map((e) => [e.type, e.data.openedAt])).toEqual([
      ['CaseOpened', recorded[0].metadata.recordedAt],
    ]);
  });
});
