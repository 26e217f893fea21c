/**
 * §§ 2–5 rule paths and boundaries no other spec pinned down: sections out of force at the act,
 * the 48-hour limit to the millisecond, transfers bringing the notice deadline forward, warrants
 * signed after the act, partially honored notification requests.
 */
import {
  caseOpened,
  custodyAccessGranted,
  decisionRecorded,
  eligibleForRelease,
  hoursAfter,
  informationDisclosed,
  judicialWarrant,
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
import type { CaseEvent } from '../case.events';
import { evaluateCaseRules } from './evaluate-case-rules';

const v1 = defaultOrdinanceVersion();
const NOW = hoursAfter(T0, 24 * 10);
const judge = (events: CaseEvent[], ordinance: OrdinanceHistory = [v1]) =>
  evaluateCaseRules(recorded(events), ordinance, NOW);
const rulesFired = (events: CaseEvent[], ordinance?: OrdinanceHistory) =>
  judge(events, ordinance).map((v) => v.ruleId);
/** Version 2 of the ordinance, in force from `hours` after T0, without `section`. */
const withoutFrom = (section: OrdinanceSection, hours: number) => ({
  ...v1,
  version: 2,
  effectiveFrom: hoursAfter(T0, hours),
  sectionsInForce: v1.sectionsInForce.filter((s) => s !== section),
});
const plusMs = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

/** A detainer received at T0 and noticed in time, pending; eligible for release at T0 + 4 h. */
const pendingDetainerHold = (departure: CaseEvent): CaseEvent[] => [
  caseOpened(),
  requestReceived(),
  noticeIssued(),
  eligibleForRelease({ at: hoursAfter(T0, 4) }),
  departure,
];

describe('§ 2 holds — edges', () => {
  it('at exactly 48 hours fires only the grace-period rule; one millisecond more fires the 48-hour limit too', () => {
    const exactly = hoursAfter(T0, 52);
    expect(rulesFired(pendingDetainerHold(released({ at: exactly })))).toEqual(['S2_HELD_BEYOND_RELEASE']);
    expect(rulesFired(pendingDetainerHold(released({ at: plusMs(exactly, 1) })))).toEqual([
      'S2_HELD_BEYOND_RELEASE',
      'S2_HOLD_EXCEEDS_48_HOURS',
    ]);
  });

  it('measures 48 hours between instants, whatever offsets the two times were written in', () => {
    // Eligible 12:00Z (written +02:00), released 48 h later (written Z): exactly 48 h, no limit broken.
    const events = [
      caseOpened(),
      requestReceived(),
      noticeIssued(),
      eligibleForRelease({ at: '2024-06-15T16:00:00+02:00' }),
      released({ at: '2024-06-17T14:00:00Z' }),
    ];
    expect(rulesFired(events)).toEqual(['S2_HELD_BEYOND_RELEASE']);
    expect(rulesFired([...events.slice(0, 4), released({ at: '2024-06-17T14:00:01Z' })])).toContain(
      'S2_HOLD_EXCEEDS_48_HOURS',
    );
  });

  it('judges a hold under the version in force at its end: an exception repealed before then excuses none of it', () => {
    // v1 lists VIOLENT_OR_SERIOUS_FELONY_5Y; v2, in force when the grace period ends, lists none.
    const v2 = { ...v1, version: 2, effectiveFrom: hoursAfter(T0, 5), detainerExceptions: [] };
    const events = [
      caseOpened({
        convictions: [{ offense: 'Robbery', category: 'VIOLENT_FELONY', convictedAt: '2022-01-01' }],
      }),
      requestReceived(),
      noticeIssued(),
      decisionRecorded({
        outcome: 'HONORED',
        basis: 'ORDINANCE_EXCEPTION',
        exceptionCode: 'VIOLENT_OR_SERIOUS_FELONY_5Y',
        decidedAt: hoursAfter(T0, 2),
      }),
      eligibleForRelease({ at: hoursAfter(T0, 4) }),
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
    expect(rulesFired(pendingDetainerHold(released({ at: hoursAfter(T0, 60) })), ordinance)).toEqual([]);
  });

  it('fires no transfer rule when § 2 is not in force at the transfer', () => {
    const ordinance = [v1, withoutFrom(2, 3)];
    const events = [caseOpened(), requestReceived(), noticeIssued(), transferred({ at: hoursAfter(T0, 4) })];
    expect(rulesFired(events)).toEqual(['S2_TRANSFER_CONTRADICTS_DECISION']);
    expect(rulesFired(events, ordinance)).toEqual([]);
  });

  it('cites the honoring decisions a hold past the grace period rests on', () => {
    const [violation] = judge([
      caseOpened(),
      requestReceived(),
      noticeIssued(),
      decisionRecorded({ outcome: 'HONORED', decidedAt: hoursAfter(T0, 2) }),
      eligibleForRelease({ at: hoursAfter(T0, 4) }),
      released({ at: hoursAfter(T0, 6) }),
    ]).filter((v) => v.ruleId === 'S2_HELD_BEYOND_RELEASE');
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
});

describe('§ 3 and § 4 — edges', () => {
  it('S3 fires for a partially honored notification request, as a release date given at the decision', () => {
    const notification = requestReceived({ requestType: 'NOTIFICATION' });
    const decision = decisionRecorded({ outcome: 'PARTIALLY_HONORED' });
    const s3 = judge([caseOpened(), notification, noticeIssued(), decision]).filter(
      (v) => v.ruleId === 'S3_SENSITIVE_INFORMATION_DISCLOSED',
    );
    expect(s3).toHaveLength(1);
    expect(s3[0]).toMatchObject({ occurredAt: decision.data.decidedAt, requestId: REQUEST_ID });
  });

  it('S3 fires when the warrant on the request was signed only after the disclosure', () => {
    const events = [
      caseOpened(),
      requestReceived({
        requestType: 'INFORMATION',
        documents: [judicialWarrant({ signedAt: hoursAfter(T0, 3) })],
      }),
      informationDisclosed({ categories: ['HOME_ADDRESS'], disclosedAt: hoursAfter(T0, 2) }),
    ];
    expect(rulesFired(events)).toEqual(['S3_SENSITIVE_INFORMATION_DISCLOSED']);
    const signedBefore = [
      events[0],
      requestReceived({ requestType: 'INFORMATION', documents: [judicialWarrant()] }),
      events[2],
    ];
    expect(rulesFired(signedBefore)).toEqual([]);
  });

  it('S4 fires when the warrant on the request was signed only after the access, and not at the signing instant', () => {
    const access = custodyAccessGranted({ grantedAt: hoursAfter(T0, 2) });
    const withWarrantSigned = (signedAt: string) => [
      caseOpened(),
      requestReceived({ requestType: 'INTERVIEW', documents: [judicialWarrant({ signedAt })] }),
      access,
    ];
    expect(rulesFired(withWarrantSigned(hoursAfter(T0, 3)))).toEqual([
      'S4_CUSTODY_ACCESS_WITHOUT_JUDICIAL_WARRANT',
    ]);
    expect(rulesFired(withWarrantSigned(hoursAfter(T0, 2)))).toEqual([]);
  });
});

describe('§ 5 — edges', () => {
  it('S5_NOTICE_NOT_GIVEN: a transfer, even to another agency, brings the deadline forward and is cited', () => {
    const transfer = transferred({ at: hoursAfter(T0, 3), toAgency: 'OTHER' });
    const [violation] = judge([caseOpened(), requestReceived(), transfer]);
    expect(violation).toMatchObject({
      ruleId: 'S5_NOTICE_NOT_GIVEN',
      occurredAt: transfer.data.at,
      explanation:
        'No request-and-intent notice reached the subject of a DETAINER request from ICE before the release or transfer.',
    });
    expect(violation.evidence.map((e) => e.type)).toEqual(['FederalRequestReceived', 'SubjectTransferred']);
  });

  it('S5_NOTICE_NOT_GIVEN: a notice delivered at the very instant of the release is in time', () => {
    const events = [
      caseOpened(),
      requestReceived(),
      noticeIssued({ deliveredAt: hoursAfter(T0, 3) }),
      released({ at: hoursAfter(T0, 3) }),
    ];
    expect(rulesFired(events)).toEqual([]);
  });

  it('S5_NOTICE_NOT_GIVEN is judged at the very instant of the deadline', () => {
    const events = recorded([caseOpened(), requestReceived()]);
    expect(evaluateCaseRules(events, [v1], plusMs(hoursAfter(T0, 24), -1))).toEqual([]);
    expect(evaluateCaseRules(events, [v1], hoursAfter(T0, 24)).map((v) => v.ruleId)).toEqual([
      'S5_NOTICE_NOT_GIVEN',
    ]);
  });

  it('S5_RELEASE_DATE_NOTICE_MISSING fires nothing for a release date given while § 5 is not in force', () => {
    const events = [
      caseOpened(),
      requestReceived({ requestType: 'INFORMATION' }),
      informationDisclosed({ categories: ['RELEASE_DATE'], disclosedAt: hoursAfter(T0, 2) }),
    ];
    expect(rulesFired(events)).toEqual([
      'S3_SENSITIVE_INFORMATION_DISCLOSED',
      'S5_RELEASE_DATE_NOTICE_MISSING',
    ]);
    expect(rulesFired(events, [v1, withoutFrom(5, 1)])).toEqual(['S3_SENSITIVE_INFORMATION_DISCLOSED']);
  });

  it('S5_RELEASE_DATE_NOTICE_MISSING accepts a written notice delivered at the very instant of the disclosure', () => {
    const at = hoursAfter(T0, 2);
    const events = [
      caseOpened(),
      requestReceived({ requestType: 'INFORMATION' }),
      noticeIssued({
        noticeId: 'rd',
        purpose: 'RELEASE_DATE',
        statedIntent: null,
        requestId: null,
        deliveredAt: at,
      }),
      informationDisclosed({ categories: ['RELEASE_DATE'], disclosedAt: at }),
    ];
    expect(rulesFired(events)).toEqual(['S3_SENSITIVE_INFORMATION_DISCLOSED']);
  });
});
