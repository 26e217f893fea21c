import { ApiProperty } from '@nestjs/swagger';
import { NotFoundError } from '@trust-ledger/domain';
import { IsUUID } from 'class-validator';

export class EncounterParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  encounterId!: string;
}

export const encounterNotFound = (): NotFoundError =>
  new NotFoundError('ENCOUNTER_NOT_FOUND', 'No such encounter');
