import { encounterRecorded, recordEncounter } from '../../testing/encounter-builders';
import { fieldErrorsFor, specFor } from '../../testing/given-when-then';
import { ConflictError, ValidationError } from '../shared/errors';
import { encounterDecider } from './encounter.decider';

const given = specFor(encounterDecider);
const fieldErrors = fieldErrorsFor(encounterDecider);

describe('RecordEncounter', () => {
  it('records the encounter, with no status inquiry when none is stated', () => {
    given([]).when(recordEncounter()).then([encounterRecorded()]);
  });

  it('refuses an encounter that has not happened by the command', () => {
    given([])
      .when(recordEncounter({}, '2024-06-15T13:54:59Z'))
      .thenThrows(ValidationError, 'VALIDATION_FAILED');
  });

  it('names occurredAt as the one field refused when the encounter is still to come', () => {
    // The builder's encounter happened at 14:00Z; five minutes of clock skew are allowed, not six.
    expect(fieldErrors([], recordEncounter({}, '2024-06-15T13:54:59Z'))).toEqual([
      { field: 'occurredAt', reason: 'must not be in the future' },
    ]);
    given([]).when(recordEncounter({}, '2024-06-15T13:55:00Z')).then([encounterRecorded()]);
  });

  it('records a status inquiry, with no explanation when none is given', () => {
    given([])
      .when(
        recordEncounter({
          personRole: 'VICTIM',
          grounds: ['CALL_FOR_SERVICE'],
          statusInquiry: { asked: true, justification: 'VISA_CERTIFICATION' },
        }),
      )
      .then([
        encounterRecorded({
          personRole: 'VICTIM',
          grounds: ['CALL_FOR_SERVICE'],
          statusInquiry: { asked: true, justification: 'VISA_CERTIFICATION', explanation: null },
        }),
      ]);
  });

  it('keeps the explanation given for an inquiry', () => {
    const statusInquiry = {
      asked: true,
      justification: 'FIREARMS_CHECK' as const,
      explanation: 'federal form',
    };
    given([])
      .when(recordEncounter({ statusInquiry }))
      .then([encounterRecorded({ statusInquiry })]);
  });

  it('refuses to record the same encounter twice', () => {
    given([encounterRecorded()])
      .when(recordEncounter())
      .thenThrows(ConflictError, 'ENCOUNTER_ALREADY_RECORDED');
  });

  it('validates before it looks for a duplicate', () => {
    given([encounterRecorded()])
      .when(recordEncounter({ grounds: [] }))
      .thenThrows(ValidationError);
  });

  describe('rejects, naming every offending field,', () => {
    const errorsOf = (data: Parameters<typeof recordEncounter>[0]) => fieldErrors([], recordEncounter(data));

    it('an encounter with no grounds', () => {
      given([])
        .when(recordEncounter({ grounds: [] }))
        .thenThrows(ValidationError);
      expect(errorsOf({ grounds: [] })).toEqual([
        { field: 'grounds', reason: 'must name at least one ground' },
      ]);
    });

    it('a repeated ground', () => {
      expect(errorsOf({ grounds: ['TRAFFIC', 'TRAFFIC'] })).toEqual([
        { field: 'grounds[1]', reason: 'repeats TRAFFIC' },
      ]);
    });

    it('a time without an offset, and a missing agency, together', () => {
      expect(errorsOf({ occurredAt: '2024-06-15T10:00:00', agencyId: '' })).toEqual([
        { field: 'agencyId', reason: 'is required' },
        { field: 'occurredAt', reason: 'must be an ISO 8601 date-time with an offset' },
      ]);
    });
  });
});
