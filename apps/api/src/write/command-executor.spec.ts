import { PreconditionFailedException } from '@nestjs/common';
import {
  caseDecider,
  caseStreamId,
  ConflictError,
  type CaseCommand,
  type CaseEvent,
  type CaseState,
} from '@trust-ledger/domain';
import type { SqliteEventStore } from '@trust-ledger/event-store';
import { subjectKeyId, type RequestHasher } from '@trust-ledger/privacy';
import { randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import { ManualClock } from '../../../../libs/domain/testing/manual-clock';
import { executorFixture, type ExecutorFixture } from '../../../../test/support/executor-fixture';
import { type CommandExecutor, type ExecuteRequest } from './command-executor';
import { ID_NAMESPACE } from './command-meta';

/**
 * The executor on the real embedded store. Executions started in the same tick all read the stream
 * before any of them appends, so these races are real, not simulated.
 */
describe('CommandExecutor under contention', () => {
  let fixture: ExecutorFixture;
  let store: SqliteEventStore;
  let executor: CommandExecutor;
  let hasher: RequestHasher;
  const clock = new ManualClock('2025-03-01T12:00:00Z');
  const caseId = randomUUID();
  const requestId = randomUUID();
  const streamId = caseStreamId(caseId);

  const request = (
    command: CaseCommand,
    extra: Partial<ExecuteRequest<CaseState, CaseCommand, CaseEvent>> = {},
  ) => ({
    streamId,
    decider: caseDecider,
    command,
    actor: 'officer-1',
    commandId: randomUUID(),
    requestHash: randomUUID(),
    correlationId: randomUUID(),
    ...extra,
  });
  const context = { actor: 'officer-1', now: clock.now() };
  const decide = (rationale: string): CaseCommand => ({
    type: 'DecideRequest',
    data: { requestId, outcome: 'DECLINED', basis: 'NONE', decidedAt: '2025-02-28T11:00:00Z', rationale },
    ...context,
  });
  const recordRequest = (id: string = randomUUID()): CaseCommand => ({
    type: 'RecordFederalRequest',
    data: {
      requestId: id,
      requestingAgency: 'ICE',
      requestType: 'DETAINER',
      form: 'I-247A',
      receivedAt: '2025-02-28T09:00:00Z',
      documents: [],
      informationRequested: [],
    },
    ...context,
  });

  beforeAll(async () => {
    fixture = executorFixture(clock);
    ({ store, executor, hasher } = fixture);
    await executor.execute(
      request({
        type: 'OpenCase',
        data: {
          caseId,
          agencyId: 'agency-a',
          subject: { fullName: 'X' },
          custody: { status: 'IN_CUSTODY' },
          convictions: [],
        },
        ...context,
      }),
    );
    await executor.execute(request(recordRequest(requestId)));
  });
  afterAll(async () => {
    await fixture.close();
  });

  const readAll = async () => {
    const events = [];
    for await (const event of store.readStream(streamId)) events.push(event);
    return events;
  };

  it('re-decides a race lost at append: one decision is recorded, the others are refused by the domain', async () => {
    const append = jest.spyOn(store, 'append');
    // One executor each, as processes of their own: nothing in memory makes them take turns.
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => fixture.another().execute(request(decide(`#${i}`)))),
    );
    // All 20 decided on the same state and tried to append: the losers went round again.
    expect(append).toHaveBeenCalledTimes(20);
    append.mockRestore();

    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const refusals = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
    expect(refusals).toHaveLength(19);
    for (const refusal of refusals) {
      expect(refusal).toBeInstanceOf(ConflictError);
      expect(refusal).toHaveProperty('code', 'ALREADY_DECIDED');
    }
    expect((await readAll()).filter((e) => e.type === 'DecisionRecorded')).toHaveLength(1);
  });

  it('records the events at the moment the decider was given as now, not at a later read of the clock', async () => {
    // A handler reads the clock before the executor appends: a report's publishedAt, an erasure's
    // erasedAt come from that read, and an as-of read at that moment must find the event.
    const now = '2025-03-01T11:59:59.250Z';
    await executor.execute(request({ ...recordRequest(), now }));
    const last = (await readAll()).at(-1)!;
    expect(clock.now()).not.toBe(now);
    expect(last.metadata.recordedAt).toBe(now);
  });

  it('records an imported command when it is appended: its now is the act’s date in the source log', async () => {
    const now = '2012-03-04T05:00:00.000Z';
    const imported = { source: 'log.csv', line: 2, sha256: '0'.repeat(64) };
    const { data } = recordRequest() as Extract<CaseCommand, { type: 'RecordFederalRequest' }>;
    await executor.execute(
      request(
        { type: 'RecordFederalRequest', data: { ...data, receivedAt: now }, actor: 'system:import', now },
        { imported },
      ),
    );
    const last = (await readAll()).at(-1)!;
    expect(last.metadata.imported).toEqual(imported);
    expect(last.metadata.recordedAt).toBe(clock.now());
  });

  it('runs one process’s commands on a stream one after another: none loses a race, none is retried', async () => {
    const before = (await readAll()).length;
    const append = jest.spyOn(store, 'append');
    const results = await Promise.all(
      Array.from({ length: 20 }, () => executor.execute(request(recordRequest()))),
    );
    expect(append).toHaveBeenCalledTimes(20);
    append.mockRestore();
    expect(results.map((r) => r.revision)).toEqual(Array.from({ length: 20 }, (_, i) => before + i));
  });

  it('records one of the different requests raced in under one Idempotency-Key, whatever their streams', async () => {
    const key = randomUUID();
    const others = Array.from({ length: 5 }, () => caseStreamId(randomUUID()));
    const outcomes = await Promise.allSettled(
      others.map((otherStream, i) =>
        executor.execute({
          ...request({
            type: 'OpenCase',
            data: {
              caseId: otherStream.slice('case-'.length),
              agencyId: 'agency-a',
              subject: { fullName: 'X' },
              custody: { status: 'IN_CUSTODY' },
              convictions: [],
            },
            ...context,
          }),
          streamId: otherStream,
          idempotencyKey: key,
          commandId: randomUUID(),
          requestHash: `request ${i}`,
        }),
      ),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', ...Array(4).fill('rejected')]);
    for (const o of outcomes.slice(1)) {
      expect((o as PromiseRejectedResult).reason).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    }
    const written = await Promise.all(
      others.map(async (id) => (await store.readStream(id)[Symbol.asyncIterator]().next()).done !== true),
    );
    expect(written).toEqual([true, false, false, false, false]);
  });

  it('answers a race lost at append with 412 when the caller sent If-Match', async () => {
    const revision = (await readAll()).length - 1;
    const outcomes = await Promise.allSettled(
      Array.from({ length: 3 }, () =>
        fixture.another().execute(request(recordRequest(), { ifMatch: [String(revision)] })),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of outcomes.filter((o) => o.status === 'rejected')) {
      expect(o.reason).toBeInstanceOf(PreconditionFailedException);
    }
    expect(await readAll()).toHaveLength(revision + 2);
  });

  it('tells concurrent executions of one command apart from another request raced in under its key', async () => {
    const commandId = randomUUID();
    const command = recordRequest();
    const same = await Promise.all([
      executor.execute(request(command, { commandId, requestHash: 'same' })),
      executor.execute(request(command, { commandId, requestHash: 'same' })),
    ]);
    expect(same[1]).toEqual(same[0]);
    expect((await readAll()).filter((e) => e.metadata.commandId === commandId)).toHaveLength(1);

    const reusedKey = randomUUID();
    const outcomes = await Promise.allSettled([
      executor.execute(request(recordRequest(), { commandId: reusedKey, requestHash: 'first' })),
      executor.execute(request(recordRequest(), { commandId: reusedKey, requestHash: 'second' })),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect((await readAll()).filter((e) => e.metadata.commandId === reusedKey)).toHaveLength(1);
  });

  it('derives event ids from the command id and records who, why and what in the metadata', async () => {
    const commandId = randomUUID();
    const result = await executor.execute(
      request(recordRequest(), { commandId, correlationId: 'corr-1', requestHash: 'h1' }),
    );
    const last = (await readAll()).at(-1)!;
    expect(result).toEqual({ id: last.id, streamId, revision: last.revision, position: expect.any(String) });
    // The position is sealed (API.md: opaque); it opens to the event's.
    expect(fixture.positions.open(result.position)).toBe(last.position);
    // Only the keyed fingerprint is stored, never the plain request hash.
    const fingerprint = await hasher.digest('h1');
    expect(last.id).toBe(uuidv5(`${commandId}:${fingerprint}:0`, ID_NAMESPACE));
    expect(last.metadata).toMatchObject({
      recordedAt: '2025-03-01T12:00:00.000Z',
      correlationId: 'corr-1',
      causationId: null,
      actor: 'officer-1',
      commandId,
      requestHash: fingerprint,
    });
    // The same command id again (a retry) is answered from the stream and appends nothing.
    const again = await executor.execute(
      request(recordRequest(), { commandId, correlationId: 'corr-2', requestHash: 'h1' }),
    );
    expect(again).toEqual(result);
    expect((await readAll()).at(-1)!.id).toBe(last.id);
  });

  it("never answers with another caller's command recorded under the same command id", async () => {
    const commandId = randomUUID();
    const theirs = await executor.execute(request(recordRequest(), { commandId, requestHash: 'h-same' }));
    const before = (await readAll()).length;
    await expect(
      executor.execute(request(recordRequest(), { commandId, requestHash: 'h-same', actor: 'officer-2' })),
    ).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await readAll()).toHaveLength(before);
    expect((await readAll()).find((e) => e.metadata.commandId === commandId)?.id).toBe(theirs.id);
  });

  it('recognises a retry of a request recorded when the person did not key its fingerprint yet', async () => {
    // As before notices were keyed by the subject's key: the master-derived key alone.
    const commandId = randomUUID();
    const first = await executor.execute(request(recordRequest(), { commandId, requestHash: 'before' }));
    const person = { keyId: subjectKeyId(caseId), create: false };
    await hasher.digest('mints the key', { ...person, create: true });
    const retry = await executor.execute(
      request(recordRequest(), { commandId, requestHash: 'before', personKey: person }),
    );
    expect(retry).toEqual(first);
    // Another request under the same command id is still told so.
    await expect(
      executor.execute(request(recordRequest(), { commandId, requestHash: 'other', personKey: person })),
    ).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('recognises a retry fingerprinted otherwise than its first request was, as the caller says it may be', async () => {
    // As a review posted under a violation's former id, then under its current one.
    const commandId = randomUUID();
    const first = await executor.execute(request(recordRequest(), { commandId, requestHash: 'at former' }));
    const retry = { commandId, requestHash: 'at current', sameRequestAs: ['at former'] };
    expect(await executor.execute(request(recordRequest(), retry))).toEqual(first);
    // Only what the caller names: another fingerprint is another request.
    await expect(
      executor.execute(request(recordRequest(), { ...retry, sameRequestAs: ['elsewhere'] })),
    ).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
  });
});
