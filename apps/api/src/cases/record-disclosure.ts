import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  FEDERAL_AGENCIES,
  INFORMATION_CATEGORIES,
  type FederalAgency,
  type InformationCategory,
  disclosureFieldErrors,
} from '@trust-ledger/domain';
import { IsIn, IsOptional } from 'class-validator';
import type { Principal } from '../auth/principal';
import { EnumList, IsIsoDateTime, IsId } from '../common/validators';
import type { CommandMeta } from '../write/command-meta';
import type { CommandResult } from '../write/command-result';
import { CaseWriter } from './case-writer';
import { FieldChecks } from '../common/validation';

@FieldChecks(disclosureFieldErrors)
export class RecordDisclosureDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'The request the disclosure answers' })
  @IsOptional()
  @IsId()
  requestId?: string;

  @ApiProperty({ enum: FEDERAL_AGENCIES })
  @IsIn(FEDERAL_AGENCIES)
  recipientAgency!: FederalAgency;

  @ApiProperty({ enum: INFORMATION_CATEGORIES, isArray: true })
  @EnumList(INFORMATION_CATEGORIES, { nonEmpty: true })
  categories!: InformationCategory[];

  @ApiProperty({ format: 'date-time' })
  @IsIsoDateTime()
  disclosedAt!: string;
}

export class RecordDisclosureCommand extends Command<CommandResult> {
  constructor(
    readonly principal: Principal,
    readonly meta: CommandMeta,
    readonly caseId: string,
    readonly body: RecordDisclosureDto,
  ) {
    super();
  }
}

@CommandHandler(RecordDisclosureCommand)
export class RecordDisclosureHandler implements ICommandHandler<RecordDisclosureCommand> {
  constructor(private readonly cases: CaseWriter) {}

  execute({ principal, meta, caseId, body }: RecordDisclosureCommand): Promise<CommandResult> {
    const { requestId, recipientAgency, categories, disclosedAt } = body;
    return this.cases.execute(principal, meta, caseId, {
      type: 'RecordDisclosure',
      data: { requestId, recipientAgency, categories, disclosedAt },
    });
  }
}
