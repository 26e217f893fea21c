import { Logger, type LoggerService } from '@nestjs/common';
import type { Command } from 'commander';
import {
  CaseViewProjection,
  openReadModelDb,
  ProjectionRunner,
  ProjectionsBehindError,
  readModelsPath,
  type Projection,
  type ProjectionStatus,
} from '@trust-ledger/projections';
import { CertificationViewProjection } from '@trust-ledger/projections/certifications';
import { MatterViewProjection } from '@trust-ledger/projections/institutional';
import { PublishedReportsProjection } from '@trust-ledger/projections/reports';
import { StatisticsProjection } from '@trust-ledger/projections/statistics';
import { ViolationRegisterProjection } from '@trust-ledger/projections/violations';
import { loadConfig } from '../../../api/src/config/app-config';
import { openExistingStore } from './verify.command';

/**
 * The projections the API runs (each registered there with @ProjectionProvider()). The crash test
 * checks that this list and the API's agree.
 */
export const cliProjections = (): Projection[] => [
  new CaseViewProjection(),
  new ViolationRegisterProjection(),
  new StatisticsProjection(),
  new CertificationViewProjection(),
  new MatterViewProjection(),
  new PublishedReportsProjection(),
];

/** stdout carries only the command's result; the runner's diagnostics go to stderr. */
const stderrLogger: LoggerService = {
  log: (message: unknown) => process.stderr.write(`${String(message)}\n`),
  error: (message: unknown) => process.stderr.write(`${String(message)}\n`),
  warn: (message: unknown) => process.stderr.write(`${String(message)}\n`),
};

/** `projections status` and `projections rebuild [name]`, on DATA_DIR's read models like the API. */
export function registerProjectionsCommand(program: Command): void {
  const projections = program.command('projections').description("inspect or rebuild the API's read models");

  projections
    .command('status')
    .description(
      'each projection: position, lag behind the log, error; exits 1 if one has stopped on an error',
    )
    .action(() =>
      withRunner(async (runner) => {
        const statuses = await runner.status();
        for (const status of statuses) process.stdout.write(`${describe(status)}\n`);
        if (statuses.some((s) => s.error !== null)) process.exitCode = 1;
      }),
    );

  projections
    .command('rebuild')
    .description(
      'drop a projection (or all) and replay the whole log into it; the API may keep running (it follows the reset checkpoint), but its reads of the projection are incomplete until the replay ends',
    )
    .argument('[name]', 'the projection to rebuild (default: all)')
    .action((name: string | undefined) =>
      withRunner(async (runner) => {
        try {
          await runner.rebuild(name);
        } catch (error) {
          if (!(error instanceof ProjectionsBehindError)) throw error;
          process.exitCode = 1;
        }
        const statuses = await runner.status();
        for (const status of statuses.filter((s) => name === undefined || s.name === name)) {
          process.stdout.write(`${describe(status)}\n`);
        }
      }),
    );
}

async function withRunner(work: (runner: ProjectionRunner) => Promise<void>): Promise<void> {
  Logger.overrideLogger(stderrLogger);
  const config = loadConfig();
  const store = openExistingStore(config);
  const db = openReadModelDb(readModelsPath(config.dataDir));
  try {
    await work(new ProjectionRunner(store, db, cliProjections()));
  } finally {
    await store.close();
    db.close();
  }
}

function describe({ name, version, position, lag, behind, error }: ProjectionStatus): string {
  const where = `${name} v${version} at ${position ?? 'start'}, ${lag ?? (behind ? 'some' : 0)} behind`;
  return error === null
    ? `OK ${where}`
    : `FAILED ${where}: stopped at event ${error.eventId ?? '-'} (position ${error.position ?? '-'}): ${error.message}`;
}
