import { Inject } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  CERTIFICATION_OUTCOMES,
  certificationDecider,
  certificationStreamId,
  CLOCK,
  DENIAL_GROUNDS,
  type CertificationOutcome,
  type Clock,
  type DenialGround,
  certificationDecisionFieldErrors,
} from '@trust-ledger/domain';
import { victimKeyId } from '@trust-ledger/privacy';
import { IsIn } from 'class-validator';
import type { Principal } from '../auth/principal';
import { IsIsoDateTime, RequiredWhen, Text } from '../common/validators';
import type { CommandMeta } from '../write/command-meta';
import type { CommandResult } from '../write/command-result';
import { AgencyRecordWriter } from '../write/agency-record-writer';
import { certificationNotFound } from './certification-params';
import { FieldChecks } from '../common/validation';

@FieldChecks(certificationDecisionFieldErrors, { branchesOn: ['outcome'] })
export class DecideCertificationDto {
  @ApiProperty({ enum: CERTIFICATION_OUTCOMES })
  @IsIn(CERTIFICATION_OUTCOMES)
  outcome!: CertificationOutcome;

  @ApiProperty({ format: 'date-time' })
  @IsIsoDateTime()
  decidedAt!: string;

  @ApiPropertyOptional({ enum: DENIAL_GROUNDS, description: 'Required with DENIED, and only then' })
  @RequiredWhen((dto: DecideCertificationDto) => dto.outcome === 'DENIED', 'with outcome DENIED')
  @IsIn(DENIAL_GROUNDS)
  grounds?: DenialGround;

  @ApiProperty({ maxLength: 4000 })
  @Text(4000)
  explanation!: string;
}

export class DecideCertificationCommand extends Command<CommandResult> {
  constructor(
    readonly principal: Principal,
    readonly meta: CommandMeta,
    readonly certificationId: string,
    readonly body: DecideCertificationDto,
  ) {
    super();
  }
}

@CommandHandler(DecideCertificationCommand)
export class DecideCertificationHandler implements ICommandHandler<DecideCertificationCommand> {
  constructor(
    private readonly writer: AgencyRecordWriter,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ principal, meta, certificationId, body }: DecideCertificationCommand): Promise<CommandResult> {
    const { outcome, decidedAt, grounds, explanation } = body;
    return this.writer.update(principal, meta, certificationNotFound, {
      streamId: certificationStreamId(certificationId),
      // Its free text is sealed with the victim's data, and so is the request's fingerprint.
      personKey: { keyId: victimKeyId(certificationId), create: false },
      decider: certificationDecider,
      command: {
        type: 'DecideCertification',
        data: { outcome, decidedAt, grounds, explanation },
        actor: meta.actor,
        now: this.clock.now(),
      },
    });
  }
}
