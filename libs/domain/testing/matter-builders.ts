/** Builders for institutional matters in specs: a school district's records request from ICE, 1 March 2024. */
import type { OpenMatter, RecordMatterAction } from '../src/matter/matter.commands';
import {
  matterStreamId,
  type MatterActionRecorded,
  type MatterEvent,
  type MatterOpened,
} from '../src/matter/matter.events';
import type { Recorded } from '../src/shared/violation';
import { recordedOn } from './recorded-stream';

const MATTER_ID = '9c4d5e6f-0000-4000-8000-000000000001';
const MATTER_AGENCY_ID = 'agency-school-district';
const CLERK = 'officer-3';
export const RECEIVED_AT = '2024-03-01T09:00:00-05:00';
const NOW = '2024-03-10T12:00:00Z';

export const openMatter = (data: Partial<OpenMatter['data']> = {}): OpenMatter => ({
  type: 'OpenMatter',
  data: {
    matterId: MATTER_ID,
    agencyId: MATTER_AGENCY_ID,
    kind: 'STUDENT_RECORDS_REQUEST',
    receivedAt: RECEIVED_AT,
    requestingAgency: 'ICE',
    description: 'request for a student’s enrollment records',
    ...data,
  },
  actor: CLERK,
  now: NOW,
});

export const recordMatterAction = (data: Partial<RecordMatterAction['data']> = {}): RecordMatterAction => ({
  type: 'RecordMatterAction',
  data: { action: 'DECLINED', at: '2024-03-02T10:00:00-05:00', legalBasis: 'NONE', ...data },
  actor: CLERK,
  now: NOW,
});

export const matterOpened = (data: Partial<MatterOpened['data']> = {}): MatterOpened => ({
  type: 'MatterOpened',
  data: {
    matterId: MATTER_ID,
    agencyId: MATTER_AGENCY_ID,
    kind: 'STUDENT_RECORDS_REQUEST',
    receivedAt: RECEIVED_AT,
    requestingAgency: 'ICE',
    program: null,
    denialReason: null,
    protectedCharacteristics: [],
    target: null,
    description: 'request for a student’s enrollment records',
    ...data,
  },
});

export const matterActionRecorded = (
  data: Partial<MatterActionRecorded['data']> = {},
): MatterActionRecorded => ({
  type: 'MatterActionRecorded',
  data: {
    action: 'DECLINED',
    at: '2024-03-02T10:00:00-05:00',
    legalBasis: 'NONE',
    citation: null,
    approvedBy: null,
    noticeForbiddenByOrder: null,
    ...data,
  },
});

export const recordedMatter = (events: MatterEvent[]): Recorded<MatterEvent>[] =>
  recordedOn(matterStreamId(MATTER_ID), events);
