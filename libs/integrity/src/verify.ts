import type { KeyObject } from 'node:crypto';
import {
  isReadable,
  readAllPastUnreadable,
  readStreamPastUnreadable,
  type CorruptEventError,
  type EventStore,
  type ReadOrUnreadable,
  type RecordedEvent,
} from '@trust-ledger/event-store';
import {
  CHECKPOINT_EVENT_TYPE,
  CheckpointFold,
  INTEGRITY_STREAM_ID,
  parseCheckpoint,
  RecordedHeads,
  type CheckpointAnchor,
  type CheckpointedHead,
  type RecordedCheckpoint,
} from './checkpoint';
import { ChainVerifier, readIntegrity, type IntegrityBreak, type VerificationResult } from './hash-chain';

/**
 * Recomputes one stream's chain and compares its head with the latest checkpoint that recorded it,
 * so that besides edits, reorderings and gaps, a deleted tail or a deleted stream is found too.
 */
export async function verifyStream(
  store: EventStore,
  streamId: string,
  heads?: RecordedHeads,
): Promise<VerificationResult> {
  return (await readVerifiedStream(store, streamId, heads)).integrity;
}

/** A stream's events as read once, and the verification of exactly those events. */
export interface VerifiedStream {
  events: RecordedEvent[];
  integrity: VerificationResult;
  /** The events the store holds but could not read (their breaks are in `integrity`). */
  unreadable: CorruptEventError[];
}

/**
 * Reads a stream once and verifies what was read, so that a document quoting the events (an
 * evidence pack) states the integrity of those very events, not of a later read. The checkpoints
 * are read first, so none of them can record a head that the stream, read after them, lacks.
 */
export async function readVerifiedStream(
  store: EventStore,
  streamId: string,
  heads = new RecordedHeads(store),
): Promise<VerifiedStream> {
  const events: RecordedEvent[] = [];
  // The checkpoint stream is verified by its own chain, from the one read of it.
  if (streamId === INTEGRITY_STREAM_ID) {
    const unreadable: CorruptEventError[] = [];
    const { chain } = await readCheckpoints(store, events, {}, unreadable);
    return { events, integrity: chain.result(), unreadable };
  }
  const { head, problems } = await heads.of(streamId);
  const read: ReadOrUnreadable[] = [];
  for await (const item of readStreamPastUnreadable(store, streamId)) read.push(item);
  events.push(...read.filter(isReadable));
  const unreadable = read.filter((item): item is CorruptEventError => !isReadable(item));
  const integrity = await verifyAgainstCheckpoint(read, streamId, head);
  if (problems.length === 0) return { events, integrity, unreadable };
  // Checkpoints that are not what was recorded cannot vouch for the stream.
  return {
    events,
    integrity: { ...integrity, valid: false, breaks: [...problems, ...integrity.breaks] },
    unreadable,
  };
}

/** The whole log's verification, and the last checkpoint it verified. */
export type LogVerification = VerificationResult & { lastCheckpoint: RecordedCheckpoint | null };

export interface LogVerificationOptions {
  /** Check the checkpoints' signatures against these keys (several after the key was changed). */
  publicKeys?: readonly KeyObject[];
  /** What an operator who holds the public keys asks for: every signature must be by one of them,
   * and the last checkpoint must be signed, so that checkpoints rewritten with another key or
   * without signatures do not pass. */
  requireSignature?: boolean;
  /** A checkpoint's revision and digest kept outside the database, which the stream must still hold. */
  anchor?: CheckpointAnchor;
}

/**
 * Every stream in the log, the checkpoint stream included, and every stream a checkpoint recorded;
 * the checkpoints' signatures too, when public keys are given.
 */
export async function verifyAll(
  store: EventStore,
  options: LogVerificationOptions = {},
): Promise<LogVerification> {
  const checkpointEvents: RecordedEvent[] = [];
  const { fold, chain } = await readCheckpoints(store, checkpointEvents, options);
  // A signature by a key not given, or one that does not verify, the fold has reported already.
  const { last } = fold;
  if (options.requireSignature === true) {
    if (last === null) chain.report(0, 'no checkpoint is recorded');
    else if (last.signedBy === null) chain.report(last.revision, 'the last checkpoint is not signed');
  }
  const results = [chain.result()];
  // What a checkpoint that is itself broken recorded is held against nothing: its own break says
  // what happened, and a stream (or the log's order) would be blamed for it.
  const broken = new Set([...results[0].breaks, ...fold.problems].map((b) => b.revision));
  const order = new LogOrder(store, checkpointEvents, broken);
  const present = new Set<string>();
  for await (const item of readAllPastUnreadable(store)) {
    present.add(item.streamId);
    order.add(item);
  }
  const headOf = (streamId: string): CheckpointedHead | undefined => {
    const head = fold.head(streamId);
    return head !== undefined && broken.has(head.checkpointRevision) ? undefined : head;
  };
  const streamIds = new Set([...present, ...fold.streamIds()]);
  streamIds.delete(INTEGRITY_STREAM_ID);
  for (const streamId of [...streamIds].sort()) {
    results.push(
      await verifyAgainstCheckpoint(readStreamPastUnreadable(store, streamId), streamId, headOf(streamId)),
    );
  }
  const breakingStreams = new Set(results.flatMap((result) => result.breaks.map((b) => b.streamId)));
  // A stream with a break of its own already says what happened to it.
  results.push({
    valid: true,
    checkedEvents: 0,
    breaks: order.breaks().filter((b) => !breakingStreams.has(b.streamId)),
  });
  const breaks = results.flatMap((result) => result.breaks);
  return {
    valid: breaks.length === 0,
    checkedEvents: results.reduce((sum, result) => sum + result.checkedEvents, 0),
    breaks,
    lastCheckpoint: fold.last,
  };
}

/**
 * The log in position order against the checkpoints: the events between two checkpoints' positions
 * must be those the later one recorded, stream for stream and up to the revision it recorded. Hash
 * chains are per stream and say nothing of the log's order, so an event moved to another position,
 * or a forged one inserted into checkpointed history, passes them; not this. Checked up to the
 * first checkpoint with a problem of its own, whose heads cannot be held against anything.
 */
class LogOrder {
  private readonly checkpoints: { revision: number; position: string; heads: Map<string, number> }[] = [];
  private next = 0;
  /** Each stream's highest revision in the slice being read. */
  private slice = new Map<string, number>();
  /** Each stream's highest revision read so far, which its next event must come after. */
  private readonly seen = new Map<string, number>();
  /** Each stream's head as the checkpoints closed so far recorded it. */
  private readonly recordedSoFar = new Map<string, number>();
  private readonly found: IntegrityBreak[] = [];

  constructor(
    private readonly store: EventStore,
    checkpointEvents: readonly RecordedEvent[],
    broken: ReadonlySet<number>,
  ) {
    const firstProblem = Math.min(...broken);
    for (const event of checkpointEvents) {
      if (event.revision >= firstProblem) break;
      const data = event.type === CHECKPOINT_EVENT_TYPE ? parseCheckpoint(event.data) : null;
      if (data === null) continue;
      const heads = new Map(data.heads.map((head) => [head.streamId, head.revision]));
      this.checkpoints.push({ revision: event.revision, position: data.position, heads });
    }
  }

  add(event: Pick<RecordedEvent, 'streamId' | 'revision' | 'position'>): void {
    if (event.streamId === INTEGRITY_STREAM_ID) return;
    while (
      this.next < this.checkpoints.length &&
      this.store.comparePositions(event.position, this.checkpoints[this.next].position) > 0
    ) {
      this.close(this.checkpoints[this.next++]);
    }
    const { streamId, revision, position } = event;
    const before = this.seen.get(streamId) ?? -1;
    if (revision <= before) {
      this.found.push({
        streamId,
        revision,
        reason: `stands at log position ${position}, after revision ${before} of its stream: the log's order was changed`,
      });
    }
    this.seen.set(streamId, Math.max(before, revision));
    // After the last checkpoint, nothing recorded the log's order yet.
    if (this.next < this.checkpoints.length)
      this.slice.set(streamId, Math.max(this.slice.get(streamId) ?? -1, revision));
  }

  breaks(): IntegrityBreak[] {
    while (this.next < this.checkpoints.length) this.close(this.checkpoints[this.next++]);
    return this.found;
  }

  private close({ revision, position, heads }: (typeof this.checkpoints)[number]): void {
    const covered = `checkpoint ${revision} (log position ${position})`;
    for (const [streamId, last] of this.slice) {
      const recorded = heads.get(streamId);
      if (recorded === last) continue;
      this.found.push({
        streamId,
        revision: last,
        reason: `stands before ${covered}, which recorded ${recorded === undefined ? 'no change to the stream' : `the stream up to revision ${recorded}`}: an event was inserted into or moved within checkpointed history`,
      });
    }
    for (const [streamId, recorded] of heads) {
      // A head recorded again unchanged (checkpoints of the older format restate every head).
      if (this.slice.has(streamId) || this.recordedSoFar.get(streamId) === recorded) continue;
      this.found.push({
        streamId,
        revision: recorded,
        reason: `${covered} recorded this revision, but it does not stand before that position: events were moved`,
      });
    }
    for (const [streamId, recorded] of heads) this.recordedSoFar.set(streamId, recorded);
    this.slice = new Map();
  }
}

/** The checkpoint stream verified (its chain and digests), and the heads it records; its events into `read`. */
async function readCheckpoints(
  store: EventStore,
  read?: RecordedEvent[],
  { publicKeys, requireSignature, anchor }: LogVerificationOptions = {},
  unreadable?: CorruptEventError[],
): Promise<{ fold: CheckpointFold; chain: ChainVerifier }> {
  const fold = new CheckpointFold({ digests: 'all', publicKeys, onlyKeysGiven: requireSignature, anchor });
  const chain = new ChainVerifier(INTEGRITY_STREAM_ID);
  for await (const item of readStreamPastUnreadable(store, INTEGRITY_STREAM_ID)) {
    if (!isReadable(item)) {
      chain.unreadable(item.revision);
      unreadable?.push(item);
      continue;
    }
    read?.push(item);
    chain.add(item);
    fold.apply(item);
  }
  for (const problem of fold.problemsSoFar()) chain.report(problem.revision, problem.reason);
  return { fold, chain };
}

async function verifyAgainstCheckpoint(
  events: AsyncIterable<ReadOrUnreadable> | Iterable<ReadOrUnreadable>,
  streamId: string,
  recorded: CheckpointedHead | undefined,
): Promise<VerificationResult> {
  const chain = new ChainVerifier(streamId);
  let hashAtRecordedHead: string | null | undefined;
  for await (const item of events) {
    if (isReadable(item)) chain.add(item);
    else chain.unreadable(item.revision);
    if (item.revision === recorded?.revision)
      hashAtRecordedHead = isReadable(item) ? (readIntegrity(item.metadata)?.hash ?? null) : null;
  }
  if (recorded !== undefined) {
    const checkpoint = `checkpoint ${recorded.checkpointRevision} (${recorded.checkpointedAt}) recorded the stream up to revision ${recorded.revision}`;
    const head = chain.head;
    if (head === null) {
      chain.report(0, `stream is missing: ${checkpoint}`);
    } else if (head.revision < recorded.revision) {
      const from = head.revision + 1;
      const missing =
        from === recorded.revision ? `revision ${from} is` : `revisions ${from}–${recorded.revision} are`;
      chain.report(from, `${missing} missing (deleted tail): ${checkpoint}`);
    } else if (hashAtRecordedHead !== undefined && hashAtRecordedHead !== recorded.hash) {
      chain.report(
        recorded.revision,
        `hash differs from the one recorded (history rewritten): ${checkpoint}`,
      );
    }
  }
  return chain.result();
}
