import {
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import type { KeyObject } from 'node:crypto';
import { CLOCK, type Clock } from '@trust-ledger/domain';
import { EVENT_STORE, type EventStore } from '@trust-ledger/event-store';
import { RecordedHeads, type CheckpointAnchor, type CheckpointData } from './checkpoint';
import { CheckpointRefusedError, IntegrityCheckpointer } from './checkpointer';
import { EvidenceSigner } from './evidence/evidence';
import { loadOrCreateSigningKey, signingKeyId, type EvidenceSigningKey } from './evidence/signing-key';
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
  /** Public keys whose signatures are trusted besides the signing key's own: the keys that signed
   * before it was changed (EVIDENCE_TRUSTED_PUBLIC_KEYS). */
  trustedPublicKeys?: readonly KeyObject[];
  /** A checkpoint's revision and digest kept outside the database (INTEGRITY_ANCHOR). */
  anchor?: CheckpointAnchor;
  /** How often stream heads are checkpointed; 0 turns the timer off. Default one minute. */
  checkpointIntervalMs?: number;
}

const DEFAULT_CHECKPOINT_INTERVAL_MS = 60_000;
/** One key signs both the evidence packs and the checkpoints. */
const SIGNING_KEY = Symbol('EvidenceSigningKey');
const TRUSTED_PUBLIC_KEYS = Symbol('TrustedPublicKeys');

/** How the last attempt to record a checkpoint went, for /health. */
export interface CheckpointingStatus {
  /** Null when the last attempt recorded a checkpoint (or nothing needed one), or none was made yet.
   * `refused`: over checkpoints that do not verify (CheckpointRefusedError). */
  error: { at: string; message: string; refused: boolean } | null;
}

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
  /** The signing key's public key, then the other trusted ones. */
  private readonly publicKeys: KeyObject[];
  private timer: NodeJS.Timeout | undefined;
  private checkpointError: CheckpointingStatus['error'] = null;

  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
    private readonly checkpointIntervalMs: number,
    signingKey: EvidenceSigningKey,
    trustedPublicKeys: readonly KeyObject[] = [],
    private readonly anchor?: CheckpointAnchor,
  ) {
    if (!(store instanceof HashChainingEventStore)) {
      throw new Error('EVENT_STORE must be wrapped in HashChainingEventStore for the integrity module');
    }
    this.publicKeys = [signingKey.publicKey, ...trustedPublicKeys];
    this.heads = new RecordedHeads(store, this.publicKeys, anchor);
    this.checkpointer = new IntegrityCheckpointer(store, clock, signingKey, { heads: this.heads });
  }

  verifyStream(streamId: string): Promise<VerificationResult> {
    return verifyStream(this.store, streamId, this.heads);
  }

  readVerifiedStream(streamId: string): Promise<VerifiedStream> {
    return readVerifiedStream(this.store, streamId, this.heads);
  }

  verifyAll(): Promise<LogVerification> {
    return verifyAll(this.store, { publicKeys: this.publicKeys, anchor: this.anchor });
  }

  /** Records a checkpoint now; null when no stream changed since the last one. Throws
   * CheckpointRefusedError when the checkpoints recorded so far do not verify. */
  async recordCheckpoint(): Promise<CheckpointData | null> {
    try {
      const recorded = await this.checkpointer.record();
      this.checkpointError = null;
      return recorded;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.checkpointError = {
        at: this.clock.now(),
        message,
        refused: error instanceof CheckpointRefusedError,
      };
      throw error;
    }
  }

  checkpointing(): CheckpointingStatus {
    return { error: this.checkpointError };
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
      await this.recordCheckpoint();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.logger.error(
        error instanceof CheckpointRefusedError
          ? `${message}. Find out why with \`verify\`; if the signing key was changed, trust the key that signed before.`
          : `integrity checkpoint failed: ${message}`,
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
          provide: TRUSTED_PUBLIC_KEYS,
          useFactory: (key: EvidenceSigningKey) => trustedKeys(options, key),
          inject: [SIGNING_KEY],
        },
        {
          provide: IntegrityService,
          useFactory: (store: EventStore, clock: Clock, key: EvidenceSigningKey, trusted: KeyObject[]) =>
            new IntegrityService(
              store,
              clock,
              options.checkpointIntervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS,
              key,
              trusted,
              options.anchor,
            ),
          inject: [EVENT_STORE, CLOCK, SIGNING_KEY, TRUSTED_PUBLIC_KEYS],
        },
        {
          provide: EvidenceSigner,
          useFactory: (key: EvidenceSigningKey, trusted: KeyObject[]) => new EvidenceSigner(key, trusted),
          inject: [SIGNING_KEY, TRUSTED_PUBLIC_KEYS],
        },
      ],
      exports: [IntegrityService, EvidenceSigner],
    };
  }
}

/** The configured trusted keys other than the signing key's own, each once. */
function trustedKeys(options: IntegrityModuleOptions, signingKey: EvidenceSigningKey): KeyObject[] {
  const byId = new Map((options.trustedPublicKeys ?? []).map((key) => [signingKeyId(key), key]));
  byId.delete(signingKey.keyId);
  return [...byId.values()];
}
