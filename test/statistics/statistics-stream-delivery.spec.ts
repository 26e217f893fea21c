import { randomBytes } from 'node:crypto';
import type { EventStore } from '@trust-ledger/event-store';
import { OpaquePositions } from '@trust-ledger/privacy';
import type { BatchCommitted, ProjectionRunner } from '@trust-ledger/projections';
import { STATISTICS, type PublicStatistics } from '@trust-ledger/projections/statistics';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PublicStatisticsController } from '../../apps/api/src/public-statistics/public-statistics.controller';
import {
  StatisticsStream,
  type StatisticsMessage,
} from '../../apps/api/src/public-statistics/statistics-stream';
import type { StatisticsReader } from '../../apps/api/src/public-statistics/statistics.reader';

/** What one client of the stream was sent, as its SSE messages. */
interface Sent {
  id: string | undefined;
  data: string;
}

/** The hijacked reply of one stream request: keeps what is written to the socket. */
class StreamReply {
  private text = '';
  private readonly closing: (() => void)[] = [];
  ended = false;
  readonly raw = {
    writableLength: 0,
    writeHead: (): void => undefined,
    write: (chunk: string): boolean => {
      this.text += chunk;
      return true;
    },
    end: (): void => {
      this.ended = true;
    },
    destroy: (): void => undefined,
    once: (event: string, listener: () => void): void => {
      if (event === 'close') this.closing.push(listener);
    },
  };

  hijack(): void {}

  /** The messages sent, comments left out. */
  get messages(): Sent[] {
    return this.text
      .split('\n\n')
      .map((block) => block.split('\n').filter((line) => line !== '' && !line.startsWith(':')))
      .filter((lines) => lines.length > 0)
      .map((lines) => ({
        id: lines.find((line) => line.startsWith('id: '))?.slice(4),
        data: lines.find((line) => line.startsWith('data: '))!.slice(6),
      }));
  }

  /** The client goes away. */
  close(): void {
    for (const listener of this.closing) listener();
  }
}

const request = { ip: '127.0.0.1', method: 'GET' } as FastifyRequest;

function open(
  controller: PublicStatisticsController,
  lastEventId?: string,
): { reply: StreamReply; opened: Promise<void> } {
  const reply = new StreamReply();
  return { reply, opened: controller.subscribe(lastEventId, request, reply as unknown as FastifyReply) };
}

const sent = ({ id, data }: StatisticsMessage): Sent => ({ id: id ?? undefined, data });

/**
 * The stream's service, faked so that a test decides when each message is counted relative to the
 * latest one a client asks for: the subject is the controller's merging of the two.
 */
class CountedMessages {
  private readonly listeners = new Set<(message: StatisticsMessage) => void>();
  /** The latest message, and what is counted once it is answered (before its reader resumes). */
  answer: { latest: StatisticsMessage; thenCounted: StatisticsMessage[] } | undefined;

  latest(): Promise<StatisticsMessage> {
    const { latest, thenCounted } = this.answer!;
    const answered = Promise.resolve(latest);
    // Registered before the reader's own wait: runs first, as a count ending right then would.
    void answered.then(() => thenCounted.forEach((message) => this.publish(message)));
    return answered;
  }

  isBehind(lastEventId: string | undefined, message: StatisticsMessage): boolean {
    return StatisticsStream.prototype.isBehind.call(this, lastEventId, message);
  }

  subscribe(listener: (message: StatisticsMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(message: StatisticsMessage): void {
    for (const listener of this.listeners) listener(message);
  }
}

/** Its id is the position's and its counts': a change only time brings has one of its own. */
const message = (sequence: number, position: number): StatisticsMessage => ({
  id: `sealed-${position}.counted-${sequence}`,
  data: JSON.stringify({ counted: sequence }),
  sequence,
});

describe('the statistics stream, as each client is sent it', () => {
  const counted = new CountedMessages();
  const controller = new PublicStatisticsController(
    {} as StatisticsReader,
    counted as unknown as StatisticsStream,
  );

  it.each([
    ['at a later position', message(2, 2)],
    // A change only time brings (a notice deadline passed) is counted at the position before it.
    ['at the same position, by time alone', message(2, 1)],
  ])('sends a change counted between the latest message and the subscription (%s)', async (_, change) => {
    counted.answer = { latest: message(1, 1), thenCounted: [change] };
    const { reply, opened } = open(controller);
    await opened;
    try {
      expect(reply.messages).toEqual([sent(message(1, 1)), sent(change)]);
    } finally {
      reply.close();
    }
  });

  it('sends each message once, in the order counted, resuming from Last-Event-ID or not', async () => {
    for (const lastEventId of [undefined, message(1, 1).id!, message(2, 2).id!]) {
      // Counted while the latest was being asked for: the older one and the latest itself…
      counted.answer = { latest: message(2, 2), thenCounted: [message(1, 1), message(2, 2)] };
      const { reply, opened } = open(controller, lastEventId);
      await opened;
      try {
        // …and, the client subscribed, those after it.
        counted.publish(message(3, 3));
        counted.publish(message(4, 3));
        const after = [message(3, 3), message(4, 3)].map(sent);
        // A client that has the latest (by its Last-Event-ID) is sent only what follows it.
        expect(reply.messages).toEqual(
          lastEventId === message(2, 2).id ? after : [sent(message(2, 2)), ...after],
        );
      } finally {
        reply.close();
      }
    }
  });
});

/**
 * A real StatisticsStream and controller over a reader whose counts wait for the test to answer
 * them (`counts`, in the order asked) and a runner at `position`; its timers (the periodic recount
 * for changes time alone brings) run when the test says, within the calling describe.
 */
function countedStream(position: string, positions: OpaquePositions) {
  const counts: ((statistics: PublicStatistics) => void)[] = [];
  let progress: (batch: BatchCommitted) => void = () => undefined;
  const stream = new StatisticsStream(
    {
      currentQuarter: () => new Promise<PublicStatistics>((resolve) => counts.push(resolve)),
    } as unknown as StatisticsReader,
    {
      onProgress: (listener: (batch: BatchCommitted) => void) => {
        progress = listener;
        return () => undefined;
      },
      status: () => Promise.resolve([{ name: STATISTICS, position }]),
    } as unknown as ProjectionRunner,
    { comparePositions: (a: string, b: string) => Number(a) - Number(b) } as unknown as EventStore,
    positions,
  );
  beforeAll(() => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    stream.onApplicationBootstrap();
  });
  afterAll(() => {
    stream.beforeApplicationShutdown();
    jest.useRealTimers();
  });
  return {
    stream,
    controller: new PublicStatisticsController({} as StatisticsReader, stream),
    counts,
    /** A batch committed, as the runner tells the stream. */
    progress: (batch: BatchCommitted) => progress(batch),
    /** Resolves once `n` counts have been asked for. */
    counting: async (n: number): Promise<void> => {
      while (counts.length < n) await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

describe('the statistics stream counted as clients come and go', () => {
  const { stream, controller, counts, progress, counting } = countedStream('1', {
    sealWithState: (position: string, counted: string) => `sealed-${position}.${counted}`,
  } as unknown as OpaquePositions);

  /** Counts that differ by their § 1 violations alone. */
  const statistics = (violations: number): PublicStatistics => ({
    period: '2025-Q1',
    generatedAt: '2025-03-01T12:00:00.000Z',
    threshold: 5,
    rows: [],
    violationsBySection: { '1': violations, suppressed: [] },
  });
  /** The message a count of `statistics(violations)` at `position` sends. */
  const expected = (violations: number, position: number): Sent => {
    const { generatedAt: _generatedAt, ...counts } = statistics(violations);
    return {
      id: `sealed-${position}.${JSON.stringify(counts)}`,
      data: JSON.stringify(statistics(violations)),
    };
  };

  it('sends a client that subscribes during a count its message once, then each change', async () => {
    const first = open(controller);
    await counting(1);
    counts[0](statistics(1));
    await first.opened;
    // A batch commits; a client opens while its count waits for the suppression decision.
    progress({ projection: STATISTICS, applied: 1, position: '2' });
    const asked = stream.latest();
    await counting(2);
    const second = open(controller);
    counts[1](statistics(2));
    await Promise.all([asked, second.opened]);
    // The batch's own recount finds nothing new; then time alone changes the counts (a notice
    // deadline passes): counted at the same position, the change is sent all the same.
    jest.advanceTimersByTime(1_000);
    await counting(3);
    counts[2](statistics(2));
    jest.advanceTimersByTime(15_000);
    await counting(4);
    counts[3](statistics(3));
    await new Promise((resolve) => setImmediate(resolve));
    try {
      expect(first.reply.messages).toEqual([expected(1, 1), expected(2, 2), expected(3, 2)]);
      expect(second.reply.messages).toEqual([expected(2, 2), expected(3, 2)]);
    } finally {
      first.reply.close();
      second.reply.close();
    }
  });
});

describe('the statistics stream when time alone changes the counts', () => {
  const { controller, counts, counting } = countedStream('7', new OpaquePositions(randomBytes(32)));

  /** The quarter's 4 § 1 violations, withheld under a small-cell threshold above 4. */
  const statistics = (threshold: number): PublicStatistics => ({
    period: '2025-Q1',
    generatedAt: '2025-03-01T12:00:00.000Z',
    threshold,
    rows: [],
    violationsBySection: { '1': threshold > 4 ? null : 4, suppressed: threshold > 4 ? ['1'] : [] },
  });

  it('sends the change under a new id, which a client resuming with the earlier one is sent', async () => {
    const listening = open(controller);
    const replies = [listening.reply];
    try {
      await counting(1);
      counts[0](statistics(5));
      await listening.opened;
      // A version with a lower threshold takes effect: no event, the log's position unmoved.
      jest.advanceTimersByTime(15_000);
      await counting(2);
      counts[1](statistics(3));
      await new Promise((resolve) => setImmediate(resolve));
      const [before, after] = listening.reply.messages;
      expect([before.data, after.data]).toEqual([statistics(5), statistics(3)].map((s) => JSON.stringify(s)));
      expect(after.id).not.toBe(before.id);

      // A client that saw the message before the change is sent it; one that saw it, nothing.
      const behind = open(controller, before.id);
      const current = open(controller, after.id);
      replies.push(behind.reply, current.reply);
      await Promise.all([behind.opened, current.opened]);
      expect(behind.reply.messages).toEqual([after]);
      expect(current.reply.messages).toEqual([]);
    } finally {
      for (const reply of replies) reply.close();
    }
  });
});
