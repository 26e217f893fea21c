import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiProperty } from '@nestjs/swagger';
import {
  CLOCK,
  ConflictError,
  NotFoundError,
  REVIEW_STATUSES,
  violationActOf,
  violationReviewDecider,
  violationStreamId,
  type Clock,
  type ReviewStatus,
} from '@trust-ledger/domain';
import { EVENT_STORE, type EventStore } from '@trust-ledger/event-store';
import { ProjectionRunner } from '@trust-ledger/projections';
import { OpaquePositions } from '@trust-ledger/privacy';
import { VIOLATION_REGISTER, type RegisteredViolation } from '@trust-ledger/projections/violations';
import { IsIn } from 'class-validator';
import { API_PREFIX } from '../common/http-tokens';
import { readModelsAtHead } from '../common/read-models-caught-up';
import { READ_YOUR_WRITES_TIMEOUT_MS } from '../observability/read-your-writes.interceptor';
import { Text } from '../common/validators';
import { CommandExecutor } from '../write/command-executor';
import type { CommandMeta } from '../write/command-meta';
import type { CommandResult } from '../write/command-result';
import { ViolationReviews, type ReviewStreamReads } from './violation-reviews';
import { ViolationsReader } from './violations.reader';

export class ReviewViolationDto {
  @ApiProperty({ enum: REVIEW_STATUSES })
  @IsIn(REVIEW_STATUSES)
  status!: ReviewStatus;

  @ApiProperty({
    description:
      "Counsel's reasons for the conclusion. Shown to officers and oversight with the violation, which never holds personal data: name no one; refer to the case by its id",
    maxLength: 10_000,
  })
  @Text(10_000)
  note!: string;
}

/** A review's response (a retry's: the first), and the violation's ETag once it is answered, as its
 * GET gives it. */
export interface ReviewAnswer {
  result: CommandResult;
  etag: string | undefined;
}

export class ReviewViolationCommand extends Command<ReviewAnswer> {
  constructor(
    readonly meta: CommandMeta,
    readonly violationId: string,
    readonly body: ReviewViolationDto,
  ) {
    super();
  }
}

/**
 * Refuses, before anything is recorded, a review about to go on the stream of an id the register
 * has since found to be a former one: the handler records it on the current id's instead. Should
 * that happen twice (a register rebuilt meanwhile), the caller is told to retry.
 */
class RenamedViolation extends ConflictError {
  constructor(readonly violationId: string) {
    super('CONCURRENT_MODIFICATION', 'The violation register is renaming this violation; retry the review');
  }
}

export const violationNotFound = (): NotFoundError =>
  new NotFoundError('VIOLATION_NOT_FOUND', 'No such violation');

/**
 * Records counsel's review on `violation-<id>`, naming the act the violation judged (so that the
 * register can still apply it should a rules change find the act under another id). Whether the
 * violation exists, and whether the facts have since withdrawn it, is the register's knowledge, so
 * the handler asks the register: an unknown id is 404, a withdrawn violation 409 (there is nothing
 * left to conclude about), unless this very review was recorded before the facts withdrew it: a
 * retry then gets its first response.
 *
 * A review under the id a violation had before register v22 left hidden evidence out of ids is
 * recorded as one under its current id: on that id's stream, naming that id, and fingerprinted as
 * posted under it, so that a retry under either id is the same request. A retry under an
 * Idempotency-Key that api.db no longer remembers is also found on the streams of its violation's
 * other ids, where reviews were recorded before (under a former id, before register v22): it then
 * answers with the first response and records nothing.
 *
 * If-Match and If-None-Match: * are checked against the violation's ETag, which covers every stream
 * its reviews are on (ViolationReviews), once the register has reached the log's head. Within this
 * process the check and the append are one step for every review of the violation posted under any
 * of its ids: all are appended to its current id's stream, one at a time. The append's expected
 * revision guards that stream alone: a review appended meanwhile to another of its streams is not
 * seen (by another API process, or under an id that a fact recorded between that review's check and
 * its append has just made a former one).
 *
 * The register is asked once it has reached the log's head, so that an id it has still to judge
 * (after a restart, during a rebuild) is not unknown, and a violation a fact recorded a moment
 * before has withdrawn is not reviewed as open: until then the handler waits, as a read with
 * `minPosition` does, and then answers 503 with the lag.
 */
@CommandHandler(ReviewViolationCommand)
export class ReviewViolationHandler implements ICommandHandler<ReviewViolationCommand> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly violations: ViolationsReader,
    private readonly reviews: ViolationReviews,
    private readonly runner: ProjectionRunner,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly positions: OpaquePositions,
  ) {}

  async execute({ meta, violationId, body }: ReviewViolationCommand): Promise<ReviewAnswer> {
    // A former id (register v22) is recorded as the current one: on its stream, which the GET's
    // ETag names, and under the id the register applies it by. The stream is chosen before the
    // register is asked, from what it holds now; the same id then names the same stream on a retry.
    const current = this.violations.queries.get(violationId)?.violationId ?? violationId;
    const reads = this.reviews.reads();
    try {
      return await this.review(meta, violationId, current, body, reads);
    } catch (error) {
      // The register, behind when the stream was chosen, has since found the id to be a former one.
      if (!(error instanceof RenamedViolation)) throw error;
      return await this.review(meta, violationId, error.violationId, body, reads);
    }
  }

  private async review(
    meta: CommandMeta,
    requested: string,
    current: string,
    body: ReviewViolationDto,
    reads: ReviewStreamReads,
  ): Promise<ReviewAnswer> {
    const known = this.violations.queries.get(current);
    const ids = [requested, current, ...(known === undefined ? [] : this.reviews.idsOf(known))];
    const at = (id: string): string =>
      meta.requestHashAt?.(`/${API_PREFIX}/violations/${id}/review`) ?? meta.requestHash;
    const result = await this.executor.execute({
      ...meta,
      streamId: violationStreamId(current),
      decider: violationReviewDecider,
      requestHash: at(current),
      // As posted, and under its other ids: a review recorded before it was fingerprinted under
      // its current id, or before the register knew that id.
      sameRequestAs: [...new Set([meta.requestHash, ...ids.map(at)])],
      // Its other ids' streams: where the review may have been recorded before its violation was
      // known by this id, to be found there by its key when api.db no longer remembers it.
      recordedElsewhere: () =>
        Promise.all(
          [...new Set(ids)].filter((id) => id !== current).map((id) => reads.events(violationStreamId(id))),
        ),
      versionTag: (revision) => this.reviews.tagOf(current, { revision }, reads),
      // Only for a review not recorded yet: a retry of one gets its first response, whatever the
      // register's state.
      checkedCommand: async () => {
        const violation = await this.registered(requested);
        if (violation.violationId !== current) throw new RenamedViolation(violation.violationId);
        if (violation.status === 'WITHDRAWN') {
          throw new ConflictError('VIOLATION_WITHDRAWN', 'The recorded facts no longer show this violation');
        }
        return {
          type: 'ReviewViolation',
          data: { violationId: current, status: body.status, note: body.note, ...violationActOf(violation) },
          actor: meta.actor,
          now: this.clock.now(),
        };
      },
    });
    // The violation's ETag, as its GET gave it once the review was recorded, so that the next review
    // can name it at once. A retry's too, as it stood at the first response, over the violation's
    // streams as its GET names them now (the first may be on a former id's stream): another review
    // since then makes it stale, as it should, for this counsel has not seen that one.
    const mine = result.streamId === violationStreamId(current);
    const answeredAt = this.positions.open(result.position) ?? undefined;
    const etag = await this.reviews.tagOf(
      current,
      mine ? { revision: result.revision } : undefined,
      reads,
      answeredAt,
    );
    return { result, etag };
  }

  private async registered(violationId: string): Promise<RegisteredViolation> {
    // Judged on every fact recorded so far, even when the register already holds the id: a fact
    // recorded a moment before may have withdrawn it.
    await readModelsAtHead(
      this.runner,
      this.store,
      READ_YOUR_WRITES_TIMEOUT_MS,
      'The violation register has not reached the latest events yet; retry shortly',
      VIOLATION_REGISTER,
    );
    const judged = this.violations.queries.get(violationId);
    if (judged === undefined) throw violationNotFound();
    return judged;
  }
}
