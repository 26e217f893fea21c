/** Builders for encounters in specs: an ordinary traffic stop of a suspect on 15 June 2024. */
import type { RecordEncounter } from '../src/encounter/encounter.commands';
import { encounterStreamId, type EncounterRecorded } from '../src/encounter/encounter.events';
import type { Recorded } from '../src/shared/violation';
import { recordedOn } from './recorded-stream';

const ENCOUNTER_ID = '7a2b3c4d-0000-4000-8000-000000000001';
const ENCOUNTER_AGENCY_ID = 'agency-city-police';
const OFFICER = 'officer-2';

export const recordEncounter = (
  data: Partial<RecordEncounter['data']> = {},
  now = '2024-06-15T18:00:00Z',
): RecordEncounter => ({
  type: 'RecordEncounter',
  data: {
    encounterId: ENCOUNTER_ID,
    agencyId: ENCOUNTER_AGENCY_ID,
    occurredAt: '2024-06-15T10:00:00-04:00',
    kind: 'STOP',
    personRole: 'SUSPECT',
    grounds: ['TRAFFIC'],
    ...data,
  },
  actor: OFFICER,
  now,
});

export const encounterRecorded = (data: Partial<EncounterRecorded['data']> = {}): EncounterRecorded => ({
  type: 'EncounterRecorded',
  data: {
    encounterId: ENCOUNTER_ID,
    agencyId: ENCOUNTER_AGENCY_ID,
    occurredAt: '2024-06-15T10:00:00-04:00',
    kind: 'STOP',
    personRole: 'SUSPECT',
    grounds: ['TRAFFIC'],
    statusInquiry: null,
    ...data,
  },
});

export const recordedEncounter = (
  data: Partial<EncounterRecorded['data']> = {},
): Recorded<EncounterRecorded>[] => recordedOn(encounterStreamId(ENCOUNTER_ID), [encounterRecorded(data)]);
