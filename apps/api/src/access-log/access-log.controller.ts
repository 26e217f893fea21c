import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiProperty,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { caseStreamId, certificationStreamId } from '@trust-ledger/domain';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '@trust-ledger/event-store';
import { Roles } from '../auth/decorators';
import { ROLES, type Role } from '../auth/principal';
import { CaseParams } from '../cases/case-params';
import { caseNotFound } from '../cases/case-writer';
import { certificationNotFound, CertificationParams } from '../certifications/certification-params';
import { PageQuery } from '../common/page-query';
import { streamPage } from '../common/stream-page';
import { EVENT_CODEC, type EventCodec } from '../write/event-codec';
import { READ_VIEWS, accessLogStreamId, type PersonalDataAccessed, type ReadView } from './access-log';

export class AccessLogItem {
  @ApiProperty({ format: 'uuid', description: 'The PersonalDataAccessed event' }) eventId!: string;
  @ApiProperty({ format: 'date-time', description: 'When the data was served' }) readAt!: string;
  @ApiProperty({ description: "Who read it: the reader's token sub" }) actor!: string;
  @ApiProperty({ enum: ROLES }) role!: Role;
  @ApiProperty({ type: String, nullable: true }) agencyId!: string | null;
  @ApiProperty({ enum: READ_VIEWS, description: 'What was read' }) view!: ReadView;
  @ApiProperty({ example: 'GET /cases/{caseId}' }) endpoint!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'A read into the past' })
  asOf!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Why: the X-Purpose header of the read; "[erased]" once the person read is erased',
  })
  purpose!: string | null;
  @ApiProperty() correlationId!: string;
}

export class AccessLogPage {
  @ApiProperty({ type: [AccessLogItem] }) items!: AccessLogItem[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

/**
 * Who read a case's or a certification's personal data, in the order the reads were served,
 * straight from the log, each read's purpose revealed ("[erased]" once its person is erased).
 */
@ApiBearerAuth()
@ApiUnauthorizedResponse()
@ApiForbiddenResponse({ description: 'Not counsel or admin' })
@Controller()
export class AccessLogController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(EVENT_CODEC) private readonly codec: EventCodec,
  ) {}

  @Get('cases/:caseId/access-log')
  @ApiTags('cases')
  @Roles('counsel', 'admin')
  @ApiOkResponse({ type: AccessLogPage })
  @ApiNotFoundResponse({ description: 'Unknown case' })
  async caseAccessLog(@Param() { caseId }: CaseParams, @Query() page: PageQuery): Promise<AccessLogPage> {
    if (!(await this.exists(caseStreamId(caseId)))) throw caseNotFound();
    return streamPage(this.store, accessLogStreamId({ caseId }), page, (event) => this.itemOf(event));
  }

  @Get('certifications/:certificationId/access-log')
  @ApiTags('certifications')
  @Roles('counsel', 'admin')
  @ApiOkResponse({ type: AccessLogPage })
  @ApiNotFoundResponse({ description: 'Unknown certification' })
  async certificationAccessLog(
    @Param() { certificationId }: CertificationParams,
    @Query() page: PageQuery,
  ): Promise<AccessLogPage> {
    if (!(await this.exists(certificationStreamId(certificationId)))) throw certificationNotFound();
    return streamPage(this.store, accessLogStreamId({ certificationId }), page, (event) =>
      this.itemOf(event),
    );
  }

  private async exists(streamId: string): Promise<boolean> {
    for await (const _ of this.store.readStream(streamId, { maxCount: 1 })) return true;
    return false;
  }

  /** A recorded read, its purpose revealed: sealed in newer events, in clear in older ones, and
   * "[erased]" in both once the person read is erased. */
  private async itemOf(event: RecordedEvent): Promise<AccessLogItem> {
    const data = (await this.codec.decode(event)).data as unknown as PersonalDataAccessed;
    return {
      eventId: event.id,
      readAt: event.metadata.recordedAt,
      actor: event.metadata.actor,
      role: data.role,
      agencyId: data.agencyId,
      view: data.view,
      endpoint: data.endpoint,
      asOf: data.asOf,
      purpose: data.purpose,
      correlationId: event.metadata.correlationId,
    };
  }
}
