import { Inject, Injectable } from '@nestjs/common';
import { VIOLATION_STREAM_PREFIX } from '@trust-ledger/domain';
import { EVENT_STORE, type EventStore } from '@trust-ledger/event-store';
import { formerViolationIdOf, type RegisteredViolation } from '@trust-ledger/projections/violations';
import { streamsTag } from '../write/revision-etag.interceptor';
import { ViolationsReader } from './violations.reader';

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

  /**
   * The ETag value of the violation's reviews (undefined before the first): violation-<id>'s revision
   * while they are all there, as it has always been given out, else a streamsTag over every stream
   * they are on. `own`: violation-<id>'s revision, when the caller has read it.
   */
  async tagOf(violationId: string, own?: { revision: number | undefined }): Promise<string | undefined> {
    const [mine, ...others] = this.violations.queries.reviewStreamsOf(violationId);
    const revision = own === undefined ? await this.revisionOf(mine) : own.revision;
    if (others.length === 0) return revision === undefined ? undefined : String(revision);
    const revisions = await Promise.all(
      others.map(async (streamId) => [streamId, await this.revisionOf(streamId)] as const),
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

  private async revisionOf(streamId: string): Promise<number | undefined> {
    for await (const last of this.store.readStream(streamId, { direction: 'backwards', maxCount: 1 })) {
      return last.revision;
    }
    return undefined;
  }
}
