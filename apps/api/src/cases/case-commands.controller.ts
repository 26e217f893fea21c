import { applyDecorators, Body, Controller, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CurrentUser, Roles } from '../auth/decorators';
import type { Principal } from '../auth/principal';
import { CommandRequest, type CommandMeta } from '../write/command-meta';
import { CommandResult } from '../write/command-result';
import { CommandEndpoint } from '../write/command-endpoint';
import { CaseParams, RequestParams } from './case-params';
import { CloseCaseCommand, CloseCaseDto } from './close-case';
import { DecideRequestCommand, DecideRequestDto } from './decide-request';
import { OpenCaseCommand, OpenCaseDto } from './open-case';
import { RecordAccessCommand, RecordAccessDto } from './record-access';
import { RecordCustodyEventCommand, RecordCustodyEventDto } from './record-custody-event';
import { RecordDisclosureCommand, RecordDisclosureDto } from './record-disclosure';
import { RecordNoticeCommand, RecordNoticeDto } from './record-notice';
import { RecordRequestCommand, RecordRequestDto } from './record-request';

/**
 * A case command's route and its 201. Not a class-level @ApiCreatedResponse: each method's own
 * default 201 (empty) would replace it.
 */
const CaseCommand = (path?: string): MethodDecorator =>
  applyDecorators(
    Post(path),
    ApiCreatedResponse({ type: CommandResult, description: 'Recorded; ETag carries the new revision' }),
  );

/** HTTP → validated DTO → command bus; the handlers do the rest. */
@ApiTags('cases')
@ApiBearerAuth()
@CommandEndpoint({ ifMatch: 'The case ETag ("<revision>")' })
@ApiBadRequestResponse({ description: 'Invalid input; every offending field is named' })
@ApiUnauthorizedResponse()
@ApiForbiddenResponse({ description: 'Not an officer or supervisor, or another agency' })
@ApiNotFoundResponse({ description: 'Unknown case (or another agency’s)' })
@ApiConflictResponse({ description: 'Contradicts the record, or Idempotency-Key reused with another body' })
@Roles('officer', 'supervisor')
@Controller('cases')
export class CaseCommandsController {
  constructor(private readonly commands: CommandBus) {}

  @CaseCommand()
  open(
    @CurrentUser() user: Principal,
    @CommandRequest() meta: CommandMeta,
    @Body() body: OpenCaseDto,
  ): Promise<CommandResult> {
    return this.commands.execute(new OpenCaseCommand(user, meta, body));
  }

  @CaseCommand(':caseId/requests')
  recordRequest(
    @CurrentUser() user: Principal,
    @CommandRequest() meta: CommandMeta,
    @Param() { caseId }: CaseParams,
    @Body() body: RecordRequestDto,
  ): Promise<CommandResult> {
    return this.commands.execute(new RecordRequestCommand(user, meta, caseId, body));
  }

  @CaseCommand(':caseId/notices')
  recordNotice(
    @CurrentUser() user: Principal,
    @CommandRequest() meta: CommandMeta,
    @Param() { caseId }: CaseParams,
    @Body() body: RecordNoticeDto,
  ): Promise<CommandResult> {
    return this.commands.execute(new RecordNoticeCommand(user, meta, caseId, body));
  }

  @CaseCommand(':caseId/requests/:requestId/decision')
  decide(
    @CurrentUser() user: Principal,
    @CommandRequest() meta: CommandMeta,
    @Param() { caseId, requestId }: RequestParams,
    @Body() body: DecideRequestDto,
  ): Promise<CommandResult> {
    return this.commands.execute(new DecideRequestCommand(user, meta, caseId, requestId, body));
  }

  @CaseCommand(':caseId/disclosures')
  recordDisclosure(
    @CurrentUser() user: Principal,
    @CommandRequest() meta: CommandMeta,
    @Param() { caseId }: CaseParams,
    @Body() body: RecordDisclosureDto,
  ): Promise<CommandResult> {
    return this.commands.execute(new RecordDisclosureCommand(user, meta, caseId, body));
  }

  @CaseCommand(':caseId/access')
  recordAccess(
    @CurrentUser() user: Principal,
    @CommandRequest() meta: CommandMeta,
    @Param() { caseId }: CaseParams,
    @Body() body: RecordAccessDto,
  ): Promise<CommandResult> {
    return this.commands.execute(new RecordAccessCommand(user, meta, caseId, body));
  }

  @CaseCommand(':caseId/custody-events')
  recordCustodyEvent(
    @CurrentUser() user: Principal,
    @CommandRequest() meta: CommandMeta,
    @Param() { caseId }: CaseParams,
    @Body() body: RecordCustodyEventDto,
  ): Promise<CommandResult> {
    return this.commands.execute(new RecordCustodyEventCommand(user, meta, caseId, body));
  }

  @CaseCommand(':caseId/close')
  close(
    @CurrentUser() user: Principal,
    @CommandRequest() meta: CommandMeta,
    @Param() { caseId }: CaseParams,
    @Body() body: CloseCaseDto,
  ): Promise<CommandResult> {
    return this.commands.execute(new CloseCaseCommand(user, meta, caseId, body));
  }
}
