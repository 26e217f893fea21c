import { actOf, violationActOf, type DetectedViolation, type EvidenceRef } from './violation';

const CASE = 'case-c1000000-0000-4000-8000-000000000001';
const ref = (eventId: string, type: string, streamId = CASE, revision = 0): EvidenceRef => ({
  eventId,
  streamId,
  revision,
  type,
});
const hold: DetectedViolation = {
  ruleId: 'S2_HELD_BEYOND_RELEASE',
  section: 2,
  streamId: CASE,
  requestId: null,
  occurredAt: '2024-03-06T06:00:00Z',
  ordinanceVersion: 1,
  evidence: [
    ref('e-release-eligible', 'EligibleForRelease', CASE, 2),
    ref('e-detainer', 'FederalRequestReceived', CASE, 1),
  ],
  explanation: 'Held six hours past release for ICE',
};

describe('the act a violation judged', () => {
  it('is the first event it cites', () => {
    expect(actOf(hold)).toBe('e-release-eligible');
    expect(violationActOf(hold)).toEqual({
      ruleId: 'S2_HELD_BEYOND_RELEASE',
      streamId: CASE,
      act: 'e-release-eligible',
    });
  });

  it('stays when the rules cite more, or other, events after it', () => {
    const moreReasons = {
      ...hold,
      evidence: [...hold.evidence, ref('e-second-detainer', 'FederalRequestReceived', CASE, 3)],
    };
    const otherReasons = {
      ...hold,
      evidence: [hold.evidence[0], ref('e-transfer', 'SubjectTransferred', CASE, 4)],
    };
    expect(actOf(moreReasons)).toBe(actOf(hold));
    expect(actOf(otherReasons)).toBe(actOf(hold));
  });

  it('is the stream itself when its stream holds nothing it cites (a report never published)', () => {
    const overdue: DetectedViolation = {
      ...hold,
      ruleId: 'S11_REPORT_OVERDUE',
      section: 11,
      streamId: 'report-2024-Q1',
      evidence: [ref('e-adoption-v1', 'OrdinanceVersionAdopted', 'ordinance')],
    };
    const underV2 = {
      ...overdue,
      evidence: [ref('e-adoption-v2', 'OrdinanceVersionAdopted', 'ordinance', 1)],
    };
    expect(actOf(overdue)).toBe('report-2024-Q1');
    expect(actOf(underV2)).toBe(actOf(overdue));
  });

  it('is another act when the first event cited is another', () => {
    expect(actOf({ ...hold, evidence: hold.evidence.slice(1) })).toBe('e-detainer');
  });
});
