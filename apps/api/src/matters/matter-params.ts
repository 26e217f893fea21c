import { ApiProperty } from '@nestjs/swagger';
import { NotFoundError } from '@trust-ledger/domain';
import { IsUUID } from 'class-validator';

export class MatterParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  matterId!: string;
}

export const matterNotFound = (): NotFoundError => new NotFoundError('MATTER_NOT_FOUND', 'No such matter');
