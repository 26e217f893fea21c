import { Body, Controller, Post } from '@nestjs/common';
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
import { CurrentUser, Roles } from '../auth/decorators';
import type { Principal } from '../auth/principal';
import { CommandRequest, type CommandMeta } from '../write/command-meta';
import { CommandResult } from '../write/command-result';
import { CommandEndpoint } from '../write/command-endpoint';
import { RecordEncounterCommand, RecordEncounterDto } from './record-encounter';

/** Encounters (§ 1): stops, detentions, arrests and interviews, recorded without personal data. */
@ApiTags('encounters')
@ApiBearerAuth()
@Roles('officer', 'supervisor')
@CommandEndpoint()
@Controller('encounters')
export class EncountersController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @ApiCreatedResponse({ type: CommandResult, description: 'EncounterRecorded; id is the encounter id' })
  @ApiBadRequestResponse({
    description: 'Invalid input, or a field the contract does not name (personal data)',
  })
  @ApiUnauthorizedResponse()
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
}
