import { randomUUID } from 'node:crypto';
import type { Clock } from '@trust-ledger/domain';
import { WrongExpectedRevisionError, type EventStore } from '@trust-ledger/event-store';
import {
  CHECKPOINT_EVENT_TYPE,
  INTEGRITY_STREAM_ID,
  RecordedHeads,
  type CheckpointData,
  type CheckpointFold,
  type StreamHead,
} from './checkpoint';
import { readIntegrity } from './hash-chain';

const MAX_ATTEMPTS = 5;

/**
 * Records `IntegrityCheckpointRecorded` events: the heads of the streams written since the previous
 * checkpoint and a digest over all heads. Verification compares the streams with them, which is what
 * reveals a deleted tail or a deleted stream (a chain alone cannot show that it was cut short).
 *
 * `store` must be the hash-chaining store, so the checkpoints are chained like everything else.
 * Several processes may record against the same log: the append expects the checkpoint stream's exact
 * revision, and whoever loses the race reads the winner's checkpoint and starts over.
 */
export class IntegrityCheckpointer {
  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
    /** Shared with verification in the same process; it also serializes runs within the process. */
    private readonly heads = new RecordedHeads(store),
  ) {}

  /** The checkpoint recorded, or null when no stream changed since the last one. */
  record(): Promise<CheckpointData | null> {
    return this.heads.use((fold) => this.recordNow(fold));
  }

  private async recordNow(fold: CheckpointFold): Promise<CheckpointData | null> {
    for (let attempt = 1; ; attempt += 1) {
      // Another process's checkpoint, if it won the last attempt's race.
      if (attempt > 1) await this.heads.catchUp();
      const changed = new Map<string, StreamHead>();
      let position = fold.position;
      for await (const event of this.store.readAll({ fromPosition: fold.position })) {
        position = event.position;
        if (event.streamId === INTEGRITY_STREAM_ID) continue;
        const hash = readIntegrity(event.metadata)?.hash ?? null;
        changed.set(event.streamId, { streamId: event.streamId, revision: event.revision, hash });
      }
      if (changed.size === 0 || position === undefined) return null;

      // A copy: the fold takes these heads only once the checkpoint is recorded and read back.
      const heads = fold.sorted.copy();
      for (const head of changed.values()) heads.set(head);
      const checkpointedAt = this.clock.now();
      const data: CheckpointData = {
        checkpointedAt,
        position,
        heads: [...changed.values()].sort((a, b) => (a.streamId < b.streamId ? -1 : 1)),
        streamCount: heads.size,
        digest: heads.digest(),
      };
      const id = randomUUID();
      try {
        await this.store.append(
          INTEGRITY_STREAM_ID,
          [
            {
              id,
              type: CHECKPOINT_EVENT_TYPE,
              data,
              metadata: {
                recordedAt: checkpointedAt,
                correlationId: id,
                causationId: null,
                actor: 'system:integrity',
              },
            },
          ],
          { expectedRevision: fold.revision === -1 ? 'no_stream' : fold.revision },
        );
        return data;
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
    }
  }
}
