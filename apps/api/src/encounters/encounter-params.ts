import { ApiProperty } from '@nestjs/swagger';
import { NotFoundError } from '@trust-ledger/domain';
import { IsId } from '../common/validators';

export class EncounterParams {
  @ApiProperty({ format: 'uuid' })
  @IsId()
  encounterId!: string;
}

export const encounterNotFound = (): NotFoundError =>
  new NotFoundError('ENCOUNTER_NOT_FOUND', 'No such encounter');
