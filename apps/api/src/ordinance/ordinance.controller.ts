import { Body, Controller, Get, Inject, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CLOCK, NotFoundError, versionInForceAt, type Clock } from '@trust-ledger/domain';
import { OrdinanceHistoryProvider } from '@trust-ledger/projections/ordinance';
import { Roles } from '../auth/decorators';
import { CommandRequest, type CommandMeta } from '../write/command-meta';
import { CommandResult } from '../write/command-result';
import { CommandEndpoint } from '../write/command-endpoint';

import { AdoptOrdinanceVersionCommand, AdoptOrdinanceVersionDto } from './adopt-ordinance-version';
import { OrdinanceVersionPage, OrdinanceVersionView, versionView } from './ordinance-version.dto';
import { DEFAULT_PAGE_LIMIT, PageQuery } from '../common/page-query';

/** § 14: admin adopts versions; every role reads them (API.md: a token on everything but /public/*). */
@ApiTags('ordinance')
@Controller('ordinance')
export class OrdinanceController {
  constructor(
    private readonly commands: CommandBus,
    private readonly ordinance: OrdinanceHistoryProvider,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @ApiBearerAuth()
  @ApiUnauthorizedResponse({ description: 'No valid token' })
  @ApiOkResponse({ type: OrdinanceVersionView, description: 'The version in force now' })
  @ApiNotFoundResponse({ description: 'No version has taken effect yet' })
  async current(): Promise<OrdinanceVersionView> {
    const adoptions = await this.ordinance.adoptions();
    const inForce = versionInForceAt(
      adoptions.map((a) => a.data),
      this.clock.now(),
    );
    const adoption = adoptions.find((a) => a.data === inForce);
    if (adoption === undefined) {
      throw new NotFoundError('NO_ORDINANCE_IN_FORCE', 'No ordinance version is in force yet');
    }
    return versionView(adoption);
  }

  @Get('versions')
  @ApiBearerAuth()
  @ApiUnauthorizedResponse({ description: 'No valid token' })
  @ApiOkResponse({ type: OrdinanceVersionPage, description: 'Every version, in adoption order' })
  @ApiBadRequestResponse({ description: 'Invalid cursor or limit' })
  async versions(@Query() { cursor, limit = DEFAULT_PAGE_LIMIT }: PageQuery): Promise<OrdinanceVersionPage> {
    const adoptions = await this.ordinance.adoptions();
    const from = Number(cursor ?? 0);
    const next = from + limit;
    return {
      items: adoptions.slice(from, next).map(versionView),
      nextCursor: next < adoptions.length ? String(next) : null,
    };
  }

  @Post('versions')
  @Roles('admin')
  @ApiBearerAuth()
  @CommandEndpoint({ ifMatch: 'The ordinance stream revision' })
  @ApiCreatedResponse({
    type: CommandResult,
    description: 'OrdinanceVersionAdopted recorded; id is its event id',
  })
  @ApiBadRequestResponse({ description: 'Invalid terms; every offending field is named' })
  @ApiUnauthorizedResponse()
  @ApiForbiddenResponse({ description: 'Not an admin' })
  @ApiConflictResponse({ description: 'Idempotency-Key reused with another body' })
  adopt(@CommandRequest() meta: CommandMeta, @Body() body: AdoptOrdinanceVersionDto): Promise<CommandResult> {
    return this.commands.execute(new AdoptOrdinanceVersionCommand(meta, body));
  }
}
