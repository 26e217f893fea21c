import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiPropertyOptional,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import {
  CERTIFICATION_FORMS,
  certificationStreamId,
  type CertificationForm,
  type CertificationStatus,
} from '@trust-ledger/domain';
import { IsIn, IsOptional } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { assertMaySee, listedAgencyOf } from '../auth/agency-scope';
import { CurrentUser, Roles } from '../auth/decorators';
import type { Principal } from '../auth/principal';
import { IsIsoDateTime, NotBefore } from '../common/validators';
import { ListCursors } from '@trust-ledger/privacy';
import { AgencyPageQuery, cursorAfter, DEFAULT_PAGE_LIMIT, PageQuery, rowAfter } from '../common/page-query';
import { HistoryEndpoint, HistoryPage, StreamHistories } from '../history/stream-history';
import { CommandRequest, type CommandMeta } from '../write/command-meta';
import { CommandEndpoint } from '../write/command-endpoint';
import { CommandResult } from '../write/command-result';
import { setRevisionETag } from '../write/revision-etag.interceptor';
import { CERTIFICATION_STATUSES, certificationNotFound, CertificationParams } from './certification-params';
import { CertificationViewDto, CertificationViewPageDto } from './certification-view.dto';
import { CertificationViewReader } from './certification-view.reader';
import { DecideCertificationCommand, DecideCertificationDto } from './decide-certification';
import { RecordAssistanceRefusalCommand, RecordAssistanceRefusalDto } from './record-assistance-refusal';
import { RequestCertificationCommand, RequestCertificationDto } from './request-certification';
import { WithdrawCertificationCommand, WithdrawCertificationDto } from './withdraw-certification';

export class CertificationListQuery extends AgencyPageQuery {
  @ApiPropertyOptional({ enum: CERTIFICATION_STATUSES })
  @IsOptional()
  @IsIn(CERTIFICATION_STATUSES)
  status?: CertificationStatus;

  @ApiPropertyOptional({ enum: CERTIFICATION_FORMS })
  @IsOptional()
  @IsIn(CERTIFICATION_FORMS)
  form?: CertificationForm;

  @ApiPropertyOptional({ format: 'date-time', description: 'Requested at or after this time' })
  @IsOptional()
  @IsIsoDateTime()
  requestedFrom?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Requested at or before this time' })
  @IsOptional()
  @NotBefore('requestedFrom')
  @IsIsoDateTime()
  requestedTo?: string;
}

/** Victim visa certifications (§ 9): the agency's officers and supervisors write; they and counsel read. */
@ApiTags('certifications')
@ApiBearerAuth()
@ApiBadRequestResponse({ description: 'Invalid input; every offending field is named' })
@ApiUnauthorizedResponse()
@Controller('certifications')
export class CertificationsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly reader: CertificationViewReader,
    private readonly histories: StreamHistories,
    private readonly cursors: ListCursors,
  ) {}

  @Post()
  @Roles('officer', 'supervisor')
  @CommandEndpoint()
  @ApiCreatedResponse({
    type: CommandResult,
    description: 'CertificationRequested; id is the certification id',
  })
  @ApiForbiddenResponse({ description: 'Not an officer or supervisor, or another agency' })
  @ApiConflictResponse({
    description: 'The certification id exists, or Idempotency-Key reused with another body',
  })
  request(
    @CurrentUser() user: Principal,
    @CommandRequest() meta: CommandMeta,
    @Body() body: RequestCertificationDto,
  ): Promise<CommandResult> {
    return this.commands.execute(new RequestCertificationCommand(user, meta, body));
  }

  @Post(':certificationId/assistance-refusals')
  @Roles('officer', 'supervisor')
  @ApiForbiddenResponse({ description: 'Not an officer or supervisor' })
  @CommandEndpoint({ ifMatch: 'The certification ETag' })
  @ApiCreatedResponse({ type: CommandResult, description: 'AssistanceRefusalRecorded; id is its event id' })
  @ApiNotFoundResponse({ description: 'Unknown certification (or another agency’s)' })
  recordAssistanceRefusal(
    @CurrentUser() user: Principal,
    @CommandRequest() meta: CommandMeta,
    @Param() { certificationId }: CertificationParams,
    @Body() body: RecordAssistanceRefusalDto,
  ): Promise<CommandResult> {
    return this.commands.execute(new RecordAssistanceRefusalCommand(user, meta, certificationId, body));
  }

  @Post(':certificationId/decision')
  @Roles('officer', 'supervisor')
  @ApiForbiddenResponse({ description: 'Not an officer or supervisor' })
  @CommandEndpoint({ ifMatch: 'The certification ETag' })
  @ApiCreatedResponse({ type: CommandResult, description: 'CertificationDecided; id is its event id' })
  @ApiNotFoundResponse({ description: 'Unknown certification (or another agency’s)' })
  @ApiConflictResponse({ description: 'Already decided or withdrawn, or dated before the request' })
  decide(
    @CurrentUser() user: Principal,
    @CommandRequest() meta: CommandMeta,
    @Param() { certificationId }: CertificationParams,
    @Body() body: DecideCertificationDto,
  ): Promise<CommandResult> {
    return this.commands.execute(new DecideCertificationCommand(user, meta, certificationId, body));
  }

  @Post(':certificationId/withdraw')
  @Roles('officer', 'supervisor')
  @ApiForbiddenResponse({ description: 'Not an officer or supervisor' })
  @CommandEndpoint({ ifMatch: 'The certification ETag' })
  @ApiCreatedResponse({ type: CommandResult, description: 'CertificationWithdrawn; id is its event id' })
  @ApiNotFoundResponse({ description: 'Unknown certification (or another agency’s)' })
  @ApiConflictResponse({ description: 'Already decided or withdrawn, or dated before the request' })
  withdraw(
    @CurrentUser() user: Principal,
    @CommandRequest() meta: CommandMeta,
    @Param() { certificationId }: CertificationParams,
    @Body() body: WithdrawCertificationDto,
  ): Promise<CommandResult> {
    return this.commands.execute(new WithdrawCertificationCommand(user, meta, certificationId, body));
  }

  @Get()
  @Roles('officer', 'supervisor', 'counsel')
  @ApiOkResponse({ type: CertificationViewPageDto })
  @ApiForbiddenResponse({
    description: "An officer or supervisor asking for another agency's certifications",
  })
  async list(
    @CurrentUser() user: Principal,
    @Query() query: CertificationListQuery,
  ): Promise<CertificationViewPageDto> {
    const { cursor, limit = DEFAULT_PAGE_LIMIT, ...filter } = query;
    const agencyId = listedAgencyOf(user, filter.agencyId);
    const after = rowAfter(this.cursors, 'certifications', cursor);
    const page = await this.reader.list({ ...filter, agencyId }, after, limit);
    return { ...page, nextCursor: cursorAfter(this.cursors, 'certifications', page.nextCursor) };
  }

  @Get(':certificationId')
  @Roles('officer', 'supervisor', 'counsel')
  @ApiForbiddenResponse({ description: 'Not an officer, supervisor or counsel' })
  @ApiOkResponse({
    type: CertificationViewDto,
    headers: { ETag: { description: '"<revision>"', schema: { type: 'string' } } },
  })
  @ApiNotFoundResponse({ description: 'Unknown certification (or another agency’s)' })
  async get(
    @CurrentUser() user: Principal,
    @Param() { certificationId }: CertificationParams,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CertificationViewDto> {
    const view = await this.reader.get(certificationId, (agencyId) =>
      assertMaySee(user, agencyId, certificationNotFound),
    );
    // The reader asked the agency check of a certification it found.
    if (view === undefined) throw certificationNotFound();
    setRevisionETag(reply, view.revision);
    return view;
  }

  /** Everything recorded on the certification, from its stream, the victim revealed (an addition to
   * API.md, as the case's history): what counsel reads behind a § 9 violation. Each read is on the
   * certification's access log. */
  @HistoryEndpoint(':certificationId/history', 'certification')
  history(
    @CurrentUser() user: Principal,
    @Param() { certificationId }: CertificationParams,
    @Query() page: PageQuery,
  ): Promise<HistoryPage> {
    const streamId = certificationStreamId(certificationId);
    return this.histories.page(user, streamId, page, certificationNotFound);
  }
}
