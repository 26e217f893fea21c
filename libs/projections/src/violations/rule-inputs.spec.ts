import fc from 'fast-check';
import {
  ACCESS_PURPOSES,
  CERTIFICATION_OUTCOMES,
  CONVICTION_CATEGORIES,
  DECISION_BASES,
  DECISION_OUTCOMES,
  defaultOrdinanceVersion,
  DENIAL_GROUNDS,
  DOCUMENT_KINDS,
  ENCOUNTER_GROUNDS,
  ENCOUNTER_KINDS,
  FEDERAL_AGENCIES,
  INFORMATION_CATEGORIES,
  ISSUER_ROLES,
  LEGAL_BASES,
  MATTER_ACTIONS,
  MATTER_KINDS,
  MATTER_REQUESTING_AGENCIES,
  NOTICE_METHODS,
  NOTICE_PURPOSES,
  NOTICE_RECIPIENTS,
  ORDINANCE_SECTIONS,
  PERSON_ROLES,
  PROTECTED_CHARACTERISTICS,
  RELEASE_ELIGIBILITY_REASONS,
  REQUEST_TYPES,
  SERVICE_DENIAL_REASONS,
  STATUS_INQUIRY_JUSTIFICATIONS,
  SURVEILLANCE_TARGET_KINDS,
  TRANSFER_DESTINATIONS,
  type OrdinanceHistory,
} from '@trust-ledger/domain';
import type { JsonObject } from '@trust-ledger/event-store';
import {
  caseClosed,
  caseOpened,
  custodyAccessGranted,
  decisionAmended,
  decisionRecorded,
  eligibleForRelease,
  hoursAfter,
  informationDisclosed,
  judicialWarrant,
  noticeIssued,
  personalDataErased,
  released,
  requestReceived,
  T0,
  transferred,
} from '../../../domain/testing/case-builders';
import {
  assistanceRefusalRecorded,
  certificationDecided,
  certificationRequested,
  certificationWithdrawn,
} from '../../../domain/testing/certification-builders';
import { encounterRecorded } from '../../../domain/testing/encounter-builders';
import { matterActionRecorded, matterOpened } from '../../../domain/testing/matter-builders';
import { rulesFor, type StoredEvent } from './rulebook';
import { PRESENT } from './rule-inputs';

/**
 * The register keeps only the data its rules read (rule-inputs.ts): judging what it keeps must find
 * exactly what judging the events as recorded finds, whatever the facts, and must keep none of the
 * officers' free text.
 */

type Event = { type: string; data: object };

/** Events as the log gives them back (JSON: an absent optional field is absent). */
function stored(streamId: string, events: Event[]): StoredEvent[] {
  return events.map((e, revision) => ({
    type: e.type,
    data: JSON.parse(JSON.stringify(e.data)) as JsonObject,
    eventId: `${streamId}#${revision}`,
    streamId,
    revision,
    recordedAt: '2024-01-01T00:00:00Z',
  }));
}

const TIME_FIELD = /^at$|At$/;

/** What judging the events as kept finds, and judging them as recorded. */
function judgedBoth(streamId: string, events: Event[], ordinance: OrdinanceHistory, nows: string[]) {
  const rules = rulesFor(streamId)!;
  const full = stored(streamId, events);
  const kept = full.map((e) => ({ ...e, data: rules.kept(e) }));
  const judged = (history: StoredEvent[]) => ({
    findings: nows.map((now) => rules.judge(history, ordinance, now)),
    agencies: history.map((e) => rules.agencyOf(e)),
    // What latestTimeOf reads: every top-level time.
    times: history.map((e) => Object.entries(e.data).filter(([field]) => TIME_FIELD.test(field))),
  });
  return { kept: judged(kept), recorded: judged(full) };
}

const pick = <T>(values: readonly T[]) => fc.constantFrom(...values);
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
/** Times around T0, to the minute, so that acts meet deadlines, grace periods and signings both ways. */
const time = fc.integer({ min: -48 * 60, max: 200 * 60 }).map((minutes) => hoursAfter(T0, minutes / 60));
const requestId = fc.constantFrom('r1', 'r2');

/** Ordinances: API.md's default, and sometimes a later version with other terms from some moment. */
const ordinance: fc.Arbitrary<OrdinanceHistory> = fc
  .option(
    fc.record({
      effectiveFrom: time,
      sectionsInForce: fc.subarray([...ORDINANCE_SECTIONS]),
      judicialWarrantIssuers: fc.subarray([...ISSUER_ROLES]),
      releaseGraceMinutes: fc.integer({ min: 0, max: 600 }),
      noticeDeadlineHours: fc.integer({ min: 1, max: 72 }),
    }),
    { nil: null },
  )
  .map((later) => [
    defaultOrdinanceVersion(),
    ...(later === null ? [] : [{ ...defaultOrdinanceVersion(), ...later, version: 2 }]),
  ]);

/** Texts the rules take for absent: empty, or nothing but blanks (of trim()'s, not only spaces). */
const BLANKS = ['', ' ', '\t\n', '\u00a0\u3000'];
const blank = fc.constantFrom(...BLANKS);

/** Mostly what would be a judicial warrant, with one thing or another wrong now and then. */
const document = fc.record(
  {
    kind: fc.oneof({ arbitrary: fc.constant('JUDICIAL_WARRANT' as const), weight: 4 }, pick(DOCUMENT_KINDS)),
    issuerRole: fc.oneof({ arbitrary: fc.constant('FEDERAL_JUDGE' as const), weight: 4 }, pick(ISSUER_ROLES)),
    court: fc.oneof({ arbitrary: fc.constant('U.S. District Court'), weight: 4 }, blank),
    judgeName: fc.oneof({ arbitrary: fc.constant('Judge A'), weight: 4 }, blank),
    signedAt: time,
    docketNumber: fc.constant('2:24-mj-00117'),
  },
  { requiredKeys: ['kind', 'issuerRole'] },
);

/** Often an honoring under the listed exception, which the opening's convictions may or may not meet. */
const decision = fc.record({
  requestId,
  outcome: pick(DECISION_OUTCOMES),
  basis: fc.oneof(
    { arbitrary: fc.constant('ORDINANCE_EXCEPTION' as const), weight: 3 },
    pick(DECISION_BASES),
  ),
  exceptionCode: fc.oneof(
    { arbitrary: fc.constant('VIOLENT_OR_SERIOUS_FELONY_5Y'), weight: 4 },
    fc.constantFrom(null, 'UNLISTED'),
  ),
  decidedAt: time,
});

const caseHistory: fc.Arbitrary<Event[]> = fc
  .tuple(
    fc.record({
      subjectProfile: fc.record(
        {
          preferredLanguage: fc.constantFrom(null, 'es', 'en'),
          hasAttorney: fc.boolean(),
          hasDesignee: fc.boolean(),
        },
        { requiredKeys: ['hasAttorney', 'hasDesignee'] },
      ),
      convictions: fc.array(
        fc.record({
          offense: fc.constant('Struck a neighbour'),
          category: pick(CONVICTION_CATEGORIES),
          // Within five years of the decisions or not, before them or not.
          convictedAt: fc.constantFrom('2018-01-01', '2019-06-15', '2019-06-17', '2022-03-03', '2024-06-16'),
        }),
        { maxLength: 2 },
      ),
    }),
    fc.array(
      fc.oneof(
        fc
          .record({
            requestId,
            requestingAgency: pick(FEDERAL_AGENCIES),
            requestType: pick(REQUEST_TYPES),
            receivedAt: time,
            documents: fc.array(document, { maxLength: 2 }),
          })
          .map(requestReceived),
        fc
          .record(
            {
              requestId: fc.option(requestId, { nil: null }),
              purpose: pick(NOTICE_PURPOSES),
              recipient: pick(NOTICE_RECIPIENTS),
              deliveredAt: time,
              method: pick(NOTICE_METHODS),
              language: fc.constantFrom('es', 'en', 'es-MX'),
              includesCopyOfRequest: fc.boolean(),
              // Absent: a notice recorded before it was, judged by comparing the two languages.
              inPreferredLanguage: maybe(fc.constantFrom(true, false, null)),
            },
            { requiredKeys: ['requestId', 'purpose', 'recipient', 'deliveredAt', 'method', 'language'] },
          )
          .map(({ inPreferredLanguage, ...data }) => {
            const notice = noticeIssued(data);
            if (inPreferredLanguage === undefined) delete notice.data.inPreferredLanguage;
            else notice.data.inPreferredLanguage = inPreferredLanguage;
            return notice;
          }),
        decision.map((data) => decisionRecorded({ ...data, rationale: 'Zelda has nobody here' })),
        decision.map((data) => decisionAmended({ ...data, reason: 'Zelda’s lawyer called' })),
        fc
          .record({
            requestId: fc.option(requestId, { nil: null }),
            recipientAgency: pick(FEDERAL_AGENCIES),
            categories: fc.subarray([...INFORMATION_CATEGORIES], { minLength: 1 }),
            disclosedAt: time,
          })
          .map(informationDisclosed),
        fc
          .record({
            requestId: fc.option(requestId, { nil: null }),
            agency: pick(FEDERAL_AGENCIES),
            purpose: pick(ACCESS_PURPOSES),
            grantedAt: time,
            consent: fc.option(
              fc.record({
                written: fc.boolean(),
                toldVoluntary: fc.boolean(),
                toldMayHaveAttorney: fc.boolean(),
                language: fc.constant('yua'),
              }),
              { nil: null },
            ),
          })
          .map(custodyAccessGranted),
        fc.record({ at: time, reason: pick(RELEASE_ELIGIBILITY_REASONS) }).map(eligibleForRelease),
        fc.record({ at: time, requestId: fc.option(requestId, { nil: null }) }).map(released),
        fc.record({ at: time, toAgency: pick(TRANSFER_DESTINATIONS) }).map(transferred),
        fc.record({ closedAt: time, reason: fc.constant('Handed to ICE at the gate') }).map(caseClosed),
        fc.constant(personalDataErased()),
      ),
      { maxLength: 24 },
    ),
  )
  .map(([opening, acts]) => [caseOpened(opening), ...acts]);

const NOWS = [-1, 24, 72, 200, 24 * 400].map((hours) => hoursAfter(T0, hours));

/** A warrant's court and judge, a matter's citation and approving supervisor, each found nowhere else. */
const COURT = 'Superior Court of Umatilla County';
const JUDGE = 'Hon. Philomena Quarrington-Bey';
const CITATION = 'Or. Rev. Stat. § 181A.820(4)';
const APPROVER = 'sgt-delacroix-4471';
const READ_FOR_PRESENCE = [COURT, JUDGE, CITATION, APPROVER];

describe('what the register keeps of a ruled stream', () => {
  it('judges a case as its events recorded would be judged, at any moment, under any ordinance', () => {
    fc.assert(
      fc.property(caseHistory, ordinance, (events, versions) => {
        const { kept, recorded } = judgedBoth('case-1', events, versions, NOWS);
        expect(kept).toEqual(recorded);
      }),
      { numRuns: 400 },
    );
  });

  it('judges a certification as its events recorded would be judged', () => {
    const day = fc.integer({ min: -2, max: 120 }).map((days) => hoursAfter(T0, days * 24 + 3));
    const certification = fc.tuple(
      fc.record({ requestedAt: day, inRemovalProceedings: fc.boolean() }).map(certificationRequested),
      fc.array(
        fc.oneof(
          day.map((at) => assistanceRefusalRecorded({ at })),
          fc
            .record({
              outcome: pick(CERTIFICATION_OUTCOMES),
              grounds: fc.option(pick(DENIAL_GROUNDS), { nil: null }),
              decidedAt: day,
            })
            .map(certificationDecided),
          day.map((at) => certificationWithdrawn({ at })),
          fc.constant(personalDataErased()),
        ),
        { maxLength: 5 },
      ),
    );
    fc.assert(
      fc.property(certification, ordinance, ([requested, acts], versions) => {
        const nows = [0, 15, 91, 400].map((days) => hoursAfter(T0, days * 24));
        const { kept, recorded } = judgedBoth('certification-1', [requested, ...acts], versions, nows);
        expect(kept).toEqual(recorded);
      }),
      { numRuns: 300 },
    );
  });

  it('judges an encounter and a matter as their events recorded would be judged', () => {
    const encounter = fc
      .record({
        occurredAt: time,
        kind: pick(ENCOUNTER_KINDS),
        personRole: pick(PERSON_ROLES),
        grounds: fc.subarray([...ENCOUNTER_GROUNDS]),
        statusInquiry: fc.option(
          fc.record({
            asked: fc.boolean(),
            justification: pick(STATUS_INQUIRY_JUSTIFICATIONS),
            explanation: fc.constantFrom(null, 'asked her where she was born'),
          }),
          { nil: null },
        ),
      })
      .map(encounterRecorded);
    const matter = fc.tuple(
      fc
        .record({
          kind: pick(MATTER_KINDS),
          requestingAgency: fc.option(pick(MATTER_REQUESTING_AGENCIES), { nil: null }),
          program: fc.constantFrom(null, 'rental assistance'),
          denialReason: fc.option(pick(SERVICE_DENIAL_REASONS), { nil: null }),
          protectedCharacteristics: fc.subarray([...PROTECTED_CHARACTERISTICS]),
          target: fc.option(fc.record({ kind: pick(SURVEILLANCE_TARGET_KINDS) }), { nil: null }),
        })
        .map(matterOpened),
      fc.array(
        fc
          .record({
            action: pick(MATTER_ACTIONS),
            at: time,
            legalBasis: pick(LEGAL_BASES),
            // Absent (undefined): recorded without it, as JSON keeps no undefined.
            citation: fc.constantFrom(undefined, null, ...BLANKS, '8 U.S.C. § 1373'),
            approvedBy: fc.constantFrom(undefined, null, ...BLANKS, 'supervisor-2'),
            noticeForbiddenByOrder: fc.constantFrom(null, true, false),
          })
          .map(({ citation, approvedBy, ...data }) =>
            matterActionRecorded({ ...data, citation, approvedBy }),
          ),
        { maxLength: 5 },
      ),
    );
    fc.assert(
      fc.property(encounter, matter, ordinance, (e, [opened, actions], versions) => {
        const encounterJudged = judgedBoth('encounter-1', [e], versions, NOWS);
        expect(encounterJudged.kept).toEqual(encounterJudged.recorded);
        const matterJudged = judgedBoth('matter-1', [opened, ...actions], versions, NOWS);
        expect(matterJudged.kept).toEqual(matterJudged.recorded);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps none of the free text officers type, nor a docket number, a consent’s language, a court, a judge, a citation or an approver', () => {
    const caseEvents = [
      caseOpened({
        convictions: [{ offense: 'OFFENSE', category: 'MISDEMEANOR', convictedAt: '2020-01-01' }],
      }),
      requestReceived({
        documents: [
          judicialWarrant({ court: COURT, judgeName: JUDGE, docketNumber: 'DOCKET' }),
          judicialWarrant({ kind: 'COURT_ORDER', court: ` ${COURT} `, judgeName: `${JUDGE}\n` }),
        ],
      }),
      decisionRecorded({ rationale: 'RATIONALE' }),
      decisionAmended({ rationale: 'RATIONALE', reason: 'REASON' }),
      custodyAccessGranted({
        consent: { written: true, toldVoluntary: true, toldMayHaveAttorney: true, language: 'LANGUAGE' },
      }),
      caseClosed({ reason: 'REASON' }),
      personalDataErased({ reason: 'REASON' }),
    ];
    const certificationEvents = [
      certificationRequested({ qualifyingActivity: 'ACTIVITY' }),
      assistanceRefusalRecorded({ description: 'DESCRIPTION' }),
      certificationDecided({ explanation: 'EXPLANATION' }),
      certificationWithdrawn({ reason: 'REASON' }),
      personalDataErased({ reason: 'REASON' }),
    ];
    const encounterEvents = [
      encounterRecorded({
        statusInquiry: { asked: true, justification: 'NONE', explanation: 'EXPLANATION' },
      }),
    ];
    const matterEvents = [
      matterOpened({ description: 'DESCRIPTION', program: 'PROGRAM' }),
      matterActionRecorded({ citation: CITATION, approvedBy: APPROVER }),
    ];
    const keptOf = (streamId: string, events: Event[]) =>
      JSON.stringify(stored(streamId, events).map((e) => rulesFor(streamId)!.kept(e)));
    const kept = [
      keptOf('case-1', caseEvents),
      keptOf('certification-1', certificationEvents),
      keptOf('encounter-1', encounterEvents),
      keptOf('matter-1', matterEvents),
    ].join('\n');
    const typed = ['OFFENSE', 'DOCKET', 'RATIONALE', 'REASON', 'LANGUAGE', 'ACTIVITY', 'DESCRIPTION'];
    // Nor the person: a case's subject, a certification's victim.
    const person = ['Test Subject', 'Test Victim'];
    expect([...typed, 'EXPLANATION', 'PROGRAM', ...person].filter((text) => kept.includes(text))).toEqual([]);
    // Read only for being present: whether they are is kept, never what they say.
    expect(READ_FOR_PRESENCE.filter((text) => kept.includes(text))).toEqual([]);
    expect(kept.split(PRESENT).length - 1).toBe(6);
  });

  describe('keeps of a court, a judge, a citation and an approver only whether they are present', () => {
    const kinds = (texts: readonly (string | null | undefined)[]) =>
      texts.map((text) => (text == null || text.trim() === '' ? 'absent' : 'present'));

    it('judges warrants naming them, blank or not at all as recorded', () => {
      const named = [COURT, undefined, ...BLANKS];
      const judged: { court: string; judge: string; ruleIds: string[] }[] = [];
      for (const court of named) {
        for (const judgeName of named) {
          // One act of each rule a warrant answers: an honored detainer (§ 2), a disclosure (§ 3), an interview (§ 4).
          const events = [
            caseOpened(),
            requestReceived({ documents: [judicialWarrant({ court, judgeName })] }),
            decisionRecorded({ outcome: 'HONORED', basis: 'JUDICIAL_WARRANT' }),
            informationDisclosed({ recipientAgency: 'ICE', categories: ['RELEASE_DATE'] }),
            custodyAccessGranted(),
          ];
          const { kept, recorded } = judgedBoth('case-1', events, [defaultOrdinanceVersion()], NOWS);
          expect(kept).toEqual(recorded);
          const [courtIs, judgeIs] = kinds([court, judgeName]);
          const ruleIds = new Set(kept.findings.flatMap((f) => f.violations.map((v) => v.ruleId)));
          judged.push({
            court: courtIs,
            judge: judgeIs,
            ruleIds: [...ruleIds].filter((id) => /^S[234]_/.test(id)).sort(),
          });
        }
      }
      // Only a warrant naming both is judicial: the distinction the rules make survives in what is kept.
      const unwarranted = [
        'S2_DETAINER_HONORED_WITHOUT_JUDICIAL_WARRANT',
        'S3_SENSITIVE_INFORMATION_DISCLOSED',
        'S4_CUSTODY_ACCESS_WITHOUT_JUDICIAL_WARRANT',
      ];
      for (const { court, judge, ruleIds } of judged) {
        expect({ court, judge, ruleIds }).toEqual({
          court,
          judge,
          ruleIds: court === 'present' && judge === 'present' ? [] : unwarranted,
        });
      }
    });

    it('judges matters citing a law and naming an approver, blank or not at all as recorded', () => {
      const named = (text: string) => [text, undefined, null, ...BLANKS];
      const surveillance = matterOpened({
        kind: 'SURVEILLANCE',
        requestingAgency: null,
        target: { kind: 'POLITICAL_GROUP' },
      });
      const collection = matterOpened({ kind: 'STATUS_COLLECTION', requestingAgency: null });
      for (const approvedBy of named(APPROVER)) {
        const act = matterActionRecorded({
          action: 'AUTHORIZED',
          legalBasis: 'CRIMINAL_PREDICATE',
          approvedBy,
        });
        const { kept, recorded } = judgedBoth(
          'matter-1',
          [surveillance, act],
          [defaultOrdinanceVersion()],
          NOWS,
        );
        expect(kept).toEqual(recorded);
        expect(kept.findings[0].violations.map((v) => v.ruleId)).toEqual(
          kinds([approvedBy])[0] === 'present' ? [] : ['S8_SURVEILLANCE_WITHOUT_CRIMINAL_PREDICATE'],
        );
      }
      for (const citation of named(CITATION)) {
        const act = matterActionRecorded({ action: 'COLLECTED', legalBasis: 'REQUIRED_BY_LAW', citation });
        const { kept, recorded } = judgedBoth(
          'matter-1',
          [collection, act],
          [defaultOrdinanceVersion()],
          NOWS,
        );
        expect(kept).toEqual(recorded);
        expect(kept.findings[0].violations.map((v) => v.ruleId)).toEqual(
          kinds([citation])[0] === 'present' ? [] : ['S7_UNNECESSARY_STATUS_COLLECTION'],
        );
      }
    });
  });

  it('keeps a notice’s language only where the rules compare it: on notices recorded before inPreferredLanguage', () => {
    const sealed = { $sealed: 1, keyId: 'subject:1', shape: '[erased]' };
    const [older, later] = stored('case-1', [
      noticeIssued({ language: 'yua' }),
      noticeIssued({ language: sealed as never, inPreferredLanguage: false }),
    ]);
    delete older.data.inPreferredLanguage;
    const kept = rulesFor('case-1')!.kept;
    expect(kept(older)).toHaveProperty('language', 'yua');
    expect(kept(later)).not.toHaveProperty('language');
    expect(kept(later)).toHaveProperty('inPreferredLanguage', false);
  });

  it('keeps no data of an event type its aggregate does not name', () => {
    const [unknown] = stored('case-1', [{ type: 'SomethingNew', data: { note: 'Zelda' } }]);
    expect(rulesFor('case-1')!.kept(unknown)).toEqual({});
  });
});
