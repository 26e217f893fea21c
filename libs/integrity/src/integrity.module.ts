import {
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { CLOCK, type Clock } from '@trust-ledger/domain';
import { EVENT_STORE, type EventStore } from '@trust-ledger/event-store';
import { RecordedHeads, type CheckpointData } from './checkpoint';
import { IntegrityCheckpointer } from './checkpointer';
import { EvidenceSigner } from './evidence/evidence';
import { loadOrCreateSigningKey, type EvidenceSigningKey } from './evidence/signing-key';
import type { VerificationResult } from './hash-chain';
import { HashChainingEventStore } from './hash-chaining-event-store';
import {
  readVerifiedStream,
  verifyAll,
  verifyStream,
  type LogVerification,
  type VerifiedStream,
} from './verify';

export interface IntegrityModuleOptions {
  dataDir: string;
  /** PKCS#8 PEM of the Ed25519 key that signs evidence packs and checkpoints; generated into
   * DATA_DIR when absent. */
  signingKeyPem?: string;
  /** How often stream heads are checkpointed; 0 turns the timer off. Default one minute. */
  checkpointIntervalMs?: number;
}

const DEFAULT_CHECKPOINT_INTERVAL_MS = 60_000;
/** One key signs both the evidence packs and the checkpoints. */
const SIGNING_KEY = Symbol('EvidenceSigningKey');

/**
 * Verification and checkpoints over the application's EVENT_STORE, which must be the
 * HashChainingEventStore: a plain adapter would let writes bypass the chain unnoticed until verify.
 * Checkpoints are recorded periodically and once more at shutdown, which narrows the window in which
 * a deleted tail could go unnoticed.
 */
export class IntegrityService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Integrity');
  private readonly checkpointer: IntegrityCheckpointer;
  private readonly heads: RecordedHeads;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: EventStore,
    clock: Clock,
    private readonly checkpointIntervalMs: number,
    private readonly signingKey: EvidenceSigningKey,
  ) {
    if (!(store instanceof HashChainingEventStore)) {
      throw new Error('EVENT_STORE must be wrapped in HashChainingEventStore for the integrity module');
    }
    this.heads = new RecordedHeads(store, [signingKey.publicKey]);
    this.checkpointer = new IntegrityCheckpointer(store, clock, signingKey, { heads: this.heads });
  }

  verifyStream(streamId: string): Promise<VerificationResult> {
    return verifyStream(this.store, streamId, this.heads);
  }

  readVerifiedStream(streamId: string): Promise<VerifiedStream> {
    return readVerifiedStream(this.store, streamId, this.heads);
  }

  verifyAll(): Promise<LogVerification> {
    return verifyAll(this.store, { publicKeys: [this.signingKey.publicKey] });
  }

  /** Records a checkpoint now; null when no stream changed since the last one. */
  recordCheckpoint(): Promise<CheckpointData | null> {
    return this.checkpointer.record();
  }

  onApplicationBootstrap(): void {
    if (this.checkpointIntervalMs <= 0) return;
    // unref: a pending checkpoint never keeps the process alive.
    this.timer = setInterval(() => void this.checkpointLogged(), this.checkpointIntervalMs).unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.checkpointLogged();
  }

  private async checkpointLogged(): Promise<void> {
    try {
      await this.checkpointer.record();
    } catch (error) {
      this.logger.error(
        `integrity checkpoint failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}

/** Needs EVENT_STORE (hash-chaining) and CLOCK from the application; global, like them. */
@Module({})
export class IntegrityModule {
  static forRoot(options: IntegrityModuleOptions): DynamicModule {
    return {
      module: IntegrityModule,
      global: true,
      providers: [
        {
          provide: SIGNING_KEY,
          useFactory: () => loadOrCreateSigningKey(options.dataDir, options.signingKeyPem),
        },
        {
          provide: IntegrityService,
          useFactory: (store: EventStore, clock: Clock, key: EvidenceSigningKey) =>
            new IntegrityService(
              store,
              clock,
              options.checkpointIntervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS,
              key,
            ),
          inject: [EVENT_STORE, CLOCK, SIGNING_KEY],
        },
        {
          provide: EvidenceSigner,
          useFactory: (key: EvidenceSigningKey) => new EvidenceSigner(key),
          inject: [SIGNING_KEY],
        },
      ],
      exports: [IntegrityService, EvidenceSigner],
    };
  }
}
