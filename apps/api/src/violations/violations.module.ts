import { Module } from '@nestjs/common';
import { ViolationRegisterProjection } from '@trust-ledger/projections/violations';
import { ReviewViolationHandler } from './review-violation';
import { ViolationsController } from './violations.controller';
import { ViolationReviews } from './violation-reviews';
import { ViolationsReader } from './violations.reader';

/** § 12: the register projection, its queries, and counsel's review. */
@Module({
  controllers: [ViolationsController],
  providers: [ViolationRegisterProjection, ViolationsReader, ViolationReviews, ReviewViolationHandler],
  exports: [ViolationsReader],
})
export class ViolationsModule {}
