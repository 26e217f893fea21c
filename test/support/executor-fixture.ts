import type { Clock } from '@trust-ledger/domain';
import { SqliteEventStore } from '@trust-ledger/event-store';
import {
  LocalKeyProvider,
  OpaquePositions,
  PersonalDataCipher,
  RequestHasher,
  SqliteKeyStore,
  keyStoreFile,
} from '@trust-ledger/privacy';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../apps/api/src/config/app-config';
import { CommandExecutor } from '../../apps/api/src/write/command-executor';
import { IdentityEventCodec } from './identity-event-codec';
import { IdempotencyStore } from '../../apps/api/src/write/idempotency.store';

/** The command executor on a real embedded store, in a DATA_DIR of its own. */
export interface ExecutorFixture {
  store: SqliteEventStore;
  executor: CommandExecutor;
  hasher: RequestHasher;
  /** What seals the positions it answers with. */
  positions: OpaquePositions;
  /** Another executor on the same store and databases, as another API process has. */
  another(): CommandExecutor;
  close(): Promise<void>;
}

export function executorFixture(clock: Clock): ExecutorFixture {
  const dataDir = mkdtempSync(join(tmpdir(), 'trust-ledger-executor-'));
  const store = new SqliteEventStore(join(dataDir, 'trust-ledger.db'));
  const idempotency = new IdempotencyStore(loadConfig({ dataDir }, {}));
  const masterKey = randomBytes(32);
  const keys = new SqliteKeyStore(keyStoreFile(dataDir));
  const hasher = new RequestHasher(masterKey, new PersonalDataCipher(keys, new LocalKeyProvider(masterKey)));
  const positions = new OpaquePositions(masterKey);
  const another = (): CommandExecutor =>
    new CommandExecutor(store, new IdentityEventCodec(), clock, idempotency, hasher, positions);
  return {
    store,
    executor: another(),
    hasher,
    positions,
    another,
    async close() {
      idempotency.onApplicationShutdown();
      keys.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
