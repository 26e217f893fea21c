import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@trust-ledger/event-store';
import { openCaseBody } from '../support/case-bodies';
import { API, startTestApp } from '../support/test-app';

/**
 * A graceful stop (SIGTERM, a rolling restart) lets the commands already in flight finish: each is
 * answered with its result, or refused (503) and not recorded, or not answered at all; never a 500
 * for a command the log then holds.
 */
it('answers every command in flight when the service stops: recorded if 201, not if 503, never a 500', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'trust-ledger-shutdown-'));
  try {
    const t = await startTestApp({ dataDir });
    const token = await t.token({ role: 'officer', agencyId: 'agency-a', sub: 'officer-1' });
    const http = t.http();
    const inFlight = Array.from({ length: 40 }, async () => {
      const caseId = randomUUID();
      const status = await http
        .post(`${API}/cases`)
        .set({ Authorization: `Bearer ${token}`, 'Idempotency-Key': randomUUID() })
        .send(openCaseBody('agency-a', caseId))
        .then(
          (response) => response.status,
          () => 'not answered' as const,
        );
      return { caseId, status };
    });
    // Once the first is answered the rest are in flight; then the service stops.
    await Promise.race(inFlight);
    const closing = t.close();
    const answers = await Promise.all(inFlight);
    await closing;

    expect(answers.filter(({ status }) => ![201, 503, 'not answered'].includes(status))).toEqual([]);
    const store = new SqliteEventStore(join(dataDir, 'trust-ledger.db'));
    try {
      for (const { caseId, status } of answers) {
        const recorded =
          (await store.readStream(`case-${caseId}`)[Symbol.asyncIterator]().next()).done !== true;
        if (status === 201) expect({ caseId, recorded }).toEqual({ caseId, recorded: true });
        if (status === 503) expect({ caseId, recorded }).toEqual({ caseId, recorded: false });
      }
    } finally {
      await store.close();
    }
    expect(answers.filter(({ status }) => status === 201).length).toBeGreaterThan(0);
    // The service stopped with commands still in flight: otherwise this proved nothing of shutdown.
    expect(answers.filter(({ status }) => status !== 201).length).toBeGreaterThan(0);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
