import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '@trust-ledger/domain';
import { EVENT_STORE, type EventStore, type EventToAppend } from '@trust-ledger/event-store';
import { randomUUID } from 'node:crypto';
import type { Principal, Role } from '../auth/principal';
import { EVENT_CODEC, type EventCodec } from '../write/event-codec';

/**
 * Who read a case's personal data is recorded on the case's own access-log stream, never on the case
 * stream: a read must not move the case's revision (its ETag) nor reach the projections, which
 * follow `case-` streams only. A certification's victim is personal data too, recorded alike.
 */
const ACCESS_LOG_STREAM_PREFIX = 'access-log-';

/** Whose personal data a read served: a case's subject, or a certification's victim. */
export type Accessed = { caseId: string } | { certificationId: string };

// Both ids are UUIDs, so a certification's log can never be taken for a case's.
export const accessLogStreamId = (accessed: Accessed): string =>
  'caseId' in accessed
    ? `${ACCESS_LOG_STREAM_PREFIX}${accessed.caseId}`
    : `${ACCESS_LOG_STREAM_PREFIX}certification-${accessed.certificationId}`;

const PERSONAL_DATA_ACCESSED = 'PersonalDataAccessed';

/** Which view of the personal data was served. */
export const READ_VIEWS = [
  'CASE',
  'CASE_LIST',
  'HISTORY',
  'EVIDENCE',
  'CERTIFICATION',
  'CERTIFICATION_LIST',
] as const;
export type ReadView = (typeof READ_VIEWS)[number];

/** `PersonalDataAccessed.data`; who (besides the role and agency here) is the event's `actor`, when
 * its `recordedAt`. */
export type PersonalDataAccessed = Accessed & {
  view: ReadView;
  /** The route, as API.md writes it: `GET /cases/{caseId}/history`. */
  endpoint: string;
  /** The `asOf` of a case read into the past; null otherwise. */
  asOf: string | null;
  /** The reader's `X-Purpose` header, as given; null without one. Stored sealed under the key of the
   * person read (the codec's), "[erased]" once they are erased; events recorded before it was sealed
   * hold it in clear. */
  purpose: string | null;
  role: Role;
  agencyId: string | null;
};

export interface Read {
  principal: Principal;
  view: ReadView;
  endpoint: string;
  asOf: string | null;
  purpose: string | null;
  correlationId: string;
}

/** Most events one append carries; a stream's backlog beyond it waits for the next append. */
const MAX_BATCH = 100;

interface Pending {
  event: EventToAppend;
  settle: (error?: Error) => void;
}

/**
 * Appends access records. The store is the hash-chaining one, whose `any` appends land exactly after
 * the event they were chained to (retrying when another writer got there first), so the chain never
 * forks. Within this process the appends to one stream run one at a time, each taking everything
 * queued meanwhile, so that concurrent reads of one case neither race each other nor exhaust those
 * retries; other processes are the only writers such an append can lose to.
 */
@Injectable()
export class AccessLog {
  private readonly queues = new Map<string, Pending[]>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(EVENT_CODEC) private readonly codec: EventCodec,
  ) {}

  /** Resolves once the read is recorded for everyone whose data it served; rejects if it could not be. */
  async record(served: readonly Accessed[], read: Read): Promise<void> {
    const streams = new Map(served.map((accessed) => [accessLogStreamId(accessed), accessed]));
    // Each person's record seals the purpose under that person's key (one seal per person served).
    const encoded = await Promise.all(
      [...streams].map(async ([streamId, accessed]) => {
        const data: PersonalDataAccessed = {
          ...accessed,
          view: read.view,
          endpoint: read.endpoint,
          asOf: read.asOf,
          purpose: read.purpose,
          role: read.principal.role,
          agencyId: read.principal.agencyId,
        };
        return { streamId, ...(await this.codec.encode(streamId, { type: PERSONAL_DATA_ACCESSED, data })) };
      }),
    );
    // Timed after the sealing, which takes longer for some reads than others, and queued at once:
    // each log lists its reads in the order of their time.
    const recordedAt = this.clock.now();
    await Promise.all(
      encoded.map(({ streamId, type, data }) =>
        this.enqueue(streamId, {
          id: randomUUID(),
          type,
          data,
          metadata: {
            recordedAt,
            correlationId: read.correlationId,
            causationId: null,
            actor: read.principal.sub,
          },
        }),
      ),
    );
  }

  private enqueue(streamId: string, event: EventToAppend): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const pending: Pending = {
        event,
        settle: (error) => (error === undefined ? resolve() : reject(error)),
      };
      const queue = this.queues.get(streamId);
      if (queue !== undefined) {
        queue.push(pending);
        return;
      }
      this.queues.set(streamId, [pending]);
      void this.drain(streamId);
    });
  }

  private async drain(streamId: string): Promise<void> {
    const queue = this.queues.get(streamId)!;
    while (queue.length > 0) {
      const batch = queue.splice(0, MAX_BATCH);
      try {
        await this.store.append(
          streamId,
          batch.map((p) => p.event),
          { expectedRevision: 'any' },
        );
        for (const p of batch) p.settle();
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error));
        for (const p of batch) p.settle(failure);
      }
    }
    this.queues.delete(streamId);
  }
}
