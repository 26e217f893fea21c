import { closeCaseFieldErrors } from '@trust-ledger/domain';
import { ApiProperty } from '@nestjs/swagger';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Principal } from '../auth/principal';
import { IsIsoDateTime, Text } from '../common/validators';
import type { CommandMeta } from '../write/command-meta';
import type { CommandResult } from '../write/command-result';
import { CaseWriter } from './case-writer';
import { FieldChecks } from '../common/validation';

@FieldChecks(closeCaseFieldErrors)
export class CloseCaseDto {
  @ApiProperty({ format: 'date-time' })
  @IsIsoDateTime()
  closedAt!: string;

  @ApiProperty({ maxLength: 4000 })
  @Text(4000)
  reason!: string;
}

export class CloseCaseCommand extends Command<CommandResult> {
  constructor(
    readonly principal: Principal,
    readonly meta: CommandMeta,
    readonly caseId: string,
    readonly body: CloseCaseDto,
  ) {
    super();
  }
}

@CommandHandler(CloseCaseCommand)
export class CloseCaseHandler implements ICommandHandler<CloseCaseCommand> {
  constructor(private readonly cases: CaseWriter) {}

  execute({ principal, meta, caseId, body }: CloseCaseCommand): Promise<CommandResult> {
    return this.cases.execute(principal, meta, caseId, {
      type: 'CloseCase',
      data: { closedAt: body.closedAt, reason: body.reason },
    });
  }
}
