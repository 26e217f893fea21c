import { matterActionRecorded, matterOpened, recordedMatter } from '../../testing/matter-builders';
import { ordinanceVersion } from '../../testing/ordinance-builders';
import type { OrdinanceHistory } from '../ordinance/ordinance-version';
import type { MatterActionRecorded, MatterEvent, MatterOpened } from './matter.events';
import { evaluateMatterRules } from './matter.rules';

const ordinance: OrdinanceHistory = [ordinanceVersion()];
const AT = '2024-03-02T10:00:00-05:00';

type Act = Partial<MatterActionRecorded['data']>;
const act = (data: Act) => matterActionRecorded({ at: AT, ...data });
const ruleIds = (events: MatterEvent[], history = ordinance) =>
  evaluateMatterRules(recordedMatter(events), history).map((v) => v.ruleId);
const judged = (matter: Partial<MatterOpened['data']>, ...acts: Act[]) =>
  ruleIds([matterOpened(matter), ...acts.map(act)]);

describe('S6_REGISTRY_PARTICIPATION', () => {
  const registry = { kind: 'REGISTRY_REQUEST' as const, requestingAgency: 'DHS_OTHER' as const };

  it('fires on participation, dated at the act and citing it, then the matter', () => {
    const history = recordedMatter([matterOpened(registry), act({ action: 'PARTICIPATED' })]);
    expect(evaluateMatterRules(history, ordinance)).toEqual([
      {
        ruleId: 'S6_REGISTRY_PARTICIPATION',
        section: 6,
        streamId: history[0].streamId,
        requestId: null,
        occurredAt: AT,
        ordinanceVersion: 1,
        evidence: [
          {
            eventId: history[1].eventId,
            streamId: history[1].streamId,
            revision: 1,
            type: 'MatterActionRecorded',
          },
          { eventId: history[0].eventId, streamId: history[0].streamId, revision: 0, type: 'MatterOpened' },
        ],
        explanation: expect.stringContaining('PARTICIPATED') as string,
      },
    ]);
  });

  it.each(['NONE', 'REQUIRED_BY_LAW', 'COURT_ORDER'] as const)(
    'fires on a disclosure with basis %s',
    (legalBasis) => {
      expect(judged(registry, { action: 'DISCLOSED', legalBasis })).toEqual(['S6_REGISTRY_PARTICIPATION']);
    },
  );

  it('does not fire when only aggregate data was given', () => {
    expect(judged(registry, { action: 'PARTICIPATED', legalBasis: 'AGGREGATE_DATA_ONLY' })).toEqual([]);
    expect(judged(registry, { action: 'DISCLOSED', legalBasis: 'AGGREGATE_DATA_ONLY' })).toEqual([]);
  });

  it('does not fire on a refusal', () => {
    expect(judged(registry, { action: 'DECLINED' })).toEqual([]);
  });
});

describe('S7_UNNECESSARY_STATUS_COLLECTION', () => {
  const collection = { kind: 'STATUS_COLLECTION' as const, requestingAgency: null, program: 'housing' };

  it.each<[string, Act]>([
    ['no basis', { legalBasis: 'NONE' }],
    ['a law but no citation', { legalBasis: 'REQUIRED_BY_LAW' }],
    ['an eligibility rule with a blank citation', { legalBasis: 'ELIGIBILITY_RULE', citation: ' ' }],
    ['a citation but another basis', { legalBasis: 'CRIMINAL_PREDICATE', citation: '8 U.S.C. 1373' }],
  ])('fires on a collection with %s', (_, basis) => {
    expect(judged(collection, { action: 'COLLECTED', ...basis })).toEqual([
      'S7_UNNECESSARY_STATUS_COLLECTION',
    ]);
  });

  it.each(['REQUIRED_BY_LAW', 'ELIGIBILITY_RULE'] as const)(
    'does not fire on a collection under a cited %s',
    (legalBasis) => {
      expect(judged(collection, { action: 'COLLECTED', legalBasis, citation: '42 U.S.C. 1436a' })).toEqual(
        [],
      );
    },
  );

  it('does not fire when collection was declined', () => {
    expect(judged(collection, { action: 'DECLINED' })).toEqual([]);
  });

  it('S7_UNNECESSARY_STATUS_COLLECTION fires for a required-by-law basis whose citation is blank', () => {
    expect(judged(collection, { action: 'COLLECTED', legalBasis: 'REQUIRED_BY_LAW', citation: ' ' })).toEqual(
      ['S7_UNNECESSARY_STATUS_COLLECTION'],
    );
  });
});

describe('S7_SERVICE_DENIED_ON_STATUS', () => {
  const denial = (denialReason: 'IMMIGRATION_STATUS' | 'FOREIGN_GOVERNMENT_ID' | 'OTHER') => ({
    kind: 'SERVICE_DENIAL' as const,
    requestingAgency: null,
    program: 'library card',
    denialReason,
  });

  it.each(['IMMIGRATION_STATUS', 'FOREIGN_GOVERNMENT_ID'] as const)(
    'fires on a denial for %s without basis',
    (reason) => {
      expect(judged(denial(reason), { action: 'SERVICE_DENIED' })).toEqual(['S7_SERVICE_DENIED_ON_STATUS']);
    },
  );

  it('fires on an eligibility rule without citation', () => {
    expect(
      judged(denial('IMMIGRATION_STATUS'), { action: 'SERVICE_DENIED', legalBasis: 'ELIGIBILITY_RULE' }),
    ).toEqual(['S7_SERVICE_DENIED_ON_STATUS']);
  });

  it.each(['ELIGIBILITY_RULE', 'REQUIRED_BY_LAW'] as const)(
    'does not fire on a denial under a cited %s',
    (legalBasis) => {
      expect(
        judged(denial('FOREIGN_GOVERNMENT_ID'), {
          action: 'SERVICE_DENIED',
          legalBasis,
          citation: '8 U.S.C. 1611',
        }),
      ).toEqual([]);
    },
  );

  it('does not fire on a denial for another reason', () => {
    expect(judged(denial('OTHER'), { action: 'SERVICE_DENIED' })).toEqual([]);
  });

  it('S7_SERVICE_DENIED_ON_STATUS fires for a cited denial whose basis is no law or eligibility rule, saying so', () => {
    const [v] = evaluateMatterRules(
      recordedMatter([
        matterOpened(denial('IMMIGRATION_STATUS')),
        act({ action: 'SERVICE_DENIED', legalBasis: 'NONE', citation: 'Library policy 4.2' }),
      ]),
      ordinance,
    );
    expect(v).toMatchObject({
      ruleId: 'S7_SERVICE_DENIED_ON_STATUS',
      section: 7,
      occurredAt: AT,
      explanation:
        'A service was denied for IMMIGRATION_STATUS with legal basis NONE: only a cited law or eligibility rule allows it.',
    });
  });
});

describe('S8_SURVEILLANCE_WITHOUT_CRIMINAL_PREDICATE', () => {
  const surveillance = (target: 'POLITICAL_GROUP' | 'RELIGIOUS_GROUP' | 'INDIVIDUAL' | 'OTHER') => ({
    kind: 'SURVEILLANCE' as const,
    requestingAgency: 'FEDERAL_OTHER' as const,
    target: { kind: target },
  });

  it.each<[string, 'POLITICAL_GROUP' | 'RELIGIOUS_GROUP', Act]>([
    ['authorized of a political group with no predicate', 'POLITICAL_GROUP', { action: 'AUTHORIZED' }],
    [
      'joined against a religious group on an eligibility rule',
      'RELIGIOUS_GROUP',
      { action: 'PARTICIPATED', legalBasis: 'ELIGIBILITY_RULE' },
    ],
    [
      'approved by a supervisor without a criminal predicate',
      'RELIGIOUS_GROUP',
      { action: 'AUTHORIZED', legalBasis: 'NONE', approvedBy: 'supervisor-9' },
    ],
  ])('fires on surveillance %s', (_, target, a) => {
    expect(judged(surveillance(target), a)).toEqual(['S8_SURVEILLANCE_WITHOUT_CRIMINAL_PREDICATE']);
  });

  it('fires on a criminal predicate that no supervisor is recorded as approving', () => {
    const [v] = evaluateMatterRules(
      recordedMatter([
        matterOpened(surveillance('RELIGIOUS_GROUP')),
        act({ action: 'PARTICIPATED', legalBasis: 'CRIMINAL_PREDICATE' }),
      ]),
      ordinance,
    );
    expect(v.ruleId).toBe('S8_SURVEILLANCE_WITHOUT_CRIMINAL_PREDICATE');
    expect(v.explanation).toContain('no supervisor is recorded as approving');
  });

  it('does not fire on a criminal predicate a supervisor approved', () => {
    expect(
      judged(surveillance('POLITICAL_GROUP'), {
        action: 'AUTHORIZED',
        legalBasis: 'CRIMINAL_PREDICATE',
        approvedBy: 'supervisor-9',
      }),
    ).toEqual([]);
  });

  it.each(['INDIVIDUAL', 'OTHER'] as const)(
    'does not fire on surveillance of a target of kind %s',
    (target) => {
      expect(judged(surveillance(target), { action: 'AUTHORIZED' })).toEqual([]);
    },
  );

  it('does not fire on a refusal', () => {
    expect(judged(surveillance('POLITICAL_GROUP'), { action: 'DECLINED' })).toEqual([]);
  });

  it('S8 fires for a criminal predicate whose approver is blank, as if none approved it', () => {
    expect(
      judged(
        { kind: 'SURVEILLANCE', target: { kind: 'RELIGIOUS_GROUP' } },
        { action: 'PARTICIPATED', legalBasis: 'CRIMINAL_PREDICATE', approvedBy: '  ' },
      ),
    ).toEqual(['S8_SURVEILLANCE_WITHOUT_CRIMINAL_PREDICATE']);
  });
});

describe('S10_STUDENT_INFORMATION_DISCLOSED', () => {
  it.each<[string, Partial<MatterOpened['data']>, Act]>([
    ['records disclosed to ICE with no basis', {}, { action: 'DISCLOSED' }],
    [
      'records disclosed to DHS on a law without court',
      { requestingAgency: 'DHS_OTHER' },
      { action: 'DISCLOSED', legalBasis: 'REQUIRED_BY_LAW' },
    ],
    [
      'school access granted to CBP on an administrative basis',
      { kind: 'SCHOOL_ACCESS_REQUEST', requestingAgency: 'CBP' },
      { action: 'ACCESS_GRANTED', legalBasis: 'NONE' },
    ],
  ])('fires on %s', (_, matter, a) => {
    expect(judged(matter, a)).toEqual(['S10_STUDENT_INFORMATION_DISCLOSED']);
  });

  it.each(['PARENTAL_CONSENT', 'JUDICIAL_WARRANT'] as const)(
    'does not fire on access granted with %s',
    (legalBasis) => {
      expect(judged({ kind: 'SCHOOL_ACCESS_REQUEST' }, { action: 'ACCESS_GRANTED', legalBasis })).toEqual([]);
    },
  );

  it.each(['STATE', 'LOCAL', 'FEDERAL_OTHER'] as const)(
    'does not fire on a request from %s',
    (requestingAgency) => {
      expect(judged({ requestingAgency }, { action: 'DISCLOSED' })).toEqual([]);
    },
  );

  it('does not fire on a refusal', () => {
    expect(judged({}, { action: 'DECLINED' })).toEqual([]);
  });

  it('S10: access granted to a school from DHS_OTHER without consent or a court fires, and access is never a disclosure needing parents told', () => {
    const dhsAtSchool = { kind: 'SCHOOL_ACCESS_REQUEST', requestingAgency: 'DHS_OTHER' } as const;
    expect(judged(dhsAtSchool, { action: 'ACCESS_GRANTED' })).toEqual(['S10_STUDENT_INFORMATION_DISCLOSED']);
    expect(judged(dhsAtSchool, { action: 'ACCESS_GRANTED', legalBasis: 'JUDICIAL_SUBPOENA' })).toEqual([]);
  });
});

describe('S10_PARENT_NOT_NOTIFIED', () => {
  const notified = (at: string) => act({ action: 'PARENT_NOTIFIED', at });
  const subpoenaed = act({ action: 'DISCLOSED', legalBasis: 'JUDICIAL_SUBPOENA' });

  it('fires on a disclosure under a judicial subpoena with no parent notified', () => {
    const history = recordedMatter([matterOpened(), subpoenaed]);
    expect(evaluateMatterRules(history, ordinance)).toMatchObject([
      {
        ruleId: 'S10_PARENT_NOT_NOTIFIED',
        section: 10,
        occurredAt: AT,
        evidence: [
          { type: 'MatterActionRecorded', revision: 1 },
          { type: 'MatterOpened', revision: 0 },
        ],
      },
    ]);
  });

  it('does not fire on a disclosure under a judicial subpoena after a parent was notified', () => {
    expect(ruleIds([matterOpened(), notified('2024-03-01T16:00:00-05:00'), subpoenaed])).toEqual([]);
  });

  it('does not fire when the earlier notice is recorded after the disclosure', () => {
    expect(ruleIds([matterOpened(), subpoenaed, notified('2024-03-01T16:00:00-05:00')])).toEqual([]);
  });

  it('fires when the parent was notified only at or after the disclosure', () => {
    expect(ruleIds([matterOpened(), notified(AT), subpoenaed])).toEqual(['S10_PARENT_NOT_NOTIFIED']);
    expect(ruleIds([matterOpened(), subpoenaed, notified('2024-03-03T10:00:00-05:00')])).toEqual([
      'S10_PARENT_NOT_NOTIFIED',
    ]);
  });

  it('fires on a disclosure under a court order, from any agency', () => {
    expect(judged({ requestingAgency: 'LOCAL' }, { action: 'DISCLOSED', legalBasis: 'COURT_ORDER' })).toEqual(
      ['S10_PARENT_NOT_NOTIFIED'],
    );
  });

  it('does not fire when the order forbade the notice', () => {
    expect(
      judged({}, { action: 'DISCLOSED', legalBasis: 'COURT_ORDER', noticeForbiddenByOrder: true }),
    ).toEqual([]);
    expect(
      judged({}, { action: 'DISCLOSED', legalBasis: 'COURT_ORDER', noticeForbiddenByOrder: false }),
    ).toEqual(['S10_PARENT_NOT_NOTIFIED']);
  });

  it('does not fire on access granted under a court order, nor on disclosure with parental consent', () => {
    expect(
      judged({ kind: 'SCHOOL_ACCESS_REQUEST' }, { action: 'ACCESS_GRANTED', legalBasis: 'COURT_ORDER' }),
    ).toEqual([]);
    expect(judged({}, { action: 'DISCLOSED', legalBasis: 'PARENTAL_CONSENT' })).toEqual([]);
  });

  it('does not fire on a registry disclosure under a court order, which is no school matter', () => {
    expect(judged({ kind: 'REGISTRY_REQUEST' }, { action: 'DISCLOSED', legalBasis: 'COURT_ORDER' })).toEqual([
      'S6_REGISTRY_PARTICIPATION',
    ]);
  });
});

describe('§§ 6–10 and the ordinance in force', () => {
  const versions: OrdinanceHistory = [
    ordinanceVersion({ version: 1, effectiveFrom: '2020-01-01T00:00:00Z', sectionsInForce: [1, 2, 3, 4, 5] }),
    ordinanceVersion({ version: 2, effectiveFrom: '2024-03-05T00:00:00Z' }),
  ];

  it('judges each action under the version in force at its own time', () => {
    const found = evaluateMatterRules(
      recordedMatter([
        matterOpened(),
        act({ action: 'DISCLOSED', at: '2024-03-04T10:00:00-05:00' }),
        act({ action: 'DISCLOSED', at: '2024-03-06T10:00:00-05:00' }),
      ]),
      versions,
    );
    expect(found.map((v) => [v.ruleId, v.occurredAt, v.ordinanceVersion])).toEqual([
      ['S10_STUDENT_INFORMATION_DISCLOSED', '2024-03-06T10:00:00-05:00', 2],
    ]);
  });

  it.each<[string, Partial<MatterOpened['data']>, Act]>([
    ['§ 6', { kind: 'REGISTRY_REQUEST' }, { action: 'PARTICIPATED' }],
    ['§ 7', { kind: 'STATUS_COLLECTION', requestingAgency: null }, { action: 'COLLECTED' }],
    ['§ 8', { kind: 'SURVEILLANCE', target: { kind: 'POLITICAL_GROUP' } }, { action: 'AUTHORIZED' }],
    ['§ 10', {}, { action: 'DISCLOSED', legalBasis: 'COURT_ORDER' }],
  ])('fires nothing under %s when it was not in force', (_, matter, a) => {
    expect(ruleIds([matterOpened(matter), act(a)], versions)).toEqual([]);
  });

  it('fires nothing for an act done before any ordinance version took effect', () => {
    const later: OrdinanceHistory = [ordinanceVersion({ effectiveFrom: '2024-03-03T00:00:00Z' })];
    const registryParticipation = [
      matterOpened({ kind: 'REGISTRY_REQUEST' }),
      act({ action: 'PARTICIPATED' }),
    ];
    expect(ruleIds(registryParticipation, later)).toEqual([]);
    expect(ruleIds(registryParticipation)).toEqual(['S6_REGISTRY_PARTICIPATION']);
  });

  it('fires nothing for a matter never opened', () => {
    expect(evaluateMatterRules([], ordinance)).toEqual([]);
  });
});
