import type { DynamicModule } from '@nestjs/common';
import { EventStoreModule } from '@trust-ledger/event-store';
import { HashChainingEventStore, IntegrityModule } from '@trust-ledger/integrity';
import { sqliteStoreFile, type AppConfig } from '../config/app-config';

/**
 * The configured adapter, hash-chained: every event appended through EVENT_STORE carries
 * `metadata.integrity`. The application and every operator command that writes (imports) use this,
 * so that no write can bypass the chain.
 */
export function chainedEventStoreModule(config: AppConfig): DynamicModule {
  return EventStoreModule.forRoot({
    ...(config.eventStore === 'eventstoredb'
      ? { kind: 'eventstoredb', connectionString: config.eventStoreConnectionString! }
      : { kind: 'sqlite', file: sqliteStoreFile(config) }),
    decorate: (store) => new HashChainingEventStore(store),
  });
}

/** Verification, periodic checkpoints and the evidence signer (IntegrityService, EvidenceSigner). */
export function integrityModule(config: AppConfig): DynamicModule {
  return IntegrityModule.forRoot({
    dataDir: config.dataDir,
    signingKeyPem: config.evidenceSigningKey,
    trustedPublicKeys: config.evidenceTrustedPublicKeys,
    checkpointIntervalMs: config.integrityCheckpointIntervalMs,
    anchor: config.integrityAnchor,
  });
}
