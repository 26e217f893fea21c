import fc from 'fast-check';
import { ORDINANCE_SECTIONS } from '@trust-ledger/domain';
import { ProjectionRunner } from '@trust-ledger/projections';
import { CertificationViewProjection } from '@trust-ledger/projections/certifications';
import { caseCommandSequences, recordCommands } from '../projections/case-commands';
import {
  certificationCommandSequences,
  recordCertificationCommands,
} from '../projections/certification-commands';
import { caseOpened, decisionRecorded, noticeIssued, ordinanceAdopted, requestReceived } from './case-events';
import { replayOptions } from '../projections/support';
import { Harness, quietLogs } from './support';

quietLogs();

const HOUR = 3_600_000;

/** A later ordinance version adopted part-way through, re-judging part of what came before. */
const laterVersion = fc.option(
  fc.record({
    afterAppend: fc.nat(30),
    effectiveFromHours: fc.integer({ min: 0, max: 48 }),
    noticeDeadlineHours: fc.integer({ min: 1, max: 48 }),
    sectionsInForce: fc.subarray([...ORDINANCE_SECTIONS], { minLength: 1 }),
  }),
  { nil: undefined },
);

/** Certification commands, the days the scheduler ticks on after each append (cycled), replay options. */
const certificationRuns = [
  certificationCommandSequences(),
  fc.array(fc.integer({ min: 0, max: 120 }), { minLength: 1, maxLength: 6 }),
  replayOptions,
] as const;

/**
 * A run that meets both § 9 rules and § 11's, whatever the draw: drawn once from a fixed seed.
 * Fifteen random runs alone met no S9_DENIAL_ON_EXCLUDED_GROUND (one run in three meets it) about
 * once in four hundred suites.
 */
const [RUN_MEETING_EVERY_RULE] = fc.sample(fc.tuple(...certificationRuns), { seed: 5, numRuns: 1 });

describe('violation register rebuild', () => {
  it('reaches the same register by a rebuild as by incremental processing, and a second rebuild changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        caseCommandSequences(40),
        fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 10 }),
        laterVersion,
        replayOptions,
        async (commands, tickHours, later, replay) => {
          const h = new Harness([], replay).start();
          try {
            await h.adopt(ordinanceAdopted(), '2024-01-01T00:00:00Z');
            let appends = 0;
            await recordCommands(h.store, commands, async (position) => {
              const [last] = await h.events().then((all) => all.filter((e) => e.position === position));
              const recordedAt = Date.parse(last.metadata.recordedAt);
              const hours = tickHours[appends % tickHours.length];
              if (hours > 0) await h.tickAt(new Date(recordedAt + hours * HOUR).toISOString());
              if (later !== undefined && appends === later.afterAppend) {
                await h.adopt(
                  ordinanceAdopted({
                    version: 2,
                    effectiveFrom: new Date(
                      Date.parse('2024-04-01T00:00:00Z') + later.effectiveFromHours * HOUR,
                    ).toISOString(),
                    noticeDeadlineHours: later.noticeDeadlineHours,
                    sectionsInForce: later.sectionsInForce,
                  }),
                  new Date(recordedAt).toISOString(),
                );
              }
              appends += 1;
            });
            await h.tickAt('2030-01-01T00:00:00Z');
            const incremental = h.snapshot();

            await h.runner.rebuild('violation-register');
            expect(h.snapshot()).toEqual(incremental);
            await h.runner.rebuild('violation-register');
            expect(h.snapshot()).toEqual(incremental);
          } finally {
            await h.close();
          }
        },
      ),
      { numRuns: 15 },
    );
  });

  it('reaches the same register and certification views by a rebuild as incrementally, as § 9 deadlines pass', async () => {
    const rulesSeen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(...certificationRuns, async (commands, tickDays, replay) => {
        const h = new Harness([new CertificationViewProjection()], replay).start();
        const state = () => ({
          register: h.snapshot(),
          views: h.db.prepare('SELECT * FROM certification_views ORDER BY seq').all(),
        });
        try {
          await h.adopt(ordinanceAdopted(), '2024-01-01T00:00:00Z');
          let appends = 0;
          await recordCertificationCommands(h.store, commands, async (position) => {
            const [last] = await h.events().then((all) => all.filter((e) => e.position === position));
            const days = tickDays[appends % tickDays.length];
            if (days > 0) {
              await h.tickAt(new Date(Date.parse(last.metadata.recordedAt) + days * 24 * HOUR).toISOString());
            }
            appends += 1;
          });
          await h.tickAt('2030-01-01T00:00:00Z');
          const incremental = state();
          for (const v of h.violations()) rulesSeen.add(v.ruleId);

          await h.expectRebuildsToReach(incremental, state);
        } finally {
          await h.close();
        }
      }),
      { numRuns: 1 + 15, examples: [RUN_MEETING_EVERY_RULE] },
    );
    // The runs met both § 9 rules and § 11's (by 2030), not just empty registers.
    expect([...rulesSeen]).toEqual(
      expect.arrayContaining([
        'S9_CERTIFICATION_OVERDUE',
        'S9_DENIAL_ON_EXCLUDED_GROUND',
        'S11_REPORT_OVERDUE',
      ]),
    );
  });

  it('keeps a stream longer than a chunk whole, read back from the table once its cache is gone', async () => {
    const h = new Harness().start();
    try {
      await h.adopt(ordinanceAdopted(), '2024-01-01T00:00:00Z');
      const streamId = 'case-long';
      await h.append(streamId, [caseOpened('agency-a')], '2024-02-01T00:00:00Z');
      // 20 detainers, the even ones noticed in time: one event at a time, and every fifth append
      // the register forgets the histories it caches, so chunks are extended from the table.
      for (let i = 0; i < 20; i++) {
        const at = new Date(Date.parse('2024-02-02T00:00:00Z') + i * HOUR).toISOString();
        await h.append(streamId, [requestReceived(`r${i}`, at)], at);
        await h.caughtUp();
        if (i % 2 === 0) {
          await h.append(streamId, [noticeIssued(`r${i}`, at)], at);
          await h.caughtUp();
        }
        if (i % 5 === 4) h.register.discard();
      }
      await h.tickAt('2024-03-01T00:00:00Z');

      const chunks = h.db
        .prepare(
          'SELECT chunk, events FROM vr_events WHERE stream_seq = (SELECT seq FROM vr_streams WHERE stream_id = ?) ORDER BY chunk',
        )
        .all(streamId) as { chunk: number; events: string }[];
      const kept = chunks.map((c) => JSON.parse(c.events) as { eventId: string }[]);
      expect(chunks.map((c) => c.chunk)).toEqual([0, 1]);
      expect(kept.map((events) => events.length)).toEqual([16, 15]);
      expect(kept.flat().map((e) => e.eventId)).toEqual((await h.events(streamId)).map((e) => e.id));
      const notGiven = h.violations(streamId).filter((v) => v.ruleId === 'S5_NOTICE_NOT_GIVEN');
      expect(notGiven.map((v) => v.requestId).sort()).toEqual(
        ['r1', 'r3', 'r5', 'r7', 'r9', 'r11', 'r13', 'r15', 'r17', 'r19'].sort(),
      );

      const incremental = h.snapshot();
      await h.runner.rebuild('violation-register');
      expect(h.snapshot()).toEqual(incremental);
    } finally {
      await h.close();
    }
  });

  it('judges a stream whose cached history was evicted within one batch by its events not yet written', async () => {
    const h = new Harness().start();
    try {
      await h.adopt(ordinanceAdopted(), '2024-01-01T00:00:00Z');
      // More streams than the register caches, interleaved: a rebuild's one batch evicts each
      // stream's history between its events, before any of them is written.
      const streams = Array.from({ length: 600 }, (_, i) => `case-many-${i}`);
      const steps = [
        caseOpened('agency-a'),
        requestReceived('r', '2024-02-02T00:00:00Z'),
        decisionRecorded('r', '2024-02-02T01:00:00Z', 'HONORED'),
      ];
      for (const step of steps) {
        for (const streamId of streams) await h.append(streamId, [step], '2024-02-02T02:00:00Z');
      }
      await h.caughtUp();
      const incremental = h.snapshot();
      const honoredWithoutWarrant = h.db
        .prepare(
          "SELECT count(*) FROM violations WHERE rule_id = 'S2_DETAINER_HONORED_WITHOUT_JUDICIAL_WARRANT'",
        )
        .pluck();
      expect(honoredWithoutWarrant.get()).toBe(600);

      await h.runner.rebuild('violation-register');
      expect(honoredWithoutWarrant.get()).toBe(600);
      expect(h.snapshot()).toEqual(incremental);
    } finally {
      await h.close();
    }
  });

  it("writes a stream's next events beside those already stored when its cached history was evicted before the write", async () => {
    const h = new Harness().start();
    try {
      await h.adopt(ordinanceAdopted(), '2024-01-01T00:00:00Z');
      const streams = Array.from({ length: 600 }, (_, i) => `case-many-${i}`);
      for (const streamId of streams)
        await h.append(streamId, [caseOpened('agency-a')], '2024-02-02T00:00:00Z');
      await h.caughtUp();
      await h.runner.stop();
      // One batch: the first stream's second event, then more streams than the register caches,
      // so that its history is gone from the cache when the batch is written.
      for (const streamId of streams) {
        await h.append(streamId, [requestReceived('r', '2024-02-02T00:00:00Z')], '2024-02-02T01:00:00Z');
      }
      const oneBatch = new ProjectionRunner(h.store, h.db, [h.register], { batchSize: 5_000 });
      oneBatch.start();
      const head = await h.store.headPosition();
      await oneBatch.waitFor(head!, 20_000);
      await oneBatch.stop();
      const stored = h.db
        .prepare<[string], string>(
          'SELECT e.events FROM vr_events e JOIN vr_streams s ON s.seq = e.stream_seq WHERE s.stream_id = ?',
        )
        .pluck();
      expect((JSON.parse(stored.get(streams[0])!) as { type: string }[]).map((e) => e.type)).toEqual([
        'CaseOpened',
        'FederalRequestReceived',
      ]);
      const incremental = h.snapshot();
      await h.runner.rebuild('violation-register');
      expect(h.snapshot()).toEqual(incremental);
    } finally {
      await h.close();
    }
  });
});
