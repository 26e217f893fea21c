/**
 * Integrity bench: what recording a checkpoint costs the API (its checkpointer runs every minute on
 * the event loop), what verifying the checkpoint stream costs per checkpoint, and the heap the API's
 * fold of every recorded head takes, as the number of streams grows. Each checkpoint after the first
 * records a minute's worth of moved heads.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, type EventStore, type EventToAppend } from '@trust-ledger/event-store';
import {
  HashChainingEventStore,
  INTEGRITY_STREAM_ID,
  IntegrityCheckpointer,
  RecordedHeads,
  signingKeyId,
  verifyStream,
} from '@trust-ledger/integrity';

const SIZES: ReadonlyArray<[label: string, streams: number]> = [
  ['10k', 10_000],
  ['140k', 140_000],
];
/** Checkpoints timed after the first, each after this many streams moved and this many were opened. */
const CHECKPOINTS = 50;
const MOVED_PER_CHECKPOINT = 500;
const OPENED_PER_CHECKPOINT = 50;

const clock = { now: () => new Date().toISOString() };

function event(): EventToAppend {
  const id = randomUUID();
  return {
    id,
    type: 'NoteRecorded',
    data: { text: 'bench' },
    metadata: { recordedAt: clock.now(), correlationId: id, causationId: null, actor: 'bench' },
  };
}

/** Appends one event to each stream, many appends sharing a commit. */
async function touch(store: EventStore, streams: string[], revisions: Map<string, number>): Promise<void> {
  for (let at = 0; at < streams.length; at += 5000) {
    await Promise.all(
      streams.slice(at, at + 5000).map(async (streamId) => {
        const revision = revisions.get(streamId);
        await store.append(streamId, [event()], {
          expectedRevision: revision === undefined ? 'no_stream' : revision,
        });
        revisions.set(streamId, (revision ?? -1) + 1);
      }),
    );
  }
}

async function timedMs(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/** Verifies the checkpoint stream (its chain and every digest); throws unless it is valid. */
async function timedVerify(store: EventStore): Promise<number> {
  let valid = false;
  const ms = await timedMs(async () => {
    valid = (await verifyStream(store, INTEGRITY_STREAM_ID)).valid;
  });
  if (!valid) throw new Error('the checkpoint stream did not verify');
  return ms;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A chained checkpoint verifies in well under a millisecond: the median of three runs keeps the
 * difference between two verifications above their noise. */
async function medianVerify(store: EventStore): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < 3; run++) times.push(await timedVerify(store));
  return median(times);
}

/** The garbage collector, to measure the heap a structure keeps (no flag needed to run the bench). */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap bytes the API's fold of the checkpoints keeps, per head it holds. */
async function foldBytesPerHead(store: EventStore): Promise<number> {
  gc();
  const before = process.memoryUsage().heapUsed;
  const heads = new RecordedHeads(store);
  const size = await heads.use((fold) => fold.size);
  gc();
  const bytes = process.memoryUsage().heapUsed - before;
  // Still holding `heads` here keeps the fold alive through the measurement.
  return (await heads.use((fold) => fold.size)) === size ? bytes / size : NaN;
}

async function measure(
  streams: number,
): Promise<{ checkpointMs: number; verifyMsPerCheckpoint: number; foldBytesPerHead: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'trust-ledger-integrity-bench-'));
  const store = new HashChainingEventStore(new SqliteEventStore(join(dir, 'events.db')));
  try {
    const revisions = new Map<string, number>();
    const ids = Array.from({ length: streams }, () => `case-${randomUUID()}`);
    await touch(store, ids, revisions);
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const signingKey = { privateKey, publicKey, keyId: signingKeyId(publicKey) };
    const checkpointer = new IntegrityCheckpointer(store, clock, signingKey);
    await checkpointer.record();
    // The first checkpoint lists every head; what each later one adds to verifying is the difference.
    const verifyFirstMs = await medianVerify(store);
    const times: number[] = [];
    for (let n = 0; n < CHECKPOINTS; n++) {
      const moved = Array.from(
        { length: MOVED_PER_CHECKPOINT },
        () => ids[Math.floor(Math.random() * ids.length)],
      );
      const opened = Array.from({ length: OPENED_PER_CHECKPOINT }, () => `case-${randomUUID()}`);
      ids.push(...opened);
      await touch(store, [...new Set(moved), ...opened], revisions);
      times.push(await timedMs(() => checkpointer.record()));
    }
    const verifyAllMs = await medianVerify(store);
    return {
      checkpointMs: median(times),
      verifyMsPerCheckpoint: (verifyAllMs - verifyFirstMs) / CHECKPOINTS,
      foldBytesPerHead: await foldBytesPerHead(store),
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runIntegrityBench(): Promise<Record<string, number>> {
  const results: Record<string, number> = {};
  for (const [label, streams] of SIZES) {
    const { checkpointMs, verifyMsPerCheckpoint, foldBytesPerHead } = await measure(streams);
    results[`checkpoint_record_ms_${label}`] = Math.round(checkpointMs * 10) / 10;
    results[`checkpoint_verify_ms_per_checkpoint_${label}`] = Math.round(verifyMsPerCheckpoint * 10) / 10;
    results[`fold_heap_bytes_per_head_${label}`] = Math.round(foldBytesPerHead);
  }
  return results;
}
