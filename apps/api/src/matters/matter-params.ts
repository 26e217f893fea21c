import { ApiProperty } from '@nestjs/swagger';
import { NotFoundError } from '@trust-ledger/domain';
import { IsId } from '../common/validators';

export class MatterParams {
  @ApiProperty({ format: 'uuid' })
  @IsId()
  matterId!: string;
}

export const matterNotFound = (): NotFoundError => new NotFoundError('MATTER_NOT_FOUND', 'No such matter');
