import { Inject } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  CLOCK,
  ENCOUNTER_GROUNDS,
  ENCOUNTER_KINDS,
  encounterDecider,
  encounterStreamId,
  PERSON_ROLES,
  STATUS_INQUIRY_JUSTIFICATIONS,
  type Clock,
  type EncounterGround,
  type EncounterKind,
  type PersonRole,
  type StatusInquiryJustification,
  encounterFieldErrors,
} from '@trust-ledger/domain';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import { assertMayActFor } from '../auth/agency-scope';
import type { Principal } from '../auth/principal';
import { EnumList, IsAgencyId, IsIsoDateTime, NestedObject, Text, IsId } from '../common/validators';
import { CommandExecutor } from '../write/command-executor';
import { createdIdFor, type CommandMeta } from '../write/command-meta';
import type { CommandResult } from '../write/command-result';
import { FieldChecks } from '../common/validation';

export class StatusInquiryDto {
  @ApiProperty({ description: 'Whether the person was asked about immigration status' })
  @IsBoolean()
  asked!: boolean;

  @ApiProperty({ enum: STATUS_INQUIRY_JUSTIFICATIONS })
  @IsIn(STATUS_INQUIRY_JUSTIFICATIONS)
  justification!: StatusInquiryJustification;

  @ApiPropertyOptional({ maxLength: 4000 })
  @IsOptional()
  @Text(4000)
  explanation?: string;
}

/** An encounter holds no personal data: whitelisting refuses any field not named here (a name, say). */
@FieldChecks(encounterFieldErrors)
export class RecordEncounterDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Client-chosen id, so that a retry names the same encounter',
  })
  @IsOptional()
  @IsId()
  encounterId?: string;

  @ApiProperty({ description: 'Officers and supervisors: their own agency' })
  @IsAgencyId()
  agencyId!: string;

  @ApiProperty({ format: 'date-time' })
  @IsIsoDateTime()
  occurredAt!: string;

  @ApiProperty({ enum: ENCOUNTER_KINDS })
  @IsIn(ENCOUNTER_KINDS)
  kind!: EncounterKind;

  @ApiProperty({ enum: PERSON_ROLES })
  @IsIn(PERSON_ROLES)
  personRole!: PersonRole;

  @ApiProperty({ enum: ENCOUNTER_GROUNDS, isArray: true })
  @EnumList(ENCOUNTER_GROUNDS, { nonEmpty: true })
  grounds!: EncounterGround[];

  @ApiPropertyOptional({ type: () => StatusInquiryDto })
  @IsOptional()
  @NestedObject(() => StatusInquiryDto)
  statusInquiry?: StatusInquiryDto;
}

export class RecordEncounterCommand extends Command<CommandResult> {
  constructor(
    readonly principal: Principal,
    readonly meta: CommandMeta,
    readonly body: RecordEncounterDto,
  ) {
    super();
  }
}

@CommandHandler(RecordEncounterCommand)
export class RecordEncounterHandler implements ICommandHandler<RecordEncounterCommand> {
  constructor(
    private readonly executor: CommandExecutor,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ principal, meta, body }: RecordEncounterCommand): Promise<CommandResult> {
    assertMayActFor(principal, body.agencyId);
    const encounterId = body.encounterId ?? createdIdFor(meta.commandId);
    const { agencyId, occurredAt, kind, personRole, grounds, statusInquiry } = body;
    return this.executor.execute({
      ...meta,
      streamId: encounterStreamId(encounterId),
      decider: encounterDecider,
      command: {
        type: 'RecordEncounter',
        data: { encounterId, agencyId, occurredAt, kind, personRole, grounds, statusInquiry },
        actor: meta.actor,
        now: this.clock.now(),
      },
      createdId: encounterId,
    });
  }
}
