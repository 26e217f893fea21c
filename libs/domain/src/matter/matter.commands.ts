import type { CommandContext } from '../case/case.commands';
import type {
  LegalBasis,
  MatterAction,
  MatterKind,
  MatterRequestingAgency,
  ProtectedCharacteristic,
  ServiceDenialReason,
  SurveillanceTargetKind,
} from './matter.events';

export type OpenMatter = {
  type: 'OpenMatter';
  data: {
    matterId: string;
    agencyId: string;
    kind: MatterKind;
    receivedAt: string;
    requestingAgency?: MatterRequestingAgency;
    program?: string;
    denialReason?: ServiceDenialReason;
    protectedCharacteristics?: ProtectedCharacteristic[];
    target?: { kind: SurveillanceTargetKind };
    description: string;
  };
} & CommandContext;

export type RecordMatterAction = {
  type: 'RecordMatterAction';
  data: {
    action: MatterAction;
    at: string;
    legalBasis: LegalBasis;
    citation?: string;
    approvedBy?: string;
    noticeForbiddenByOrder?: boolean;
  };
} & CommandContext;

export type MatterCommand = OpenMatter | RecordMatterAction;
