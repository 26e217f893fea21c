import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, type PipeTransform } from '@nestjs/common';
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
  ApiPropertyOptional,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { RULE_IDS, ValidationError, type RuleId } from '@trust-ledger/domain';
import { VIOLATION_STATUSES, type ViolationStatus } from '@trust-ledger/projections/violations';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { agencyScopeOf, listedAgencyOf } from '../auth/agency-scope';
import { CurrentUser, Roles } from '../auth/decorators';
import type { Principal } from '../auth/principal';
import { AgencyPageQuery, decimal, DEFAULT_PAGE_LIMIT } from '../common/page-query';
import { CommandRequest, type CommandMeta } from '../write/command-meta';
import { CommandResult } from '../write/command-result';
import { ReviewViolationCommand, ReviewViolationDto, violationNotFound } from './review-violation';
import { violationView, ViolationDto, ViolationPageDto } from './violation.dto';
import { ViolationsReader } from './violations.reader';

const uuid = new ParseUUIDPipe({
  exceptionFactory: () => new ValidationError([{ field: 'violationId', reason: 'must be a UUID' }]),
});
/** Violation ids are lower case, like every id (see IsId): capitals name the same violation. */
const lowerCase: PipeTransform<string, string> = { transform: (id) => id.toLowerCase() };

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const ID_STREAM = new RegExp(`^(case|encounter|matter|certification)-(${UUID})$`);
/** The streams a violation can be on: a ruled record's, or a reporting period's (§ 11). */
const VIOLATION_STREAM = new RegExp(`${ID_STREAM.source}|^report-\\d{4}(?:-Q[1-4])?$`);

export class ViolationListQuery extends AgencyPageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 11 })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? decimal(value) : value))
  @Min(1)
  @Max(11)
  @IsInt() // checked first (see PageQuery.limit)
  section?: number;

  @ApiPropertyOptional({ enum: RULE_IDS })
  @IsOptional()
  @IsIn(RULE_IDS)
  ruleId?: RuleId;

  @ApiPropertyOptional({ enum: VIOLATION_STATUSES })
  @IsOptional()
  @IsIn(VIOLATION_STATUSES)
  status?: ViolationStatus;

  @ApiPropertyOptional({ example: 'case-…' })
  @IsOptional()
  // The id in it in lower case, as every id is kept (see IsId).
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string'
      ? value.replace(ID_STREAM, (_, kind: string, id: string) => `${kind}-${id.toLowerCase()}`)
      : value,
  )
  @Matches(VIOLATION_STREAM, {
    message:
      'streamId must be case-, encounter-, matter- or certification- and an id, or report- and a period',
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
      cursor === undefined ? null : Number(cursor),
      limit,
    );
    return {
      items: page.items.map(violationView),
      nextCursor: page.next === null ? null : String(page.next),
    };
  }

  @Get(':violationId')
  @Roles('officer', 'supervisor', 'counsel', 'oversight')
  @ApiOkResponse({ type: ViolationDto })
  @ApiNotFoundResponse({ description: "Unknown, or another agency's" })
  get(
    @CurrentUser() principal: Principal,
    @Param('violationId', uuid, lowerCase) violationId: string,
  ): ViolationDto {
    const violation = this.violations.queries.get(violationId);
    const scope = agencyScopeOf(principal);
    if (violation === undefined || (scope !== null && violation.agencyId !== scope))
      throw violationNotFound();
    return violationView(violation);
  }

  @Post(':violationId/review')
  @Roles('counsel')
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: CommandResult, description: 'ViolationReviewed recorded; id is its event id' })
  @ApiBadRequestResponse({ description: 'Invalid status or missing note' })
  @ApiForbiddenResponse({ description: 'Not counsel' })
  @ApiNotFoundResponse({ description: 'No such violation' })
  @ApiConflictResponse({ description: 'The violation was withdrawn, or the Idempotency-Key was reused' })
  @ApiServiceUnavailableResponse({
    description:
      'The violation is not in the register, which has not reached the latest events within 5 s: retry (Retry-After, with the lag)',
  })
  review(
    @CommandRequest() meta: CommandMeta,
    @Param('violationId', uuid, lowerCase) violationId: string,
    @Body() body: ReviewViolationDto,
  ): Promise<CommandResult> {
    return this.commands.execute(new ReviewViolationCommand(meta, violationId, body));
  }
}
