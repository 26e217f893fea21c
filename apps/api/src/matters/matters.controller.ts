import { Body, Controller, Get, Inject, Param, Post, Query, Res } from '@nestjs/common';
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
  MATTER_KINDS,
  MATTER_REQUESTING_AGENCIES,
  matterStreamId,
  type MatterKind,
  type MatterRequestingAgency,
} from '@trust-ledger/domain';
import { READ_MODEL_DB, type ReadModelDb } from '@trust-ledger/projections';
import { MatterViewQueries } from '@trust-ledger/projections/institutional';
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
import { matterNotFound, MatterParams } from './matter-params';
import { MatterViewDto, MatterViewPageDto } from './matter-view.dto';
import { OpenMatterCommand, OpenMatterDto } from './open-matter';
import { RecordMatterActionCommand, RecordMatterActionDto } from './record-matter-action';

export class MatterListQuery extends AgencyPageQuery {
  @ApiPropertyOptional({ enum: MATTER_KINDS })
  @IsOptional()
  @IsIn(MATTER_KINDS)
  kind?: MatterKind;

  @ApiPropertyOptional({ enum: MATTER_REQUESTING_AGENCIES })
  @IsOptional()
  @IsIn(MATTER_REQUESTING_AGENCIES)
  requestingAgency?: MatterRequestingAgency;

  @ApiPropertyOptional({ format: 'date-time', description: 'Received at or after this time' })
  @IsOptional()
  @IsIsoDateTime()
  receivedFrom?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Received at or before this time' })
  @IsOptional()
  @NotBefore('receivedFrom')
  @IsIsoDateTime()
  receivedTo?: string;
}

/** Institutional matters (§§ 6, 7, 8, 10): the agency's officers and supervisors write; they and counsel read. */
@ApiTags('matters')
@ApiBearerAuth()
@ApiBadRequestResponse({ description: 'Invalid input; every offending field is named' })
@ApiUnauthorizedResponse()
@Controller('matters')
export class MattersController {
  private readonly queries: MatterViewQueries;

  constructor(
    private readonly commands: CommandBus,
    @Inject(READ_MODEL_DB) db: ReadModelDb,
    private readonly histories: StreamHistories,
    private readonly cursors: ListCursors,
  ) {
    this.queries = new MatterViewQueries(db);
  }

  @Post()
  @Roles('officer', 'supervisor')
  @CommandEndpoint()
  @ApiCreatedResponse({ type: CommandResult, description: 'MatterOpened; id is the matter id' })
  @ApiForbiddenResponse({ description: 'Not an officer or supervisor, or another agency' })
  @ApiConflictResponse({ description: 'The matter id exists, or Idempotency-Key reused with another body' })
  open(
    @CurrentUser() user: Principal,
    @CommandRequest() meta: CommandMeta,
    @Body() body: OpenMatterDto,
  ): Promise<CommandResult> {
    return this.commands.execute(new OpenMatterCommand(user, meta, body));
  }

  @Post(':matterId/actions')
  @Roles('officer', 'supervisor')
  @ApiForbiddenResponse({ description: 'Not an officer or supervisor' })
  @CommandEndpoint({ ifMatch: 'The matter ETag' })
  @ApiCreatedResponse({ type: CommandResult, description: 'MatterActionRecorded; id is its event id' })
  @ApiNotFoundResponse({ description: 'Unknown matter (or another agency’s)' })
  @ApiConflictResponse({ description: 'An action the kind of matter does not admit' })
  recordAction(
    @CurrentUser() user: Principal,
    @CommandRequest() meta: CommandMeta,
    @Param() { matterId }: MatterParams,
    @Body() body: RecordMatterActionDto,
  ): Promise<CommandResult> {
    return this.commands.execute(new RecordMatterActionCommand(user, meta, matterId, body));
  }

  @Get()
  @Roles('officer', 'supervisor', 'counsel')
  @ApiOkResponse({ type: MatterViewPageDto })
  @ApiForbiddenResponse({ description: "An officer or supervisor asking for another agency's matters" })
  list(@CurrentUser() user: Principal, @Query() query: MatterListQuery): MatterViewPageDto {
    const { cursor, limit = DEFAULT_PAGE_LIMIT, ...filter } = query;
    const agencyId = listedAgencyOf(user, filter.agencyId);
    const page = this.queries.list({ ...filter, agencyId }, rowAfter(this.cursors, 'matters', cursor), limit);
    return { ...page, nextCursor: cursorAfter(this.cursors, 'matters', page.nextCursor) };
  }

  @Get(':matterId')
  @Roles('officer', 'supervisor', 'counsel')
  @ApiForbiddenResponse({ description: 'Not an officer, supervisor or counsel' })
  @ApiOkResponse({
    type: MatterViewDto,
    headers: { ETag: { description: '"<revision>"', schema: { type: 'string' } } },
  })
  @ApiNotFoundResponse({ description: 'Unknown matter (or another agency’s)' })
  get(
    @CurrentUser() user: Principal,
    @Param() { matterId }: MatterParams,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): MatterViewDto {
    const view = this.queries.get(matterId);
    assertMaySee(user, view?.agencyId, matterNotFound);
    setRevisionETag(reply, view.revision);
    return view;
  }

  /** Everything recorded on the matter, from its stream (an addition to API.md): the acts counsel
   * reads behind a violation of §§ 6–8 or 10. */
  @HistoryEndpoint(':matterId/history', 'matter')
  history(
    @CurrentUser() user: Principal,
    @Param() { matterId }: MatterParams,
    @Query() page: PageQuery,
  ): Promise<HistoryPage> {
    return this.histories.page(user, matterStreamId(matterId), page, matterNotFound);
  }
}
