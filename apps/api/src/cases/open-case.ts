import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  CONVICTION_CATEGORIES,
  CUSTODY_STATUSES,
  type ConvictionCategory,
  type CustodyStatus,
  openCaseFieldErrors,
} from '@trust-ledger/domain';
import { IsEmail, IsIn, IsOptional, MaxLength } from 'class-validator';
import { assertMayActFor } from '../auth/agency-scope';
import type { Principal } from '../auth/principal';
import {
  IsAgencyId,
  IsCalendarDate,
  IsIsoDateTime,
  IsLanguageTag,
  NestedList,
  NestedObject,
  IsId,
  Text,
} from '../common/validators';
import { createdIdFor, type CommandMeta } from '../write/command-meta';
import type { CommandResult } from '../write/command-result';
import { CaseWriter } from './case-writer';
import { FieldChecks } from '../common/validation';

export class AttorneyDto {
  @ApiProperty({ maxLength: 200 })
  @Text(200)
  name!: string;

  @ApiPropertyOptional({ maxLength: 50 })
  @IsOptional()
  @Text(50)
  phone?: string;

  @ApiPropertyOptional({ format: 'email', maxLength: 254 })
  @IsOptional()
  @MaxLength(254)
  @IsEmail()
  email?: string;
}

export class DesigneeDto {
  @ApiProperty({ maxLength: 200 })
  @Text(200)
  name!: string;

  @ApiPropertyOptional({ maxLength: 50 })
  @IsOptional()
  @Text(50)
  phone?: string;
}

/** All of the case's personal data (encrypted per person at rest). */
export class SubjectDto {
  @ApiProperty({ maxLength: 200 })
  @Text(200)
  fullName!: string;

  @ApiPropertyOptional({ format: 'date', example: '1990-04-30' })
  @IsOptional()
  @IsCalendarDate()
  dateOfBirth?: string;

  @ApiPropertyOptional({ maxLength: 20, description: 'Alien registration number' })
  @IsOptional()
  @Text(20)
  aNumber?: string;

  @ApiPropertyOptional({ example: 'es-MX', description: 'BCP 47 language tag' })
  @IsOptional()
  @IsLanguageTag()
  preferredLanguage?: string;

  @ApiPropertyOptional({ type: () => AttorneyDto })
  @IsOptional()
  @NestedObject(() => AttorneyDto)
  attorney?: AttorneyDto;

  @ApiPropertyOptional({ type: () => DesigneeDto })
  @IsOptional()
  @NestedObject(() => DesigneeDto)
  designee?: DesigneeDto;
}

export class CustodyAtOpeningDto {
  @ApiProperty({ enum: CUSTODY_STATUSES })
  @IsIn(CUSTODY_STATUSES)
  status!: CustodyStatus;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsIsoDateTime()
  bookedAt?: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @Text(200)
  facility?: string;
}

export class ConvictionDto {
  @ApiProperty({ maxLength: 500 })
  @Text(500)
  offense!: string;

  @ApiProperty({ enum: CONVICTION_CATEGORIES })
  @IsIn(CONVICTION_CATEGORIES)
  category!: ConvictionCategory;

  @ApiProperty({ format: 'date', example: '2019-06-01' })
  @IsCalendarDate()
  convictedAt!: string;
}

@FieldChecks((dto: OpenCaseDto, now) =>
  openCaseFieldErrors({ ...dto, convictions: dto.convictions ?? [] }, now),
)
export class OpenCaseDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Client-chosen id, so that a retry names the same case',
  })
  @IsOptional()
  @IsId()
  caseId?: string;

  @ApiProperty({ description: "Officers and supervisors: their own agency's id" })
  @IsAgencyId()
  agencyId!: string;

  @ApiProperty({ type: () => SubjectDto })
  @NestedObject(() => SubjectDto)
  subject!: SubjectDto;

  @ApiProperty({ type: () => CustodyAtOpeningDto })
  @NestedObject(() => CustodyAtOpeningDto)
  custody!: CustodyAtOpeningDto;

  @ApiPropertyOptional({ type: () => [ConvictionDto], maxItems: 100 })
  @IsOptional()
  @NestedList(() => ConvictionDto, 100)
  convictions?: ConvictionDto[];
}

export class OpenCaseCommand extends Command<CommandResult> {
  constructor(
    readonly principal: Principal,
    readonly meta: CommandMeta,
    readonly body: OpenCaseDto,
  ) {
    super();
  }
}

@CommandHandler(OpenCaseCommand)
export class OpenCaseHandler implements ICommandHandler<OpenCaseCommand> {
  constructor(private readonly cases: CaseWriter) {}

  execute({ principal, meta, body }: OpenCaseCommand): Promise<CommandResult> {
    assertMayActFor(principal, body.agencyId);
    const caseId = body.caseId ?? createdIdFor(meta.commandId);
    const { subject, custody } = body;
    // null, like a field left out, is none (as for every optional field); `= []` would pass it on.
    const convictions = body.convictions ?? [];
    return this.cases.execute(
      principal,
      meta,
      caseId,
      { type: 'OpenCase', data: { caseId, agencyId: body.agencyId, subject, custody, convictions } },
      caseId,
    );
  }
}
