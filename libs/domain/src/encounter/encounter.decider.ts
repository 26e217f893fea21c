import { ConflictError, type FieldError } from '../shared/errors';
import { assertValid, check, distinct, pastDateTime, requiredText } from '../shared/field-checks';
import type { EncounterCommand } from './encounter.commands';
import type { EncounterEvent } from './encounter.events';

/** An encounter is recorded once; its stream holds nothing else. */
export interface EncounterState {
  recorded: boolean;
}

const initialEncounterState: EncounterState = { recorded: false };

/** The encounter's checks of its own fields, which need no state: the API runs them beside its shape
 * checks so that one 400 names every offending field. */
export function encounterFieldErrors(
  data: Pick<EncounterCommand['data'], 'agencyId' | 'occurredAt'> &
    Partial<Pick<EncounterCommand['data'], 'grounds'>>,
  now: string,
): FieldError[] {
  const grounds = data.grounds ?? [];
  return [
    ...requiredText('agencyId', data.agencyId),
    ...pastDateTime('occurredAt', data.occurredAt, now),
    // An encounter with no stated ground could never be judged under § 1.
    ...check(grounds.length > 0, 'grounds', 'must name at least one ground'),
    ...distinct('grounds', grounds),
  ];
}

function decideEncounter(state: EncounterState, { data, now }: EncounterCommand): EncounterEvent[] {
  assertValid(encounterFieldErrors(data, now));
  if (state.recorded) {
    throw new ConflictError(
      'ENCOUNTER_ALREADY_RECORDED',
      `Encounter ${data.encounterId} is already recorded`,
    );
  }
  const inquiry = data.statusInquiry;
  return [
    {
      type: 'EncounterRecorded',
      data: {
        encounterId: data.encounterId,
        agencyId: data.agencyId,
        occurredAt: data.occurredAt,
        kind: data.kind,
        personRole: data.personRole,
        grounds: [...data.grounds],
        statusInquiry:
          inquiry == null
            ? null
            : {
                asked: inquiry.asked,
                justification: inquiry.justification,
                explanation: inquiry.explanation ?? null,
              },
      },
    },
  ];
}

function evolveEncounter(_state: EncounterState, _event: EncounterEvent): EncounterState {
  return { recorded: true };
}

export const encounterDecider = {
  decide: decideEncounter,
  evolve: evolveEncounter,
  initialState: initialEncounterState,
};
