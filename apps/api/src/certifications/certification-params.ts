import { ApiProperty } from '@nestjs/swagger';
import { NotFoundError, type CertificationStatus } from '@trust-ledger/domain';
import { IsId } from '../common/validators';

export class CertificationParams {
  @ApiProperty({ format: 'uuid' })
  @IsId()
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
