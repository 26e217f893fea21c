import {
  caseOpened,
  custodyAccessGranted,
  decisionRecorded,
  eligibleForRelease,
  hoursAfter,
  informationDisclosed,
  noticeIssued,
  recorded,
  released,
  requestReceived,
  T0,
} from '../../../testing/case-builders';
import { defaultOrdinanceVersion } from '../../ordinance/ordinance-version';
import type { CaseEvent } from '../case.events';
import { judgeCase } from './evaluate-case-rules';

const v1 = defaultOrdinanceVersion();
const NOW = hoursAfter(T0, 24 * 30);

describe('judgeCase: violations', () => {
  it('finds nothing in an empty history or before any version took effect', () => {
    expect(judgeCase([], [v1], NOW).violations).toEqual([]);
    const events = [caseOpened(), requestReceived(), decisionRecorded({ outcome: 'HONORED' })];
    expect(
      judgeCase(recorded(events), [{ ...v1, effectiveFrom: '2025-01-01T00:00:00Z' }], NOW).violations,
    ).toEqual([]);
  });

  it('judges an act under the version in force when it happened, not the latest', () => {
    const v2 = { ...v1, version: 2, effectiveFrom: '2024-07-01T00:00:00Z', releaseGraceMinutes: 240 };
    const hold = (eligibleAt: string): CaseEvent[] => [
      eligibleForRelease({ at: eligibleAt }),
      released({ at: hoursAfter(eligibleAt, 2) }),
    ];
    const events = [
      caseOpened(),
      requestReceived(),
      noticeIssued(),
      ...hold('2024-06-20T00:00:00Z'),
      ...hold('2024-07-20T00:00:00Z'),
    ];
    expect(
      judgeCase(recorded(events), [v1, v2], NOW).violations.map((v) => [
        v.ruleId,
        v.occurredAt,
        v.ordinanceVersion,
      ]),
    ).toEqual([['S2_HELD_BEYOND_RELEASE', '2024-06-20T02:00:00.000Z', 1]]);
  });

  it('lets a version adopted later with an earlier effective date judge the acts after that date', () => {
    const events = [caseOpened(), requestReceived({ requestType: 'INTERVIEW' }), custodyAccessGranted()];
    const withoutSection4 = v1.sectionsInForce.filter((s) => s !== 4);
    const retroactive = {
      ...v1,
      version: 2,
      effectiveFrom: '2024-06-01T00:00:00Z',
      sectionsInForce: withoutSection4,
    };
    expect(judgeCase(recorded(events), [v1], NOW).violations.map((v) => v.ruleId)).toEqual([
      'S4_CUSTODY_ACCESS_WITHOUT_JUDICIAL_WARRANT',
    ]);
    expect(judgeCase(recorded(events), [v1, retroactive], NOW).violations).toEqual([]);
  });

  it('orders violations by when the act happened, then by revision, then by rule', () => {
    const events = [
      caseOpened({ subjectProfile: { preferredLanguage: null, hasAttorney: false, hasDesignee: false } }),
      requestReceived(),
      informationDisclosed({ categories: ['RELEASE_DATE'], disclosedAt: hoursAfter(T0, 5) }),
      decisionRecorded({ outcome: 'HONORED', decidedAt: hoursAfter(T0, 3) }),
    ];
    expect(judgeCase(recorded(events), [v1], NOW).violations.map((v) => [v.ruleId, v.occurredAt])).toEqual([
      ['S2_DETAINER_HONORED_WITHOUT_JUDICIAL_WARRANT', hoursAfter(T0, 3)],
      ['S3_SENSITIVE_INFORMATION_DISCLOSED', hoursAfter(T0, 5)],
      ['S5_RELEASE_DATE_NOTICE_MISSING', hoursAfter(T0, 5)],
      ['S5_NOTICE_NOT_GIVEN', hoursAfter(T0, 24)],
    ]);
  });

  it('never puts personal data in an explanation', () => {
    const subject = {
      fullName: 'Maria Example',
      dateOfBirth: '1990-02-28',
      aNumber: 'A123456789',
      preferredLanguage: 'es',
      attorney: { name: 'Counsel Person', phone: '555-0100' },
    };
    const events = [
      caseOpened({
        subject,
        subjectProfile: { preferredLanguage: 'es', hasAttorney: true, hasDesignee: false },
      }),
      requestReceived(),
      noticeIssued({
        method: 'ORAL',
        language: 'en',
        includesCopyOfRequest: false,
        deliveredAt: hoursAfter(T0, 30),
      }),
      decisionRecorded({ outcome: 'HONORED', rationale: 'Maria Example asked to be held' }),
      informationDisclosed({ categories: ['HOME_ADDRESS', 'RELEASE_DATE'] }),
      custodyAccessGranted({ consent: null }),
      eligibleForRelease(),
      released({ at: hoursAfter(T0, 60) }),
    ];
    const violations = judgeCase(recorded(events), [v1], NOW).violations;
    expect(violations.length).toBeGreaterThan(5);
    const text = JSON.stringify(violations);
    for (const personal of ['Maria', 'Example', '1990', 'A123456789', 'Counsel Person', '555-0100']) {
      expect(text).not.toContain(personal);
    }
  });
});

describe('judgeCase: deadlines', () => {
  it('lists each notice deadline not yet met once, oldest first, in UTC', () => {
    const events = [
      caseOpened(),
      requestReceived({ requestId: 'late', receivedAt: '2024-06-16T12:00:00+02:00' }),
      requestReceived({ requestId: 'early' }),
      requestReceived({ requestId: 'same-time' }),
      requestReceived({ requestId: 'met' }),
      requestReceived({ requestId: 'information', requestType: 'INFORMATION' }),
      noticeIssued({ requestId: 'met' }),
    ];
    expect(judgeCase(recorded(events), [v1], NOW).deadlines).toEqual([
      hoursAfter(T0, 24),
      '2024-06-17T10:00:00.000Z',
    ]);
  });
});
