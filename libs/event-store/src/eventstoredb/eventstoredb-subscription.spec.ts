import { PassThrough } from 'node:stream';
import { status } from '@grpc/grpc-js';
import type { AllStreamSubscription } from '@eventstore/db-client';
import { Subscription as ClientSubscription } from '@eventstore/db-client/dist/streams/utils/Subscription';
import { convertGrpcEvent, createStreamIdentifier, createUUID } from '@eventstore/db-client/dist/utils';
import { ReadResp } from '@eventstore/db-client/generated/streams_pb';
import type { ClientReadableStream } from '@grpc/grpc-js';
import type { EventFilter, RecordedEvent } from '../event-store.port';
import { EventStoreDbSubscription } from './eventstoredb-subscription';
import { decodePosition } from './position';

/**
 * The subscription runs here on the real client code (its catch-up subscription stream and its
 * conversion of gRPC messages) over a stand-in for the gRPC call: a stream of the protobuf messages
 * the server sends. Only the network is replaced; what the server does is the contract suite's job.
 */
class FakeCall extends PassThrough {
  cancelled = false;

  constructor() {
    super({ objectMode: true });
  }

  /** As gRPC does: a cancelled call fails with CANCELLED "Cancelled on client" (and never ends). */
  cancel(): void {
    this.cancelled = true;
    this.emit(
      'error',
      Object.assign(new Error('1 CANCELLED'), { code: status.CANCELLED, details: 'Cancelled on client' }),
    );
  }
}

interface WireEvent {
  streamId: string;
  type: string;
  revision?: number;
  commit: number;
  prepare?: number;
}

function message(event: WireEvent): ReadResp {
  const record = new ReadResp.ReadEvent.RecordedEvent();
  record.setId(createUUID());
  record.setStreamIdentifier(createStreamIdentifier(event.streamId));
  record.setStreamRevision(String(event.revision ?? 0));
  record.setCommitPosition(String(event.commit));
  record.setPreparePosition(String(event.prepare ?? event.commit));
  record.getMetadataMap().set('type', event.type).set('content-type', 'application/json');
  record.setData(Buffer.from(JSON.stringify({ n: event.commit })));
  record.setCustomMetadata(
    Buffer.from(
      JSON.stringify({
        recordedAt: '2026-03-01T10:00:00Z',
        correlationId: 'c',
        causationId: null,
        actor: 'a',
      }),
    ),
  );
  const readEvent = new ReadResp.ReadEvent();
  readEvent.setEvent(record);
  readEvent.setCommitPosition(String(event.commit));
  const response = new ReadResp();
  response.setEvent(readEvent);
  return response;
}

function open(options: { after?: string; filter?: EventFilter } = {}) {
  const call = new FakeCall();
  const source = new ClientSubscription(
    () => Promise.resolve(call as unknown as ClientReadableStream<ReadResp>),
    convertGrpcEvent,
    {},
  ) as unknown as AllStreamSubscription;
  let released = 0;
  const subscription = new EventStoreDbSubscription(
    source,
    options.after === undefined ? undefined : decodePosition(options.after),
    options.filter,
    () => (released += 1),
  );
  return { call, subscription, released: () => released };
}

/** Yields to the event loop until the condition holds (the test times out if it never does). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

function consume(subscription: EventStoreDbSubscription, into: RecordedEvent[]): Promise<void> {
  return (async () => {
    for await (const event of subscription) into.push(event);
  })();
}

const position = (commit: number): string =>
  `${String(commit).padStart(20, '0')}/${String(commit).padStart(20, '0')}`;

describe('EventStoreDB subscription', () => {
  it('yields the application events that pass the filter, in order, as port events', async () => {
    const { call, subscription } = open({
      filter: { streamPrefixes: ['case-'], eventTypes: ['CaseOpened', 'NoticeIssued'] },
    });
    const got: RecordedEvent[] = [];
    const done = consume(subscription, got);
    call.write(message({ streamId: '$stats-node', type: '$statsCollected', commit: 10 }));
    call.write(message({ streamId: 'case-1', type: 'CaseOpened', revision: 0, commit: 20 }));
    call.write(message({ streamId: '$$case-1', type: '$metadata', commit: 30 }));
    call.write(message({ streamId: 'matter-1', type: 'CaseOpened', commit: 40 }));
    call.write(message({ streamId: 'case-1', type: 'DecisionRecorded', revision: 1, commit: 50 }));
    call.write(message({ streamId: 'case-1', type: 'NoticeIssued', revision: 2, commit: 60, prepare: 55 }));
    await until(() => got.length === 2);
    await subscription.close();
    await done;
    expect(got.map((e) => [e.streamId, e.type, e.revision, e.position])).toEqual([
      ['case-1', 'CaseOpened', 0, position(20)],
      ['case-1', 'NoticeIssued', 2, `${String(60).padStart(20, '0')}/${String(55).padStart(20, '0')}`],
    ]);
    expect(got[1].data).toEqual({ n: 60 });
    expect(got[1].metadata).toMatchObject({ recordedAt: '2026-03-01T10:00:00Z', actor: 'a' });
  });

  it('delivers only events strictly after the checkpoint', async () => {
    const { call, subscription } = open({ after: position(20) });
    const got: RecordedEvent[] = [];
    const done = consume(subscription, got);
    for (const commit of [10, 20, 30]) call.write(message({ streamId: 'case-1', type: 'T', commit }));
    await until(() => got.length === 1);
    await subscription.close();
    await done;
    expect(got.map((e) => e.position)).toEqual([position(30)]);
  });

  it('ends the iteration when closed while waiting for live events, and cancels the call', async () => {
    const { call, subscription, released } = open();
    const got: RecordedEvent[] = [];
    const done = consume(subscription, got);
    call.write(message({ streamId: 'case-1', type: 'T', commit: 1 }));
    await until(() => got.length === 1);
    await subscription.close();
    await done;
    expect(call.cancelled).toBe(true);
    expect(released()).toBe(1);
    await subscription.close();
    expect(released()).toBe(1);
  });

  it('yields nothing more once closed, even with events already buffered', async () => {
    const { call, subscription } = open();
    for (const commit of [1, 2, 3, 4]) call.write(message({ streamId: 'case-1', type: 'T', commit }));
    const iterator = subscription[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.done).toBe(false);
    await subscription.close();
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it('yields nothing that arrives once close() has been called', async () => {
    const { call, subscription } = open();
    const got: RecordedEvent[] = [];
    const done = consume(subscription, got);
    call.write(message({ streamId: 'case-1', type: 'T', commit: 1 }));
    await until(() => got.length === 1);
    const closing = subscription.close();
    call.write(message({ streamId: 'case-1', type: 'T', commit: 2 }));
    await closing;
    await done;
    expect(got.map((e) => e.position)).toEqual([position(1)]);
  });

  it('releases the call when the consumer stops iterating', async () => {
    const { call, subscription, released } = open();
    call.write(message({ streamId: 'case-1', type: 'T', commit: 1 }));
    for await (const event of subscription) {
      expect(event.position).toBe(position(1));
      break;
    }
    expect(call.cancelled).toBe(true);
    expect(released()).toBe(1);
  });

  it('passes a failed call on to the consumer', async () => {
    const { call, subscription, released } = open();
    const got: RecordedEvent[] = [];
    const done = consume(subscription, got);
    call.write(message({ streamId: 'case-1', type: 'T', commit: 1 }));
    await until(() => got.length === 1);
    call.emit(
      'error',
      Object.assign(new Error('14 UNAVAILABLE: connection dropped'), { code: status.UNAVAILABLE }),
    );
    await expect(done).rejects.toThrow('UNAVAILABLE');
    expect(released()).toBe(1);
  });

  it('fails, rather than ends, when the call ends without close(): the consumer then resubscribes', async () => {
    const { call, subscription, released } = open();
    const got: RecordedEvent[] = [];
    const done = consume(subscription, got);
    call.write(message({ streamId: 'case-1', type: 'T', commit: 1 }));
    await until(() => got.length === 1);
    // What client.dispose() or a server completing the call does: the stream ends, with no error.
    call.end();
    await expect(done).rejects.toThrow('ended unexpectedly');
    expect(released()).toBe(1);
  });

  it('keeps a call that failed before anyone iterated for the first next(), and the process alive', async () => {
    const { call, subscription } = open();
    await until(() => call.listenerCount('error') > 0);
    call.emit('error', Object.assign(new Error('14 UNAVAILABLE: no leader'), { code: status.UNAVAILABLE }));
    await new Promise((resolve) => setImmediate(resolve));
    await expect(subscription[Symbol.asyncIterator]().next()).rejects.toThrow('UNAVAILABLE');
  });

  it('stops reading from the call while the consumer does not keep up', async () => {
    const { call, subscription } = open();
    const total = 200;
    for (let commit = 1; commit <= total; commit += 1)
      call.write(message({ streamId: 'case-1', type: 'T', commit }));
    const iterator = subscription[Symbol.asyncIterator]();
    await iterator.next();
    // Give the pipe every chance to drain the call: it must stop once the client's buffer is full.
    for (let i = 0; i < 20; i += 1) await new Promise((resolve) => setImmediate(resolve));
    // What the call still holds, not yet handed to the client's stream.
    expect(call.readableLength + call.writableLength).toBeGreaterThan(total / 2);
    const got: RecordedEvent[] = [];
    while (got.length < total - 1) got.push((await iterator.next()).value as RecordedEvent);
    expect(got.map((e) => decodePosition(e.position).commit)).toEqual(
      Array.from({ length: total - 1 }, (_, i) => BigInt(i + 2)),
    );
    await subscription.close();
  });
});
