import type { KeyObject } from 'node:crypto';
import type { EventStore, RecordedEvent } from '@trust-ledger/event-store';
import {
  CheckpointFold,
  INTEGRITY_STREAM_ID,
  RecordedHeads,
  type CheckpointAnchor,
  type CheckpointedHead,
  type RecordedCheckpoint,
} from './checkpoint';
import { ChainVerifier, readIntegrity, type VerificationResult } from './hash-chain';

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
    const { chain } = await readCheckpoints(store, events);
    return { events, integrity: chain.result() };
  }
  const { head, problems } = await heads.of(streamId);
  for await (const event of store.readStream(streamId)) events.push(event);
  const integrity = await verifyAgainstCheckpoint(events, streamId, head);
  if (problems.length === 0) return { events, integrity };
  // Checkpoints that are not what was recorded cannot vouch for the stream.
  return { events, integrity: { ...integrity, valid: false, breaks: [...problems, ...integrity.breaks] } };
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
  const present = new Set<string>();
  for await (const event of store.readAll()) present.add(event.streamId);
  const { fold, chain } = await readCheckpoints(store, undefined, options);
  // A signature by a key not given, or one that does not verify, the fold has reported already.
  const { last } = fold;
  if (options.requireSignature === true) {
    if (last === null) chain.report(0, 'no checkpoint is recorded');
    else if (last.signedBy === null) chain.report(last.revision, 'the last checkpoint is not signed');
  }
  const results = [chain.result()];
  const streamIds = new Set([...present, ...fold.streamIds()]);
  streamIds.delete(INTEGRITY_STREAM_ID);
  for (const streamId of [...streamIds].sort()) {
    results.push(await verifyAgainstCheckpoint(store.readStream(streamId), streamId, fold.head(streamId)));
  }
  const breaks = results.flatMap((result) => result.breaks);
  return {
    valid: breaks.length === 0,
    checkedEvents: results.reduce((sum, result) => sum + result.checkedEvents, 0),
    breaks,
    lastCheckpoint: fold.last,
  };
}

/** The checkpoint stream verified (its chain and digests), and the heads it records; its events into `read`. */
async function readCheckpoints(
  store: EventStore,
  read?: RecordedEvent[],
  { publicKeys, requireSignature, anchor }: LogVerificationOptions = {},
): Promise<{ fold: CheckpointFold; chain: ChainVerifier }> {
  const fold = new CheckpointFold({ digests: 'all', publicKeys, onlyKeysGiven: requireSignature, anchor });
  const chain = new ChainVerifier(INTEGRITY_STREAM_ID);
  for await (const event of store.readStream(INTEGRITY_STREAM_ID)) {
    read?.push(event);
    chain.add(event);
    fold.apply(event);
  }
  for (const problem of fold.problemsSoFar()) chain.report(problem.revision, problem.reason);
  return { fold, chain };
}

async function verifyAgainstCheckpoint(
  events: AsyncIterable<RecordedEvent> | Iterable<RecordedEvent>,
  streamId: string,
  recorded: CheckpointedHead | undefined,
): Promise<VerificationResult> {
  const chain = new ChainVerifier(streamId);
  let hashAtRecordedHead: string | null | undefined;
  for await (const event of events) {
    chain.add(event);
    if (event.revision === recorded?.revision)
      hashAtRecordedHead = readIntegrity(event.metadata)?.hash ?? null;
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
