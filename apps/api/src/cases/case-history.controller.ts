import { Controller, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { caseStreamId } from '@trust-ledger/domain';
import { EVENT_STORE, type EventStore } from '@trust-ledger/event-store';
import { CurrentUser } from '../auth/decorators';
import type { Principal } from '../auth/principal';
import { PageQuery } from '../common/page-query';
import { HistoryEndpoint, HistoryPage, streamHistory } from '../history/stream-history';
import { EVENT_CODEC, type EventCodec } from '../write/event-codec';
import { CaseParams } from './case-params';
import { caseNotFound } from './case-writer';

/** Everything recorded on a case, in order, straight from its stream (not from a projection). */
@ApiTags('cases')
@ApiBearerAuth()
@Controller('cases')
export class CaseHistoryController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(EVENT_CODEC) private readonly codec: EventCodec,
  ) {}

  @HistoryEndpoint(':caseId/history', 'case')
  history(
    @CurrentUser() user: Principal,
    @Param() { caseId }: CaseParams,
    @Query() page: PageQuery,
  ): Promise<HistoryPage> {
    return streamHistory(this.store, this.codec, user, caseStreamId(caseId), page, caseNotFound);
  }
}
