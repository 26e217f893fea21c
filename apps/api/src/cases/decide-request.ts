import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  DECISION_BASES,
  DECISION_OUTCOMES,
  type DecisionBasis,
  type DecisionOutcome,
  decisionFieldErrors,
} from '@trust-ledger/domain';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import type { Principal } from '../auth/principal';
import { IsIsoDateTime, RequiredWhen, Text } from '../common/validators';
import type { CommandMeta } from '../write/command-meta';
import type { CommandResult } from '../write/command-result';
import { CaseWriter } from './case-writer';
import { FieldChecks } from '../common/validation';

@FieldChecks(decisionFieldErrors, { branchesOn: ['basis', 'amendsDecision'] })
export class DecideRequestDto {
  @ApiProperty({ enum: DECISION_OUTCOMES })
  @IsIn(DECISION_OUTCOMES)
  outcome!: DecisionOutcome;

  @ApiProperty({ enum: DECISION_BASES })
  @IsIn(DECISION_BASES)
  basis!: DecisionBasis;

  @ApiPropertyOptional({ maxLength: 100, description: 'Required with basis ORDINANCE_EXCEPTION' })
  @RequiredWhen(
    (dto: DecideRequestDto) => dto.basis === 'ORDINANCE_EXCEPTION',
    'with basis ORDINANCE_EXCEPTION',
  )
  @Text(100)
  exceptionCode?: string;

  @ApiProperty({ format: 'date-time' })
  @IsIsoDateTime()
  decidedAt!: string;

  @ApiProperty({ maxLength: 4000 })
  @Text(4000)
  rationale!: string;

  @ApiPropertyOptional({ description: 'Replace the decision in force (needs a reason)' })
  @IsOptional()
  @IsBoolean()
  amendsDecision?: boolean;

  @ApiPropertyOptional({ maxLength: 4000, description: 'Required with amendsDecision' })
  @RequiredWhen((dto: DecideRequestDto) => dto.amendsDecision === true, 'to amend a decision')
  @Text(4000)
  reason?: string;
}

export class DecideRequestCommand extends Command<CommandResult> {
  constructor(
    readonly principal: Principal,
    readonly meta: CommandMeta,
    readonly caseId: string,
    readonly requestId: string,
    readonly body: DecideRequestDto,
  ) {
    super();
  }
}

@CommandHandler(DecideRequestCommand)
export class DecideRequestHandler implements ICommandHandler<DecideRequestCommand> {
  constructor(private readonly cases: CaseWriter) {}

  execute({ principal, meta, caseId, requestId, body }: DecideRequestCommand): Promise<CommandResult> {
    const { outcome, basis, exceptionCode, decidedAt, rationale, amendsDecision, reason } = body;
    return this.cases.execute(principal, meta, caseId, {
      type: 'DecideRequest',
      data: { requestId, outcome, basis, exceptionCode, decidedAt, rationale, amendsDecision, reason },
    });
  }
}
