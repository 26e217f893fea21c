import { Module } from '@nestjs/common';
import { CaseViewProjection } from '@trust-ledger/projections';
import { CaseViewReader } from './case-view.reader';
import { CaseViewsController } from './case-views.controller';

/** GET /cases and GET /cases/{caseId}, served by the case-view projection. */
@Module({
  controllers: [CaseViewsController],
  providers: [CaseViewProjection, CaseViewReader],
})
export class CaseViewsModule {}
