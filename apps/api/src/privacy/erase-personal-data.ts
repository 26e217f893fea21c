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
import {
  caseDecider,
  caseStreamId,
  certificationDecider,
  certificationStreamId,
  CLOCK,
  ConflictError,
  type Clock,
  type Decider,
  type ErasePersonalData,
} from '@trust-ledger/domain';
import { PersonalDataCipher, subjectKeyId, victimKeyId } from '@trust-ledger/privacy';
import { Roles } from '../auth/decorators';
import { CaseParams } from '../cases/case-params';
import { CertificationParams } from '../certifications/certification-params';
import { Text } from '../common/validators';
import { CommandExecutor } from '../write/command-executor';
import { CommandRequest, type CommandMeta } from '../write/command-meta';
import { CommandResult } from '../write/command-result';
import { CommandEndpoint } from '../write/command-endpoint';
import type { DomainEvent } from '../write/event-codec';

export class ErasePersonalDataDto {
  @ApiProperty({ maxLength: 4000, description: 'Why the data is erased (e.g. the request or order)' })
  @Text(4000)
  reason!: string;
}

/**
 * "Forget": records PersonalDataErased on the case (or certification), then destroys the subject's
 * (or victim's) data key, so that the sealed personal data in the log (and in every read model and
 * export built from it) reads as "[erased]" for good, while the events and their hash chain stay
 * exactly as recorded.
 *
 * The event comes first: the record says who erased and why before anything becomes unreadable. A
 * crash between the two leaves the key in place, so every retry destroys it again — a replay of the
 * same Idempotency-Key as much as a second request (which the decider answers 409 ALREADY_ERASED) —
 * and so does the next start (ErasureReconciler).
 */
@Injectable()
export class PersonalDataEraser {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly cipher: PersonalDataCipher,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  eraseSubject(meta: CommandMeta, caseId: string, reason: string): Promise<CommandResult> {
    return this.erase(meta, reason, caseStreamId(caseId), caseDecider, subjectKeyId(caseId));
  }

  eraseVictim(meta: CommandMeta, certificationId: string, reason: string): Promise<CommandResult> {
    const streamId = certificationStreamId(certificationId);
    return this.erase(meta, reason, streamId, certificationDecider, victimKeyId(certificationId));
  }

  private async erase<S, E extends DomainEvent>(
    meta: CommandMeta,
    reason: string,
    streamId: string,
    decider: Decider<S, ErasePersonalData, E>,
    keyId: string,
  ): Promise<CommandResult> {
    const command: ErasePersonalData = {
      type: 'ErasePersonalData',
      data: { reason },
      actor: meta.actor,
      now: this.clock.now(),
    };
    let result: CommandResult;
    try {
      result = await this.executor.execute({ ...meta, streamId, decider, command });
    } catch (error) {
      if (error instanceof ConflictError && error.code === 'ALREADY_ERASED') this.cipher.erase(keyId);
      throw error;
    }
    this.cipher.erase(keyId);
    return result;
  }
}

@ApiBearerAuth()
@ApiBadRequestResponse({ description: 'No reason given' })
@ApiUnauthorizedResponse()
@ApiForbiddenResponse({ description: 'Not an admin' })
@ApiConflictResponse({ description: 'Already erased (ALREADY_ERASED)' })
@Controller()
export class ErasePersonalDataController {
  constructor(private readonly eraser: PersonalDataEraser) {}

  @Post('cases/:caseId/erase-personal-data')
  @ApiTags('cases')
  @Roles('admin')
  @CommandEndpoint()
  @ApiCreatedResponse({
    type: CommandResult,
    description: "PersonalDataErased recorded and the subject's key destroyed",
  })
  @ApiNotFoundResponse({ description: 'Unknown case' })
  eraseSubject(
    @CommandRequest() meta: CommandMeta,
    @Param() { caseId }: CaseParams,
    @Body() { reason }: ErasePersonalDataDto,
  ): Promise<CommandResult> {
    return this.eraser.eraseSubject(meta, caseId, reason);
  }

  @Post('certifications/:certificationId/erase-personal-data')
  @ApiTags('certifications')
  @Roles('admin')
  @CommandEndpoint()
  @ApiCreatedResponse({
    type: CommandResult,
    description: "PersonalDataErased recorded and the victim's key destroyed",
  })
  @ApiNotFoundResponse({ description: 'Unknown certification' })
  eraseVictim(
    @CommandRequest() meta: CommandMeta,
    @Param() { certificationId }: CertificationParams,
    @Body() { reason }: ErasePersonalDataDto,
  ): Promise<CommandResult> {
    return this.eraser.eraseVictim(meta, certificationId, reason);
  }
}
