import type { LegalBasis, MatterAction, MatterEvent, MatterOpened } from '@trust-ledger/domain';
import type { RecordedEvent } from '@trust-ledger/event-store';
import { asDomainEvent } from '../shared/domain-event';

/** An institutional matter (§§ 6, 7, 8, 10) as its views show it; matters hold no personal data. */
export type MatterRecord = MatterOpened['data'] & {
  actions: Array<{
    eventId: string;
    action: MatterAction;
    at: string;
    legalBasis: LegalBasis;
    citation: string | null;
    approvedBy: string | null;
    noticeForbiddenByOrder: boolean | null;
  }>;
  /** The stream's revision: the ETag, and what If-Match compares with. */
  revision: number;
};

/** Folds one recorded event of a `matter-` stream into its record; undefined before it is opened. */
export function evolveMatterRecord(
  record: MatterRecord | undefined,
  recorded: RecordedEvent,
): MatterRecord | undefined {
  const event = asDomainEvent<MatterEvent>(recorded);
  const revision = recorded.revision;
  if (event.type === 'MatterOpened') return { ...event.data, actions: [], revision };
  if (record === undefined) return undefined;
  return { ...record, actions: [...record.actions, { eventId: recorded.id, ...event.data }], revision };
}
