import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, reportDecider, reportStreamId, type Clock } from '@trust-ledger/domain';
import { OrdinanceHistoryProvider } from '@trust-ledger/projections/ordinance';
import { CommandExecutor } from '../write/command-executor';
import type { CommandMeta } from '../write/command-meta';
import type { CommandResult } from '../write/command-result';
import type { ReportPeriodDto } from './report-period';
import { ReportSnapshots } from './report-snapshots';

export class PublishReportCommand extends Command<CommandResult> {
  constructor(
    readonly meta: CommandMeta,
    readonly body: ReportPeriodDto,
  ) {
    super();
  }
}

/**
 * The report decider judges the period against the ordinance (the granularity in force at the
 * period's end, whether it has ended, whether it is published), so the handler gives it the
 * ordinance as recorded.
 */
@CommandHandler(PublishReportCommand)
export class PublishReportHandler implements ICommandHandler<PublishReportCommand> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly snapshots: ReportSnapshots,
    private readonly ordinance: OrdinanceHistoryProvider,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ meta, body: { period } }: PublishReportCommand): Promise<CommandResult> {
    const ordinance = await this.ordinance.history();
    const snapshot = await this.snapshots.take(period);
    return this.executor.execute({
      ...meta,
      streamId: reportStreamId(period),
      decider: reportDecider,
      command: {
        type: 'PublishReport',
        data: { period, ...snapshot },
        ordinance,
        actor: meta.actor,
        now: this.clock.now(),
      },
    });
  }
}
