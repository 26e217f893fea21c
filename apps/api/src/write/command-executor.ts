import { Inject, Injectable, PreconditionFailedException } from '@nestjs/common';
import AsyncLock from 'async-lock';
import { CLOCK, ConflictError, type Clock, type CommandContext, type Decider } from '@trust-ledger/domain';
import {
  DuplicateEventIdError,
  EVENT_STORE,
  WrongExpectedRevisionError,
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type RecordedEvent,
} from '@trust-ledger/event-store';
import { OpaquePositions, RequestHasher, type PersonKey } from '@trust-ledger/privacy';
import { v5 as uuidv5 } from 'uuid';
import type { CommandResult } from './command-result';
import { ID_NAMESPACE, type CommandMeta } from './command-meta';
import { EVENT_CODEC, type DomainEvent, type EventCodec } from './event-codec';
import { IdempotencyStore } from './idempotency.store';

interface Request<S, C extends CommandContext, E extends DomainEvent> extends CommandMeta {
  streamId: string;
  decider: Decider<S, C, E>;
  /**
   * Runs on the agency the stream's first event names (undefined for a new stream), as stored, in
   * clear, before anything is decoded; throws to refuse. Another agency's record then costs no more
   * to refuse than an unknown one, and its person's data is not opened for the caller.
   */
  authorize?: (agencyId: string | undefined) => void;
  /** The created thing's id (API.md's `id`); defaults to the first recorded event's id. */
  createdId?: string;
  /** The person whose data the command carries, whose data key then keys its fingerprint too. */
  personKey?: PersonKey;
  /** Fingerprints (as CommandMeta.requestHash) this same request may have been recorded under before:
   * a review posted under another id of its violation. */
  sameRequestAs?: readonly string[];
  /** The other streams this same request may have been recorded on (a review, on the stream of
   * another id of its violation), read only when a retry under an Idempotency-Key is found neither in
   * the IdempotencyStore nor on `streamId`: as after a lost api.db. */
  recordedElsewhere?: () => Promise<ReadonlyArray<readonly RecordedEvent[]>>;
  /**
   * What If-Match and If-None-Match: * are checked against, for a record kept on more streams than
   * the one written (a violation's reviews): its ETag's value (undefined: nothing recorded on any)
   * given the written stream's revision. Asked in the stream's turn, after the precondition; by
   * default, that revision.
   */
  versionTag?: (revision: number | undefined) => Promise<string | undefined>;
}

export type ExecuteRequest<S, C extends CommandContext, E extends DomainEvent> = Request<S, C, E> &
  (
    | {
        command: C;
        /** Runs only for a command not recorded yet, so that a retry still gets its first response
         * even when what it checks has changed since; throws to refuse. It may wait (for the read
         * models, say), holding the stream's turn meanwhile. */
        precondition?: () => void | Promise<void>;
      }
    | {
        /** A command that records what it checks (counsel's review: the act of the violation the
         * register holds) is made where a precondition runs, as one does, and may refuse as one does. */
        checkedCommand: () => Promise<C>;
      }
  );

/** Enough for any realistic contention; past it the caller gets a 409 to retry, not a hang. */
const MAX_ATTEMPTS = 5;
/** Commands waiting for one stream (or one Idempotency-Key) at once; past it, a 409 to retry. */
const MAX_WAITING = 10_000;

/**
 * The one write path of every aggregate: load the stream (through the codec), fold it, decide,
 * append with the folded revision as the expectation. The store is the only place an event is
 * published.
 *
 * Idempotency: event ids are uuidv5(`${commandId}:${requestHash}:${index}`), and commandId derives
 * from the caller's Idempotency-Key, so a retry re-derives the very same events. A retry is
 * recognised (1) by the IdempotencyStore's (sub, key) row, (2) failing that, by events in the stream
 * (or, under a key, in the other streams the caller names) whose metadata.commandId is this
 * command's, and (3) as a last resort by the store refusing the same event ids elsewhere. The same
 * request answers with the first response and writes nothing; a different request under the same
 * key is 409 IDEMPOTENCY_KEY_REUSED. The request hash is in the ids because the store accepts a
 * re-append of the same ids at the same place as a harmless retry: without it, a different body
 * raced in under the same key would be told it was recorded.
 *
 * Concurrency: within this process, the commands of one stream run one after another, and so do
 * those under one caller's Idempotency-Key (whatever their streams: the second then finds the
 * first's response, or 409 for another request), so concurrent clients neither exhaust the retries
 * nor record two requests under one key. If-Match is checked against the folded revision before
 * deciding (412). A race lost at append time (another process) is 412 with If-Match; without it,
 * the command is re-decided on the new state, so that of many concurrent contradictory commands
 * exactly one is recorded and the others get the domain's own 409.
 */
@Injectable()
export class CommandExecutor {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(EVENT_CODEC) private readonly codec: EventCodec,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly idempotency: IdempotencyStore,
    private readonly hasher: RequestHasher,
    private readonly positions: OpaquePositions,
  ) {}

  private readonly turns = new AsyncLock({ maxPending: MAX_WAITING });

  async execute<S, C extends CommandContext, E extends DomainEvent>(
    command: ExecuteRequest<S, C, E>,
  ): Promise<CommandResult> {
    // The key's turn first, then the stream's: always in that order, so no two commands wait on
    // each other.
    const turns = [
      ...(command.idempotencyKey === undefined ? [] : [keyTurn(command.actor, command.idempotencyKey)]),
      `stream\n${command.streamId}`,
    ];
    return this.inTurn(turns, command.streamId, () => this.executeInTurn(command));
  }

  private async inTurn<R>(turns: string | string[], streamId: string, run: () => Promise<R>): Promise<R> {
    try {
      return await this.turns.acquire(turns, run);
    } catch (error) {
      // async-lock's refusal past maxPending.
      if (error instanceof Error && error.message.startsWith('Too many pending tasks')) {
        throw changingTooFast(streamId);
      }
      throw error;
    }
  }

  private async executeInTurn<S, C extends CommandContext, E extends DomainEvent>(
    command: ExecuteRequest<S, C, E>,
  ): Promise<CommandResult> {
    // Only the keyed fingerprint is ever stored (event ids, metadata, api.db): see RequestHasher.
    // Looked up without minting the person's key: a request refused or replayed leaves none behind.
    const { personKey } = command;
    const request = {
      ...command,
      requestHash: await this.hasher.digest(
        command.requestHash,
        personKey && { ...personKey, create: false },
      ),
    };
    // Notices and custody access were keyed by the master-derived key alone before they were by the
    // person's too: a retry of one recorded then is still the same request. So is one the caller
    // says was fingerprinted otherwise (sameRequestAs).
    const formerly = await Promise.all([
      ...(personKey !== undefined && !personKey.create ? [this.hasher.digest(command.requestHash)] : []),
      ...(command.sameRequestAs ?? []).map((hash) => this.hasher.digest(hash)),
    ]);
    const { streamId, decider } = request;
    for (let attempt = 1; ; attempt++) {
      const recorded = await this.readAll(streamId);
      const agencyId = recorded[0]?.data.agencyId;
      request.authorize?.(typeof agencyId === 'string' ? agencyId : undefined);
      const history = await Promise.all(recorded.map(async (event) => (await this.codec.decode(event)) as E));
      const state = history.reduce(decider.evolve, decider.initialState);

      const replayed = await this.replay(request, recorded, formerly);
      if (replayed) return replayed;
      let decided: C;
      if ('checkedCommand' in request) decided = await request.checkedCommand();
      else {
        await request.precondition?.();
        decided = request.command;
      }

      const revision = recorded.length > 0 ? recorded[recorded.length - 1].revision : undefined;
      const tag = request.versionTag ? await request.versionTag(revision) : revisionTag(revision);
      this.checkConditions(request, revision, tag);

      const events = decider.decide(state, decided);
      if (events.length === 0) throw new Error(`${streamId}: the decider recorded nothing for a command`);
      // The command that first records the person mints their key now, and is fingerprinted by it.
      if (personKey?.create) request.requestHash = await this.hasher.digest(command.requestHash, personKey);
      const toAppend = await this.toAppend(request, decided, events);
      let appended: AppendResult;
      try {
        appended = await this.store.append(streamId, toAppend, { expectedRevision: revision ?? 'no_stream' });
      } catch (e) {
        if (e instanceof DuplicateEventIdError) throw keyReused();
        if (!(e instanceof WrongExpectedRevisionError)) throw e;
        if (attempt >= MAX_ATTEMPTS) throw changingTooFast(streamId);
        continue;
      }
      const result = {
        id: request.createdId ?? toAppend[0].id,
        streamId,
        revision: appended.nextExpectedRevision,
        position: appended.position,
      };
      if (request.idempotencyKey !== undefined) {
        this.idempotency.remember(
          request.actor,
          request.idempotencyKey,
          { requestHash: request.requestHash, streamId, response: result },
          this.clock.now(),
        );
      }
      return this.answer(result);
    }
  }

  /** If-None-Match: * and If-Match against the record's ETag value `tag` (412 when unmet). */
  private checkConditions(
    { streamId, ifMatch, ifNoneMatchAny }: CommandMeta & { streamId: string },
    revision: number | undefined,
    tag: string | undefined,
  ): void {
    // Worded by the revision while the tag is one (a record on its stream alone).
    const at = tag === revisionTag(revision) ? `revision ${revision ?? 'none'}` : `ETag "${tag}"`;
    if (ifNoneMatchAny === true && tag !== undefined) {
      throw new PreconditionFailedException({
        code: 'REVISION_MISMATCH',
        message:
          revision === undefined
            ? `If-None-Match: * but the streams recorded with ${streamId} already hold events (${at})`
            : `If-None-Match: * but ${streamId} already holds revision ${revision}`,
      });
    }
    if (ifMatch === '*' && tag === undefined) {
      throw new PreconditionFailedException({
        code: 'REVISION_MISMATCH',
        message: `If-Match: * but ${streamId} has nothing recorded`,
      });
    }
    if (ifMatch !== undefined && ifMatch !== '*' && (tag === undefined || !ifMatch.includes(tag))) {
      // On a record whose ETag is its one stream's revision, a revision ahead of it, or a tag of
      // several streams' form, was never given out for it: another record's, or made up. Only when
      // every tag named is such is the If-Match not stale. (On a record kept on several streams, any
      // tag may have been given out before, under another of its ids.)
      const onOneStream = tag === revisionTag(revision);
      const neverGiven = (r: string): boolean => !REVISION.test(r) || Number(r) > (revision ?? -1);
      const tags = ifMatch.map((r) => `"${r}"`).join(', ');
      const message =
        !onOneStream || !ifMatch.every(neverGiven)
          ? `If-Match ${tags} is stale: ${streamId} has changed since`
          : ifMatch.every((r) => REVISION.test(r))
            ? `If-Match ${tags} is ahead of ${streamId}, which is at ${at}`
            : tag === undefined
              ? `If-Match ${tags} was never given out for ${streamId}, which has nothing recorded`
              : `If-Match ${tags} was never given out for ${streamId}, whose ETag is its revision (${at})`;
      throw new PreconditionFailedException({ code: 'REVISION_MISMATCH', message });
    }
  }

  /**
   * An operation that records no command event of its own (an integrity checkpoint on `streamId`):
   * with an Idempotency-Key, a retry of the same request answers with the first response and runs
   * nothing; the key with another request is 409, as for commands.
   */
  async once<R>(meta: CommandMeta, streamId: string, run: () => Promise<R>): Promise<R> {
    const key = meta.idempotencyKey;
    if (key === undefined) return run();
    const requestHash = await this.hasher.digest(meta.requestHash);
    return this.inTurn(keyTurn(meta.actor, key), streamId, async () => {
      const remembered = this.idempotency.find<R>(meta.actor, key);
      if (remembered) {
        if (remembered.requestHash !== requestHash) throw keyReused();
        return remembered.response;
      }
      const response = await run();
      this.idempotency.remember(meta.actor, key, { requestHash, streamId, response }, this.clock.now());
      return response;
    });
  }

  /** The first response to this command if it already ran; 409 when its key came with another request. */
  private async replay<S, C extends CommandContext, E extends DomainEvent>(
    request: ExecuteRequest<S, C, E>,
    recorded: RecordedEvent[],
    formerly: readonly string[],
  ): Promise<CommandResult | undefined> {
    const same = (stored: unknown): boolean =>
      stored === request.requestHash || (typeof stored === 'string' && formerly.includes(stored));
    if (request.idempotencyKey !== undefined) {
      const remembered = this.idempotency.find(request.actor, request.idempotencyKey);
      if (remembered) {
        if (!same(remembered.requestHash)) throw this.keyReused(request.personKey);
        return this.answer(remembered.response);
      }
    }
    const ownOf = (events: readonly RecordedEvent[]): RecordedEvent[] =>
      events.filter((event) => event.metadata.commandId === request.commandId);
    let own = ownOf(recorded);
    let { streamId } = request;
    // Without a key, the command id is new: nothing elsewhere is this command.
    if (own.length === 0 && request.idempotencyKey !== undefined && request.recordedElsewhere) {
      own = (await request.recordedElsewhere()).map(ownOf).find((found) => found.length > 0) ?? [];
      if (own.length > 0) streamId = own[0].streamId;
    }
    if (own.length === 0) return undefined;
    // Another caller's command is never this one's answer: before command ids escaped the `sub`,
    // `p:q` with key `r2` and `p` with key `q:r2` shared one.
    if (own[0].metadata.actor !== request.actor || !same(own[0].metadata.requestHash)) {
      throw this.keyReused(request.personKey);
    }
    const last = own[own.length - 1];
    return this.answer({
      id: request.createdId ?? own[0].id,
      streamId,
      revision: last.revision,
      position: last.position,
    });
  }

  /** What the caller is told: the position sealed (API.md: opaque). Remembered in clear, so that
   * a response remembered before positions were sealed is answered the same way. */
  private answer(result: CommandResult): CommandResult {
    return { ...result, position: this.positions.seal(result.position) };
  }

  /** Once the person is erased, the first request's fingerprint can no longer be recomputed: say so. */
  private keyReused(person: PersonKey | undefined): ConflictError {
    if (person === undefined || !this.hasher.erased(person)) return keyReused();
    return new ConflictError(
      'IDEMPOTENCY_KEY_REUSED',
      'This Idempotency-Key was already used, for a request that can no longer be compared with this one: the personal data it carried has since been erased',
    );
  }

  private async toAppend<S, C extends CommandContext, E extends DomainEvent>(
    request: ExecuteRequest<S, C, E>,
    command: C,
    events: E[],
  ): Promise<EventToAppend[]> {
    // The moment the decider was given as `now`: what it derived from it (a case's openedAt, a
    // report's publishedAt) is exactly when the record says it was recorded, and an as-of read at
    // that moment finds it. An import's `now` is instead the date its source log gives the act
    // (years back, say): the log must not claim it was recorded then, so it is recorded at append.
    const recordedAt = request.imported ? this.clock.now() : command.now;
    return Promise.all(
      events.map(async (event, index) => ({
        ...(await this.codec.encode(request.streamId, event)),
        id: uuidv5(`${request.commandId}:${request.requestHash}:${index}`, ID_NAMESPACE),
        metadata: {
          recordedAt,
          correlationId: request.correlationId,
          causationId: null,
          actor: request.actor,
          commandId: request.commandId,
          requestHash: request.requestHash,
          ...(request.imported && { imported: request.imported }),
        },
      })),
    );
  }

  private async readAll(streamId: string): Promise<RecordedEvent[]> {
    const recorded: RecordedEvent[] = [];
    for await (const event of this.store.readStream(streamId)) recorded.push(event);
    return recorded;
  }
}

const keyReused = (): ConflictError =>
  new ConflictError(
    'IDEMPOTENCY_KEY_REUSED',
    'This Idempotency-Key was already used with a different request',
  );

const keyTurn = (actor: string, key: string): string => `key\n${actor}\n${key}`;

/** A revision as its ETag's value. */
const REVISION = /^\d+$/;
const revisionTag = (revision: number | undefined): string | undefined =>
  revision === undefined ? undefined : String(revision);

function changingTooFast(streamId: string): ConflictError {
  return new ConflictError('CONCURRENT_MODIFICATION', `${streamId} is changing too fast; retry the command`);
}
