import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { caseStreamId } from '@trust-ledger/domain';
import { EVENT_STORE, type EventStore, type JsonObject } from '@trust-ledger/event-store';
import { IsOptional, IsString } from 'class-validator';
import { assertMaySee } from '../auth/agency-scope';
import { CurrentUser, Roles } from '../auth/decorators';
import type { Principal } from '../auth/principal';
import { PageQuery } from '../common/page-query';
import { streamPage } from '../common/stream-page';
import { EVENT_CODEC, type EventCodec } from '../write/event-codec';
import { CaseParams } from './case-params';
import { caseNotFound } from './case-writer';

export class HistoryQuery extends PageQuery {
  /** Accepted as on every GET; the history is read from the log itself, so it is always caught up. */
  @ApiPropertyOptional({ description: 'Ignored: the history is read from the log itself' })
  @IsOptional()
  @IsString()
  minPosition?: string;
}

export class HistoryItem {
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty() type!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) data!: JsonObject;
  @ApiProperty() revision!: number;
  @ApiProperty() position!: string;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
  @ApiProperty({ description: "The writer's token sub" }) actor!: string;
  @ApiProperty() correlationId!: string;
  @ApiProperty({ type: String, nullable: true }) causationId!: string | null;
}

export class HistoryPage {
  @ApiProperty({ type: () => [HistoryItem] }) items!: HistoryItem[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

/** Everything recorded on a case, in order, straight from its stream (not from a projection). */
@ApiTags('cases')
@ApiBearerAuth()
@Controller('cases')
export class CaseHistoryController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(EVENT_CODEC) private readonly codec: EventCodec,
  ) {}

  @Get(':caseId/history')
  @Roles('officer', 'supervisor', 'counsel')
  @ApiOkResponse({ type: HistoryPage })
  async history(
    @CurrentUser() user: Principal,
    @Param() { caseId }: CaseParams,
    @Query() page: HistoryQuery,
  ): Promise<HistoryPage> {
    const streamId = caseStreamId(caseId);
    await this.assertMaySeeCase(user, streamId);

    return streamPage(this.store, streamId, page, async (recorded) => {
      const { type, data } = await this.codec.decode(recorded);
      const { recordedAt, actor, correlationId, causationId } = recorded.metadata;
      return {
        eventId: recorded.id,
        type,
        data,
        revision: recorded.revision,
        position: recorded.position,
        recordedAt,
        actor,
        correlationId,
        causationId,
      };
    });
  }

  /** The case's agency is on its first event, CaseOpened. */
  private async assertMaySeeCase(user: Principal, streamId: string): Promise<void> {
    let agencyId: string | undefined;
    for await (const first of this.store.readStream(streamId, { maxCount: 1 })) {
      const { data } = await this.codec.decode(first);
      agencyId = typeof data.agencyId === 'string' ? data.agencyId : undefined;
    }
    assertMaySee(user, agencyId, caseNotFound);
  }
}
