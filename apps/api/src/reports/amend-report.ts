import { Inject } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, reportDecider, reportStreamId, type Clock } from '@trust-ledger/domain';
import { Text } from '../common/validators';
import { CommandExecutor } from '../write/command-executor';
import type { CommandMeta } from '../write/command-meta';
import type { CommandResult } from '../write/command-result';
import { ReportSnapshots } from './report-snapshots';

export class AmendReportDto {
  @ApiProperty({ maxLength: 4000, description: 'Why the published report is amended' })
  @Text(4000)
  reason!: string;
}

export class AmendReportCommand extends Command<CommandResult> {
  constructor(
    readonly meta: CommandMeta,
    readonly period: string,
    readonly body: AmendReportDto,
  ) {
    super();
  }
}

/** A new snapshot of the period's statistics as they stand now, kept beside the original. */
@CommandHandler(AmendReportCommand)
export class AmendReportHandler implements ICommandHandler<AmendReportCommand> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly snapshots: ReportSnapshots,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ meta, period, body }: AmendReportCommand): Promise<CommandResult> {
    const snapshot = await this.snapshots.take(period);
    return this.executor.execute({
      ...meta,
      streamId: reportStreamId(period),
      decider: reportDecider,
      command: {
        type: 'AmendReport',
        data: { reason: body.reason, ...snapshot },
        actor: meta.actor,
        now: this.clock.now(),
      },
    });
  }
}
