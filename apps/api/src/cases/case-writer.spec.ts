import { caseStreamId, type Clock } from '@trust-ledger/domain';
import { randomUUID } from 'node:crypto';
import { openCase } from '../../../../libs/domain/testing/case-builders';
import { executorFixture, type ExecutorFixture } from '../../../../test/support/executor-fixture';
import { CaseWriter } from './case-writer';

/** A clock a millisecond later at every reading, as a real one is while a command runs. */
class TickingClock implements Clock {
  private t = Date.parse('2025-03-01T12:00:00Z');
  now(): string {
    return new Date(this.t++).toISOString();
  }
}

describe('CaseWriter', () => {
  let fixture: ExecutorFixture;
  let writer: CaseWriter;

  beforeAll(() => {
    const clock = new TickingClock();
    fixture = executorFixture(clock);
    writer = new CaseWriter(fixture.executor, clock);
  });
  afterAll(() => fixture.close());

  it('records a case opened at the moment its opening is recorded, so that an as-of read then finds it', async () => {
    const caseId = randomUUID();
    // The builder's command, without the moment and actor the writer gives it.
    const { type, data } = openCase({ caseId, agencyId: 'agency-a' });
    await writer.execute(
      { sub: 'officer-1', role: 'officer', agencyId: 'agency-a' },
      { actor: 'officer-1', commandId: randomUUID(), requestHash: randomUUID(), correlationId: randomUUID() },
      caseId,
      { type, data },
    );
    const recorded = [];
    for await (const event of fixture.store.readStream(caseStreamId(caseId))) recorded.push(event);
    expect(recorded.map((e) => [e.type, e.data.openedAt])).toEqual([
      ['CaseOpened', recorded[0].metadata.recordedAt],
    ]);
  });
});
