import { recordedEncounter } from '../../testing/encounter-builders';
import { ordinanceVersion } from '../../testing/ordinance-builders';
import type { OrdinanceHistory } from '../ordinance/ordinance-version';
import type { DetectedViolation } from '../shared/violation';
import { evaluateEncounterRules } from './encounter.rules';

const ordinance: OrdinanceHistory = [ordinanceVersion()];
const ruleIds = (found: DetectedViolation[]) => found.map((v) => v.ruleId);

describe('S1_STOP_BASED_SOLELY_ON_STATUS', () => {
  it.each([
    [['IMMIGRATION_STATUS']],
    [['CIVIL_IMMIGRATION_WARRANT']],
    [['IMMIGRATION_STATUS', 'CIVIL_IMMIGRATION_WARRANT']],
  ])(
    'fires when the only grounds are %j, citing the encounter under the version then in force',
    (grounds) => {
      const history = recordedEncounter({ grounds: grounds as never });
      expect(evaluateEncounterRules(history, ordinance)).toEqual([
        {
          ruleId: 'S1_STOP_BASED_SOLELY_ON_STATUS',
          section: 1,
          streamId: history[0].streamId,
          requestId: null,
          occurredAt: '2024-06-15T10:00:00-04:00',
          ordinanceVersion: 1,
          evidence: [
            {
              eventId: history[0].eventId,
              streamId: history[0].streamId,
              revision: 0,
              type: 'EncounterRecorded',
            },
          ],
          explanation: expect.stringContaining('immigration status alone') as string,
        },
      ]);
    },
  );

  it('fires for any kind of encounter, not only stops', () => {
    expect(
      ruleIds(
        evaluateEncounterRules(
          recordedEncounter({ kind: 'ARREST', grounds: ['CIVIL_IMMIGRATION_WARRANT'] }),
          ordinance,
        ),
      ),
    ).toEqual(['S1_STOP_BASED_SOLELY_ON_STATUS']);
  });

  it.each([
    [['IMMIGRATION_STATUS', 'CRIMINAL_WARRANT']],
    [['CIVIL_IMMIGRATION_WARRANT', 'TRAFFIC']],
    [['CRIMINAL_OFFENSE']],
  ])('does not fire when another basis stands beside status: %j', (grounds) => {
    expect(evaluateEncounterRules(recordedEncounter({ grounds: grounds as never }), ordinance)).toEqual([]);
  });

  it('S1_STOP_BASED_SOLELY_ON_STATUS does not fire when a criminal ground stands beside the status grounds', () => {
    const history = recordedEncounter({
      grounds: ['IMMIGRATION_STATUS', 'CIVIL_IMMIGRATION_WARRANT', 'CRIMINAL_WARRANT'],
    });
    expect(evaluateEncounterRules(history, ordinance)).toEqual([]);
  });
});

describe('S1_VICTIM_WITNESS_STATUS_INQUIRY', () => {
  it.each(['VICTIM', 'WITNESS', 'CALLER'] as const)(
    'fires when status is asked of a %s without necessity',
    (personRole) => {
      const history = recordedEncounter({
        personRole,
        grounds: ['CALL_FOR_SERVICE'],
        statusInquiry: { asked: true, justification: 'NONE', explanation: null },
      });
      const [v] = evaluateEncounterRules(history, ordinance);
      expect(v).toMatchObject({
        ruleId: 'S1_VICTIM_WITNESS_STATUS_INQUIRY',
        section: 1,
        ordinanceVersion: 1,
        evidence: [{ eventId: history[0].eventId, type: 'EncounterRecorded' }],
      });
      expect(v.explanation).toContain(personRole);
    },
  );

  it.each(['VISA_CERTIFICATION', 'UNRELATED_CRIMINAL_INVESTIGATION', 'FIREARMS_CHECK'] as const)(
    'does not fire when a victim is asked for %s',
    (justification) => {
      const history = recordedEncounter({
        personRole: 'VICTIM',
        grounds: ['CALL_FOR_SERVICE'],
        statusInquiry: { asked: true, justification, explanation: null },
      });
      expect(evaluateEncounterRules(history, ordinance)).toEqual([]);
    },
  );

  it('does not fire when nothing was asked', () => {
    const history = recordedEncounter({
      personRole: 'WITNESS',
      statusInquiry: { asked: false, justification: 'NONE', explanation: null },
    });
    expect(evaluateEncounterRules(history, ordinance)).toEqual([]);
  });

  it.each(['SUSPECT', 'ARRESTEE', 'OTHER'] as const)('does not fire for a %s', (personRole) => {
    const history = recordedEncounter({
      personRole,
      statusInquiry: { asked: true, justification: 'NONE', explanation: null },
    });
    expect(evaluateEncounterRules(history, ordinance)).toEqual([]);
  });
});

describe('§ 1 and the ordinance in force', () => {
  const unlawful = recordedEncounter({
    personRole: 'WITNESS',
    grounds: ['IMMIGRATION_STATUS'],
    statusInquiry: { asked: true, justification: 'NONE', explanation: null },
  });

  it('fires both rules on one encounter that breaks both', () => {
    expect(ruleIds(evaluateEncounterRules(unlawful, ordinance))).toEqual([
      'S1_STOP_BASED_SOLELY_ON_STATUS',
      'S1_VICTIM_WITNESS_STATUS_INQUIRY',
    ]);
  });

  it('fires nothing when § 1 was not in force when the encounter happened', () => {
    const history: OrdinanceHistory = [
      ordinanceVersion({ version: 1, effectiveFrom: '2020-01-01T00:00:00Z', sectionsInForce: [2, 3] }),
      ordinanceVersion({ version: 2, effectiveFrom: '2025-01-01T00:00:00Z' }),
    ];
    expect(evaluateEncounterRules(unlawful, history)).toEqual([]);
  });

  it('fires nothing before any version took effect', () => {
    expect(
      evaluateEncounterRules(unlawful, [ordinanceVersion({ effectiveFrom: '2025-01-01T00:00:00Z' })]),
    ).toEqual([]);
  });

  it('names the version in force at the act, not the latest', () => {
    const history: OrdinanceHistory = [
      ordinanceVersion({ version: 1, effectiveFrom: '2020-01-01T00:00:00Z' }),
      ordinanceVersion({ version: 2, effectiveFrom: '2025-01-01T00:00:00Z' }),
    ];
    expect(evaluateEncounterRules(unlawful, history).map((v) => v.ordinanceVersion)).toEqual([1, 1]);
  });
});
