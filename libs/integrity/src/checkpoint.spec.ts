import type { RecordedEvent } from '@trust-ledger/event-store';
import fc from 'fast-check';
import {
  CHECKPOINT_EVENT_TYPE,
  CheckpointFold,
  INTEGRITY_STREAM_ID,
  SortedHeads,
  type CheckpointData,
  type DigestScheme,
  type StreamHead,
} from './checkpoint';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { signEvidence } from './evidence/evidence';
import { signingKeyId, type EvidenceSigningKey } from './evidence/signing-key';
import { canonicalJson, sha256Hex } from './hash-chain';

/** An `all-heads` digest as the format defines it: the canonical JSON of every head, by stream id. */
function digestOf(heads: Iterable<StreamHead>): string {
  const latest = new Map<string, StreamHead>();
  for (const h of heads) latest.set(h.streamId, h);
  const rows = [...latest.values()]
    .sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0))
    .map((h) => [h.streamId, h.revision, h.hash]);
  return sha256Hex(canonicalJson(rows));
}

/** A `chained` digest as the format defines it: the canonical JSON of the previous digest and the heads. */
function chainedDigestOf(previous: string | null, heads: StreamHead[]): string {
  return sha256Hex(canonicalJson([previous, heads.map((h) => [h.streamId, h.revision, h.hash])]));
}

const head = (streamId: string, revision: number): StreamHead => ({
  streamId,
  revision,
  hash: String(revision).repeat(64).slice(0, 64),
});

/** A checkpoint event; `all-heads` ones are written as they were before the chained scheme, without
 * `digestScheme`. */
function checkpoint(
  revision: number,
  heads: StreamHead[],
  streamCount: number,
  digest: string,
  digestScheme: DigestScheme = 'all-heads',
): RecordedEvent {
  const data: Omit<CheckpointData, 'digestScheme'> & { digestScheme?: DigestScheme } = {
    checkpointedAt: `2024-01-0${revision + 1}T00:00:00.000Z`,
    position: String(10 * (revision + 1)),
    heads,
    streamCount,
    digest,
  };
  if (digestScheme === 'chained') data.digestScheme = digestScheme;
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

const newKey = (): EvidenceSigningKey => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey, keyId: signingKeyId(publicKey) };
};
const SIGNER = newKey();
const signed = (event: RecordedEvent, by = SIGNER): RecordedEvent => ({
  ...event,
  data: signEvidence(event.data, by),
});

/** A chained checkpoint, signed as a checkpointer records it. */
const chainedCheckpoint = (revision: number, heads: StreamHead[], streamCount: number, digest: string) =>
  signed(checkpoint(revision, heads, streamCount, digest, 'chained'));

/** Checkpoints of these heads as a checkpointer records them: each digest chained from the previous. */
function chained(checkpoints: StreamHead[][]): RecordedEvent[] {
  const all = new Set<string>();
  let previous: string | null = null;
  return checkpoints.map((heads, revision) => {
    heads.forEach((h) => all.add(h.streamId));
    const digest = chainedDigestOf(previous, heads);
    previous = digest;
    return chainedCheckpoint(revision, heads, all.size, digest);
  });
}

const MISMATCH = 'checkpoint digest does not match the stream heads recorded up to it';

describe('CheckpointFold', () => {
  // Given two checkpoints, the second recording a digest that does not commit to the heads folded.
  const first = [head('case-a', 1), head('case-b', 0)];
  const moved = [head('case-a', 2)];
  const events = [checkpoint(0, first, 2, digestOf(first)), checkpoint(1, moved, 2, '0'.repeat(64))];

  it('reports a checkpoint whose digest does not match the heads folded up to it, when checking digests', () => {
    const fold = new CheckpointFold({ digests: 'all' });
    for (const e of events) fold.apply(e);
    expect(fold.problems).toEqual([{ revision: 1, reason: MISMATCH }]);
  });

  // Heads recorded over several checkpoints, from a small pool of streams so that heads move.
  const checkpointHeads = fc.array(
    fc
      .uniqueArray(
        fc.record({
          streamId: fc.constantFrom('case-a', 'case-b', 'case-c', 'encounter-1', 'matter-ü'),
          revision: fc.nat({ max: 1000 }),
          hash: fc.option(fc.stringMatching(/^[0-9a-f]{64}$/), { nil: null }),
        }),
        { selector: (h) => h.streamId, minLength: 1 },
      )
      .map((heads) => heads.sort((a, b) => (a.streamId < b.streamId ? -1 : 1))),
    { minLength: 1, maxLength: 8 },
  );

  it('checks chained digests as the format defines them, and finds any one of them changed', () => {
    fc.assert(
      fc.property(checkpointHeads, fc.nat(), (heads, pick) => {
        const events = chained(heads);
        const intact = new CheckpointFold({ digests: 'all' });
        events.forEach((e) => intact.apply(e));
        expect(intact.problems).toEqual([]);
        expect(intact.last?.digest).toBe(events[events.length - 1].data.digest);

        // A changed digest no longer matches its heads, and the next checkpoint (if any), chained
        // from the digest the changed one records, no longer matches either.
        const wrong = pick % events.length;
        const altered = events.map((e, i) =>
          i === wrong ? { ...e, data: { ...e.data, digest: 'f'.repeat(64) } } : e,
        );
        const fold = new CheckpointFold({ digests: 'all' });
        altered.forEach((e) => fold.apply(e));
        expect(fold.problems).toEqual(
          [wrong, wrong + 1]
            .filter((r) => r < events.length)
            .map((revision) => ({ revision, reason: MISMATCH })),
        );
      }),
    );
  });

  it('checks a log whose checkpoints were recorded before the chained scheme, then chained', () => {
    const a0 = [head('case-a', 0), head('case-b', 0)];
    const a1 = [head('case-a', 1), head('case-c', 0)];
    const b1 = [head('case-b', 1)];
    /** A checkpoint recorded before with this digest, then two chained from it. */
    const log = (legacyDigest: string) => {
      const chainedOne = chainedDigestOf(legacyDigest, a1);
      return [
        checkpoint(0, a0, 2, legacyDigest),
        chainedCheckpoint(1, a1, 3, chainedOne),
        chainedCheckpoint(2, b1, 3, chainedDigestOf(chainedOne, b1)),
      ];
    };
    const problemsOf = (events: RecordedEvent[], digests: 'all' | 'chained') => {
      const fold = new CheckpointFold({ digests });
      events.forEach((e) => fold.apply(e));
      return fold.problems;
    };
    expect(problemsOf(log(digestOf(a0)), 'all')).toEqual([]);
    // A wrong digest recorded before the chained scheme (the next checkpoint chained from it).
    expect(problemsOf(log(digestOf(a1)), 'all')).toEqual([{ revision: 0, reason: MISMATCH }]);
    // The API's fold checks the chained digests only: one over every head costs every stream.
    expect(problemsOf(log(digestOf(a1)), 'chained')).toEqual([]);
  });

  it('reports a checkpoint in the older format after a chained one, and a chained one unsigned', () => {
    const [c0, c1] = chained([[head('case-a', 0)], [head('case-b', 0)]]);
    const older = checkpoint(2, [head('case-a', 1)], 2, digestOf([head('case-a', 1), head('case-b', 0)]));
    const { signature: _, ...unsignedData } = c1.data;
    for (const digests of ['all', 'chained'] as const) {
      const fold = new CheckpointFold({ digests });
      [c0, { ...c1, data: unsignedData }, older].forEach((e) => fold.apply(e));
      expect(fold.problems).toEqual([
        { revision: 1, reason: 'checkpoint is not signed' },
        {
          revision: 2,
          reason:
            'checkpoint has the format recorded before chained digests, though checkpoint 0 before it is chained',
        },
      ]);
    }
  });

  it('reports a checkpoint whose stream count is not the number of streams recorded so far', () => {
    const heads = [head('case-a', 0)];
    const fold = new CheckpointFold({ digests: 'all' });
    fold.apply(chainedCheckpoint(0, heads, 2, chainedDigestOf(null, heads)));
    expect(fold.problems).toEqual([{ revision: 0, reason: MISMATCH }]);
  });

  it('refuses a digest scheme it does not know as malformed', () => {
    const [event] = chained([[head('case-a', 0)]]);
    const fold = new CheckpointFold({ digests: 'all' });
    fold.apply({ ...event, data: { ...event.data, digestScheme: 'sha1-everything' } });
    expect(fold.problems).toEqual([{ revision: 0, reason: 'malformed checkpoint data' }]);
  });

  describe('signatures', () => {
    const [c0, c1, c2] = chained([[head('case-a', 0)], [head('case-b', 0)], [head('case-a', 1)]]);
    const problemsOf = (events: RecordedEvent[], publicKeys?: KeyObject[], onlyKeysGiven = true) => {
      const fold = new CheckpointFold({ digests: 'all', publicKeys, onlyKeysGiven });
      events.forEach((e) => fold.apply(e));
      return { problems: fold.problems, last: fold.last };
    };

    it('checks each signature against the public keys given, by key id, and names the signing key', () => {
      const previous = newKey();
      const { problems, last } = problemsOf(
        [c0, signed(c1, previous), signed(c2)],
        [SIGNER.publicKey, previous.publicKey],
      );
      expect(problems).toEqual([]);
      expect(last).toMatchObject({ signedBy: SIGNER.keyId, signatureChecked: true });
      expect(problemsOf([c0]).last).toMatchObject({ signedBy: SIGNER.keyId, signatureChecked: false });
      const before = checkpoint(0, [head('case-a', 0)], 1, digestOf([head('case-a', 0)]));
      expect(problemsOf([before]).last).toMatchObject({ signedBy: null, signatureChecked: false });
    });

    it('reports a signed checkpoint whose content changed, or that another key signed', () => {
      const changed = signed(c1);
      changed.data = { ...changed.data, checkpointedAt: '2030-01-01T00:00:00.000Z' };
      const stranger = newKey();
      expect(problemsOf([c0, changed, signed(c2, stranger)], [SIGNER.publicKey]).problems).toEqual([
        {
          revision: 1,
          reason: 'checkpoint signature: the signature does not match the content (the document was changed)',
        },
        {
          revision: 2,
          reason: `checkpoint is signed by key ${stranger.keyId}, which is not among the public keys given`,
        },
      ]);
      // Only signatures by the keys given are checked when the verifier does not insist on them.
      const lenient = problemsOf([c0, changed, signed(c2, stranger)], [SIGNER.publicKey], false);
      expect(lenient.problems.map((p) => p.revision)).toEqual([1]);
      expect(lenient.last).toMatchObject({ signedBy: stranger.keyId, signatureChecked: false });
      expect(problemsOf([c0, changed, signed(c2, stranger)], [], false).problems).toEqual([]);
    });
  });

  it('folds the same heads without recomputing digests, for readers that only need the heads', () => {
    const checked = new CheckpointFold({ digests: 'all' });
    const unchecked = new CheckpointFold({ digests: 'none' });
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

  it('gives back each head exactly as recorded, whatever its hash and time are spelled with', () => {
    const odd: StreamHead[] = [
      { streamId: 'case x', revision: 3, hash: null },
      { streamId: 'case y', revision: 0, hash: ' 1 2 ' },
      { streamId: 'case z', revision: 12, hash: '' },
    ];
    const event = checkpoint(7, odd, 3, digestOf(odd));
    event.data.checkpointedAt = ' 2024 -1 x ';
    const fold = new CheckpointFold({ digests: 'none' });
    fold.apply(event);
    expect(odd.map((h) => fold.head(h.streamId))).toEqual(
      odd.map((h) => ({ ...h, checkpointRevision: 7, checkpointedAt: ' 2024 -1 x ' })),
    );
  });

  it('reports malformed checkpoint data either way', () => {
    const malformed = { ...events[0], data: { heads: 'none' } };
    for (const digests of ['all', 'none'] as const) {
      const fold = new CheckpointFold({ digests });
      fold.apply(malformed);
      expect(fold.problems).toEqual([{ revision: 0, reason: 'malformed checkpoint data' }]);
    }
  });
});

describe('SortedHeads (all-heads digests)', () => {
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
      }),
    );
  });
});
