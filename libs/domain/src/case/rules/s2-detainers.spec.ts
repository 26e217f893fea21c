import {
  caseOpened,
  decisionAmended,
  decisionRecorded,
  eligibleForRelease,
  hoursAfter,
  judicialWarrant,
  millisecondsAfter,
  minutesAfter,
  noticeIssued,
  recorded,
  released,
  REQUEST_ID,
  requestReceived,
  T0,
  transferred,
} from '../../../testing/case-builders';
import { defaultOrdinanceVersion, type OrdinanceHistory } from '../../ordinance/ordinance-version';
import type { OrdinanceSection } from '../../shared/vocabulary';
import type { CaseEvent, Conviction } from '../case.events';
import { judgeCase } from './evaluate-case-rules';

const v1 = defaultOrdinanceVersion();
const NOW = hoursAfter(T0, 24 * 10);
const judge = (events: CaseEvent[], ordinance: OrdinanceHistory = [v1]) =>
  judgeCase(recorded(events), ordinance, NOW).violations;
const rulesFired = (events: CaseEvent[], ordinance?: OrdinanceHistory) =>
  judge(events, ordinance).map((v) => v.ruleId);

/** A detainer received at T0 and noticed in time, so that only § 2 is in question. */
const detainerCase = (
  convictions: Conviction[] = [],
  documents = requestReceived().data.documents,
): CaseEvent[] => [caseOpened({ convictions }), requestReceived({ documents }), noticeIssued()];
const honored = (data: Parameters<typeof decisionRecorded>[0] = {}) =>
  decisionRecorded({ outcome: 'HONORED', basis: 'NONE', ...data });
const exception = { basis: 'ORDINANCE_EXCEPTION', exceptionCode: 'VIOLENT_OR_SERIOUS_FELONY_5Y' } as const;
/** Decided 15 June 2024 (UTC). */
const DECIDED_AT = hoursAfter(T0, 2);
/** Version 2 of the ordinance, in force from `hours` after T0, without `section`. */
const withoutFrom = (section: OrdinanceSection, hours: number) => ({
  ...v1,
  version: 2,
  effectiveFrom: hoursAfter(T0, hours),
  sectionsInForce: v1.sectionsInForce.filter((s) => s !== section),
});

describe('§ 2 — S2_DETAINER_HONORED_WITHOUT_JUDICIAL_WARRANT', () => {
  it('fires for a detainer honored without a judicial warrant, citing the decision then the request', () => {
    expect(judge([...detainerCase(), honored()])).toEqual([
      {
        ruleId: 'S2_DETAINER_HONORED_WITHOUT_JUDICIAL_WARRANT',
        section: 2,
        streamId: 'case-6f1c2a3e-0000-4000-8000-000000000001',
        requestId: REQUEST_ID,
        occurredAt: DECIDED_AT,
        ordinanceVersion: 1,
        evidence: [
          {
            eventId: 'evt-3',
            streamId: 'case-6f1c2a3e-0000-4000-8000-000000000001',
            revision: 3,
            type: 'DecisionRecorded',
          },
          {
            eventId: 'evt-1',
            streamId: 'case-6f1c2a3e-0000-4000-8000-000000000001',
            revision: 1,
            type: 'FederalRequestReceived',
          },
        ],
        explanation:
          'A DETAINER request from ICE was decided HONORED without a judicial warrant and without an ordinance exception.',
      },
    ]);
  });

  it('fires for a partially honored transfer request', () => {
    const events = [...detainerCase(), requestReceived({ requestId: 'transfer', requestType: 'TRANSFER' })];
    events.push(noticeIssued({ noticeId: 'n2', requestId: 'transfer' }));
    events.push(honored({ requestId: 'transfer', outcome: 'PARTIALLY_HONORED' }));
    expect(rulesFired(events)).toEqual(['S2_DETAINER_HONORED_WITHOUT_JUDICIAL_WARRANT']);
  });

  it('does not fire for a declined detainer', () => {
    expect(rulesFired([...detainerCase(), decisionRecorded({ outcome: 'DECLINED' })])).toEqual([]);
  });

  it('does not fire when a federal magistrate judge signed a warrant before the decision', () => {
    expect(
      rulesFired([...detainerCase([], [judicialWarrant()]), honored({ basis: 'JUDICIAL_WARRANT' })]),
    ).toEqual([]);
  });

  it('fires with only ICE administrative warrants (I-200, I-203, I-205), whatever the basis says', () => {
    const administrative = [
      { kind: 'ADMINISTRATIVE_WARRANT_I200', issuerRole: 'IMMIGRATION_OFFICER' },
      { kind: 'ORDER_TO_DETAIN_I203', issuerRole: 'IMMIGRATION_OFFICER' },
      { kind: 'ADMINISTRATIVE_WARRANT_I205', issuerRole: 'IMMIGRATION_OFFICER' },
    ] as const;
    expect(
      rulesFired([...detainerCase([], [...administrative]), honored({ basis: 'JUDICIAL_WARRANT' })]),
    ).toEqual(['S2_DETAINER_HONORED_WITHOUT_JUDICIAL_WARRANT']);
  });

  it('fires for a "judicial warrant" signed by an immigration judge, even if configured as an issuer', () => {
    const byImmigrationJudge = judicialWarrant({
      issuerRole: 'IMMIGRATION_JUDGE',
      court: 'Immigration Court',
    });
    const misconfigured = {
      ...v1,
      judicialWarrantIssuers: [...v1.judicialWarrantIssuers, 'IMMIGRATION_JUDGE' as const],
    };
    const events = [...detainerCase([], [byImmigrationJudge]), honored({ basis: 'JUDICIAL_WARRANT' })];
    expect(rulesFired(events)).toEqual(['S2_DETAINER_HONORED_WITHOUT_JUDICIAL_WARRANT']);
    expect(rulesFired(events, [misconfigured])).toEqual(['S2_DETAINER_HONORED_WITHOUT_JUDICIAL_WARRANT']);
  });

  it('counts a state judge only where the version in force at the decision lists state judges', () => {
    const events = [...detainerCase([], [judicialWarrant({ issuerRole: 'STATE_JUDGE' })]), honored()];
    const withStateJudges = {
      ...v1,
      judicialWarrantIssuers: [...v1.judicialWarrantIssuers, 'STATE_JUDGE' as const],
    };
    expect(rulesFired(events)).toEqual(['S2_DETAINER_HONORED_WITHOUT_JUDICIAL_WARRANT']);
    expect(rulesFired(events, [withStateJudges])).toEqual([]);
  });

  it('fires when the judicial warrant was signed only after the decision', () => {
    const lateWarrant = judicialWarrant({ signedAt: hoursAfter(DECIDED_AT, 1) });
    expect(rulesFired([...detainerCase([], [lateWarrant]), honored()])).toEqual([
      'S2_DETAINER_HONORED_WITHOUT_JUDICIAL_WARRANT',
    ]);
  });

  describe('the violent or serious felony exception (5 calendar years)', () => {
    const felony = (convictedAt: string): Conviction => ({
      offense: 'Robbery',
      category: 'VIOLENT_FELONY',
      convictedAt,
    });

    it('does not fire for a conviction one day inside the window', () => {
      expect(rulesFired([...detainerCase([felony('2019-06-16')]), honored(exception)])).toEqual([]);
    });

    it('does not fire for a conviction exactly five years before the decision date', () => {
      expect(rulesFired([...detainerCase([felony('2019-06-15')]), honored(exception)])).toEqual([]);
    });

    it('fires for a conviction one day outside the window, citing the case record of convictions', () => {
      const [violation] = judge([...detainerCase([felony('2019-06-14')]), honored(exception)]);
      expect(violation).toMatchObject({
        ruleId: 'S2_DETAINER_HONORED_WITHOUT_JUDICIAL_WARRANT',
        evidence: [{ eventId: 'evt-3' }, { eventId: 'evt-1' }, { eventId: 'evt-0', type: 'CaseOpened' }],
        explanation:
          'A DETAINER request from ICE was decided HONORED without a judicial warrant, and the case records no conviction meeting the exception claimed.',
      });
    });

    it('fires for a conviction of a category the exception does not list', () => {
      const misdemeanor: Conviction = {
        offense: 'Trespass',
        category: 'MISDEMEANOR',
        convictedAt: '2023-01-01',
      };
      expect(rulesFired([...detainerCase([misdemeanor]), honored(exception)])).toEqual([
        'S2_DETAINER_HONORED_WITHOUT_JUDICIAL_WARRANT',
      ]);
    });

    it('fires for an exception code the version in force does not list', () => {
      const withoutExceptions = { ...v1, detainerExceptions: [] };
      expect(
        rulesFired([...detainerCase([felony('2023-01-01')]), honored(exception)], [withoutExceptions]),
      ).toEqual(['S2_DETAINER_HONORED_WITHOUT_JUDICIAL_WARRANT']);
    });

    it('fires for a conviction recorded as after the decision', () => {
      expect(rulesFired([...detainerCase([felony('2024-06-16')]), honored(exception)])).toEqual([
        'S2_DETAINER_HONORED_WITHOUT_JUDICIAL_WARRANT',
      ]);
    });

    it("takes the decision's date in the ordinance's time zone", () => {
      // 03:00 UTC on 16 June is still 15 June in Los Angeles, exactly five years after the conviction.
      const events = [
        ...detainerCase([felony('2019-06-15')]),
        honored({ ...exception, decidedAt: '2024-06-16T03:00:00Z' }),
      ];
      expect(rulesFired(events, [{ ...v1, timeZone: 'America/Los_Angeles' }])).toEqual([]);
      expect(rulesFired(events)).toEqual(['S2_DETAINER_HONORED_WITHOUT_JUDICIAL_WARRANT']);
    });
  });

  it('judges each decision separately: an unlawful decision stays a violation after it is amended', () => {
    const violations = judge([...detainerCase(), honored(), decisionAmended({ outcome: 'DECLINED' })]);
    expect(violations.map((v) => [v.ruleId, v.evidence[0].type])).toEqual([
      ['S2_DETAINER_HONORED_WITHOUT_JUDICIAL_WARRANT', 'DecisionRecorded'],
    ]);
  });

  it('judges a decision amended at its own instant too: the record cannot tell a correction from a change of mind', () => {
    const declinedAtOnce = decisionAmended({ outcome: 'DECLINED', decidedAt: DECIDED_AT });
    const violations = judge([...detainerCase(), honored(), declinedAtOnce]);
    expect(violations.map((v) => [v.ruleId, v.evidence[0].type])).toEqual([
      ['S2_DETAINER_HONORED_WITHOUT_JUDICIAL_WARRANT', 'DecisionRecorded'],
    ]);
  });

  it('judges an amendment that honors the detainer at its own time', () => {
    const violations = judge([
      ...detainerCase(),
      decisionRecorded(),
      decisionAmended({ outcome: 'HONORED' }),
    ]);
    expect(violations.map((v) => [v.ruleId, v.evidence[0].type, v.occurredAt])).toEqual([
      ['S2_DETAINER_HONORED_WITHOUT_JUDICIAL_WARRANT', 'DecisionAmended', hoursAfter(T0, 3)],
    ]);
  });

  describe('an amendment that keeps the detainer honored', () => {
    const felony: Conviction = { offense: 'Robbery', category: 'VIOLENT_FELONY', convictedAt: '2022-01-01' };
    const AMENDED_AT = hoursAfter(T0, 3);
    const cited = (violations: ReturnType<typeof judge>) =>
      violations.map((v) => [v.ruleId, v.occurredAt, v.evidence.map((e) => e.type)]);

    it('is no new act when the honoring it keeps was unlawful: one violation, of the first decision, citing both', () => {
      const [violation, ...others] = judge([
        ...detainerCase(),
        honored(),
        decisionAmended({ outcome: 'PARTIALLY_HONORED', ...exception }),
      ]);
      expect(others).toEqual([]);
      expect(violation).toMatchObject({
        ruleId: 'S2_DETAINER_HONORED_WITHOUT_JUDICIAL_WARRANT',
        occurredAt: DECIDED_AT,
        evidence: [
          { eventId: 'evt-3', type: 'DecisionRecorded' },
          { eventId: 'evt-1', type: 'FederalRequestReceived' },
          { eventId: 'evt-4', type: 'DecisionAmended' },
          // The amendment claimed an exception: the convictions show none that meets it.
          { eventId: 'evt-0', type: 'CaseOpened' },
        ],
        explanation:
          'A DETAINER request from ICE was decided HONORED without a judicial warrant and without an ordinance exception. Amended once, it stood PARTIALLY_HONORED with neither a judicial warrant nor a qualifying exception.',
      });
    });

    it('stays judged under the version in force at the first decision, the act', () => {
      const v2 = { ...v1, version: 2, effectiveFrom: hoursAfter(T0, 2.5) };
      const violations = judge(
        [...detainerCase(), honored(), decisionAmended({ outcome: 'HONORED' })],
        [v1, v2],
      );
      expect(violations.map((v) => [v.evidence[0].type, v.ordinanceVersion])).toEqual([
        ['DecisionRecorded', 1],
      ]);
    });

    // The first decision was lawful when made, and stays so; from the amendment on, the person is
    // held on a decision with no lawful basis. Dating it earlier would find unlawful a decision the
    // record showed lawful, and the register cannot tell a correction from a change of mind.
    it('is an act of its own when it makes a lawful honoring unlawful, at its own time', () => {
      const events = [
        ...detainerCase([felony]),
        honored(exception),
        decisionAmended({ outcome: 'HONORED', basis: 'NONE' }),
      ];
      expect(cited(judge(events))).toEqual([
        [
          'S2_DETAINER_HONORED_WITHOUT_JUDICIAL_WARRANT',
          AMENDED_AT,
          ['DecisionAmended', 'FederalRequestReceived'],
        ],
      ]);
    });

    it('leaves the violation of an unlawful decision standing when it makes the honoring lawful', () => {
      const events = [
        ...detainerCase([felony]),
        honored(),
        decisionAmended({ outcome: 'HONORED', ...exception }),
      ];
      expect(cited(judge(events))).toEqual([
        [
          'S2_DETAINER_HONORED_WITHOUT_JUDICIAL_WARRANT',
          DECIDED_AT,
          ['DecisionRecorded', 'FederalRequestReceived'],
        ],
      ]);
      // Made unlawful again by a later amendment: a new unlawful stretch, a new act.
      const again = decisionAmended({ outcome: 'HONORED', decidedAt: hoursAfter(T0, 4) });
      expect(cited(judge([...events, again])).map(([, occurredAt]) => occurredAt)).toEqual([
        DECIDED_AT,
        hoursAfter(T0, 4),
      ]);
    });

    it('is a new honoring, and a new act, after the detainer was declined meanwhile', () => {
      const events = [
        ...detainerCase(),
        honored(),
        decisionAmended({ outcome: 'DECLINED' }),
        decisionAmended({ outcome: 'HONORED', decidedAt: hoursAfter(T0, 4) }),
      ];
      expect(cited(judge(events))).toEqual([
        [
          'S2_DETAINER_HONORED_WITHOUT_JUDICIAL_WARRANT',
          DECIDED_AT,
          ['DecisionRecorded', 'FederalRequestReceived'],
        ],
        [
          'S2_DETAINER_HONORED_WITHOUT_JUDICIAL_WARRANT',
          hoursAfter(T0, 4),
          ['DecisionAmended', 'FederalRequestReceived'],
        ],
      ]);
    });

    // As an amendment to DECLINED at the decision's own instant is taken as the later decision.
    it('is taken as the later decision at the instant of the decision it amends', () => {
      const atOnce = (data: Parameters<typeof decisionAmended>[0]) =>
        decisionAmended({ outcome: 'HONORED', decidedAt: DECIDED_AT, ...data });
      expect(cited(judge([...detainerCase(), honored(), atOnce({})]))).toEqual([
        [
          'S2_DETAINER_HONORED_WITHOUT_JUDICIAL_WARRANT',
          DECIDED_AT,
          ['DecisionRecorded', 'FederalRequestReceived', 'DecisionAmended'],
        ],
      ]);
      expect(
        cited(judge([...detainerCase([felony]), honored(exception), atOnce({ basis: 'NONE' })])),
      ).toEqual([
        [
          'S2_DETAINER_HONORED_WITHOUT_JUDICIAL_WARRANT',
          DECIDED_AT,
          ['DecisionAmended', 'FederalRequestReceived'],
        ],
      ]);
    });
  });

  it('leaves honored notification requests to § 3', () => {
    const notification = requestReceived({ requestType: 'NOTIFICATION', form: 'I-247N' });
    expect(rulesFired([caseOpened(), notification, noticeIssued(), honored()])).not.toContain(
      'S2_DETAINER_HONORED_WITHOUT_JUDICIAL_WARRANT',
    );
  });
});

describe('§ 2 — holds after eligibility for release', () => {
  const ELIGIBLE_AT = hoursAfter(T0, 4);
  const eligible = eligibleForRelease({ at: ELIGIBLE_AT });
  const releasedAfter = (minutes: number) => released({ at: minutesAfter(ELIGIBLE_AT, minutes) });
  const felony: Conviction = { offense: 'Robbery', category: 'SERIOUS_FELONY', convictedAt: '2022-01-01' };

  it('S2_HELD_BEYOND_RELEASE fires a minute past the grace period on a pending detainer', () => {
    expect(judge([...detainerCase(), eligible, releasedAfter(61)])).toEqual([
      expect.objectContaining({
        ruleId: 'S2_HELD_BEYOND_RELEASE',
        requestId: REQUEST_ID,
        occurredAt: minutesAfter(ELIGIBLE_AT, 61),
        evidence: [
          expect.objectContaining({ eventId: 'evt-4', type: 'SubjectReleased' }),
          expect.objectContaining({ eventId: 'evt-3', type: 'SubjectEligibleForRelease' }),
          expect.objectContaining({ eventId: 'evt-1', type: 'FederalRequestReceived' }),
        ],
        explanation:
          'Released 1 hour 1 minute after eligibility for release, beyond the 60-minute grace period, while a detainer was pending or honored with neither a judicial warrant nor a qualifying exception.',
      }),
    ]);
  });

  it('does not fire at exactly the grace period', () => {
    expect(rulesFired([...detainerCase(), eligible, releasedAfter(60)])).toEqual([]);
  });

  it('cites the honoring decisions a hold past the grace period rests on', () => {
    const [violation] = judge([...detainerCase(), honored(), eligible, releasedAfter(120)]).filter(
      (v) => v.ruleId === 'S2_HELD_BEYOND_RELEASE',
    );
    expect(violation.evidence.map((e) => e.type)).toEqual([
      'SubjectReleased',
      'SubjectEligibleForRelease',
      'FederalRequestReceived',
      'DecisionRecorded',
    ]);
    expect(violation.explanation).toBe(
      'Released 2 hours after eligibility for release, beyond the 60-minute grace period, while a detainer was pending or honored with neither a judicial warrant nor a qualifying exception.',
    );
  });

  it('uses the grace period of the version in force at the release', () => {
    expect(
      rulesFired([...detainerCase(), eligible, releasedAfter(90)], [{ ...v1, releaseGraceMinutes: 120 }]),
    ).toEqual([]);
  });

  it('judges a hold under the version in force at its end: an exception repealed before then excuses none of it', () => {
    // v1 lists VIOLENT_OR_SERIOUS_FELONY_5Y; v2, in force when the grace period ends, lists none.
    const v2 = { ...v1, version: 2, effectiveFrom: hoursAfter(T0, 5), detainerExceptions: [] };
    const events = [
      ...detainerCase([felony]),
      honored(exception),
      eligible,
      released({ at: hoursAfter(T0, 10) }),
    ];
    // The decision itself stays lawful under v1; the hold that outlasted the exception does not.
    expect(judge(events, [v1, v2]).map((v) => [v.ruleId, v.ordinanceVersion])).toEqual([
      ['S2_HELD_BEYOND_RELEASE', 2],
    ]);
    expect(judge(events, [v1])).toEqual([]);
  });

  it('fires no hold rule when § 2 is not in force at the release, however long the hold', () => {
    const ordinance = [v1, withoutFrom(2, 6)];
    expect(
      rulesFired([...detainerCase(), eligible, released({ at: hoursAfter(T0, 60) })], ordinance),
    ).toEqual([]);
  });

  it('does not fire when the detainer was declined before the grace period ran out', () => {
    const declined = decisionRecorded({ decidedAt: minutesAfter(ELIGIBLE_AT, 30) });
    expect(rulesFired([...detainerCase(), declined, eligible, releasedAfter(180)])).toEqual([]);
  });

  it('fires when the detainer was honored during the excess, even if declined on amendment before release', () => {
    const events = [
      ...detainerCase(),
      honored({ decidedAt: hoursAfter(T0, 1) }),
      eligible,
      decisionAmended({ outcome: 'DECLINED', decidedAt: hoursAfter(ELIGIBLE_AT, 10) }),
      releasedAfter(12 * 60),
    ];
    const holds = judge(events).filter((v) => v.ruleId === 'S2_HELD_BEYOND_RELEASE');
    expect(holds.map((v) => v.evidence.map((e) => e.type))).toEqual([
      ['SubjectReleased', 'SubjectEligibleForRelease', 'FederalRequestReceived', 'DecisionRecorded'],
    ]);
  });

  it('does not count a hold when the case has no detainer', () => {
    const notification = requestReceived({ requestType: 'NOTIFICATION' });
    expect(rulesFired([caseOpened(), notification, noticeIssued(), eligible, releasedAfter(600)])).toEqual(
      [],
    );
  });

  it('does not fire under a judicial warrant, even past 48 hours', () => {
    const events = [...detainerCase([], [judicialWarrant()]), honored(), eligible, releasedAfter(49 * 60)];
    expect(rulesFired(events)).toEqual([]);
  });

  describe('beside a detainer honored under a qualifying exception', () => {
    // A second detainer (a re-issued I-247A, say) honored under the felony exception before
    // eligibility, while the first stayed undecided.
    const R2 = 'request-honored-under-exception';
    const holdOn = (...events: CaseEvent[]) => [
      ...detainerCase([felony]),
      requestReceived({ requestId: R2, receivedAt: hoursAfter(T0, 1) }),
      noticeIssued({ noticeId: 'notice-2', requestId: R2 }),
      honored({ requestId: R2, decidedAt: hoursAfter(T0, 2), ...exception }),
      ...events,
    ];

    it('fires no grace-period rule: the exception held the person lawfully throughout, as a warrant would', () => {
      expect(rulesFired(holdOn(eligible, releasedAfter(3 * 60)))).toEqual([]);
    });

    it('fires when that detainer was declined during the hold: the undecided one held the person alone', () => {
      const declined = decisionAmended({ requestId: R2, decidedAt: hoursAfter(ELIGIBLE_AT, 2) });
      expect(rulesFired(holdOn(eligible, declined, releasedAfter(3 * 60)))).toEqual([
        'S2_HELD_BEYOND_RELEASE',
      ]);
    });

    it('still fires the 48-hour limit, which no exception lifts', () => {
      expect(rulesFired(holdOn(eligible, releasedAfter(49 * 60)))).toEqual(['S2_HOLD_EXCEEDS_48_HOURS']);
    });
  });

  describe('beside a detainer with a judicial warrant', () => {
    const R2 = 'request-with-warrant';
    const withWarrant = requestReceived({
      requestId: R2,
      receivedAt: hoursAfter(T0, 1),
      documents: [judicialWarrant()],
    });
    const warrantNoticed = noticeIssued({ noticeId: 'notice-2', requestId: R2 });
    const holdOn = (...events: CaseEvent[]) => [...detainerCase(), withWarrant, warrantNoticed, ...events];

    it('fires nothing for a hold the warrant covered throughout, though a warrantless detainer was pending', () => {
      const honoredOnWarrant = honored({ requestId: R2, basis: 'JUDICIAL_WARRANT' });
      expect(rulesFired(holdOn(honoredOnWarrant, eligible, releasedAfter(3 * 60)))).toEqual([]);
      expect(rulesFired(holdOn(honoredOnWarrant, eligible, releasedAfter(49 * 60)))).toEqual([]);
      // Pending, the warrant's detainer held the person lawfully too.
      expect(rulesFired(holdOn(eligible, releasedAfter(49 * 60)))).toEqual([]);
    });

    it('fires when the warrant’s detainer was declined during the hold: the other held the person alone', () => {
      const declined = decisionRecorded({ requestId: R2, decidedAt: hoursAfter(ELIGIBLE_AT, 2) });
      expect(judge(holdOn(eligible, declined, releasedAfter(3 * 60)))).toEqual([
        expect.objectContaining({ ruleId: 'S2_HELD_BEYOND_RELEASE', requestId: REQUEST_ID }),
      ]);
    });

    it('fires when the warrant’s detainer arrived only after the grace period ran out', () => {
      const late = requestReceived({
        requestId: R2,
        receivedAt: hoursAfter(ELIGIBLE_AT, 2),
        documents: [judicialWarrant()],
      });
      expect(rulesFired([...detainerCase(), eligible, late, warrantNoticed, releasedAfter(3 * 60)])).toEqual([
        'S2_HELD_BEYOND_RELEASE',
      ]);
    });
  });

  it('measures from the first eligibility, and a transfer ends a hold like a release', () => {
    const events = [
      ...detainerCase(),
      eligible,
      eligibleForRelease({ at: minutesAfter(ELIGIBLE_AT, 50), reason: 'CHARGES_DISMISSED' }),
      transferred({ at: minutesAfter(ELIGIBLE_AT, 90), toAgency: 'OTHER' }),
    ];
    expect(rulesFired(events)).toEqual(['S2_HELD_BEYOND_RELEASE']);
  });

  it('states the hold to the second, rounded up, so that a hold past 48 hours never reads as 48 hours', () => {
    const heldFor = (minutes: number) =>
      judge([...detainerCase([felony]), honored(exception), eligible, releasedAfter(minutes)]).map(
        (v) => v.explanation,
      );
    expect(heldFor(48 * 60 + 1)).toEqual([
      'Released 48 hours 1 minute after eligibility for release, more than 48 hours, while a detainer was pending or honored without a judicial warrant.',
    ]);
    expect(heldFor(48 * 60 + 0.4 / 60)).toEqual([
      'Released 48 hours 1 second after eligibility for release, more than 48 hours, while a detainer was pending or honored without a judicial warrant.',
    ]);
  });

  it('a 49-hour hold under a valid exception fires the 48-hour limit, not the grace period', () => {
    const events = [...detainerCase([felony]), honored(exception), eligible, releasedAfter(49 * 60)];
    expect(judge(events)).toEqual([
      expect.objectContaining({
        ruleId: 'S2_HOLD_EXCEEDS_48_HOURS',
        occurredAt: hoursAfter(ELIGIBLE_AT, 49),
        evidence: [
          expect.objectContaining({ type: 'SubjectReleased' }),
          expect.objectContaining({ type: 'SubjectEligibleForRelease' }),
          expect.objectContaining({ type: 'FederalRequestReceived' }),
          expect.objectContaining({ type: 'DecisionRecorded' }),
        ],
        explanation:
          'Released 49 hours after eligibility for release, more than 48 hours, while a detainer was pending or honored without a judicial warrant.',
      }),
    ]);
  });

  it('at exactly 48 hours fires only the grace-period rule; one millisecond more fires the 48-hour limit too', () => {
    const exactly = hoursAfter(ELIGIBLE_AT, 48);
    expect(rulesFired([...detainerCase(), eligible, released({ at: exactly })])).toEqual([
      'S2_HELD_BEYOND_RELEASE',
    ]);
    expect(
      rulesFired([...detainerCase(), eligible, released({ at: millisecondsAfter(exactly, 1) })]),
    ).toEqual(['S2_HELD_BEYOND_RELEASE', 'S2_HOLD_EXCEEDS_48_HOURS']);
  });

  it('measures 48 hours between instants, whatever offsets the two times were written in', () => {
    // Eligible 14:00Z (written +02:00), released 48 h later (written Z): exactly 48 h, no limit broken.
    const eligibleWithOffset = [...detainerCase(), eligibleForRelease({ at: '2024-06-15T16:00:00+02:00' })];
    expect(rulesFired([...eligibleWithOffset, released({ at: '2024-06-17T14:00:00Z' })])).toEqual([
      'S2_HELD_BEYOND_RELEASE',
    ]);
    expect(rulesFired([...eligibleWithOffset, released({ at: '2024-06-17T14:00:01Z' })])).toContain(
      'S2_HOLD_EXCEEDS_48_HOURS',
    );
  });

  it('a 48-hour hold under a valid exception fires nothing', () => {
    expect(
      rulesFired([...detainerCase([felony]), honored(exception), eligible, releasedAfter(48 * 60)]),
    ).toEqual([]);
  });

  it('a 49-hour hold on an unexcused honored detainer fires every § 2 rule it breaks', () => {
    expect(rulesFired([...detainerCase(), honored(), eligible, releasedAfter(49 * 60)])).toEqual([
      'S2_DETAINER_HONORED_WITHOUT_JUDICIAL_WARRANT',
      'S2_HELD_BEYOND_RELEASE',
      'S2_HOLD_EXCEEDS_48_HOURS',
    ]);
  });
});

describe('§ 2 — S2_TRANSFER_CONTRADICTS_DECISION', () => {
  const TRANSFER_AT = hoursAfter(T0, 3);

  it('fires for a transfer to ICE after its detainer was declined', () => {
    expect(judge([...detainerCase(), decisionRecorded(), transferred({ at: TRANSFER_AT })])).toEqual([
      expect.objectContaining({
        ruleId: 'S2_TRANSFER_CONTRADICTS_DECISION',
        requestId: REQUEST_ID,
        occurredAt: TRANSFER_AT,
        evidence: [
          expect.objectContaining({ eventId: 'evt-4', type: 'SubjectTransferred' }),
          expect.objectContaining({ eventId: 'evt-1', type: 'FederalRequestReceived' }),
          expect.objectContaining({ eventId: 'evt-3', type: 'DecisionRecorded' }),
        ],
        explanation:
          'Transferred to ICE custody while its DETAINER request(s) stood declined or undecided, with no judicial warrant.',
      }),
    ]);
  });

  it('fires for a transfer while the detainer is undecided', () => {
    expect(rulesFired([...detainerCase(), transferred({ at: TRANSFER_AT })])).toEqual([
      'S2_TRANSFER_CONTRADICTS_DECISION',
    ]);
  });

  it('judges by the decision in force at the transfer, amendments included', () => {
    const amendedToHonor = decisionAmended({ outcome: 'HONORED', decidedAt: hoursAfter(T0, 2.5) });
    expect(
      rulesFired([
        ...detainerCase([], [judicialWarrant()]),
        decisionRecorded(),
        amendedToHonor,
        transferred({ at: TRANSFER_AT }),
      ]),
    ).toEqual([]);
    const amendedAfter = decisionAmended({ outcome: 'HONORED', decidedAt: hoursAfter(T0, 4) });
    expect(
      rulesFired([
        ...detainerCase([], [judicialWarrant()]),
        decisionRecorded(),
        amendedAfter,
        transferred({ at: TRANSFER_AT }),
      ]),
    ).toEqual([]);
    expect(
      rulesFired([...detainerCase(), decisionRecorded(), amendedAfter, transferred({ at: TRANSFER_AT })]),
    ).toEqual(['S2_TRANSFER_CONTRADICTS_DECISION', 'S2_DETAINER_HONORED_WITHOUT_JUDICIAL_WARRANT']);
  });

  describe('with a detainer of theirs honored under an exception', () => {
    const felony: Conviction = { offense: 'Robbery', category: 'SERIOUS_FELONY', convictedAt: '2022-01-01' };
    const T2 = 'f1e2d3c4-0000-4000-8000-0000000000b2';
    const transferRequest = requestReceived({ requestId: T2, requestType: 'TRANSFER', form: 'LETTER' });
    // Noticed in time, so that only § 2 is in question.
    const transferNotice = noticeIssued({ noticeId: 'notice-2', requestId: T2 });
    const honoredDetainer = [...detainerCase([felony]), honored(exception)];

    it('fires when their TRANSFER request stood declined: the transfer contradicts that very decision', () => {
      const declined = decisionRecorded({ requestId: T2, decidedAt: hoursAfter(T0, 2.5) });
      expect(
        judge([
          ...honoredDetainer,
          transferRequest,
          transferNotice,
          declined,
          transferred({ at: TRANSFER_AT }),
        ]).map((v) => [v.ruleId, v.requestId, v.explanation]),
      ).toEqual([
        [
          'S2_TRANSFER_CONTRADICTS_DECISION',
          T2,
          'Transferred to ICE custody while its TRANSFER request(s) stood declined or undecided, with no judicial warrant.',
        ],
      ]);
    });

    it('follows the honored detainer when their TRANSFER request is undecided, or declined under a judicial warrant', () => {
      expect(
        rulesFired([...honoredDetainer, transferRequest, transferNotice, transferred({ at: TRANSFER_AT })]),
      ).toEqual([]);
      const warranted = requestReceived({ ...transferRequest.data, documents: [judicialWarrant()] });
      const declined = decisionRecorded({ requestId: T2, decidedAt: hoursAfter(T0, 2.5) });
      expect(
        rulesFired([
          ...honoredDetainer,
          warranted,
          transferNotice,
          declined,
          transferred({ at: TRANSFER_AT }),
        ]),
      ).toEqual([]);
    });
  });

  it('does not fire under a judicial warrant', () => {
    expect(
      rulesFired([
        ...detainerCase([], [judicialWarrant()]),
        decisionRecorded(),
        transferred({ at: TRANSFER_AT }),
      ]),
    ).toEqual([]);
  });

  it('fires no transfer rule when § 2 is not in force at the transfer', () => {
    const ordinance = [v1, withoutFrom(2, 3)];
    const events = [...detainerCase(), transferred({ at: hoursAfter(T0, 4) })];
    expect(rulesFired(events)).toEqual(['S2_TRANSFER_CONTRADICTS_DECISION']);
    expect(rulesFired(events, ordinance)).toEqual([]);
  });

  it('does not fire for a transfer to another agency than the one declined', () => {
    expect(
      rulesFired([...detainerCase(), decisionRecorded(), transferred({ at: TRANSFER_AT, toAgency: 'CBP' })]),
    ).toEqual([]);
    expect(
      rulesFired([
        ...detainerCase(),
        decisionRecorded(),
        transferred({ at: TRANSFER_AT, toAgency: 'OTHER' }),
      ]),
    ).toEqual([]);
  });

  it('does not fire when another request of the same agency was honored at the time', () => {
    const events = [
      ...detainerCase([{ offense: 'Robbery', category: 'VIOLENT_FELONY', convictedAt: '2022-01-01' }]),
      decisionRecorded(),
      requestReceived({ requestId: 'second', requestType: 'TRANSFER', receivedAt: hoursAfter(T0, 1) }),
      noticeIssued({ noticeId: 'n2', requestId: 'second', deliveredAt: hoursAfter(T0, 1) }),
      honored({ requestId: 'second', ...exception }),
      transferred({ at: TRANSFER_AT }),
    ];
    expect(rulesFired(events)).toEqual([]);
  });
});
