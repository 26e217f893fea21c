import { Inject, Injectable } from '@nestjs/common';
import {
  ORDINANCE_STREAM_ID,
  type OrdinanceHistory,
  type OrdinanceVersion,
  type OrdinanceVersionAdopted,
  type Recorded,
} from '@trust-ledger/domain';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '@trust-ledger/event-store';

export type RecordedAdoption = Recorded<OrdinanceVersionAdopted>;

/**
 * The ordinance as recorded on its stream (§ 14), for whoever needs it outside a projection: command
 * handlers (the version in force decides a report's period), queries (a certification's deadline,
 * the statistics' threshold and zone) and views. It is a fold of the `ordinance` stream itself, not
 * of a read model, so that it is never behind the log: each call reads only what was appended since
 * the previous one (the stream holds a handful of events) and so sees every version recorded before
 * the call began.
 *
 * Projections must not use it: they keep their own copy from the OrdinanceVersionAdopted events they
 * are given, which is what makes a rebuild reach the same state.
 */
@Injectable()
export class OrdinanceHistoryProvider {
  private readonly recorded: RecordedAdoption[] = [];
  private refreshed: Promise<void> = Promise.resolve();

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** Every adoption as recorded, in adoption order: the evidence rules cite. */
  async adoptions(): Promise<readonly RecordedAdoption[]> {
    // Refreshes run one after another, each reading after the last revision the previous one saw.
    const refresh = this.refreshed.then(() => this.readNew());
    this.refreshed = refresh.catch(() => undefined);
    await refresh;
    return [...this.recorded];
  }

  /** Every version adopted so far, in adoption order. */
  async history(): Promise<OrdinanceHistory> {
    return (await this.adoptions()).map((a) => a.data);
  }

  /** The versions recorded up to `asOf` (by when they were recorded): the ordinance as it then stood. */
  async historyAsOf(asOf: string): Promise<OrdinanceHistory> {
    const versions: OrdinanceVersion[] = [];
    for await (const event of this.store.readStream(ORDINANCE_STREAM_ID, { upToTime: asOf })) {
      versions.push(adoptionOf(event).data);
    }
    return versions;
  }

  private async readNew(): Promise<void> {
    const fromRevision = this.recorded.length;
    for await (const event of this.store.readStream(ORDINANCE_STREAM_ID, { fromRevision })) {
      this.recorded.push(adoptionOf(event));
    }
  }
}

/** The `ordinance` stream holds nothing but adoptions: only its decider writes to it. */
export function adoptionOf(event: RecordedEvent): RecordedAdoption {
  return {
    type: 'OrdinanceVersionAdopted',
    data: event.data as unknown as OrdinanceVersion,
    eventId: event.id,
    streamId: event.streamId,
    revision: event.revision,
    recordedAt: event.metadata.recordedAt,
  };
}
