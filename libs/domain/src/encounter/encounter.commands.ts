import type { CommandContext } from '../case/case.commands';
import type {
  EncounterGround,
  EncounterKind,
  PersonRole,
  StatusInquiryJustification,
} from './encounter.events';

export type RecordEncounter = {
  type: 'RecordEncounter';
  data: {
    encounterId: string;
    agencyId: string;
    occurredAt: string;
    kind: EncounterKind;
    personRole: PersonRole;
    grounds: EncounterGround[];
    statusInquiry?: { asked: boolean; justification: StatusInquiryJustification; explanation?: string };
  };
} & CommandContext;

export type EncounterCommand = RecordEncounter;
