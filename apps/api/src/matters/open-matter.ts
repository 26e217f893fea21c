import { Inject } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  CLOCK,
  MATTER_KINDS,
  MATTER_REQUESTING_AGENCIES,
  matterDecider,
  matterStreamId,
  PROTECTED_CHARACTERISTICS,
  SERVICE_DENIAL_REASONS,
  SURVEILLANCE_TARGET_KINDS,
  type Clock,
  type MatterKind,
  type MatterRequestingAgency,
  type ProtectedCharacteristic,
  type ServiceDenialReason,
  type SurveillanceTargetKind,
  openMatterFieldErrors,
} from '@trust-ledger/domain';
import { IsIn, IsOptional } from 'class-validator';
import type { Principal } from '../auth/principal';
import { EnumList, IsAgencyId, IsIsoDateTime, NestedObject, Text, IsId } from '../common/validators';
import { AgencyRecordWriter } from '../write/agency-record-writer';
import { createdIdFor, type CommandMeta } from '../write/command-meta';
import type { CommandResult } from '../write/command-result';
import { FieldChecks } from '../common/validation';

export class SurveillanceTargetDto {
  @ApiProperty({ enum: SURVEILLANCE_TARGET_KINDS })
  @IsIn(SURVEILLANCE_TARGET_KINDS)
  kind!: SurveillanceTargetKind;
}

/*
 * Which kind needs or admits which field (denialReason for SERVICE_DENIAL, target for SURVEILLANCE,
 * requestingAgency for school matters…) is the matter decider's to judge, naming the field.
 */
@FieldChecks(openMatterFieldErrors, { branchesOn: ['kind'] })
export class OpenMatterDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Client-chosen id, so that a retry names the same matter',
  })
  @IsOptional()
  @IsId()
  matterId?: string;

  @ApiProperty({ description: 'Officers and supervisors: their own agency' })
  @IsAgencyId()
  agencyId!: string;

  @ApiProperty({ enum: MATTER_KINDS })
  @IsIn(MATTER_KINDS)
  kind!: MatterKind;

  @ApiProperty({ format: 'date-time' })
  @IsIsoDateTime()
  receivedAt!: string;

  @ApiPropertyOptional({
    enum: MATTER_REQUESTING_AGENCIES,
    description: 'Required for STUDENT_RECORDS_REQUEST and SCHOOL_ACCESS_REQUEST',
  })
  @IsOptional()
  @IsIn(MATTER_REQUESTING_AGENCIES)
  requestingAgency?: MatterRequestingAgency;

  @ApiPropertyOptional({ maxLength: 200, description: 'STATUS_COLLECTION and SERVICE_DENIAL only' })
  @IsOptional()
  @Text(200)
  program?: string;

  @ApiPropertyOptional({
    enum: SERVICE_DENIAL_REASONS,
    description: 'Required for SERVICE_DENIAL, and only then',
  })
  @IsOptional()
  @IsIn(SERVICE_DENIAL_REASONS)
  denialReason?: ServiceDenialReason;

  @ApiPropertyOptional({
    enum: PROTECTED_CHARACTERISTICS,
    isArray: true,
    description: 'REGISTRY_REQUEST only',
  })
  @IsOptional()
  @EnumList(PROTECTED_CHARACTERISTICS)
  protectedCharacteristics?: ProtectedCharacteristic[];

  @ApiPropertyOptional({
    type: () => SurveillanceTargetDto,
    description: 'Required for SURVEILLANCE, and only then',
  })
  @IsOptional()
  @NestedObject(() => SurveillanceTargetDto)
  target?: SurveillanceTargetDto;

  @ApiProperty({ maxLength: 4000 })
  @Text(4000)
  description!: string;
}

export class OpenMatterCommand extends Command<CommandResult> {
  constructor(
    readonly principal: Principal,
    readonly meta: CommandMeta,
    readonly body: OpenMatterDto,
  ) {
    super();
  }
}

@CommandHandler(OpenMatterCommand)
export class OpenMatterHandler implements ICommandHandler<OpenMatterCommand> {
  constructor(
    private readonly writer: AgencyRecordWriter,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ principal, meta, body }: OpenMatterCommand): Promise<CommandResult> {
    const matterId = body.matterId ?? createdIdFor(meta.commandId);
    const { agencyId, kind, receivedAt, requestingAgency, program, denialReason, protectedCharacteristics } =
      body;
    return this.writer.create(principal, meta, agencyId, {
      streamId: matterStreamId(matterId),
      decider: matterDecider,
      command: {
        type: 'OpenMatter',
        data: {
          matterId,
          agencyId,
          kind,
          receivedAt,
          requestingAgency,
          program,
          denialReason,
          protectedCharacteristics,
          target: body.target && { kind: body.target.kind },
          description: body.description,
        },
        actor: meta.actor,
        now: this.clock.now(),
      },
      createdId: matterId,
    });
  }
}
