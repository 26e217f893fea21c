import type Database from 'better-sqlite3';
import type { EventFilter, JsonObject, RecordedEvent } from '@trust-ledger/event-store';

export type ReadModelDb = Database.Database;

/**
 * A read model kept in the read-model database beside its checkpoint. Everything here is
 * synchronous so that the runner can apply a batch and move the checkpoint in one transaction.
 *
 * A projection must be a pure function of the events it is given: no wall clock, no randomness, no
 * reads of other projections' tables while applying. That is what makes a rebuild reach exactly the
 * state incremental processing reached.
 */
export interface Projection {
  /** Stable identifier; the checkpoint row's key and the name operators use to rebuild it. */
  readonly name: string;
  /** Bump whenever setup/apply change meaning: the runner then drops and replays it on start. What
   * each version changed is told by the commit that bumped it. */
  readonly version: number;
  /** Only these events reach `apply`; the checkpoint still moves past the others. */
  readonly filter?: EventFilter;
  /** Creates the tables. Called once per version, in the transaction that resets the checkpoint. */
  setup(db: ReadModelDb): void;
  /** Removes every table `setup` created (and any older version's). */
  drop(db: ReadModelDb): void;
  /** Folds one event into the tables. Throwing stops the projection at this event. A projection
   * may hold what it read and wrote in memory until `flush`, so that a batch that touches a row many
   * times reads and writes it once. */
  apply(db: ReadModelDb, event: RecordedEvent): void;
  /** Writes what `apply` held in memory and forgets it. Called in the batch's transaction before its
   * checkpoint moves (after every event when the runner must find which event fails). */
  flush?(db: ReadModelDb): void;
  /** The writes since the last `flush` were rolled back: forget what `apply` held in memory. */
  discard?(): void;
  /** What /health shows of the read model (the register: the reviews it could
   * not apply). Read from the committed tables, so it may be called whatever the projection holds. */
  details?(db: ReadModelDb): JsonObject;
}

export function passesFilter(filter: EventFilter | undefined, event: RecordedEvent): boolean {
  if (filter === undefined) return true;
  if (filter.eventTypes !== undefined && !filter.eventTypes.includes(event.type)) return false;
  if (
    filter.streamPrefixes !== undefined &&
    !filter.streamPrefixes.some((p) => event.streamId.startsWith(p))
  ) {
    return false;
  }
  return true;
}
