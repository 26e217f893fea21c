import { ApiProperty } from '@nestjs/swagger';
import {
  LEGAL_BASES,
  MATTER_ACTIONS,
  MATTER_KINDS,
  MATTER_REQUESTING_AGENCIES,
  PROTECTED_CHARACTERISTICS,
  SERVICE_DENIAL_REASONS,
  SURVEILLANCE_TARGET_KINDS,
  type LegalBasis,
  type MatterAction,
  type SurveillanceTargetKind,
} from '@trust-ledger/domain';
import type { MatterRecord } from '@trust-ledger/projections/institutional';

// OpenAPI descriptions of the matter view; the values are the matter-view projection's records.

const nullable = { nullable: true, required: true } as const;

export class MatterTargetView {
  @ApiProperty({ enum: SURVEILLANCE_TARGET_KINDS }) kind!: SurveillanceTargetKind;
}

export class MatterActionView {
  @ApiProperty({ format: 'uuid', description: 'The MatterActionRecorded event' }) eventId!: string;
  @ApiProperty({ enum: MATTER_ACTIONS }) action!: MatterAction;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ enum: LEGAL_BASES }) legalBasis!: LegalBasis;
  @ApiProperty({ type: String, ...nullable }) citation!: string | null;
  @ApiProperty({ type: String, ...nullable }) approvedBy!: string | null;
  @ApiProperty({ type: Boolean, ...nullable }) noticeForbiddenByOrder!: boolean | null;
}

export class MatterViewDto implements MatterRecord {
  @ApiProperty({ format: 'uuid' }) matterId!: string;
  @ApiProperty() agencyId!: string;
  @ApiProperty({ enum: MATTER_KINDS }) kind!: MatterRecord['kind'];
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
  @ApiProperty({ enum: MATTER_REQUESTING_AGENCIES, ...nullable })
  requestingAgency!: MatterRecord['requestingAgency'];
  @ApiProperty({ type: String, ...nullable }) program!: string | null;
  @ApiProperty({ enum: SERVICE_DENIAL_REASONS, ...nullable }) denialReason!: MatterRecord['denialReason'];
  @ApiProperty({ enum: PROTECTED_CHARACTERISTICS, isArray: true })
  protectedCharacteristics!: MatterRecord['protectedCharacteristics'];
  @ApiProperty({ type: MatterTargetView, ...nullable }) target!: MatterTargetView | null;
  @ApiProperty() description!: string;
  @ApiProperty({ type: [MatterActionView], description: 'In the order recorded' })
  actions!: MatterActionView[];
  @ApiProperty({ description: 'Also the ETag' }) revision!: number;
}

export class MatterViewPageDto {
  @ApiProperty({ type: [MatterViewDto] }) items!: MatterViewDto[];
  @ApiProperty({ type: String, ...nullable }) nextCursor!: string | null;
}
