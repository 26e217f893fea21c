import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import {
  CLOCK,
  decideOrdinance,
  defaultOrdinanceVersion,
  initialOrdinanceState,
  ORDINANCE_STREAM_ID,
  type Clock,
} from '@trust-ledger/domain';
import {
  DuplicateEventIdError,
  EVENT_STORE,
  WrongExpectedRevisionError,
  type EventStore,
} from '@trust-ledger/event-store';
import { v5 as uuidv5 } from 'uuid';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { ID_NAMESPACE } from '../write/command-meta';
import { EVENT_CODEC, type EventCodec } from '../write/event-codec';

export const ORDINANCE_ACTOR = 'system:ordinance';

/** Every instance derives the same id, so the store sees one event however many record it. */
export const DEFAULT_VERSION_EVENT_ID = uuidv5('ordinance:default-version', ID_NAMESPACE);

/**
 * On first start, records API.md's default version, effective from ORDINANCE_EFFECTIVE_FROM, as
 * the ordinance stream's first event. Later starts find the stream there. Safe when several
 * instances start at once: the append expects no stream, so only the first lands.
 */
@Injectable()
export class DefaultOrdinanceRecorder implements OnModuleInit {
  private readonly logger = new Logger('Ordinance');

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(EVENT_CODEC) private readonly codec: EventCodec,
  ) {}

  async onModuleInit(): Promise<void> {
    if (await this.recorded()) return;
    const terms = defaultOrdinanceVersion(this.config.ordinanceEffectiveFrom);
    const now = this.clock.now();
    const [event] = decideOrdinance(initialOrdinanceState, {
      type: 'AdoptOrdinanceVersion',
      data: terms,
      actor: ORDINANCE_ACTOR,
      now,
    });
    try {
      await this.store.append(
        ORDINANCE_STREAM_ID,
        [
          {
            id: DEFAULT_VERSION_EVENT_ID,
            ...(await this.codec.encode(ORDINANCE_STREAM_ID, event)),
            metadata: {
              recordedAt: now,
              correlationId: DEFAULT_VERSION_EVENT_ID,
              causationId: null,
              actor: ORDINANCE_ACTOR,
            },
          },
        ],
        { expectedRevision: 'no_stream' },
      );
      this.logger.log(`Recorded the default ordinance version, effective from ${terms.effectiveFrom}`);
    } catch (error) {
      // Another instance recorded it between the look and the append.
      if (!(error instanceof WrongExpectedRevisionError || error instanceof DuplicateEventIdError))
        throw error;
    }
  }

  private async recorded(): Promise<boolean> {
    for await (const _ of this.store.readStream(ORDINANCE_STREAM_ID, { maxCount: 1 })) return true;
    return false;
  }
}
