import { randomUUID } from 'node:crypto';
import type { Clock } from '@trust-ledger/domain';
import { WrongExpectedRevisionError, type EventStore } from '@trust-ledger/event-store';
import {
  chainedDigest,
  CHECKPOINT_EVENT_TYPE,
  INTEGRITY_STREAM_ID,
  RecordedHeads,
  type CheckpointData,
  type CheckpointFold,
  type StreamHead,
} from './checkpoint';
import { signEvidence } from './evidence/evidence';
import type { EvidenceSigningKey } from './evidence/signing-key';
import { readIntegrity, type IntegrityBreak } from './hash-chain';

const MAX_ATTEMPTS = 5;

/**
 * Most events of the log one checkpoint reads. A backlog (the first checkpoint of a large log, or
 * after downtime) is recorded in several, so that verifications waiting on the recorded heads are
 * answered in between instead of after the whole backlog.
 */
const MAX_EVENTS_PER_CHECKPOINT = 100_000;

interface Slice {
  recorded: CheckpointData | null;
  /** The slice stopped at its size: the log holds more to record. */
  more: boolean;
}

/**
 * The checkpoints recorded so far do not verify. A new checkpoint chains its digest from the last one
 * and is signed, so recording it would make them pass every check that reads only the last signature:
 * tampering would be laundered within one checkpoint interval.
 */
export class CheckpointRefusedError extends Error {
  override readonly name = 'CheckpointRefusedError';
  constructor(readonly problems: IntegrityBreak[]) {
    super(
      `no checkpoint recorded: the checkpoints so far do not verify (${problems
        .map((p) => `revision ${p.revision}: ${p.reason}`)
        .join('; ')})`,
    );
  }
}

export interface CheckpointerOptions {
  /** Shared with verification in the same process; it also serializes runs within the process. Built
   * with public keys, it makes a last checkpoint signed by another key, or whose signature does not
   * match, a problem, which refuses the next checkpoint like any other. */
  heads?: RecordedHeads;
  maxEventsPerCheckpoint?: number;
}

/**
 * Records `IntegrityCheckpointRecorded` events: the heads of the streams written since the previous
 * checkpoint, a digest chained from the previous checkpoint's (so it commits to every head), and a
 * signature. Verification compares the streams with them, which is what reveals a deleted tail or a
 * deleted stream (a chain alone cannot show that it was cut short).
 *
 * `store` must be the hash-chaining store, so the checkpoints are chained like everything else.
 * Several processes may record against the same log: the append expects the checkpoint stream's exact
 * revision, and whoever loses the race reads the winner's checkpoint and starts over.
 */
export class IntegrityCheckpointer {
  private readonly heads: RecordedHeads;
  private readonly maxEventsPerCheckpoint: number;

  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
    /** Signs every checkpoint, so that rewriting the checkpoints needs this key, not only the files. */
    private readonly signingKey: EvidenceSigningKey,
    options: CheckpointerOptions = {},
  ) {
    this.heads = options.heads ?? new RecordedHeads(store);
    this.maxEventsPerCheckpoint = options.maxEventsPerCheckpoint ?? MAX_EVENTS_PER_CHECKPOINT;
  }

  /** The last checkpoint recorded, or null when no stream changed since the previous one. */
  async record(): Promise<CheckpointData | null> {
    let last: CheckpointData | null = null;
    for (let more = true; more;) {
      const slice = await this.heads.use((fold) => this.recordSlice(fold));
      last = slice.recorded ?? last;
      more = slice.more;
    }
    return last;
  }

  private async recordSlice(fold: CheckpointFold): Promise<Slice> {
    for (let attempt = 1; ; attempt += 1) {
      // Another process's checkpoint, if it won the last attempt's race.
      if (attempt > 1) await this.heads.catchUp();
      const problems = this.heads.problems();
      if (problems.length > 0) throw new CheckpointRefusedError(problems);
      const changed = new Map<string, StreamHead>();
      let position = fold.position;
      let read = 0;
      let more = false;
      for await (const event of this.store.readAll({ fromPosition: fold.position })) {
        // The checkpoints' own events do not count towards a slice: one full of them would record
        // nothing, and the next would start again from the same place.
        if (event.streamId !== INTEGRITY_STREAM_ID && read === this.maxEventsPerCheckpoint) {
          more = true;
          break;
        }
        position = event.position;
        if (event.streamId === INTEGRITY_STREAM_ID) continue;
        read += 1;
        const hash = readIntegrity(event.metadata)?.hash ?? null;
        changed.set(event.streamId, { streamId: event.streamId, revision: event.revision, hash });
      }
      if (changed.size === 0 || position === undefined) return { recorded: null, more: false };

      const heads = [...changed.values()].sort((a, b) => (a.streamId < b.streamId ? -1 : 1));
      const checkpointedAt = this.clock.now();
      const unsigned: Omit<CheckpointData, 'signature'> = {
        checkpointedAt,
        position,
        heads,
        streamCount: fold.size + heads.filter((head) => !fold.has(head.streamId)).length,
        digestScheme: 'chained',
        digest: chainedDigest(fold.last?.digest ?? null, heads),
      };
      const data: CheckpointData = signEvidence(unsigned, this.signingKey);
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
        return { recorded: data, more };
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
    }
  }
}
