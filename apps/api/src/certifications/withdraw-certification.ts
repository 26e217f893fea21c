import { Inject } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  certificationDecider,
  certificationStreamId,
  CLOCK,
  type Clock,
  withdrawalFieldErrors,
} from '@trust-ledger/domain';
import { victimKeyId } from '@trust-ledger/privacy';
import type { Principal } from '../auth/principal';
import { IsIsoDateTime, Text } from '../common/validators';
import type { CommandMeta } from '../write/command-meta';
import type { CommandResult } from '../write/command-result';
import { AgencyRecordWriter } from '../write/agency-record-writer';
import { certificationNotFound } from './certification-params';
import { FieldChecks } from '../common/validation';

@FieldChecks(withdrawalFieldErrors)
export class WithdrawCertificationDto {
  @ApiProperty({ format: 'date-time' })
  @IsIsoDateTime()
  at!: string;

  @ApiProperty({ maxLength: 4000 })
  @Text(4000)
  reason!: string;
}

export class WithdrawCertificationCommand extends Command<CommandResult> {
  constructor(
    readonly principal: Principal,
    readonly meta: CommandMeta,
    readonly certificationId: string,
    readonly body: WithdrawCertificationDto,
  ) {
    super();
  }
}

@CommandHandler(WithdrawCertificationCommand)
export class WithdrawCertificationHandler implements ICommandHandler<WithdrawCertificationCommand> {
  constructor(
    private readonly writer: AgencyRecordWriter,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ principal, meta, certificationId, body }: WithdrawCertificationCommand): Promise<CommandResult> {
    return this.writer.update(principal, meta, certificationNotFound, {
      streamId: certificationStreamId(certificationId),
      // Its free text is sealed with the victim's data, and so is the request's fingerprint.
      personKey: { keyId: victimKeyId(certificationId), create: false },
      decider: certificationDecider,
      command: {
        type: 'WithdrawCertification',
        data: { at: body.at, reason: body.reason },
        actor: meta.actor,
        now: this.clock.now(),
      },
    });
  }
}
