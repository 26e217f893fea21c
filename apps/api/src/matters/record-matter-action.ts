import { Inject } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  CLOCK,
  LEGAL_BASES,
  MATTER_ACTIONS,
  matterDecider,
  matterStreamId,
  type Clock,
  type LegalBasis,
  type MatterAction,
  matterActionFieldErrors,
} from '@trust-ledger/domain';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import type { Principal } from '../auth/principal';
import { AgencyRecordWriter } from '../write/agency-record-writer';
import { IsIsoDateTime, Text } from '../common/validators';
import type { CommandMeta } from '../write/command-meta';
import type { CommandResult } from '../write/command-result';
import { matterNotFound } from './matter-params';
import { FieldChecks } from '../common/validation';

@FieldChecks(matterActionFieldErrors)
export class RecordMatterActionDto {
  @ApiProperty({
    enum: MATTER_ACTIONS,
    description: 'Which actions a kind of matter admits is the record’s to judge (409)',
  })
  @IsIn(MATTER_ACTIONS)
  action!: MatterAction;

  @ApiProperty({ format: 'date-time' })
  @IsIsoDateTime()
  at!: string;

  @ApiProperty({ enum: LEGAL_BASES })
  @IsIn(LEGAL_BASES)
  legalBasis!: LegalBasis;

  @ApiPropertyOptional({ maxLength: 500, description: 'The law or rule relied on' })
  @IsOptional()
  @Text(500)
  citation?: string;

  @ApiPropertyOptional({ maxLength: 200, description: "The approving supervisor's id, recorded as given" })
  @IsOptional()
  @Text(200)
  approvedBy?: string;

  @ApiPropertyOptional({ description: 'The order forbids notifying the parents (§ 10)' })
  @IsOptional()
  @IsBoolean()
  noticeForbiddenByOrder?: boolean;
}

export class RecordMatterActionCommand extends Command<CommandResult> {
  constructor(
    readonly principal: Principal,
    readonly meta: CommandMeta,
    readonly matterId: string,
    readonly body: RecordMatterActionDto,
  ) {
    super();
  }
}

@CommandHandler(RecordMatterActionCommand)
export class RecordMatterActionHandler implements ICommandHandler<RecordMatterActionCommand> {
  constructor(
    private readonly writer: AgencyRecordWriter,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ principal, meta, matterId, body }: RecordMatterActionCommand): Promise<CommandResult> {
    const { action, at, legalBasis, citation, approvedBy, noticeForbiddenByOrder } = body;
    return this.writer.update(principal, meta, matterNotFound, {
      streamId: matterStreamId(matterId),
      decider: matterDecider,
      command: {
        type: 'RecordMatterAction',
        data: { action, at, legalBasis, citation, approvedBy, noticeForbiddenByOrder },
        actor: meta.actor,
        now: this.clock.now(),
      },
    });
  }
}
