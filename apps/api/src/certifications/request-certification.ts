import { Inject } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  CERTIFICATION_FORMS,
  CERTIFICATION_REQUESTERS,
  certificationDecider,
  certificationStreamId,
  CLOCK,
  type CertificationForm,
  type CertificationRequester,
  type Clock,
  certificationRequestFieldErrors,
} from '@trust-ledger/domain';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import { victimKeyId } from '@trust-ledger/privacy';
import type { Principal } from '../auth/principal';
import {
  IsAgencyId,
  IsCalendarDate,
  IsIsoDateTime,
  IsLanguageTag,
  NestedObject,
  IsId,
  Text,
} from '../common/validators';
import { createdIdFor, type CommandMeta } from '../write/command-meta';
import type { CommandResult } from '../write/command-result';
import { AgencyRecordWriter } from '../write/agency-record-writer';
import { FieldChecks } from '../common/validation';

/** All of the certification's personal data, kept in this one object (encrypted per person at rest). */
export class VictimDto {
  @ApiProperty({ maxLength: 200 })
  @Text(200)
  fullName!: string;

  @ApiPropertyOptional({ format: 'date', example: '1990-04-30' })
  @IsOptional()
  @IsCalendarDate()
  dateOfBirth?: string;

  @ApiPropertyOptional({ example: 'es-MX', description: 'BCP 47 language tag' })
  @IsOptional()
  @IsLanguageTag()
  preferredLanguage?: string;
}

@FieldChecks(certificationRequestFieldErrors)
export class RequestCertificationDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Client-chosen id, so that a retry names the same certification',
  })
  @IsOptional()
  @IsId()
  certificationId?: string;

  @ApiProperty({ description: 'Officers and supervisors: their own agency' })
  @IsAgencyId()
  agencyId!: string;

  @ApiProperty({
    enum: CERTIFICATION_FORMS,
    description: 'I-918 Supplement B (U visa) or I-914 Supplement B (T visa)',
  })
  @IsIn(CERTIFICATION_FORMS)
  form!: CertificationForm;

  @ApiProperty({ format: 'date-time', description: 'The deadline runs from this moment' })
  @IsIsoDateTime()
  requestedAt!: string;

  @ApiProperty({ enum: CERTIFICATION_REQUESTERS })
  @IsIn(CERTIFICATION_REQUESTERS)
  requester!: CertificationRequester;

  @ApiProperty({ description: 'In removal proceedings: the expedited deadline applies' })
  @IsBoolean()
  inRemovalProceedings!: boolean;

  @ApiProperty({ maxLength: 1000, description: 'The qualifying criminal activity' })
  @Text(1000)
  qualifyingActivity!: string;

  @ApiProperty({ type: () => VictimDto })
  @NestedObject(() => VictimDto)
  victim!: VictimDto;
}

export class RequestCertificationCommand extends Command<CommandResult> {
  constructor(
    readonly principal: Principal,
    readonly meta: CommandMeta,
    readonly body: RequestCertificationDto,
  ) {
    super();
  }
}

@CommandHandler(RequestCertificationCommand)
export class RequestCertificationHandler implements ICommandHandler<RequestCertificationCommand> {
  constructor(
    private readonly writer: AgencyRecordWriter,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ principal, meta, body }: RequestCertificationCommand): Promise<CommandResult> {
    const certificationId = body.certificationId ?? createdIdFor(meta.commandId);
    const { agencyId, form, requestedAt, requester, inRemovalProceedings, qualifyingActivity, victim } = body;
    return this.writer.create(principal, meta, agencyId, {
      streamId: certificationStreamId(certificationId),
      decider: certificationDecider,
      command: {
        type: 'RequestCertification',
        data: {
          certificationId,
          agencyId,
          form,
          requestedAt,
          requester,
          inRemovalProceedings,
          qualifyingActivity,
          victim,
        },
        actor: meta.actor,
        now: this.clock.now(),
      },
      createdId: certificationId,
      personKey: { keyId: victimKeyId(certificationId), create: true },
    });
  }
}
