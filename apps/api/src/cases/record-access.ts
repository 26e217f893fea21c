import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  ACCESS_PURPOSES,
  FEDERAL_AGENCIES,
  type AccessPurpose,
  type FederalAgency,
  custodyAccessFieldErrors,
} from '@trust-ledger/domain';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import type { Principal } from '../auth/principal';
import { IsIsoDateTime, IsLanguageTag, NestedObject, IsId } from '../common/validators';
import type { CommandMeta } from '../write/command-meta';
import type { CommandResult } from '../write/command-result';
import { CaseWriter } from './case-writer';
import { FieldChecks } from '../common/validation';

export class InformedConsentDto {
  @ApiProperty()
  @IsBoolean()
  written!: boolean;

  @ApiProperty()
  @IsBoolean()
  toldVoluntary!: boolean;

  @ApiProperty()
  @IsBoolean()
  toldMayHaveAttorney!: boolean;

  @ApiProperty({ example: 'es', description: 'BCP 47 language tag' })
  @IsLanguageTag()
  language!: string;
}

/** ICE or CBP allowed to question the person in custody. */
@FieldChecks(custodyAccessFieldErrors)
export class RecordAccessDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'The request the access answers' })
  @IsOptional()
  @IsId()
  requestId?: string;

  @ApiProperty({ enum: FEDERAL_AGENCIES })
  @IsIn(FEDERAL_AGENCIES)
  agency!: FederalAgency;

  @ApiProperty({ enum: ACCESS_PURPOSES })
  @IsIn(ACCESS_PURPOSES)
  purpose!: AccessPurpose;

  @ApiProperty({ format: 'date-time' })
  @IsIsoDateTime()
  grantedAt!: string;

  @ApiPropertyOptional({ type: () => InformedConsentDto })
  @IsOptional()
  @NestedObject(() => InformedConsentDto)
  consent?: InformedConsentDto;
}

export class RecordAccessCommand extends Command<CommandResult> {
  constructor(
    readonly principal: Principal,
    readonly meta: CommandMeta,
    readonly caseId: string,
    readonly body: RecordAccessDto,
  ) {
    super();
  }
}

@CommandHandler(RecordAccessCommand)
export class RecordAccessHandler implements ICommandHandler<RecordAccessCommand> {
  constructor(private readonly cases: CaseWriter) {}

  execute({ principal, meta, caseId, body }: RecordAccessCommand): Promise<CommandResult> {
    const { requestId, agency, purpose, grantedAt, consent } = body;
    return this.cases.execute(principal, meta, caseId, {
      type: 'RecordCustodyAccess',
      data: { requestId, agency, purpose, grantedAt, consent },
    });
  }
}
