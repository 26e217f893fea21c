import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  CUSTODY_EVENT_KINDS,
  RELEASE_ELIGIBILITY_REASONS,
  TRANSFER_DESTINATIONS,
  type CustodyEventKind,
  type ReleaseEligibilityReason,
  type TransferDestination,
  custodyEventFieldErrors,
} from '@trust-ledger/domain';
import { IsIn, IsOptional } from 'class-validator';
import type { Principal } from '../auth/principal';
import { IsIsoDateTime, RequiredWhen, IsId } from '../common/validators';
import type { CommandMeta } from '../write/command-meta';
import type { CommandResult } from '../write/command-result';
import { CaseWriter } from './case-writer';
import { FieldChecks } from '../common/validation';

/** Eligibility for release, release or transfer; a hold is the time between the first and the others. */
@FieldChecks(custodyEventFieldErrors, { branchesOn: ['kind'] })
export class RecordCustodyEventDto {
  @ApiProperty({ enum: CUSTODY_EVENT_KINDS })
  @IsIn(CUSTODY_EVENT_KINDS)
  kind!: CustodyEventKind;

  @ApiProperty({ format: 'date-time' })
  @IsIsoDateTime()
  at!: string;

  @ApiPropertyOptional({
    enum: RELEASE_ELIGIBILITY_REASONS,
    description: 'Required for ELIGIBLE_FOR_RELEASE',
  })
  @RequiredWhen(
    (dto: RecordCustodyEventDto) => dto.kind === 'ELIGIBLE_FOR_RELEASE',
    'for ELIGIBLE_FOR_RELEASE',
  )
  @IsIn(RELEASE_ELIGIBILITY_REASONS)
  reason?: ReleaseEligibilityReason;

  @ApiPropertyOptional({ enum: TRANSFER_DESTINATIONS, description: 'Required for TRANSFERRED' })
  @RequiredWhen((dto: RecordCustodyEventDto) => dto.kind === 'TRANSFERRED', 'for TRANSFERRED')
  @IsIn(TRANSFER_DESTINATIONS)
  toAgency?: TransferDestination;

  @ApiPropertyOptional({ format: 'uuid', description: 'The request the event answers' })
  @IsOptional()
  @IsId()
  requestId?: string;
}

export class RecordCustodyEventCommand extends Command<CommandResult> {
  constructor(
    readonly principal: Principal,
    readonly meta: CommandMeta,
    readonly caseId: string,
    readonly body: RecordCustodyEventDto,
  ) {
    super();
  }
}

@CommandHandler(RecordCustodyEventCommand)
export class RecordCustodyEventHandler implements ICommandHandler<RecordCustodyEventCommand> {
  constructor(private readonly cases: CaseWriter) {}

  execute({ principal, meta, caseId, body }: RecordCustodyEventCommand): Promise<CommandResult> {
    const { kind, at, reason, toAgency, requestId } = body;
    return this.cases.execute(principal, meta, caseId, {
      type: 'RecordCustodyEvent',
      data: { kind, at, reason, toAgency, requestId },
    });
  }
}
