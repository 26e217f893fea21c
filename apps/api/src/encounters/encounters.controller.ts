import { Body, Controller, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { encounterStreamId } from '@trust-ledger/domain';
import { CurrentUser, Roles } from '../auth/decorators';
import type { Principal } from '../auth/principal';
import { PageQuery } from '../common/page-query';
import { HistoryEndpoint, HistoryPage, StreamHistories } from '../history/stream-history';
import { CommandRequest, type CommandMeta } from '../write/command-meta';
import { CommandResult } from '../write/command-result';
import { CommandEndpoint } from '../write/command-endpoint';
import { encounterNotFound, EncounterParams } from './encounter-params';
import { RecordEncounterCommand, RecordEncounterDto } from './record-encounter';

/** Encounters (§ 1): stops, detentions, arrests and interviews, recorded without personal data. */
@ApiTags('encounters')
@ApiBearerAuth()
@ApiUnauthorizedResponse()
@Controller('encounters')
export class EncountersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly histories: StreamHistories,
  ) {}

  @Post()
  @Roles('officer', 'supervisor')
  @CommandEndpoint()
  @ApiCreatedResponse({ type: CommandResult, description: 'EncounterRecorded; id is the encounter id' })
  @ApiBadRequestResponse({
    description: 'Invalid input, or a field the contract does not name (personal data)',
  })
  @ApiForbiddenResponse({ description: 'Not an officer or supervisor, or another agency' })
  @ApiConflictResponse({
    description: 'The encounter id exists, or Idempotency-Key reused with another body',
  })
  record(
    @CurrentUser() user: Principal,
    @CommandRequest() meta: CommandMeta,
    @Body() body: RecordEncounterDto,
  ): Promise<CommandResult> {
    return this.commands.execute(new RecordEncounterCommand(user, meta, body));
  }

  /** The encounter as recorded (an addition to API.md): what counsel reads behind a § 1 violation. */
  @HistoryEndpoint(':encounterId/history', 'encounter')
  history(
    @CurrentUser() user: Principal,
    @Param() { encounterId }: EncounterParams,
    @Query() page: PageQuery,
  ): Promise<HistoryPage> {
    return this.histories.page(user, encounterStreamId(encounterId), page, encounterNotFound);
  }
}
