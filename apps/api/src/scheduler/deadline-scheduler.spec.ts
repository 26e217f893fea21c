import { Logger } from '@nestjs/common';
import { caseStreamId } from '@trust-ledger/domain';
import { SqliteEventStore } from '@trust-ledger/event-store';
import { openReadModelDb } from '@trust-ledger/projections';
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
      // Logged too, once for its reason: /health shows anyone only that it failed.
      expect(warn).toHaveBeenCalledTimes(1);
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
    // A register table the scheduler cannot read (as while the register's tables are rebuilt), in a
    // database of its own that no running register makes again meanwhile.
    const db = openReadModelDb(join(h.dir, 'unreadable.db'));
    try {
      db.exec('CREATE TABLE vr_deadlines (unreadable TEXT)');
      const scheduler = new DeadlineScheduler(h.store, db, h.clock);
      // By its message: SQLite's error is of the class its native side was first loaded with, which
      // in a jest worker may be another test file's, so toThrow would not take it for an error.
      await expect(scheduler.tick()).rejects.toMatchObject({
        message: expect.stringMatching(/no such column/),
      });
      expect(scheduler.status()).toEqual({
        running: false,
        lastError: expect.stringMatching(/no such column/),
      });
    } finally {
      db.close();
    }
  });
});
