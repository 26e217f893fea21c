import { Inject, Injectable } from '@nestjs/common';
import { VIOLATION_STREAM_PREFIX } from '@trust-ledger/domain';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '@trust-ledger/event-store';
import { formerViolationIdOf, type RegisteredViolation } from '@trust-ledger/projections/violations';
import { streamsTag } from '../write/revision-etag.interceptor';
import { ViolationsReader } from './violations.reader';

/**
 * One review's reads of review streams: each stream read once, however often the review needs it
 * (to recognise a retry, to check its conditions, for the ETag it answers with).
 */
export class ReviewStreamReads {
  private readonly read = new Map<string, Promise<RecordedEvent[]>>();

  constructor(private readonly store: EventStore) {}

  events(streamId: string): Promise<RecordedEvent[]> {
    let events = this.read.get(streamId);
    if (events === undefined) {
      events = this.readAll(streamId);
      this.read.set(streamId, events);
    }
    return events;
  }

  private async readAll(streamId: string): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    for await (const event of this.store.readStream(streamId)) events.push(event);
    return events;
  }
}

/**
 * Where counsel's reviews of a violation are: on violation-<id>, and on the streams of reviews the
 * register applied to it under another id (one it had before register v22, or before a rules change
 * found its act under another). Its ETag, and the conditions of a review, cover them all.
 */
@Injectable()
export class ViolationReviews {
  constructor(
    private readonly violations: ViolationsReader,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  /** A review's reads, to be shared by everything it asks of the streams. */
  reads(): ReviewStreamReads {
    return new ReviewStreamReads(this.store);
  }

  /**
   * The ETag value of the violation's reviews (undefined before the first): violation-<id>'s revision
   * while they are all there, as it has always been given out, else a streamsTag over every stream
   * they are on. `own`: violation-<id>'s revision, when the caller has read it; `reads`: the
   * review's, when a review asks (else each stream's last event is read); `asOf`: a log position,
   * for the ETag as it stood there (only with `reads`).
   */
  async tagOf(
    violationId: string,
    own?: { revision: number | undefined },
    reads?: ReviewStreamReads,
    asOf?: string,
  ): Promise<string | undefined> {
    const [mine, ...others] = this.violations.queries.reviewStreamsOf(violationId);
    const standing = (events: readonly RecordedEvent[]): RecordedEvent | undefined =>
      asOf === undefined
        ? events.at(-1)
        : events.findLast((event) => this.store.comparePositions(event.position, asOf) <= 0);
    const revisionOf = async (streamId: string): Promise<number | undefined> =>
      reads === undefined ? this.lastRevisionOf(streamId) : standing(await reads.events(streamId))?.revision;
    const revision = own === undefined ? await revisionOf(mine) : own.revision;
    if (others.length === 0) return revision === undefined ? undefined : String(revision);
    const revisions = await Promise.all(
      others.map(async (streamId) => [streamId, await revisionOf(streamId)] as const),
    );
    return streamsTag([[mine, revision], ...revisions]);
  }

  /** Every id a review of `violation` may have been posted under. */
  idsOf(violation: RegisteredViolation): string[] {
    const reviewedAs = this.violations.queries
      .reviewStreamsOf(violation.violationId)
      .map((streamId) => streamId.slice(VIOLATION_STREAM_PREFIX.length));
    const former = formerViolationIdOf(violation);
    return [...new Set([...reviewedAs, ...(former === undefined ? [] : [former])])];
  }

  private async lastRevisionOf(streamId: string): Promise<number | undefined> {
    for await (const last of this.store.readStream(streamId, { direction: 'backwards', maxCount: 1 })) {
      return last.revision;
    }
    return undefined;
  }
}
