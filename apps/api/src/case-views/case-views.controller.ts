import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiPropertyOptional,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { REQUEST_TYPES, type RequestType } from '@trust-ledger/domain';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { assertMaySee, listedAgencyOf } from '../auth/agency-scope';
import { CurrentUser, Roles } from '../auth/decorators';
import type { Principal } from '../auth/principal';
import { ListCursors } from '@trust-ledger/privacy';
import { AgencyPageQuery, cursorAfter, DEFAULT_PAGE_LIMIT, rowAfter } from '../common/page-query';
import { IsIsoDateTime, NotBefore } from '../common/validators';
import { CaseParams } from '../cases/case-params';
import { CaseViewPageDto, CaseViewDto } from './case-view.dto';
import { caseNotFound } from '../cases/case-writer';
import { setRevisionETag } from '../write/revision-etag.interceptor';
import { CaseViewReader } from './case-view.reader';

export class CaseViewQuery {
  @ApiPropertyOptional({ format: 'date-time', description: 'The case as recorded up to this moment' })
  @IsOptional()
  @IsIsoDateTime()
  asOf?: string;
}

const CASE_STATUSES = ['OPEN', 'CLOSED'] as const;

// Inherited fields validate after the class's own, so cursor and limit keep their place in 400s.
export class CaseListQuery extends AgencyPageQuery {
  @ApiPropertyOptional({ enum: CASE_STATUSES })
  @IsOptional()
  @IsIn(CASE_STATUSES)
  status?: (typeof CASE_STATUSES)[number];

  @ApiPropertyOptional({ description: 'Cases with (true) or without (false) an OPEN or CONFIRMED violation' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'hasOpenViolations must be true or false' })
  hasOpenViolations?: boolean;

  @ApiPropertyOptional({ enum: REQUEST_TYPES, description: 'Cases with a request of this type' })
  @IsOptional()
  @IsIn(REQUEST_TYPES)
  requestType?: RequestType;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Cases with a request received at or after this time',
  })
  @IsOptional()
  @IsIsoDateTime()
  receivedFrom?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Cases with a request received at or before this time',
  })
  @IsOptional()
  @NotBefore('receivedFrom')
  @IsIsoDateTime()
  receivedTo?: string;
}

/** Reads of the case-view projection (and, for `asOf`, of the case's own stream). */
@ApiTags('cases')
@ApiBearerAuth()
@ApiBadRequestResponse({ description: 'Invalid query; every offending field is named' })
@ApiUnauthorizedResponse()
@ApiServiceUnavailableResponse({ description: 'minPosition not reached within 5 s; the body gives the lag' })
@Roles('officer', 'supervisor', 'counsel')
@Controller('cases')
export class CaseViewsController {
  constructor(
    private readonly reader: CaseViewReader,
    private readonly cursors: ListCursors,
  ) {}

  @Get(':caseId')
  @ApiOkResponse({
    type: CaseViewDto,
    headers: { ETag: { description: 'The case revision, "<revision>"', schema: { type: 'string' } } },
  })
  @ApiNotFoundResponse({ description: 'Unknown case (or another agency’s)' })
  @ApiForbiddenResponse({ description: 'Not an officer, supervisor or counsel' })
  async get(
    @CurrentUser() user: Principal,
    @Param() { caseId }: CaseParams,
    @Query() { asOf }: CaseViewQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CaseViewDto> {
    const mayRead = (agencyId: string) => assertMaySee(user, agencyId, caseNotFound);
    const view =
      asOf === undefined
        ? await this.reader.current(caseId, mayRead)
        : await this.reader.asOf(caseId, asOf, mayRead);
    // The reader asked `mayRead` of a case it found.
    if (view === undefined) throw caseNotFound();
    setRevisionETag(reply, view.revision);
    return view;
  }

  @Get()
  @ApiOkResponse({ type: CaseViewPageDto })
  @ApiForbiddenResponse({ description: "An officer or supervisor asking for another agency's cases" })
  async list(@CurrentUser() user: Principal, @Query() query: CaseListQuery): Promise<CaseViewPageDto> {
    const { cursor, limit = DEFAULT_PAGE_LIMIT, ...filter } = query;
    const agencyId = listedAgencyOf(user, filter.agencyId);
    const after = rowAfter(this.cursors, 'cases', cursor);
    const page = await this.reader.list({ ...filter, agencyId }, after, limit);
    return { ...page, nextCursor: cursorAfter(this.cursors, 'cases', page.nextCursor) };
  }
}
