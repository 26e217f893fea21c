import { Body, Controller, Get, Inject, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { NotFoundError } from '@trust-ledger/domain';
import { READ_MODEL_DB, type ReadModelDb } from '@trust-ledger/projections';
import { PublishedReportQueries } from '@trust-ledger/projections/reports';
import { Public, Roles } from '../auth/decorators';
import { DEFAULT_PAGE_LIMIT, PageQuery } from '../common/page-query';
import { CommandRequest, type CommandMeta } from '../write/command-meta';
import { CommandResult } from '../write/command-result';
import { AmendReportCommand, AmendReportDto } from './amend-report';
import { PublishReportCommand } from './publish-report';
import { PublishedReportDto, PublishedReportPageDto } from './report.dto';
import { CommandEndpoint } from '../write/command-endpoint';
import { ReportPeriodDto } from './report-period';

/** § 11: supervisors and admins publish a period's report and amend it. */
@ApiTags('reports')
@ApiBearerAuth()
@Roles('supervisor', 'admin')
@ApiBadRequestResponse({
  description: 'Invalid input, or a period of another granularity than the one in force',
})
@ApiUnauthorizedResponse()
@ApiForbiddenResponse({ description: 'Not a supervisor or admin' })
@ApiServiceUnavailableResponse({
  description:
    'The statistics or the violation register have not caught up with the record within 5 s, or the register stopped on an error',
})
@Controller('reports')
export class ReportsController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @CommandEndpoint()
  @ApiCreatedResponse({ type: CommandResult, description: 'ReportPublished; id is its event id' })
  @ApiConflictResponse({ description: 'The period has not ended, or its report is already published' })
  publish(@CommandRequest() meta: CommandMeta, @Body() body: ReportPeriodDto): Promise<CommandResult> {
    return this.commands.execute(new PublishReportCommand(meta, body));
  }

  @Post(':period/amendments')
  @CommandEndpoint({ ifMatch: 'The report stream revision' })
  @ApiCreatedResponse({ type: CommandResult, description: 'ReportAmended; id is its event id' })
  @ApiConflictResponse({ description: 'No report of the period is published' })
  amend(
    @CommandRequest() meta: CommandMeta,
    @Param() { period }: ReportPeriodDto,
    @Body() body: AmendReportDto,
  ): Promise<CommandResult> {
    return this.commands.execute(new AmendReportCommand(meta, period, body));
  }
}

/** § 11: the published reports, for anyone, without a token. */
@ApiTags('public')
@Public()
@Controller('public/reports')
export class PublicReportsController {
  private readonly queries: PublishedReportQueries;

  constructor(@Inject(READ_MODEL_DB) db: ReadModelDb) {
    this.queries = new PublishedReportQueries(db);
  }

  @Get()
  @ApiOkResponse({ type: PublishedReportPageDto, description: 'In the order published' })
  @ApiBadRequestResponse({ description: 'Invalid cursor or limit' })
  list(@Query() { cursor, limit = DEFAULT_PAGE_LIMIT }: PageQuery): PublishedReportPageDto {
    return this.queries.list(Number(cursor ?? 0), limit);
  }

  @Get(':period')
  @ApiOkResponse({ type: PublishedReportDto })
  @ApiBadRequestResponse({ description: 'Malformed period' })
  @ApiNotFoundResponse({ description: 'No report of the period is published' })
  get(@Param() { period }: ReportPeriodDto): PublishedReportDto {
    const report = this.queries.get(period);
    if (report === undefined)
      throw new NotFoundError('REPORT_NOT_FOUND', `No report of ${period} is published`);
    return report;
  }
}
