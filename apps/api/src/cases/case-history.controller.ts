import { Controller, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { caseStreamId } from '@trust-ledger/domain';
import { CurrentUser } from '../auth/decorators';
import type { Principal } from '../auth/principal';
import { PageQuery } from '../common/page-query';
import { HistoryEndpoint, HistoryPage, StreamHistories } from '../history/stream-history';
import { CaseParams } from './case-params';
import { caseNotFound } from './case-writer';

/** Everything recorded on a case, in order, straight from its stream (not from a projection). */
@ApiTags('cases')
@ApiBearerAuth()
@Controller('cases')
export class CaseHistoryController {
  constructor(private readonly histories: StreamHistories) {}

  @HistoryEndpoint(':caseId/history', 'case')
  history(
    @CurrentUser() user: Principal,
    @Param() { caseId }: CaseParams,
    @Query() page: PageQuery,
  ): Promise<HistoryPage> {
    return this.histories.page(user, caseStreamId(caseId), page, caseNotFound);
  }
}
