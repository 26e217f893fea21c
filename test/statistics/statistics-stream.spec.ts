import { Logger } from '@nestjs/common';
import type { EventStore } from '@trust-ledger/event-store';
import type { OpaquePositions } from '@trust-ledger/privacy';
import type { BatchCommitted, ProjectionRunner } from '@trust-ledger/projections';
import { STATISTICS, type PublicStatistics } from '@trust-ledger/projections/statistics';
import {
  StatisticsStream,
  type StatisticsMessage,
} from '../../apps/api/src/public-statistics/statistics-stream';
import type { StatisticsReader } from '../../apps/api/src/public-statistics/statistics.reader';

/** A count whose suppression decision is still being made: it ends when the test says. */
interface PendingCount {
  resolve: (statistics: PublicStatistics) => void;
  reject: (error: Error) => void;
}

/** Seals as OpaquePositions does, readably: the position, then the counts read there. */
const positions = {
  sealWithState: (position: string, counts: string) => `sealed-${position}.${counts}`,
};
/** The id a count of `statistics` at `position` is sent with: its counts are all but generatedAt. */
const idOf = (position: number, { generatedAt: _generatedAt, ...counts }: PublicStatistics): string =>
  `sealed-${position}.${JSON.stringify(counts)}`;

const statistics = (received: number): PublicStatistics => ({
  period: '2025-Q1',
  generatedAt: '2025-03-01T12:00:00.000Z',
  threshold: 5,
  rows: [
    {
      requestingAgency: 'ICE',
      requestType: 'DETAINER',
      received,
      honored: 0,
      declined: 0,
      partiallyHonored: 0,
      pending: received,
      honoredWithJudicialWarrant: 0,
      honoredUnderException: 0,
      transfersToFederalCustody: 0,
      noticesOnTime: 0,
      noticesLate: 0,
      suppressed: [],
    },
  ],
  violationsBySection: { suppressed: [] },
});

describe('StatisticsStream while a suppression decision is being made', () => {
  let progress: (batch: BatchCommitted) => void;
  const counts: PendingCount[] = [];
  const reader = {
    currentQuarter: jest.fn(
      () => new Promise<PublicStatistics>((resolve, reject) => counts.push({ resolve, reject })),
    ),
  };
  const runner = {
    onProgress: (listener: (batch: BatchCommitted) => void) => {
      progress = listener;
      return () => undefined;
    },
    status: () => Promise.resolve([{ name: STATISTICS, position: '1' }]),
  };
  const store = { comparePositions: (a: string, b: string) => Number(a) - Number(b) };
  const stream = new StatisticsStream(
    reader as unknown as StatisticsReader,
    runner as unknown as ProjectionRunner,
    store as unknown as EventStore,
    positions as unknown as OpaquePositions,
  );
  beforeAll(() => stream.onApplicationBootstrap());
  afterAll(() => stream.beforeApplicationShutdown());

  const counting = async (n: number): Promise<void> => {
    while (counts.length < n) await new Promise((resolve) => setImmediate(resolve));
  };

  it('counts one at a time, each message with the position its counts were read at', async () => {
    const first = stream.latest();
    await counting(1);
    // A batch commits while the first count waits for its decision; two readers then ask.
    progress({ projection: STATISTICS, applied: 1, position: '2' });
    const [second, third] = [stream.latest(), stream.latest()];
    const sent: StatisticsMessage[] = [];
    stream.subscribe(
      (message) => sent.push(message),
      () => undefined,
    );
    counts[0].resolve(statistics(1));
    // The first count's counts were read before position 2 was reached: its message must not
    // claim it, or a client that saw it would be taken as having seen the batch at 2.
    expect(await first).toEqual({
      id: idOf(1, statistics(1)),
      data: JSON.stringify(statistics(1)),
      sequence: 1,
    });
    // Both readers wait for one count, begun only once the first one has ended.
    await counting(2);
    expect(reader.currentQuarter).toHaveBeenCalledTimes(2);
    counts[1].resolve(statistics(2));
    const latest = { id: idOf(2, statistics(2)), data: JSON.stringify(statistics(2)), sequence: 2 };
    expect(await second).toEqual(latest);
    expect(await third).toEqual(latest);
    expect(sent).toEqual([latest]);
    expect(reader.currentQuarter).toHaveBeenCalledTimes(2);
  });
});

describe('StatisticsStream when a count in the background fails', () => {
  let progress: (batch: BatchCommitted) => void;
  const counts: PendingCount[] = [];
  const stream = new StatisticsStream(
    {
      currentQuarter: () =>
        new Promise<PublicStatistics>((resolve, reject) => counts.push({ resolve, reject })),
    } as unknown as StatisticsReader,
    {
      onProgress: (listener: (batch: BatchCommitted) => void) => {
        progress = listener;
        return () => undefined;
      },
      status: () => Promise.resolve([{ name: STATISTICS, position: '1' }]),
    } as unknown as ProjectionRunner,
    { comparePositions: (a: string, b: string) => Number(a) - Number(b) } as unknown as EventStore,
    positions as unknown as OpaquePositions,
  );
  beforeAll(() => stream.onApplicationBootstrap());
  afterAll(() => stream.beforeApplicationShutdown());

  const counting = async (n: number): Promise<void> => {
    while (counts.length < n) await new Promise((resolve) => setImmediate(resolve));
  };

  it('logs a failure nobody waits for, and leaves one a reader waits for to that reader’s answer', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      // A listener: batches are counted in the background, as they commit.
      stream.subscribe(
        () => undefined,
        () => undefined,
      );
      const first = stream.latest();
      await counting(1);
      counts[0].resolve(statistics(1));
      await first;

      progress({ projection: STATISTICS, applied: 1, position: '2' });
      await counting(2);
      counts[1].reject(new Error('the suppression worker stopped (exit code 1)'));
      await new Promise((resolve) => setImmediate(resolve));
      expect(logged.mock.calls).toEqual([
        ['could not count the statistics: the suppression worker stopped (exit code 1)'],
      ]);

      progress({ projection: STATISTICS, applied: 1, position: '3' });
      await counting(3);
      // A client opens while the count is under way: its answer (a 500) is where the failure shows.
      const asked = stream.latest();
      counts[2].reject(new Error('the suppression worker stopped (exit code 1)'));
      await expect(asked).rejects.toThrow('the suppression worker stopped');
      await new Promise((resolve) => setImmediate(resolve));
      expect(logged).toHaveBeenCalledTimes(1);
    } finally {
      logged.mockRestore();
    }
  });
});
