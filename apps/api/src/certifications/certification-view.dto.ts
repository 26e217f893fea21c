import { ApiProperty } from '@nestjs/swagger';
import {
  CERTIFICATION_FORMS,
  CERTIFICATION_OUTCOMES,
  CERTIFICATION_REQUESTERS,
  DENIAL_GROUNDS,
  type CertificationOutcome,
  type DenialGround,
} from '@trust-ledger/domain';
import { CERTIFICATION_STATUSES } from './certification-params';
import type { CertificationView } from './certification-view.reader';

// OpenAPI descriptions of API.md's certification view; the values are built by the reader.

const nullable = { nullable: true, required: true } as const;

export class AssistanceRefusalDto {
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty() description!: string;
}

export class CertificationDecisionDto {
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({ enum: CERTIFICATION_OUTCOMES }) outcome!: CertificationOutcome;
  @ApiProperty({ format: 'date-time' }) decidedAt!: string;
  @ApiProperty({ enum: DENIAL_GROUNDS, ...nullable }) grounds!: DenialGround | null;
  @ApiProperty() explanation!: string;
}

export class CertificationWithdrawalDto {
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty() reason!: string;
}

export class CertificationViewDto implements CertificationView {
  @ApiProperty({ format: 'uuid' }) certificationId!: string;
  @ApiProperty() agencyId!: string;
  @ApiProperty({ enum: CERTIFICATION_FORMS }) form!: CertificationView['form'];
  @ApiProperty({ format: 'date-time' }) requestedAt!: string;
  @ApiProperty({ enum: CERTIFICATION_REQUESTERS }) requester!: CertificationView['requester'];
  @ApiProperty() inRemovalProceedings!: boolean;
  @ApiProperty() qualifyingActivity!: string;
  @ApiProperty({ type: Object, description: 'Personal data: { fullName, dateOfBirth?, preferredLanguage? }' })
  victim!: CertificationView['victim'];
  @ApiProperty({ enum: CERTIFICATION_STATUSES }) status!: CertificationView['status'];
  @ApiProperty({
    type: String,
    format: 'date-time',
    ...nullable,
    description:
      'The first moment a decision is late (§ 9: calendar days of the ordinance’s zone, under the version in force at requestedAt); null where § 9 was not in force',
  })
  deadline!: string | null;
  @ApiProperty({ type: [AssistanceRefusalDto] }) assistanceRefusals!: AssistanceRefusalDto[];
  @ApiProperty({ type: CertificationDecisionDto, ...nullable }) decision!: CertificationDecisionDto | null;
  @ApiProperty({ type: CertificationWithdrawalDto, ...nullable })
  withdrawal!: CertificationWithdrawalDto | null;
  @ApiProperty({ description: 'The victim’s key was destroyed: every field of `victim` reads "[erased]"' })
  personalDataErased!: boolean;
  @ApiProperty({ description: 'Also the ETag' }) revision!: number;
}

export class CertificationViewPageDto {
  @ApiProperty({ type: [CertificationViewDto] }) items!: CertificationViewDto[];
  @ApiProperty({ type: String, ...nullable }) nextCursor!: string | null;
}
