import { ApiProperty } from '@nestjs/swagger';
import { NotFoundError, type CertificationStatus } from '@trust-ledger/domain';
import { IsUUID } from 'class-validator';

export class CertificationParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  certificationId!: string;
}

export const certificationNotFound = (): NotFoundError =>
  new NotFoundError('CERTIFICATION_NOT_FOUND', 'No such certification');

export const CERTIFICATION_STATUSES: readonly CertificationStatus[] = [
  'PENDING',
  'CERTIFIED',
  'DENIED',
  'WITHDRAWN',
];
