import {
  caseOpened,
  custodyAccessGranted,
  decisionAmended,
  decisionRecorded,
  hoursAfter,
  informationDisclosed,
  judicialWarrant,
  noticeIssued,
  recorded,
  REQUEST_ID,
  requestReceived,
  T0,
} from '../../../testing/case-builders';
import { defaultOrdinanceVersion, type OrdinanceHistory } from '../../ordinance/ordinance-version';
import type { RuleId } from '../../shared/violation';
import type { InformationCategory } from '../../shared/vocabulary';
import type { CaseEvent, InformedConsent } from '../case.events';
import { judgeCase } from './evaluate-case-rules';

const v1 = defaultOrdinanceVersion();
const NOW = hoursAfter(T0, 24 * 60);
const judge = (events: CaseEvent[], ordinance: OrdinanceHistory = [v1]) =>
  judgeCase(recorded(events), ordinance, NOW).violations;
const rulesFired = (events: CaseEvent[], ordinance?: OrdinanceHistory) =>
  judge(events, ordinance).map((v) => v.ruleId);

/** § 3 and § 4 in question only: no release date, no notice duty (INFORMATION and INTERVIEW requests need none). */
const informationRequest = requestReceived({ requestType: 'INFORMATION', form: 'LETTER' });
const withWarrant = requestReceived({
  requestType: 'INFORMATION',
  form: 'LETTER',
  documents: [judicialWarrant()],
});

describe('§ 3 — S3_SENSITIVE_INFORMATION_DISCLOSED', () => {
  const disclose = (...categories: InformationCategory[]) => informationDisclosed({ categories });

  it('does not fire for citizenship or immigration status alone (§ 13)', () => {
    expect(
      rulesFired([caseOpened(), informationRequest, disclose('CITIZENSHIP_OR_IMMIGRATION_STATUS')]),
    ).toEqual([]);
  });

  it('does not fire for publicly available information', () => {
    expect(rulesFired([caseOpened(), informationRequest, disclose('PUBLICLY_AVAILABLE')])).toEqual([]);
  });

  it('fires for a home address given without a judicial warrant, naming only the sensitive categories', () => {
    expect(
      judge([
        caseOpened(),
        informationRequest,
        disclose('CITIZENSHIP_OR_IMMIGRATION_STATUS', 'HOME_ADDRESS'),
      ]),
    ).toEqual([
      expect.objectContaining({
        ruleId: 'S3_SENSITIVE_INFORMATION_DISCLOSED',
        section: 3,
        requestId: REQUEST_ID,
        occurredAt: hoursAfter(T0, 2),
        ordinanceVersion: 1,
        evidence: [
          expect.objectContaining({ eventId: 'evt-2', type: 'InformationDisclosed' }),
          expect.objectContaining({ eventId: 'evt-1', type: 'FederalRequestReceived' }),
        ],
        explanation: 'HOME_ADDRESS disclosed to ICE without a judicial warrant.',
      }),
    ]);
  });

  it('fires for a disclosure answering no request', () => {
    const unprompted = informationDisclosed({ requestId: null, categories: ['CUSTODY_LOCATION'] });
    expect(judge([caseOpened(), unprompted])).toEqual([
      expect.objectContaining({
        ruleId: 'S3_SENSITIVE_INFORMATION_DISCLOSED',
        requestId: null,
        evidence: [expect.objectContaining({ eventId: 'evt-1' })],
      }),
    ]);
  });

  it('does not fire when the request it answers carries a judicial warrant', () => {
    expect(rulesFired([caseOpened(), withWarrant, disclose('HOME_ADDRESS', 'COURT_DATES')])).toEqual([]);
  });

  it('S3 fires when the warrant on the request was signed only after the disclosure', () => {
    const disclosure = informationDisclosed({ categories: ['HOME_ADDRESS'], disclosedAt: hoursAfter(T0, 2) });
    const signedAfter = requestReceived({
      requestType: 'INFORMATION',
      documents: [judicialWarrant({ signedAt: hoursAfter(T0, 3) })],
    });
    expect(rulesFired([caseOpened(), signedAfter, disclosure])).toEqual([
      'S3_SENSITIVE_INFORMATION_DISCLOSED',
    ]);
    const signedBefore = requestReceived({ requestType: 'INFORMATION', documents: [judicialWarrant()] });
    expect(rulesFired([caseOpened(), signedBefore, disclosure])).toEqual([]);
  });

  it("fires for a disclosure to CBP recorded as answering ICE's warranted request, as before the decider refused that", () => {
    const toCbp = informationDisclosed({ recipientAgency: 'CBP', categories: ['HOME_ADDRESS'] });
    expect(rulesFired([caseOpened(), withWarrant, toCbp])).toEqual(['S3_SENSITIVE_INFORMATION_DISCLOSED']);
  });

  it('counts an honored notification request as a release date given at the decision', () => {
    const notification = requestReceived({ requestType: 'NOTIFICATION', form: 'I-247N' });
    const events = [caseOpened(), notification, noticeIssued(), decisionRecorded({ outcome: 'HONORED' })];
    expect(judge(events).filter((v) => v.section === 3)).toEqual([
      expect.objectContaining({
        ruleId: 'S3_SENSITIVE_INFORMATION_DISCLOSED',
        occurredAt: hoursAfter(T0, 2),
        evidence: [
          expect.objectContaining({ type: 'DecisionRecorded' }),
          expect.objectContaining({ type: 'FederalRequestReceived' }),
        ],
        explanation:
          'A NOTIFICATION request from ICE was decided HONORED, disclosing RELEASE_DATE without a judicial warrant.',
      }),
    ]);
  });

  it('S3 fires for a partially honored notification request, as a release date given at the decision', () => {
    const notification = requestReceived({ requestType: 'NOTIFICATION' });
    const decision = decisionRecorded({ outcome: 'PARTIALLY_HONORED' });
    const s3 = judge([caseOpened(), notification, noticeIssued(), decision]).filter(
      (v) => v.ruleId === 'S3_SENSITIVE_INFORMATION_DISCLOSED',
    );
    expect(s3).toHaveLength(1);
    expect(s3[0]).toMatchObject({ occurredAt: decision.data.decidedAt, requestId: REQUEST_ID });
  });

  it('does not count a declined notification request, nor an honored one with a judicial warrant', () => {
    const notification = requestReceived({ requestType: 'NOTIFICATION', form: 'I-247N' });
    expect(rulesFired([caseOpened(), notification, noticeIssued(), decisionRecorded()])).toEqual([]);
    const warranted = requestReceived({
      requestType: 'NOTIFICATION',
      form: 'I-247N',
      documents: [judicialWarrant()],
    });
    expect(
      rulesFired([caseOpened(), warranted, noticeIssued(), decisionRecorded({ outcome: 'HONORED' })]),
    ).not.toContain('S3_SENSITIVE_INFORMATION_DISCLOSED');
  });

  // As § 2 judges each decision to honor a detainer: an amendment is a later decision (the decider
  // refuses one dated before what it amends), so it cannot undo a release date already given. Nor
  // can the register tell a corrected record from a change of mind; counsel's review can.
  const honored = decisionRecorded({ outcome: 'HONORED' });
  /** A notification request honored, then amended. */
  const amendedNotification = (amendment: Parameters<typeof decisionAmended>[0]) =>
    judge([
      caseOpened(),
      requestReceived({ requestType: 'NOTIFICATION', form: 'I-247N' }),
      noticeIssued(),
      honored,
      decisionAmended(amendment),
    ]);

  it('keeps a release date given by an honored notification request after the decision is amended to DECLINED', () => {
    const fired = (amendedAt: string) =>
      amendedNotification({ decidedAt: amendedAt }).map((v) => [v.ruleId, v.evidence[0].type, v.occurredAt]);
    const standing = [
      ['S3_SENSITIVE_INFORMATION_DISCLOSED', 'DecisionRecorded', honored.data.decidedAt],
      ['S5_RELEASE_DATE_NOTICE_MISSING', 'DecisionRecorded', honored.data.decidedAt],
    ];
    expect(fired(hoursAfter(T0, 3))).toEqual(standing);
    expect(fired(honored.data.decidedAt)).toEqual(standing);
  });

  it('counts a release date given once however often an amendment keeps the notification request honored', () => {
    const fired = (amendedAt: string) =>
      amendedNotification({ outcome: 'PARTIALLY_HONORED', decidedAt: amendedAt }).map((v) => [
        v.ruleId,
        v.occurredAt,
        v.evidence.map((e) => e.type),
      ]);
    const once = [
      [
        'S3_SENSITIVE_INFORMATION_DISCLOSED',
        honored.data.decidedAt,
        ['DecisionRecorded', 'FederalRequestReceived', 'DecisionAmended'],
      ],
      [
        'S5_RELEASE_DATE_NOTICE_MISSING',
        honored.data.decidedAt,
        ['DecisionRecorded', 'FederalRequestReceived', 'DecisionAmended'],
      ],
    ];
    expect(fired(hoursAfter(T0, 3))).toEqual(once);
    expect(fired(honored.data.decidedAt)).toEqual(once);
    expect(
      amendedNotification({ outcome: 'HONORED' }).find(
        (v) => v.ruleId === 'S3_SENSITIVE_INFORMATION_DISCLOSED',
      )?.explanation,
    ).toBe(
      'A NOTIFICATION request from ICE was decided HONORED, disclosing RELEASE_DATE without a judicial warrant. Amended once, it stood HONORED: the release date was given once, at that decision.',
    );
  });

  // A detainer honored holds the person from each decision on; a release date is given once, when
  // the honoring began, and judged then. Keeping the honoring under a later version gives none anew.
  it('judges a kept notification honoring at its first decision only, under the version then in force', () => {
    const notification = requestReceived({ requestType: 'NOTIFICATION', form: 'I-247N' });
    const with3From3h: OrdinanceHistory = [
      { ...v1, sectionsInForce: v1.sectionsInForce.filter((s) => s !== 3) },
      { ...v1, version: 2, effectiveFrom: hoursAfter(T0, 3) },
    ];
    const events = [
      caseOpened(),
      notification,
      noticeIssued(),
      decisionRecorded({ outcome: 'HONORED' }),
      decisionAmended({ outcome: 'HONORED', decidedAt: hoursAfter(T0, 4) }),
    ];
    expect(rulesFired(events, with3From3h)).not.toContain('S3_SENSITIVE_INFORMATION_DISCLOSED');
  });

  it('leaves an honored detainer to § 2', () => {
    expect(
      rulesFired([caseOpened(), requestReceived(), noticeIssued(), decisionRecorded({ outcome: 'HONORED' })]),
    ).toEqual(['S2_DETAINER_HONORED_WITHOUT_JUDICIAL_WARRANT']);
  });

  it('fires nothing while § 3 is not in force, and judges each act by the version then in force', () => {
    const ordinance: OrdinanceHistory = [
      v1,
      {
        ...v1,
        version: 2,
        effectiveFrom: '2024-06-01T00:00:00Z',
        sectionsInForce: [1, 2, 4, 5, 6, 7, 8, 9, 10, 11],
      },
      { ...v1, version: 3, effectiveFrom: '2024-07-01T00:00:00Z' },
    ];
    const inMay = informationDisclosed({
      requestId: null,
      categories: ['HOME_ADDRESS'],
      disclosedAt: '2024-05-20T12:00:00Z',
    });
    const inJune = informationDisclosed({
      requestId: null,
      categories: ['HOME_ADDRESS'],
      disclosedAt: '2024-06-20T12:00:00Z',
    });
    const inJuly = informationDisclosed({
      requestId: null,
      categories: ['HOME_ADDRESS'],
      disclosedAt: '2024-07-20T12:00:00Z',
    });
    expect(
      judge([caseOpened(), inMay, inJune, inJuly], ordinance).map((v) => [v.occurredAt, v.ordinanceVersion]),
    ).toEqual([
      ['2024-05-20T12:00:00Z', 1],
      ['2024-07-20T12:00:00Z', 3],
    ]);
  });
});

describe('§ 4 — custody access for civil immigration purposes', () => {
  const interviewRequest = requestReceived({ requestType: 'INTERVIEW', form: 'LETTER' });
  const warrantedInterview = requestReceived({
    requestType: 'INTERVIEW',
    form: 'LETTER',
    documents: [judicialWarrant()],
  });
  const informed: InformedConsent = {
    written: true,
    toldVoluntary: true,
    toldMayHaveAttorney: true,
    language: 'en',
  };

  it('S4_CUSTODY_ACCESS_WITHOUT_JUDICIAL_WARRANT fires for civil immigration access without a warrant', () => {
    expect(judge([caseOpened(), interviewRequest, custodyAccessGranted({ consent: informed })])).toEqual([
      expect.objectContaining({
        ruleId: 'S4_CUSTODY_ACCESS_WITHOUT_JUDICIAL_WARRANT',
        section: 4,
        requestId: REQUEST_ID,
        occurredAt: hoursAfter(T0, 2),
        evidence: [
          expect.objectContaining({ type: 'CustodyAccessGranted' }),
          expect.objectContaining({ type: 'FederalRequestReceived' }),
        ],
        explanation: 'ICE was given access for civil immigration purposes without a judicial warrant.',
      }),
    ]);
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

  it('fires for access answering no request', () => {
    expect(rulesFired([caseOpened(), custodyAccessGranted({ requestId: null, consent: informed })])).toEqual([
      'S4_CUSTODY_ACCESS_WITHOUT_JUDICIAL_WARRANT',
    ]);
  });

  it('fires nothing for warranted access with informed consent', () => {
    expect(
      rulesFired([caseOpened(), warrantedInterview, custodyAccessGranted({ consent: informed })]),
    ).toEqual([]);
  });

  it("fires for access for CBP recorded as answering ICE's warranted request", () => {
    expect(
      rulesFired([
        caseOpened(),
        warrantedInterview,
        custodyAccessGranted({ agency: 'CBP', consent: informed }),
      ]),
    ).toEqual(['S4_CUSTODY_ACCESS_WITHOUT_JUDICIAL_WARRANT']);
  });

  it('fires nothing for access for a criminal investigation', () => {
    const criminal = custodyAccessGranted({ purpose: 'CRIMINAL_INVESTIGATION', consent: null });
    expect(rulesFired([caseOpened(), interviewRequest, criminal])).toEqual([]);
  });

  it.each<[string, InformedConsent | null, string]>([
    ['no consent', null, 'no consent recorded'],
    ['oral consent', { ...informed, written: false }, 'not written'],
    ['consent not said to be voluntary', { ...informed, toldVoluntary: false }, 'not told it is voluntary'],
    [
      'consent silent on an attorney',
      { ...informed, toldMayHaveAttorney: false },
      'not told of the right to an attorney',
    ],
  ])(
    'S4_INTERVIEW_WITHOUT_INFORMED_CONSENT fires for %s, even under a warrant',
    (_case, consent, lacking) => {
      expect(judge([caseOpened(), warrantedInterview, custodyAccessGranted({ consent })])).toEqual([
        expect.objectContaining({
          ruleId: 'S4_INTERVIEW_WITHOUT_INFORMED_CONSENT' satisfies RuleId,
          evidence: [expect.objectContaining({ type: 'CustodyAccessGranted' })],
          explanation: `ICE was given access for civil immigration purposes without informed consent: ${lacking}.`,
        }),
      ]);
    },
  );

  it('fires both rules for unwarranted access without consent', () => {
    expect(rulesFired([caseOpened(), interviewRequest, custodyAccessGranted({ consent: null })])).toEqual([
      'S4_CUSTODY_ACCESS_WITHOUT_JUDICIAL_WARRANT',
      'S4_INTERVIEW_WITHOUT_INFORMED_CONSENT',
    ]);
  });

  it('fires nothing while § 4 is not in force', () => {
    const without4 = { ...v1, sectionsInForce: v1.sectionsInForce.filter((s) => s !== 4) };
    expect(
      rulesFired([caseOpened(), interviewRequest, custodyAccessGranted({ consent: null })], [without4]),
    ).toEqual([]);
  });
});
