import * as fc from 'fast-check';
import {
  ENCOUNTER_GROUNDS,
  ENCOUNTER_KINDS,
  encounterDecider,
  encounterStreamId,
  LEGAL_BASES,
  MATTER_ACTIONS,
  MATTER_ACTIONS_BY_KIND,
  MATTER_KINDS,
  MATTER_REQUESTING_AGENCIES,
  matterDecider,
  matterStreamId,
  PERSON_ROLES,
  PROTECTED_CHARACTERISTICS,
  SERVICE_DENIAL_REASONS,
  STATUS_INQUIRY_JUSTIFICATIONS,
  SURVEILLANCE_TARGET_KINDS,
  type EncounterCommand,
  type EncounterEvent,
  type EncounterState,
  type MatterCommand,
  type MatterEvent,
  type MatterKind,
  type MatterState,
} from '@trust-ledger/domain';
import type { EventStore } from '@trust-ledger/event-store';
import {
  recordAggregateCommands,
  sequencesOver,
  time,
  type GeneratedAggregate,
  type TargetedCommand,
} from './case-commands';

const ENCOUNTER_IDS = [
  '3e0a7c10-0000-4000-8000-000000000001',
  '3e0a7c10-0000-4000-8000-000000000002',
  '3e0a7c10-0000-4000-8000-000000000003',
  '3e0a7c10-0000-4000-8000-000000000004',
  '3e0a7c10-0000-4000-8000-000000000005',
  '3e0a7c10-0000-4000-8000-000000000006',
];

/** One per kind of matter. */
const MATTER_IDS = MATTER_KINDS.map((_, i) => `6d2b9e40-0000-4000-8000-00000000000${i + 1}`);

const ENCOUNTERS: GeneratedAggregate<EncounterState, EncounterCommand, EncounterEvent> = {
  decider: encounterDecider,
  ids: ENCOUNTER_IDS,
  streamId: encounterStreamId,
  creation: { type: 'RecordEncounter', idField: 'encounterId' },
};

const MATTERS: GeneratedAggregate<MatterState, MatterCommand, MatterEvent> = {
  decider: matterDecider,
  ids: MATTER_IDS,
  streamId: matterStreamId,
  creation: { type: 'OpenMatter', idField: 'matterId' },
};

const agencyId = fc.constantFrom('agency-a', 'agency-b');

const recordEncounter: fc.Arbitrary<Omit<EncounterCommand, 'actor' | 'now'>> = fc.record({
  type: fc.constant('RecordEncounter' as const),
  data: fc.record(
    {
      encounterId: fc.constant(''),
      agencyId,
      occurredAt: time,
      kind: fc.constantFrom(...ENCOUNTER_KINDS),
      personRole: fc.constantFrom(...PERSON_ROLES),
      grounds: fc.subarray([...ENCOUNTER_GROUNDS], { minLength: 1, maxLength: 3 }),
      statusInquiry: fc.record(
        {
          asked: fc.boolean(),
          justification: fc.constantFrom(...STATUS_INQUIRY_JUSTIFICATIONS),
          explanation: fc.constant('asked during the stop'),
        },
        { requiredKeys: ['asked', 'justification'] },
      ),
    },
    { requiredKeys: ['encounterId', 'agencyId', 'occurredAt', 'kind', 'personRole', 'grounds'] },
  ),
});

/** The fields a kind of matter takes (the decider refuses the others), so that most opens record. */
const matterFields = (kind: MatterKind) => {
  const schools = kind === 'STUDENT_RECORDS_REQUEST' || kind === 'SCHOOL_ACCESS_REQUEST';
  return fc.record({
    matterId: fc.constant(''),
    agencyId,
    kind: fc.constant(kind),
    receivedAt: time,
    description: fc.constant('as reported'),
    ...(schools && { requestingAgency: fc.constantFrom(...MATTER_REQUESTING_AGENCIES) }),
    ...((kind === 'STATUS_COLLECTION' || kind === 'SERVICE_DENIAL') && {
      program: fc.constant('housing assistance'),
    }),
    ...(kind === 'SERVICE_DENIAL' && { denialReason: fc.constantFrom(...SERVICE_DENIAL_REASONS) }),
    ...(kind === 'SURVEILLANCE' && {
      target: fc.record({ kind: fc.constantFrom(...SURVEILLANCE_TARGET_KINDS) }),
    }),
    ...(kind === 'REGISTRY_REQUEST' && {
      protectedCharacteristics: fc.subarray([...PROTECTED_CHARACTERISTICS], { maxLength: 2 }),
    }),
  });
};

/** One matter of each kind, so that every run can meet every section's rules. */
const openMatter = (index: number) =>
  matterFields(MATTER_KINDS[index]).map((data) => ({ type: 'OpenMatter' as const, data })) as fc.Arbitrary<
    Omit<MatterCommand, 'actor' | 'now'>
  >;

/** Mostly an action the matter's kind admits; now and then any, which the decider refuses (409). */
const recordMatterAction = (index: number): fc.Arbitrary<Omit<MatterCommand, 'actor' | 'now'>> =>
  fc.record({
    type: fc.constant('RecordMatterAction' as const),
    data: fc.record(
      {
        action: fc.oneof(
          { arbitrary: fc.constantFrom(...MATTER_ACTIONS_BY_KIND[MATTER_KINDS[index]]), weight: 4 },
          { arbitrary: fc.constantFrom(...MATTER_ACTIONS), weight: 1 },
        ),
        at: time,
        legalBasis: fc.constantFrom(...LEGAL_BASES),
        citation: fc.constant('Order 24-117'),
        approvedBy: fc.constant('supervisor-1'),
        noticeForbiddenByOrder: fc.boolean(),
      },
      { requiredKeys: ['action', 'at', 'legalBasis'] },
    ),
  });

/** Encounters, each recorded once (a second record of one is refused). */
export const encounterCommandSequences = (): fc.Arbitrary<TargetedCommand<EncounterCommand>[]> =>
  sequencesOver<EncounterCommand>(ENCOUNTER_IDS, recordEncounter, recordEncounter, {
    minLength: 0,
    maxLength: 2,
  });

/** Matters, one of each kind, opened first, then actions on them. */
export const matterCommandSequences = (maxLength = 24): fc.Arbitrary<TargetedCommand<MatterCommand>[]> =>
  sequencesOver<MatterCommand>(MATTER_IDS, openMatter, recordMatterAction, { minLength: 2, maxLength });

/** recordAggregateCommands for encounter commands. */
export const recordEncounterCommands = (
  store: EventStore,
  commands: TargetedCommand<EncounterCommand>[],
  afterAppend?: (position: string) => Promise<void>,
): Promise<string | null> => recordAggregateCommands(ENCOUNTERS, store, commands, afterAppend);

/** recordAggregateCommands for matter commands. */
export const recordMatterCommands = (
  store: EventStore,
  commands: TargetedCommand<MatterCommand>[],
  afterAppend?: (position: string) => Promise<void>,
): Promise<string | null> => recordAggregateCommands(MATTERS, store, commands, afterAppend);
