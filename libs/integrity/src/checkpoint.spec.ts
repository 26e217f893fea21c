import type { RecordedEvent } from '@trust-ledger/event-store';
import {
  CHECKPOINT_EVENT_TYPE,
  CheckpointFold,
  headsDigest,
  INTEGRITY_STREAM_ID,
  type CheckpointData,
  type StreamHead,
} from './checkpoint';

const head = (streamId: string, revision: number): StreamHead => ({
  streamId,
  revision,
  hash: String(revision).repeat(64).slice(0, 64),
});

function checkpoint(
  revision: number,
  heads: StreamHead[],
  all: StreamHead[],
  digest?: string,
): RecordedEvent {
  const data: CheckpointData = {
    checkpointedAt: `2024-01-0${revision + 1}T00:00:00.000Z`,
    position: String(10 * (revision + 1)),
    heads,
    streamCount: all.length,
    digest: digest ?? headsDigest(new Map(all.map((h) => [h.streamId, h]))),
  };
  return {
    id: `checkpoint-${revision}`,
    streamId: INTEGRITY_STREAM_ID,
    revision,
    position: data.position,
    type: CHECKPOINT_EVENT_TYPE,
    data,
    metadata: {
      recordedAt: data.checkpointedAt,
      correlationId: 'c',
      causationId: null,
      actor: 'system:integrity',
    },
  };
}

describe('CheckpointFold', () => {
  // Given two checkpoints, the second recording a digest that does not commit to the heads folded.
  const first = [head('case-a', 1), head('case-b', 0)];
  const moved = [head('case-a', 2)];
  const events = [checkpoint(0, first, first), checkpoint(1, moved, [moved[0], first[1]], '0'.repeat(64))];

  it('reports a checkpoint whose digest does not match the heads folded up to it, when checking digests', () => {
    const fold = new CheckpointFold({ checkDigests: true });
    for (const e of events) fold.apply(e);
    expect(fold.problems).toEqual([
      { revision: 1, reason: 'checkpoint digest does not match the stream heads recorded up to it' },
    ]);
  });

  it('folds the same heads without recomputing digests, for readers that only need the heads', () => {
    const checked = new CheckpointFold({ checkDigests: true });
    const unchecked = new CheckpointFold({ checkDigests: false });
    for (const e of events) {
      checked.apply(e);
      unchecked.apply(e);
    }
    expect(unchecked.problems).toEqual([]);
    expect([...unchecked.heads]).toEqual([...checked.heads]);
    expect(unchecked.heads.get('case-a')).toMatchObject({ revision: 2, checkpointRevision: 1 });
    expect([unchecked.revision, unchecked.position]).toEqual([1, '20']);
  });

  it('reports malformed checkpoint data either way', () => {
    const malformed = { ...events[0], data: { heads: 'none' } };
    for (const checkDigests of [true, false]) {
      const fold = new CheckpointFold({ checkDigests });
      fold.apply(malformed);
      expect(fold.problems).toEqual([{ revision: 0, reason: 'malformed checkpoint data' }]);
    }
  });
});
