import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiServiceUnavailableResponse,
  ApiOkResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { parsePeriod, RULE_IDS, type RuleId } from '@trust-ledger/domain';
import type { FastifyReply } from 'fastify';
import { REPORT_STREAM_PREFIX } from '@trust-ledger/projections/reports';
import {
  RULED_STREAM_PREFIXES,
  VIOLATION_STATUSES,
  type ViolationStatus,
} from '@trust-ledger/projections/violations';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, isUUID, Max, Min, ValidateBy } from 'class-validator';
import { agencyScopeOf, listedAgencyOf } from '../auth/agency-scope';
import { CurrentUser, Roles } from '../auth/decorators';
import type { Principal } from '../auth/principal';
import { ListCursors } from '@trust-ledger/privacy';
import { AgencyPageQuery, cursorAfter, decimal, DEFAULT_PAGE_LIMIT, rowAfter } from '../common/page-query';
import { canonicalId, IsId } from '../common/validators';
import { CommandRequest, type CommandMeta } from '../write/command-meta';
import { CommandResult } from '../write/command-result';
import { ReviewViolationCommand, ReviewViolationDto, violationNotFound } from './review-violation';
import { CommandEndpoint } from '../write/command-endpoint';
import { setETag } from '../write/revision-etag.interceptor';
import { ViolationReviews } from './violation-reviews';
import { violationViewFor, ViolationDto, ViolationPageDto } from './violation.dto';
import { ViolationsReader } from './violations.reader';

export class ViolationParams {
  @ApiProperty({ format: 'uuid' })
  @IsId()
  violationId!: string;
}

/**
 * A stream a violation can be on, its id as kept (see IsId): a ruled record's stream and its id, or
 * a reporting period's (§ 11); null for any other text.
 */
function violationStreamOf(text: string): string | null {
  const ruled = RULED_STREAM_PREFIXES.find((prefix) => text.startsWith(prefix));
  if (ruled !== undefined) {
    const id = text.slice(ruled.length);
    return isUUID(id) ? ruled + canonicalId(id) : null;
  }
  return text.startsWith(REPORT_STREAM_PREFIX) &&
    parsePeriod(text.slice(REPORT_STREAM_PREFIX.length)) !== null
    ? text
    : null;
}

export class ViolationListQuery extends AgencyPageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 11 })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? decimal(value) : value))
  @Min(1)
  @Max(11)
  @IsInt() // checked first (see PageQuery.limit)
  section?: number;

  @ApiPropertyOptional({ enum: RULE_IDS, enumName: 'RuleId' })
  @IsOptional()
  @IsIn(RULE_IDS)
  ruleId?: RuleId;

  @ApiPropertyOptional({ enum: VIOLATION_STATUSES })
  @IsOptional()
  @IsIn(VIOLATION_STATUSES)
  status?: ViolationStatus;

  @ApiPropertyOptional({ example: 'case-…' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? (violationStreamOf(value) ?? value) : value,
  )
  @ValidateBy({
    name: 'isViolationStream',
    validator: {
      validate: (value) => typeof value === 'string' && violationStreamOf(value) !== null,
      defaultMessage: () =>
        'streamId must be a case, encounter, matter or certification stream with its id, or a report stream with its period',
    },
  })
  streamId?: string;
}

/** § 12: the violation register. Officers and supervisors see their agency's; counsel and oversight all. */
@ApiTags('violations')
@ApiBearerAuth()
@ApiUnauthorizedResponse()
@Controller('violations')
export class ViolationsController {
  constructor(
    private readonly violations: ViolationsReader,
    private readonly commands: CommandBus,
    private readonly cursors: ListCursors,
    private readonly reviews: ViolationReviews,
  ) {}

  @Get()
  @Roles('officer', 'supervisor', 'counsel', 'oversight')
  @ApiOkResponse({ type: ViolationPageDto, description: 'In order of first detection' })
  @ApiBadRequestResponse({ description: 'Invalid filter, cursor or limit' })
  @ApiForbiddenResponse({ description: "Another agency's list, or a role that does not read violations" })
  list(@CurrentUser() principal: Principal, @Query() query: ViolationListQuery): ViolationPageDto {
    const { cursor, limit = DEFAULT_PAGE_LIMIT, agencyId, ...filter } = query;
    const page = this.violations.queries.list(
      { ...filter, agencyId: listedAgencyOf(principal, agencyId) },
      rowAfter(this.cursors, 'violations', cursor),
      limit,
    );
    return {
      items: page.items.map((violation) => violationViewFor(principal, violation)),
      nextCursor: cursorAfter(this.cursors, 'violations', page.next),
    };
  }

  @Get(':violationId')
  @Roles('officer', 'supervisor', 'counsel', 'oversight')
  @ApiForbiddenResponse({ description: 'Not an officer, supervisor, counsel or oversight' })
  @ApiOkResponse({
    type: ViolationDto,
    headers: {
      ETag: {
        description:
          'For If-Match: "<revision>" of its reviews\' stream, or an opaque tag when its reviews are on more than one (under ids it had before); none before the first review (If-None-Match: *)',
        schema: { type: 'string' },
      },
    },
  })
  @ApiNotFoundResponse({ description: "Unknown, or another agency's" })
  async get(
    @CurrentUser() principal: Principal,
    @Param() { violationId }: ViolationParams,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ViolationDto> {
    // By its id, or the one it had before register v22: the body names the current one.
    const violation = this.violations.queries.get(violationId);
    const scope = agencyScopeOf(principal);
    if (violation === undefined || (scope !== null && violation.agencyId !== scope))
      throw violationNotFound();
    // What a review's If-Match names: every stream its reviews are on.
    const tag = await this.reviews.tagOf(violation.violationId);
    if (tag !== undefined) setETag(reply, tag);
    return violationViewFor(principal, violation);
  }

  @Post(':violationId/review')
  @Roles('counsel')
  @CommandEndpoint({ ifMatch: "The violation's ETag (of every stream its reviews are on)" })
  @ApiHeader({
    name: 'If-None-Match',
    required: false,
    description:
      "*: only if no review is recorded yet (a first review that must not overwrite another counsel's); else 412",
  })
  @ApiCreatedResponse({
    type: CommandResult,
    description: 'ViolationReviewed recorded; id is its event id',
    headers: {
      ETag: {
        description:
          "The violation's ETag as its GET gave it once the review was recorded (a retry's: as it stood at the first response, which a later review makes stale), for the next review's If-Match",
        schema: { type: 'string' },
      },
    },
  })
  @ApiBadRequestResponse({ description: 'Invalid status or missing note' })
  @ApiForbiddenResponse({ description: 'Not counsel' })
  @ApiNotFoundResponse({ description: 'No such violation' })
  @ApiConflictResponse({ description: 'The violation was withdrawn, or the Idempotency-Key was reused' })
  @ApiServiceUnavailableResponse({
    description:
      'The violation is not in the register, which has not reached the latest events within 5 s: retry (Retry-After, with the lag)',
  })
  async review(
    @CommandRequest() meta: CommandMeta,
    @Param() { violationId }: ViolationParams,
    @Body() body: ReviewViolationDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandResult> {
    const { result, etag } = await this.commands.execute(new ReviewViolationCommand(meta, violationId, body));
    if (etag !== undefined) setETag(reply, etag);
    return result;
  }
}
