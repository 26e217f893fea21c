import { Inject } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  certificationDecider,
  certificationStreamId,
  CLOCK,
  type Clock,
  assistanceRefusalFieldErrors,
} from '@trust-ledger/domain';
import { victimKeyId } from '@trust-ledger/privacy';
import type { Principal } from '../auth/principal';
import { IsIsoDateTime, Text } from '../common/validators';
import type { CommandMeta } from '../write/command-meta';
import type { CommandResult } from '../write/command-result';
import { AgencyRecordWriter } from '../write/agency-record-writer';
import { certificationNotFound } from './certification-params';
import { FieldChecks } from '../common/validation';

/** The victim refused or failed to give reasonably requested help. */
@FieldChecks(assistanceRefusalFieldErrors)
export class RecordAssistanceRefusalDto {
  @ApiProperty({ format: 'date-time' })
  @IsIsoDateTime()
  at!: string;

  @ApiProperty({ maxLength: 4000 })
  @Text(4000)
  description!: string;
}

export class RecordAssistanceRefusalCommand extends Command<CommandResult> {
  constructor(
    readonly principal: Principal,
    readonly meta: CommandMeta,
    readonly certificationId: string,
    readonly body: RecordAssistanceRefusalDto,
  ) {
    super();
  }
}

@CommandHandler(RecordAssistanceRefusalCommand)
export class RecordAssistanceRefusalHandler implements ICommandHandler<RecordAssistanceRefusalCommand> {
  constructor(
    private readonly writer: AgencyRecordWriter,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({
    principal,
    meta,
    certificationId,
    body,
  }: RecordAssistanceRefusalCommand): Promise<CommandResult> {
    return this.writer.update(principal, meta, certificationNotFound, {
      streamId: certificationStreamId(certificationId),
      // Its free text is sealed with the victim's data, and so is the request's fingerprint.
      personKey: { keyId: victimKeyId(certificationId), create: false },
      decider: certificationDecider,
      command: {
        type: 'RecordAssistanceRefusal',
        data: { at: body.at, description: body.description },
        actor: meta.actor,
        now: this.clock.now(),
      },
    });
  }
}
