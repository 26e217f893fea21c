import type { RecordedEvent } from '@trust-ledger/event-store';
import fc from 'fast-check';
import {
  CHECKPOINT_EVENT_TYPE,
  CheckpointFold,
  INTEGRITY_STREAM_ID,
  SortedHeads,
  type CheckpointData,
  type StreamHead,
} from './checkpoint';
import { canonicalJson, sha256Hex } from './hash-chain';

/** The digest as the checkpoint format defines it: the canonical JSON of every head, by stream id. */
function digestOf(heads: Iterable<StreamHead>): string {
  const latest = new Map<string, StreamHead>();
  for (const h of heads) latest.set(h.streamId, h);
  const rows = [...latest.values()]
    .sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0))
    .map((h) => [h.streamId, h.revision, h.hash]);
  return sha256Hex(canonicalJson(rows));
}

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
    digest: digest ?? digestOf(all),
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
    const headsOf = (fold: CheckpointFold) => [...fold.streamIds()].map((id) => fold.head(id));
    expect(headsOf(unchecked)).toEqual(headsOf(checked));
    expect(unchecked.head('case-a')).toEqual({
      ...moved[0],
      checkpointRevision: 1,
      checkpointedAt: '2024-01-02T00:00:00.000Z',
    });
    expect(unchecked.head('case-b')).toEqual({
      ...first[1],
      checkpointRevision: 0,
      checkpointedAt: '2024-01-01T00:00:00.000Z',
    });
    expect(unchecked.head('case-c')).toBeUndefined();
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

describe('SortedHeads', () => {
  const heads = fc.array(
    fc.record({
      // Any text, so that escaping and UTF-16 ordering are exercised, from a small pool of ids so
      // that heads move as well as appear.
      streamId: fc.oneof(fc.constantFrom('case-a', 'case-b', 'encounter-1'), fc.string({ unit: 'binary' })),
      revision: fc.nat({ max: 2 ** 40 }),
      hash: fc.option(fc.stringMatching(/^[0-9a-f]{64}$/), { nil: null }),
    }),
    { maxLength: 40 },
  );

  it('digests every head set and moved, in any order and over any number of digests, as the format defines', () => {
    fc.assert(
      fc.property(heads, heads, fc.nat({ max: 40 }), (first, then, digestAt) => {
        const sorted = new SortedHeads();
        const all = [...first, ...then];
        all.forEach((h, i) => {
          sorted.set(h);
          if (i === digestAt) expect(sorted.digest()).toBe(digestOf(all.slice(0, i + 1)));
        });
        expect(sorted.digest()).toBe(digestOf(all));
        expect(sorted.size).toBe(new Set(all.map((h) => h.streamId)).size);
      }),
    );
  });

  it('leaves the original untouched by what is set on a copy', () => {
    fc.assert(
      fc.property(heads, heads, (first, then) => {
        const sorted = new SortedHeads();
        first.forEach((h) => sorted.set(h));
        const before = sorted.digest();
        const copy = sorted.copy();
        then.forEach((h) => copy.set(h));
        expect(copy.digest()).toBe(digestOf([...first, ...then]));
        expect(sorted.digest()).toBe(before);
      }),
    );
  });
});
