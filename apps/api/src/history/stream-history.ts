import { applyDecorators, Get, Inject, Injectable } from '@nestjs/common';
import { ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiProperty } from '@nestjs/swagger';
import type { NotFoundError } from '@trust-ledger/domain';
import { EVENT_STORE, type EventStore, type JsonObject } from '@trust-ledger/event-store';
import { OpaquePositions } from '@trust-ledger/privacy';
import { assertMaySee } from '../auth/agency-scope';
import { Roles } from '../auth/decorators';
import type { Principal } from '../auth/principal';
import type { PageQuery } from '../common/page-query';
import { streamPage } from '../common/stream-page';
import { EVENT_CODEC, type EventCodec } from '../write/event-codec';

export class HistoryItem {
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty() type!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) data!: JsonObject;
  @ApiProperty() revision!: number;
  @ApiProperty({ description: 'Opaque log position; may be passed as minPosition' }) position!: string;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
  @ApiProperty({ description: "The writer's token sub" }) actor!: string;
  @ApiProperty() correlationId!: string;
  @ApiProperty({ type: String, nullable: true }) causationId!: string | null;
}

export class HistoryPage {
  @ApiProperty({ type: () => [HistoryItem] }) items!: HistoryItem[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

/** What every record's history route shares: who may read it, and its documented answers. */
export function HistoryEndpoint(path: string, record: string): MethodDecorator {
  return applyDecorators(
    Get(path),
    Roles('officer', 'supervisor', 'counsel'),
    ApiOkResponse({ type: HistoryPage }),
    ApiForbiddenResponse({ description: 'Not an officer, supervisor or counsel' }),
    ApiNotFoundResponse({ description: `Unknown ${record} (or another agency’s)` }),
  );
}

/**
 * Everything recorded on one record (a case, certification, matter or encounter), in order, straight
 * from its stream rather than from a projection, each event's data as the codec gives it back
 * (personal data revealed) and its position sealed (API.md: opaque). Whose it is decides who may
 * read it: the agency named by the stream's first event, whose officers and supervisors may, as
 * counsel may; to anyone else another agency's record, like a missing one, is `notFound`.
 */
@Injectable()
export class StreamHistories {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(EVENT_CODEC) private readonly codec: EventCodec,
    private readonly positions: OpaquePositions,
  ) {}

  async page(
    reader: Principal,
    streamId: string,
    page: PageQuery,
    notFound: () => NotFoundError,
  ): Promise<HistoryPage> {
    // The agency as stored, in clear: nothing of the person's is decoded for a reader refused.
    let agencyId: unknown;
    for await (const recorded of this.store.readStream(streamId, { maxCount: 1 })) {
      agencyId = recorded.data.agencyId;
    }
    assertMaySee(reader, typeof agencyId === 'string' ? agencyId : undefined, notFound);
    return streamPage(this.store, streamId, page, async (recorded) => {
      const { type, data } = await this.codec.decode(recorded);
      const { recordedAt, actor, correlationId, causationId } = recorded.metadata;
      return {
        eventId: recorded.id,
        type,
        data,
        revision: recorded.revision,
        position: this.positions.seal(recorded.position),
        recordedAt,
        actor,
        correlationId,
        causationId,
      };
    });
  }
}
