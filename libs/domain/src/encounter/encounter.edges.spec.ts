/** § 1 paths no other spec pinned down. */
import { encounterRecorded, recordEncounter, recordedEncounter } from '../../testing/encounter-builders';
import { specFor } from '../../testing/given-when-then';
import { ordinanceVersion } from '../../testing/ordinance-builders';
import { ValidationError } from '../shared/errors';
import { encounterDecider } from './encounter.decider';
import { evaluateEncounterRules } from './encounter.rules';

const given = specFor(encounterDecider);

describe('Encounter — edges', () => {
  it('names occurredAt as the one field refused when the encounter is still to come', () => {
    // The builder's encounter happened at 14:00Z; five minutes of clock skew are allowed, not six.
    let thrown: unknown;
    try {
      encounterDecider.decide(encounterDecider.initialState, recordEncounter({}, '2024-06-15T13:54:59Z'));
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).errors).toEqual([{ field: 'occurredAt', reason: 'must not be in the future' }]);
    given([]).when(recordEncounter({}, '2024-06-15T13:55:00Z')).then([encounterRecorded()]);
  });

  it('validates before it looks for a duplicate', () => {
    given([encounterRecorded()]).when(recordEncounter({ grounds: [] })).thenThrows(ValidationError);
  });

  it('S1_STOP_BASED_SOLELY_ON_STATUS does not fire when a criminal ground stands beside the status grounds', () => {
    const history = recordedEncounter({ grounds: ['IMMIGRATION_STATUS', 'CIVIL_IMMIGRATION_WARRANT', 'CRIMINAL_WARRANT'] });
    expect(evaluateEncounterRules(history, [ordinanceVersion()])).toEqual([]);
  });

  it('S1_VICTIM_WITNESS_STATUS_INQUIRY does not fire when the status was not asked, even with no justification', () => {
    const history = recordedEncounter({
      personRole: 'WITNESS',
      statusInquiry: { asked: false, justification: 'NONE', explanation: null },
    });
    expect(evaluateEncounterRules(history, [ordinanceVersion()])).toEqual([]);
  });
});
