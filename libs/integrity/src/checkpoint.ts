import type { EventStore, JsonObject, RecordedEvent } from '@trust-ledger/event-store';
import { createHash, type KeyObject } from 'node:crypto';
import { verifyEvidence, type EvidenceSignature } from './evidence/evidence';
import { signingKeyId } from './evidence/signing-key';
import type { IntegrityBreak } from './hash-chain';

/** The stream the checkpoints are recorded on (itself hash-chained like every other). */
export const INTEGRITY_STREAM_ID = 'integrity';
export const CHECKPOINT_EVENT_TYPE = 'IntegrityCheckpointRecorded';

/** A stream's last event as a checkpoint saw it. (Type aliases, not interfaces, so that they are
 * JSON objects to the compiler and go into event data as they are.) */
export type StreamHead = {
  streamId: string;
  revision: number;
  /** The event's `metadata.integrity.hash`; null when it had none (written around the chaining). */
  hash: string | null;
};

/**
 * How a checkpoint's `digest` is computed.
 * - `chained` (every checkpoint recorded now): hex SHA-256 over the canonical JSON of
 *   `[previousDigest, heads]`: the digest the previous checkpoint records (null for the first) and
 *   this one's heads as `[streamId, revision, hash]` rows, in the order recorded. By induction it
 *   commits to every head recorded so far, and computing or checking it costs the heads that moved,
 *   not every stream.
 * - `all-heads` (checkpoints recorded before; their data has no `digestScheme`): hex SHA-256 over
 *   the canonical JSON of every head folded so far, ordered by stream id. Checking one costs a hash
 *   of every stream (0.17 s at 140k), which is why new checkpoints are chained.
 */
export type DigestScheme = 'chained' | 'all-heads';

/**
 * `IntegrityCheckpointRecorded.data`. Each checkpoint lists only the heads that moved since the
 * previous one (so its size follows the write rate, not the number of streams); folding the stream's
 * checkpoints gives every head, and `digest` commits to that complete set.
 */
export type CheckpointData = {
  checkpointedAt: string;
  /** The log position up to which heads were read; the next checkpoint reads on from here. */
  position: string;
  /** Heads that changed since the previous checkpoint, sorted by stream id. */
  heads: StreamHead[];
  /** Number of streams the complete set of heads holds. */
  streamCount: number;
  digestScheme: DigestScheme;
  digest: string;
  /** Ed25519, by the evidence signing key, over the canonical JSON of the rest of the data. Absent
   * on checkpoints recorded before they were signed. */
  signature?: EvidenceSignature;
};

/** A `chained` checkpoint's digest (see DigestScheme). */
export function chainedDigest(previousDigest: string | null, heads: readonly StreamHead[]): string {
  return createHash('sha256')
    .update(`[${JSON.stringify(previousDigest)},[${heads.map(headRow).join(',')}]]`, 'utf8')
    .digest('hex');
}

/** A head as its row of the digest: for strings, safe integers and null, JSON.stringify is RFC 8785's. */
function headRow(head: StreamHead): string {
  return JSON.stringify([head.streamId, head.revision, head.hash]);
}

/**
 * Every head in stream-id order, each kept as its row of the digest's canonical JSON, so that an
 * `all-heads` digest costs a join and a hash, not a sort and a serialization of all heads. Only
 * checking checkpoints recorded before the chained scheme needs it.
 */
export class SortedHeads {
  private ids: string[] = [];
  private rows: string[] = [];
  /** Streams not yet in `ids`: merged in, in order, when a digest needs them. */
  private readonly added = new Map<string, string>();

  set(head: StreamHead): void {
    const row = headRow(head);
    const at = this.indexOf(head.streamId);
    if (at >= 0) this.rows[at] = row;
    else this.added.set(head.streamId, row);
  }

  digest(): string {
    this.merge();
    return createHash('sha256')
      .update(`[${this.rows.join(',')}]`, 'utf8')
      .digest('hex');
  }

  private indexOf(streamId: string): number {
    let low = 0;
    let high = this.ids.length - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const id = this.ids[mid];
      if (id === streamId) return mid;
      if (id < streamId) low = mid + 1;
      else high = mid - 1;
    }
    return -1;
  }

  private merge(): void {
    if (this.added.size === 0) return;
    // Array sort and `<` both order strings by UTF-16 code units, as the binary search expects.
    const added = [...this.added.keys()].sort();
    const ids: string[] = [];
    const rows: string[] = [];
    let i = 0;
    for (const id of added) {
      while (i < this.ids.length && this.ids[i] < id) {
        ids.push(this.ids[i]);
        rows.push(this.rows[i]);
        i += 1;
      }
      ids.push(id);
      rows.push(this.added.get(id)!);
    }
    for (; i < this.ids.length; i += 1) {
      ids.push(this.ids[i]);
      rows.push(this.rows[i]);
    }
    this.ids = ids;
    this.rows = rows;
    this.added.clear();
  }
}

/** A checkpoint's digest and where it stands: what to publish outside the database, and to compare
 * with later. */
export type RecordedCheckpoint = Pick<CheckpointData, 'checkpointedAt' | 'position' | 'digest'> & {
  revision: number;
  /** The key its signature names; null when unsigned. */
  signedBy: string | null;
  /** Whether that signature was checked: it was by one of the public keys given. */
  signatureChecked: boolean;
};

/**
 * A checkpoint as kept outside the database (`verify` prints both): the checkpoint stream must still
 * hold this digest at this revision. It catches what the chain and the signatures cannot: the whole
 * checkpoint stream replaced, cut back, or rewritten in the older, unsigned format.
 */
export interface CheckpointAnchor {
  revision: number;
  digest: string;
}

/** `<revision>:<digest>`, as `INTEGRITY_ANCHOR` and `verify --anchor` take it. */
export function parseCheckpointAnchor(text: string, source: string): CheckpointAnchor {
  const match = /^(\d{1,15}):([0-9a-f]{64})$/.exec(text.trim());
  if (match === null) {
    throw new Error(
      `${source} must be <revision>:<digest>, the last checkpoint's revision and digest as verify prints them`,
    );
  }
  return { revision: Number(match[1]), digest: match[2] };
}

/** Where a head was last recorded, so a break can name the checkpoint. */
export type CheckpointedHead = StreamHead & { checkpointRevision: number; checkpointedAt: string };

/**
 * The complete set of heads the checkpoints recorded, folded in order, and what is wrong with the
 * checkpoints, as far as `options` asks to check.
 */
export class CheckpointFold {
  /** Each stream's head and where it was recorded, as one flat string (keptHead): the API holds every
   * head, and so a head costs about 230 bytes of heap in all, against 395 as an object holding its
   * digest row (`npm run bench -- integrity`). */
  private readonly kept = new Map<string, string>();
  /** The same heads in order, for `all-heads` digests: made at the first such checkpoint checked
   * (a log whose checkpoints are all chained never needs it), then kept up to date. */
  private sorted: SortedHeads | undefined;
  /** Revision of the last checkpoint event folded, -1 before any. */
  revision = -1;
  position: string | undefined;
  /** The last well-formed checkpoint, as recorded; null before any. The next chained digest starts
   * from its digest. */
  last: RecordedCheckpoint | null = null;
  /** Checkpoint events whose data is malformed or (when checked) whose digest or signature is wrong. */
  readonly problems: { revision: number; reason: string }[] = [];
  /** Revision of the first chained checkpoint: every later one must be chained too. */
  private chainedSeen: number | undefined;

  /** The public keys signatures are checked against, by key id. */
  private readonly publicKeys: Map<string, KeyObject>;

  /**
   * `digests`: which digests to recompute. `all`: every one, as the full verify does (a digest
   * recorded before the chained scheme costs a hash of every head). `chained`: only chained ones,
   * which cost the heads each checkpoint records: cheap enough for the API's fold of every
   * checkpoint. `none`: none, for readers that only need the heads. Except with `none`, an unsigned
   * chained checkpoint, or one in the older format after a chained one, is a problem.
   *
   * `publicKeys`: each signature by one of them is checked (several after the signing key was
   * changed). With `onlyKeysGiven`, a signature by any other key is a problem too; without, it goes
   * unchecked (a key the verifier does not hold).
   *
   * `anchor`: a checkpoint's revision and digest kept outside the database. A different digest at
   * that revision is a problem (see `problemsSoFar` for a stream that ends before it).
   */
  constructor(
    private readonly options: {
      digests: 'all' | 'chained' | 'none';
      publicKeys?: readonly KeyObject[];
      onlyKeysGiven?: boolean;
      anchor?: CheckpointAnchor;
    },
  ) {
    this.publicKeys = keysById(options.publicKeys ?? []);
  }

  /** Number of streams the checkpoints recorded. */
  get size(): number {
    return this.kept.size;
  }

  /** The head the checkpoints recorded last for `streamId`, if any. */
  head(streamId: string): CheckpointedHead | undefined {
    const kept = this.kept.get(streamId);
    return kept === undefined ? undefined : headOfKept(streamId, kept);
  }

  has(streamId: string): boolean {
    return this.kept.has(streamId);
  }

  /** Every stream a checkpoint recorded. */
  streamIds(): IterableIterator<string> {
    return this.kept.keys();
  }

  /**
   * `problems`, and, while the checkpoints folded end before the anchored revision, that: the stream
   * was cut back, or replaced by a shorter one.
   */
  problemsSoFar(): { revision: number; reason: string }[] {
    const { anchor } = this.options;
    if (anchor === undefined || this.revision >= anchor.revision) return [...this.problems];
    const reason = `the checkpoint stream ends before revision ${anchor.revision}, whose digest is kept outside the database (cut back or replaced)`;
    return [...this.problems, { revision: anchor.revision, reason }];
  }

  apply(event: RecordedEvent): void {
    this.revision = event.revision;
    const data = event.type === CHECKPOINT_EVENT_TYPE ? parseCheckpoint(event.data) : null;
    const { anchor } = this.options;
    if (anchor?.revision === event.revision && data?.digest !== anchor.digest) {
      this.problems.push({
        revision: event.revision,
        reason:
          'checkpoint is not the one whose digest is kept outside the database (the stream was replaced)',
      });
    }
    if (event.type !== CHECKPOINT_EVENT_TYPE) return;
    if (data === null) {
      this.problems.push({ revision: event.revision, reason: 'malformed checkpoint data' });
      return;
    }
    const { checkpointedAt } = data;
    for (const head of data.heads) {
      this.kept.set(head.streamId, keptHead(head, event.revision, checkpointedAt));
      this.sorted?.set(head);
    }
    this.position = data.position;
    const previousDigest = this.last?.digest ?? null;
    const { position, digest: recorded, signature } = data;
    this.last = {
      revision: event.revision,
      checkpointedAt,
      position,
      digest: recorded,
      signedBy: signature?.keyId ?? null,
      signatureChecked: signature !== undefined && this.publicKeys.has(signature.keyId),
    };
    if (this.options.digests === 'none') return;
    const problem = (reason: string): void => void this.problems.push({ revision: event.revision, reason });
    const digest =
      data.digestScheme === 'chained'
        ? chainedDigest(previousDigest, data.heads)
        : this.options.digests === 'all'
          ? this.allHeads().digest()
          : recorded;
    if (digest !== recorded || this.kept.size !== data.streamCount) {
      problem('checkpoint digest does not match the stream heads recorded up to it');
    }
    // Checkpoints are recorded chained and signed since both began; only those recorded before are
    // neither. So stripping signatures, or going back to the older format, does not pass.
    if (data.digestScheme === 'chained') this.chainedSeen ??= event.revision;
    else if (this.chainedSeen !== undefined)
      problem(
        `checkpoint has the format recorded before chained digests, though checkpoint ${this.chainedSeen} before it is chained`,
      );
    if (signature === undefined) {
      if (data.digestScheme === 'chained') problem('checkpoint is not signed');
      return;
    }
    const wrong = signatureProblem(
      event.data,
      signature,
      this.publicKeys,
      this.options.onlyKeysGiven !== true,
    );
    if (wrong !== null) problem(wrong);
  }

  private allHeads(): SortedHeads {
    if (this.sorted === undefined) {
      this.sorted = new SortedHeads();
      for (const [streamId, kept] of this.kept) this.sorted.set(headOfKept(streamId, kept));
    }
    return this.sorted;
  }
}

/**
 * A head as CheckpointFold keeps it: `<checkpoint revision> <revision> <hash length, -1 for none>
 * <hash><checkpointedAt>`. Lengths, not separators, delimit the hash and the time, which a checkpoint
 * may spell with any character. Joined, not a template: a template makes a rope, which costs more
 * than the flat string.
 */
function keptHead(head: StreamHead, checkpointRevision: number, checkpointedAt: string): string {
  const hash = head.hash ?? '';
  const length = head.hash === null ? -1 : hash.length;
  return [checkpointRevision, head.revision, length, hash + checkpointedAt].join(' ');
}

function headOfKept(streamId: string, kept: string): CheckpointedHead {
  const first = kept.indexOf(' ');
  const second = kept.indexOf(' ', first + 1);
  const third = kept.indexOf(' ', second + 1);
  const length = Number(kept.slice(second + 1, third));
  const rest = kept.slice(third + 1);
  return {
    streamId,
    revision: Number(kept.slice(first + 1, second)),
    hash: length < 0 ? null : rest.slice(0, length),
    checkpointRevision: Number(kept.slice(0, first)),
    checkpointedAt: rest.slice(Math.max(length, 0)),
  };
}

/**
 * The heads the checkpoint stream records, folded once per process and caught up with the stream at
 * each use: verifying a stream, or recording the next checkpoint, then reads only the checkpoints
 * recorded since (the stream grows by one a minute while anything is written).
 *
 * Checked on the way, at the cost of the heads each checkpoint records: the chained digests, that
 * chained checkpoints are signed and never followed by one in the older format, and, with
 * `publicKeys`, that the last checkpoint's signature, if any, is one of these keys' and matches. As the
 * digests are chained, that one signature vouches for every head recorded, so a stream's
 * verification cannot be passed by checkpoints rewritten without the key. (Digests recorded before
 * the chained scheme, and every signature, are what the full verify checks.)
 */
export class RecordedHeads {
  private readonly fold: CheckpointFold;
  private lastCheckpoint: RecordedEvent | undefined;
  /** The service's own key, and any it signed with before a change, by key id. */
  private readonly publicKeys: Map<string, KeyObject>;
  /** The last checkpoint's signature problem, checked once per new last checkpoint. */
  private signature: { revision: number; problem: string | null } | undefined;
  /** Uses run one at a time, so that no checkpoint is folded twice or changes the fold under one. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: EventStore,
    /** The service's own key, and any it signed with before a change. */
    publicKeys: readonly KeyObject[] = [],
    /** A checkpoint's digest kept outside the database, which the stream must still hold. */
    anchor?: CheckpointAnchor,
  ) {
    this.fold = new CheckpointFold({ digests: 'chained', anchor });
    this.publicKeys = keysById(publicKeys);
  }

  /** Runs `use` alone, with the fold caught up with the checkpoint stream. */
  use<T>(use: (fold: CheckpointFold) => T | Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      await this.catchUp();
      return use(this.fold);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The head the checkpoints recorded so far for `streamId`, if any, and what is wrong with the
   * checkpoints, as breaks of their stream. */
  of(streamId: string): Promise<{ head: CheckpointedHead | undefined; problems: IntegrityBreak[] }> {
    return this.use((fold) => ({ head: fold.head(streamId), problems: this.problems() }));
  }

  /** Folds the checkpoints recorded since the last catch-up; only from within `use`. */
  async catchUp(): Promise<void> {
    const from = { fromRevision: this.fold.revision + 1 };
    for await (const event of this.store.readStream(INTEGRITY_STREAM_ID, from)) {
      this.fold.apply(event);
      this.lastCheckpoint = event;
    }
  }

  /** What is wrong with the checkpoints folded so far, as breaks of their stream; only from within
   * `use`, where the fold is caught up. */
  problems(): IntegrityBreak[] {
    const problems = this.fold.problemsSoFar().map((p) => ({ streamId: INTEGRITY_STREAM_ID, ...p }));
    const last = this.lastCheckpoint;
    if (this.publicKeys.size === 0 || last === undefined) return problems;
    if (this.signature?.revision !== last.revision) {
      // Unsigned or malformed, the fold has judged it already.
      const signature = signatureOf(last.data.signature);
      const problem = signature ? signatureProblem(last.data, signature, this.publicKeys, false) : null;
      this.signature = { revision: last.revision, problem };
    }
    const { problem } = this.signature;
    return problem === null
      ? problems
      : [...problems, { streamId: INTEGRITY_STREAM_ID, revision: last.revision, reason: problem }];
  }
}

const keysById = (keys: readonly KeyObject[]): Map<string, KeyObject> =>
  new Map(keys.map((key) => [signingKeyId(key), key]));

/**
 * What is wrong with a checkpoint's signature: null when it verifies by one of `keys`, or when it
 * is by another key and `othersUnchecked` (a key the verifier does not hold).
 */
function signatureProblem(
  data: JsonObject,
  signature: EvidenceSignature,
  keys: ReadonlyMap<string, KeyObject>,
  othersUnchecked: boolean,
): string | null {
  const key = keys.get(signature.keyId);
  if (key === undefined) {
    return othersUnchecked
      ? null
      : `checkpoint is signed by key ${signature.keyId}, which is not among the public keys given`;
  }
  const check = verifyEvidence(data, key);
  return check.valid ? null : `checkpoint signature: ${check.reason}`;
}

export function parseCheckpoint(data: JsonObject): CheckpointData | null {
  const { checkpointedAt, position, heads, streamCount, digest } = data;
  // Checkpoints recorded before the chained scheme carry no digestScheme: theirs is all-heads.
  const digestScheme = data.digestScheme ?? 'all-heads';
  if (digestScheme !== 'chained' && digestScheme !== 'all-heads') return null;
  if (typeof checkpointedAt !== 'string' || typeof position !== 'string' || typeof digest !== 'string')
    return null;
  if (typeof streamCount !== 'number' || !Array.isArray(heads)) return null;
  const signature = signatureOf(data.signature);
  if (signature === null) return null;
  const parsed: StreamHead[] = [];
  for (const head of heads) {
    if (typeof head !== 'object' || head === null || Array.isArray(head)) return null;
    const { streamId, revision, hash } = head;
    if (typeof streamId !== 'string' || typeof revision !== 'number' || !Number.isSafeInteger(revision))
      return null;
    if (typeof hash !== 'string' && hash !== null) return null;
    parsed.push({ streamId, revision, hash });
  }
  return { checkpointedAt, position, heads: parsed, streamCount, digestScheme, digest, signature };
}

/** A checkpoint's signature as recorded: undefined when it has none, null when it is malformed. */
function signatureOf(value: JsonObject[string] | undefined): EvidenceSignature | undefined | null {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const { algorithm, keyId, value: signed } = value;
  if (algorithm !== 'Ed25519' || typeof keyId !== 'string' || typeof signed !== 'string') return null;
  return { algorithm, keyId, value: signed };
}
