import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { EVENT_STORE, isReadable, readAllPastUnreadable, type EventStore } from '@trust-ledger/event-store';
import { personKeyOfStream, SqliteKeyStore } from '@trust-ledger/privacy';

/**
 * The log is the record of every erasure; keys.db only carries them out. Before the service
 * answers anything, every PersonalDataErased recorded since keys.db last caught up destroys its key
 * again: a keys.db restored from a backup older than an erasure, or a crash between recording one
 * and destroying its key, would otherwise serve the person's data as if never erased.
 */
@Injectable()
export class ErasureReconciler implements OnApplicationBootstrap {
  private readonly logger = new Logger(ErasureReconciler.name);

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly keys: SqliteKeyStore,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.catchUp();
  }

  /** Destroys the keys of erasures recorded since the last catch-up; answers how many were left. */
  async catchUp(): Promise<number> {
    const head = await this.store.headPosition();
    if (head === null) return 0;
    let destroyed = 0;
    const destroy = (streamId: string): void => {
      const keyId = personKeyOfStream(streamId);
      if (keyId === undefined || this.keys.get(keyId) === 'destroyed') return;
      this.keys.destroy(keyId);
      destroyed += 1;
    };
    const erasures = readAllPastUnreadable(this.store, {
      fromPosition: this.appliedThrough(),
      filter: { eventTypes: ['PersonalDataErased'] },
    });
    for await (const erasure of erasures) {
      // An erasure altered in the log (the read selected it by its type): its person is erased
      // still, and the service must start; `verify` and the record's reads say where.
      if (!isReadable(erasure)) this.logger.error(erasure.message);
      destroy(erasure.streamId);
    }
    // Erasures after the head read above destroyed their keys as they were recorded.
    this.keys.markErasuresAppliedThrough(head);
    if (destroyed > 0) {
      this.logger.warn(
        `${destroyed} data key(s) of people the log records as erased were still in keys.db (restored from a backup, or a crash mid-erasure): destroyed now`,
      );
    }
    return destroyed;
  }

  /** Where keys.db caught up to; from the start if never, or if it was of another log. */
  private appliedThrough(): string | undefined {
    const position = this.keys.erasuresAppliedThrough();
    if (position === undefined) return undefined;
    try {
      this.store.comparePositions(position, position);
      return position;
    } catch {
      return undefined;
    }
  }
}
