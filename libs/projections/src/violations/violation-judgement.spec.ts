import { evaluateReportingRules, type DetectedViolation } from '@trust-ledger/domain';
import { recordedAdoptions } from '../../../domain/testing/ordinance-builders';
import {
  applyReview,
  formerViolationIdOf,
  judge,
  REGISTER_ACTOR,
  violationAsOf,
  violationIdOf,
  type RegisteredViolation,
} from './violation-judgement';

const detected = (overrides: Partial<DetectedViolation> = {}): DetectedViolation => ({
  ruleId: 'S5_NOTICE_NOT_GIVEN',
  section: 5,
  streamId: 'case-1',
  requestId: 'req-1',
  occurredAt: '2024-03-01T10:00:00Z',
  ordinanceVersion: 1,
  evidence: [{ eventId: 'e-request', streamId: 'case-1', revision: 1, type: 'FederalRequestReceived' }],
  explanation: 'No notice within 24 hours',
  ...overrides,
});
const at = (eventId: string, recordedAt: string) => ({ eventId, recordedAt });
/** Counsel-1's review confirming `v`. */
const confirm = (v: RegisteredViolation, note: string, reviewedAt: string) =>
  applyReview(v, { status: 'CONFIRMED', note, at: reviewedAt, by: 'counsel-1', eventId: 'e-review' });

describe('violation ids', () => {
  it('derive from the rule and the evidence, not from when or how often it is detected', () => {
    const v = detected();
    const later: DetectedViolation = { ...v, occurredAt: '2030-01-01T00:00:00Z', ordinanceVersion: 2 };
    expect(violationIdOf(v)).toBe(violationIdOf(later));
    expect(violationIdOf(v)).not.toBe(violationIdOf({ ...v, ruleId: 'S5_NOTICE_DEFICIENT' }));
    expect(violationIdOf(v)).not.toBe(
      violationIdOf({ ...v, evidence: [{ ...v.evidence[0], eventId: 'e-other' }] }),
    );
    expect(violationIdOf(v)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('count only the evidence oversight is shown, so that oversight can recompute every id it reads', () => {
    // A case's opening is cited where the person's profile matters; oversight never sees it cited.
    const opening = { eventId: 'e-opened', streamId: 'case-1', revision: 0, type: 'CaseOpened' };
    const v = detected();
    expect(violationIdOf({ ...v, evidence: [...v.evidence, opening] })).toBe(violationIdOf(v));
  });

  it('name, where hidden evidence is cited, the id it had when ids counted that too: from its first facts', () => {
    const opening = { eventId: 'e-opened', streamId: 'case-1', revision: 0, type: 'CaseOpened' };
    const [plain] = judge([], [detected()], 'agency-1', at('e-1', '2024-03-02T10:00:00Z'));
    expect(formerViolationIdOf(plain)).toBeUndefined();
    const citing = detected({ evidence: [...detected().evidence, opening] });
    const [first] = judge([], [citing], 'agency-1', at('e-1', '2024-03-02T10:00:00Z'));
    // UUIDv5 of "S5_NOTICE_NOT_GIVEN\ncase-1\ne-opened\ne-request", as ids were derived before.
    const former = '54bd0695-7ebc-5e5e-b23e-f9ae2470d795';
    expect(formerViolationIdOf(first)).toBe(former);
    const added = { eventId: 'e-more', streamId: 'case-1', revision: 5, type: 'FederalRequestReceived' };
    const [grown] = judge(
      [first],
      [{ ...citing, evidence: [...citing.evidence, added] }],
      'agency-1',
      at('e-5', '2024-03-03T10:00:00Z'),
    );
    expect(formerViolationIdOf(grown)).toBe(former);
  });

  it('are the ids already in registers, however many others were derived in between', () => {
    // UUIDv5 of "S5_NOTICE_NOT_GIVEN\ncase-1\ne-request": ids in existing registers must not change.
    const pinned = 'fd5db6ea-179f-566f-b069-e877ce4826bb';
    expect(violationIdOf(detected())).toBe(pinned);
    const others = new Set<string>();
    for (let i = 0; i < 3_000; i++) others.add(violationIdOf(detected({ streamId: `case-${i + 2}` })));
    expect(others.size).toBe(3_000);
    expect(others.has(pinned)).toBe(false);
    expect(violationIdOf(detected())).toBe(pinned);
  });
});

describe('judging a stream', () => {
  const first = judge([], [detected()], 'agency-1', at('e-deadline', '2024-03-02T10:00:05Z'));

  it('opens a newly firing violation, detected when the triggering event was recorded', () => {
    expect(first).toEqual([
      {
        violationId: violationIdOf(detected()),
        ...detected(),
        agencyId: 'agency-1',
        detectedAt: '2024-03-02T10:00:05Z',
        status: 'OPEN',
        statusHistory: [
          { status: 'OPEN', at: '2024-03-02T10:00:05Z', by: REGISTER_ACTOR, eventId: 'e-deadline' },
        ],
        earlierFacts: [],
      },
    ]);
  });

  it('changes nothing when the same violation is found again', () => {
    expect(judge(first, [detected()], 'agency-1', at('e-later', '2024-03-03T00:00:00Z'))).toEqual([]);
  });

  it('withdraws a violation that no longer fires, citing the event that cleared it', () => {
    const [withdrawn] = judge(first, [], 'agency-1', at('e-notice', '2024-03-04T00:00:00Z'));
    expect(withdrawn.status).toBe('WITHDRAWN');
    expect(withdrawn.statusHistory.at(-1)).toEqual({
      status: 'WITHDRAWN',
      at: '2024-03-04T00:00:00Z',
      by: REGISTER_ACTOR,
      eventId: 'e-notice',
    });
    expect(judge([withdrawn], [], 'agency-1', at('e-x', '2024-03-05T00:00:00Z'))).toEqual([]);
  });

  it('reopens a withdrawn violation that fires again, keeping its first detection', () => {
    const reviewed = confirm(first[0], 'n', '2024-03-03T00:00:00Z');
    const [withdrawn] = judge([reviewed], [], 'agency-1', at('e-clear', '2024-03-04T00:00:00Z'));
    const [reopened] = judge([withdrawn], [detected()], 'agency-1', at('e-again', '2024-03-05T00:00:00Z'));
    expect(reopened.status).toBe('OPEN');
    expect(reopened.detectedAt).toBe('2024-03-02T10:00:05Z');
    expect(reopened.statusHistory.map((h) => [h.status, h.eventId])).toEqual([
      ['OPEN', 'e-deadline'],
      ['CONFIRMED', 'e-review'],
      ['WITHDRAWN', 'e-clear'],
      ['OPEN', 'e-again'],
    ]);
  });

  it('refreshes the judged facts of a violation that still fires, keeping its status', () => {
    const confirmed: RegisteredViolation = { ...first[0], status: 'CONFIRMED' };
    const [refreshed] = judge(
      [confirmed],
      [detected({ ordinanceVersion: 2, explanation: 'No notice within 12 hours' })],
      'agency-1',
      at('e-ordinance', '2024-04-01T00:00:00Z'),
    );
    expect(refreshed).toMatchObject({
      status: 'CONFIRMED',
      ordinanceVersion: 2,
      explanation: 'No notice within 12 hours',
    });
    expect(refreshed.statusHistory).toEqual(confirmed.statusHistory);
    // What it was shown with until then, for a look into the past.
    const { requestId, occurredAt, evidence } = detected();
    expect(refreshed.earlierFacts).toEqual([
      {
        requestId,
        occurredAt,
        ordinanceVersion: 1,
        evidence,
        explanation: 'No notice within 24 hours',
        until: '2024-04-01T00:00:00Z',
      },
    ]);
  });

  it('keeps the facts a withdrawn violation had when it fires again with others', () => {
    const [withdrawn] = judge(first, [], 'agency-1', at('e-clear', '2024-03-04T00:00:00Z'));
    const [reopened] = judge(
      [withdrawn],
      [detected({ ordinanceVersion: 2 })],
      'agency-1',
      at('e-again', '2024-03-05T00:00:00Z'),
    );
    expect(reopened.ordinanceVersion).toBe(2);
    expect(reopened.earlierFacts.map((f) => [f.ordinanceVersion, f.until])).toEqual([
      [1, '2024-03-05T00:00:00Z'],
    ]);
    const [again] = judge([withdrawn], [detected()], 'agency-1', at('e-again', '2024-03-05T00:00:00Z'));
    expect(again.earlierFacts).toEqual([]);
  });
});

describe('a violation whose act is cited with other evidence now', () => {
  // A hold past release on one detainer, confirmed; then a second detainer behind the same hold.
  const hold = (...requests: string[]): DetectedViolation =>
    detected({
      ruleId: 'S2_HELD_BEYOND_RELEASE',
      section: 2,
      evidence: [
        { eventId: 'e-release', streamId: 'case-1', revision: 5, type: 'SubjectReleased' },
        ...requests.map((eventId, i) => ({
          eventId,
          streamId: 'case-1',
          revision: i + 1,
          type: 'FederalRequestReceived',
        })),
      ],
    });
  const [open] = judge([], [hold('e-ice')], 'agency-1', at('e-release', '2024-03-02T00:00:00Z'));
  const confirmed = confirm(open, 'Held for ICE', '2024-03-03T00:00:00Z');

  it('is the same violation: its id, status and review stay, its evidence grows', () => {
    const changed = judge(
      [confirmed],
      [hold('e-ice', 'e-cbp')],
      'agency-1',
      at('e-cbp', '2024-03-04T00:00:00Z'),
    );
    expect(changed).toHaveLength(1);
    const [kept] = changed;
    expect(kept).toMatchObject({ violationId: open.violationId, status: 'CONFIRMED' });
    expect(kept.evidence.map((e) => e.eventId)).toEqual(['e-release', 'e-ice', 'e-cbp']);
    expect(kept.statusHistory).toEqual(confirmed.statusHistory);
    expect(kept.earlierFacts.map((f) => [f.evidence.length, f.until])).toEqual([[2, '2024-03-04T00:00:00Z']]);
    // Judged again with the same facts, nothing changes.
    expect(judge([kept], [hold('e-ice', 'e-cbp')], 'agency-1', at('e-x', '2024-03-05T00:00:00Z'))).toEqual(
      [],
    );
  });

  it('is reopened, not born again, when it fires after a withdrawal with more evidence', () => {
    const [withdrawn] = judge([confirmed], [], 'agency-1', at('e-clear', '2024-03-04T00:00:00Z'));
    const [reopened, ...others] = judge(
      [withdrawn],
      [hold('e-ice', 'e-cbp')],
      'agency-1',
      at('e-again', '2024-03-05T00:00:00Z'),
    );
    expect(others).toEqual([]);
    expect(reopened).toMatchObject({ violationId: open.violationId, status: 'OPEN' });
    expect(reopened.statusHistory.map((h) => h.status)).toEqual(['OPEN', 'CONFIRMED', 'WITHDRAWN', 'OPEN']);
  });

  it('does not take over a violation of another act or rule', () => {
    const otherAct = detected({ ruleId: 'S2_HELD_BEYOND_RELEASE', section: 2 });
    const otherRule = { ...hold('e-ice', 'e-cbp'), ruleId: 'S2_HOLD_EXCEEDS_48_HOURS' as const };
    const changed = judge([confirmed], [otherAct, otherRule], 'agency-1', at('e-x', '2024-03-04T00:00:00Z'));
    expect(changed.map((v) => [v.violationId === open.violationId, v.status])).toEqual([
      [true, 'WITHDRAWN'],
      [false, 'OPEN'],
      [false, 'OPEN'],
    ]);
  });
});

describe('a violation as it was shown at a moment', () => {
  // Detected under version 1 on 2 March, confirmed on 3 March, judged under version 2 from 1 April.
  const [open] = judge([], [detected()], 'agency-1', at('e-deadline', '2024-03-02T10:00:05Z'));
  const confirmed = confirm(open, 'n', '2024-03-03T00:00:00Z');
  const [now] = judge(
    [confirmed],
    [detected({ ordinanceVersion: 2, explanation: 'Judged anew' })],
    'agency-1',
    at('e-ordinance', '2024-04-01T00:00:00Z'),
  );

  it('is not there before it was detected', () => {
    expect(violationAsOf(now, '2024-03-02T10:00:04Z')).toBeUndefined();
  });

  it('has the status and the facts it had then', () => {
    expect(violationAsOf(now, '2024-03-02T12:00:00Z')).toEqual(open);
    expect(violationAsOf(now, '2024-03-31T23:59:59Z')).toEqual(confirmed);
  });

  it('is the violation as it stands from the last judgement on', () => {
    expect(violationAsOf(now, '2024-04-01T00:00:00Z')).toEqual(now);
    expect(violationAsOf(now, '2030-01-01T00:00:00Z')).toEqual(now);
  });
});

describe('reviews', () => {
  const open = judge([], [detected()], 'agency-1', at('e-1', '2024-03-02T00:00:00Z'))[0];
  const review = {
    status: 'DISMISSED' as const,
    note: 'Notice was given orally in an emergency',
    at: '2024-03-06T00:00:00Z',
    by: 'counsel-9',
    eventId: 'e-r',
  };

  it('set the status and are kept in the history with their note and reviewer', () => {
    const reviewed = applyReview(open, review);
    expect(reviewed.status).toBe('DISMISSED');
    expect(reviewed.statusHistory.at(-1)).toEqual({
      status: 'DISMISSED',
      at: '2024-03-06T00:00:00Z',
      by: 'counsel-9',
      note: 'Notice was given orally in an emergency',
      eventId: 'e-r',
    });
  });

  it('do not revive a withdrawn violation', () => {
    const withdrawn = judge([open], [], 'agency-1', at('e-2', '2024-03-03T00:00:00Z'))[0];
    const reviewed = applyReview(withdrawn, review);
    expect(reviewed.status).toBe('WITHDRAWN');
    expect(reviewed.statusHistory).toHaveLength(3);
  });
});

describe('an overdue report judged under a version adopted later with an earlier effective date', () => {
  // Q2 2024 (due 30 August) is overdue; a version adopted on 1 October, in force from 1 June
  // (the threshold changed, nothing about reporting), now judges the duty and is cited instead.
  const v1 = recordedAdoptions([{ version: {}, recordedAt: '2024-05-10T12:00:00Z' }]);
  const v2 = recordedAdoptions([
    { version: {}, recordedAt: '2024-05-10T12:00:00Z' },
    {
      version: { effectiveFrom: '2024-06-01T00:00:00Z', smallCellThreshold: 10 },
      recordedAt: '2024-10-01T00:00:00Z',
    },
  ]);
  const overdueQ2 = (adoptions: typeof v1, now: string) =>
    evaluateReportingRules([], adoptions, now).filter((v) => v.streamId === 'report-2024-Q2');
  const opened = judge([], overdueQ2(v1, '2024-08-30T00:00:00Z'), null, at('e-due', '2024-08-30T00:00:00Z'));
  const confirmed = confirm(opened[0], 'No report was published', '2024-09-02T00:00:00Z');

  it('is the same violation: the report is still missing, so it is neither withdrawn nor born again', () => {
    const changed = judge(
      [confirmed],
      overdueQ2(v2, '2024-10-01T00:00:00Z'),
      null,
      at(v2[1].eventId, '2024-10-01T00:00:00Z'),
    );
    expect(changed.map((v) => [v.violationId, v.status])).toEqual([[confirmed.violationId, 'CONFIRMED']]);
    expect(changed[0]).toMatchObject({ ordinanceVersion: 2, evidence: [{ eventId: v2[1].eventId }] });
    expect(changed[0].earlierFacts).toMatchObject([{ ordinanceVersion: 1, until: '2024-10-01T00:00:00Z' }]);
  });
});
