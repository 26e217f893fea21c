import { ApiProperty } from '@nestjs/swagger';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  CLOCK,
  CONVICTION_CATEGORIES,
  ISSUER_ROLES,
  ORDINANCE_SECTIONS,
  ORDINANCE_STREAM_ID,
  ordinanceDecider,
  REPORTING_PERIODS,
  type Clock,
  type ConvictionCategory,
  type IssuerRole,
  type OrdinanceSection,
  type OrdinanceVersion,
  ordinanceTermsFieldErrors,
} from '@trust-ledger/domain';
import { Inject } from '@nestjs/common';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsString } from 'class-validator';
import { IsIsoDateTime, NestedList, Text } from '../common/validators';
import { CommandExecutor } from '../write/command-executor';
import type { CommandMeta } from '../write/command-meta';
import type { CommandResult } from '../write/command-result';
import { FieldChecks } from '../common/validation';

/*
 * The DTOs check types and vocabularies; the ordinance decider judges what the terms mean (ranges,
 * repeats, which issuers are judges, the time zone), naming each offending field, so that the API
 * and the domain can never disagree about what a valid version is.
 */

export class DetainerExceptionDto {
  @ApiProperty({ maxLength: 100, example: 'VIOLENT_OR_SERIOUS_FELONY_5Y' })
  @Text(100)
  code!: string;

  @ApiProperty({ maxLength: 1000 })
  @Text(1000)
  description!: string;

  @ApiProperty({ enum: CONVICTION_CATEGORIES, isArray: true })
  @IsArray()
  @IsIn(CONVICTION_CATEGORIES, { each: true })
  convictionCategories!: ConvictionCategory[];

  @ApiProperty({
    description: 'A conviction counts when convictedAt plus this many years is on or after the decision',
  })
  @IsInt()
  withinYears!: number;
}

@FieldChecks(ordinanceTermsFieldErrors)
export class AdoptOrdinanceVersionDto {
  @ApiProperty({ format: 'date-time', description: 'Acts from this moment are judged by this version' })
  @IsIsoDateTime()
  effectiveFrom!: string;

  @ApiProperty({ enum: ORDINANCE_SECTIONS, isArray: true, example: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] })
  @IsArray()
  @ArrayMaxSize(ORDINANCE_SECTIONS.length)
  @IsIn(ORDINANCE_SECTIONS, { each: true })
  sectionsInForce!: OrdinanceSection[];

  @ApiProperty({
    enum: ISSUER_ROLES,
    isArray: true,
    description: 'Who signs a judicial warrant: FEDERAL_JUDGE, FEDERAL_MAGISTRATE_JUDGE and/or STATE_JUDGE',
  })
  @IsArray()
  @ArrayMaxSize(ISSUER_ROLES.length)
  @IsIn(ISSUER_ROLES, { each: true })
  judicialWarrantIssuers!: IssuerRole[];

  @ApiProperty({ type: () => [DetainerExceptionDto], maxItems: 50 })
  @NestedList(() => DetainerExceptionDto, 50)
  detainerExceptions!: DetainerExceptionDto[];

  @ApiProperty({ example: 60 }) @IsInt() releaseGraceMinutes!: number;
  @ApiProperty({ example: 24 }) @IsInt() noticeDeadlineHours!: number;
  @ApiProperty({ example: 90 }) @IsInt() certificationDeadlineDays!: number;
  @ApiProperty({ example: 14 }) @IsInt() certificationExpeditedDays!: number;

  @ApiProperty({ enum: REPORTING_PERIODS })
  @IsIn(REPORTING_PERIODS)
  reportingPeriod!: OrdinanceVersion['reportingPeriod'];

  @ApiProperty({ example: 60 }) @IsInt() reportDueDays!: number;
  @ApiProperty({ example: 5, minimum: 2 }) @IsInt() smallCellThreshold!: number;

  @ApiProperty({ example: 'America/New_York', description: 'IANA time zone of calendar days and periods' })
  @IsString()
  timeZone!: string;
}

export class AdoptOrdinanceVersionCommand extends Command<CommandResult> {
  constructor(
    readonly meta: CommandMeta,
    readonly body: AdoptOrdinanceVersionDto,
  ) {
    super();
  }
}

@CommandHandler(AdoptOrdinanceVersionCommand)
export class AdoptOrdinanceVersionHandler implements ICommandHandler<AdoptOrdinanceVersionCommand> {
  constructor(
    private readonly executor: CommandExecutor,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ meta, body }: AdoptOrdinanceVersionCommand): Promise<CommandResult> {
    // The decider copies exactly the terms a version names into the event.
    return this.executor.execute({
      ...meta,
      streamId: ORDINANCE_STREAM_ID,
      decider: ordinanceDecider,
      command: { type: 'AdoptOrdinanceVersion', data: body, actor: meta.actor, now: this.clock.now() },
    });
  }
}
