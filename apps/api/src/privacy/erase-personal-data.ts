import { Body, Controller, Inject, Injectable, Param, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiProperty,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { caseDecider, caseStreamId, CLOCK, ConflictError, type Clock } from '@trust-ledger/domain';
import { PersonalDataCipher, subjectKeyId } from '@trust-ledger/privacy';
import { Roles } from '../auth/decorators';
import { CaseParams } from '../cases/case-params';
import { Text } from '../common/validators';
import { CommandExecutor } from '../write/command-executor';
import { CommandRequest, type CommandMeta } from '../write/command-meta';
import { CommandResult } from '../write/command-result';
import { CommandEndpoint } from '../write/command-endpoint';

export class ErasePersonalDataDto {
  @ApiProperty({ maxLength: 4000, description: 'Why the data is erased (e.g. the request or order)' })
  @Text(4000)
  reason!: string;
}

/**
 * "Forget": records PersonalDataErased on the case, then destroys the subject's data key, so that
 * the sealed subject in the log (and in every read model and export built from it) reads as
 * "[erased]" for good, while the events and their hash chain stay exactly as recorded.
 *
 * The event comes first: the record says who erased and why before anything becomes unreadable. A
 * crash between the two leaves the key in place, so every retry destroys it again — a replay of the
 * same Idempotency-Key as much as a second request (which the decider answers 409 ALREADY_ERASED).
 */
@Injectable()
export class PersonalDataEraser {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly cipher: PersonalDataCipher,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async erase(meta: CommandMeta, caseId: string, reason: string): Promise<CommandResult> {
    let result: CommandResult;
    try {
      result = await this.executor.execute({
        ...meta,
        streamId: caseStreamId(caseId),
        decider: caseDecider,
        command: { type: 'ErasePersonalData', data: { reason }, actor: meta.actor, now: this.clock.now() },
      });
    } catch (error) {
      if (error instanceof ConflictError && error.code === 'ALREADY_ERASED')
        this.cipher.erase(subjectKeyId(caseId));
      throw error;
    }
    this.cipher.erase(subjectKeyId(caseId));
    return result;
  }
}

@ApiTags('cases')
@ApiBearerAuth()
@Controller('cases')
export class ErasePersonalDataController {
  constructor(private readonly eraser: PersonalDataEraser) {}

  @Post(':caseId/erase-personal-data')
  @Roles('admin')
  @CommandEndpoint()
  @ApiCreatedResponse({
    type: CommandResult,
    description: 'PersonalDataErased recorded and the key destroyed',
  })
  @ApiBadRequestResponse({ description: 'No reason given' })
  @ApiUnauthorizedResponse()
  @ApiForbiddenResponse({ description: 'Not an admin' })
  @ApiNotFoundResponse({ description: 'Unknown case' })
  @ApiConflictResponse({ description: 'Already erased (ALREADY_ERASED)' })
  erase(
    @CommandRequest() meta: CommandMeta,
    @Param() { caseId }: CaseParams,
    @Body() { reason }: ErasePersonalDataDto,
  ): Promise<CommandResult> {
    return this.eraser.erase(meta, caseId, reason);
  }
}
