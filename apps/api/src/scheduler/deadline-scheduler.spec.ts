import { Logger } from '@nestjs/common';
import { caseStreamId } from '@trust-ledger/domain';
import { SqliteEventStore } from '@trust-ledger/event-store';
import { join } from 'node:path';
import { caseOpened, ordinanceAdopted, requestReceived } from '../../../../test/violations/case-events';
import { Harness, quietLogs } from '../../../../test/violations/support';
import { DeadlineScheduler } from './deadline-scheduler';

quietLogs();

describe('DeadlineScheduler', () => {
  let h: Harness;
  beforeEach(() => {
    h = new Harness().start();
  });
  afterEach(() => h.close());

  it('reports a failed append and lets the next tick run', async () => {
    await h.adopt(ordinanceAdopted(), '2024-01-01T00:00:00Z');
    await h.append(
      caseStreamId('c1'),
      [caseOpened('agency-1'), requestReceived('r1', '2024-03-01T10:00:00Z')],
      '2024-03-01T10:05:00Z',
    );
    await h.caughtUp();
    const closed = new SqliteEventStore(join(h.dir, 'events.db'));
    await closed.close();
    const failing = new DeadlineScheduler(closed, h.db, h.clock);
    h.clock.set('2024-03-03T00:00:00Z');
    const warn = jest.spyOn(Logger.prototype, 'warn');
    try {
      await expect(failing.tick()).rejects.toThrow(/closed/);
      await expect(failing.tick()).rejects.toThrow(/closed/);
      // Logged too: /health shows anyone only that it failed.
      expect(warn).toHaveBeenCalledWith(
        expect.stringMatching(/^looking for or recording the deadlines passed failed.*closed/),
      );
    } finally {
      warn.mockRestore();
    }
    expect(failing.status()).toEqual({ running: false, lastError: expect.stringMatching(/closed/) });
    // The store that works records it, once however often it is asked.
    expect(await Promise.all([h.scheduler.tick(), h.scheduler.tick()])).toEqual([1, 1]);
    await h.caughtUp();
    expect(h.violations().map((v) => v.ruleId)).toEqual(['S5_NOTICE_NOT_GIVEN']);
    expect(await h.events('deadline-case-c1')).toHaveLength(1);
  });

  it('reports a failed look for the deadlines due, as a failed append', async () => {
    // A register table the scheduler cannot read (as while the register's tables are rebuilt), the
    // register stopped so that it does not make the table again meanwhile.
    await h.runner.stop();
    h.db.exec('DROP TABLE IF EXISTS vr_deadlines; CREATE TABLE vr_deadlines (unreadable TEXT)');
    const scheduler = new DeadlineScheduler(h.store, h.db, h.clock);
    await expect(scheduler.tick()).rejects.toThrow(/no such column/);
    expect(scheduler.status()).toEqual({
      running: false,
      lastError: expect.stringMatching(/no such column/),
    });
  });
});
