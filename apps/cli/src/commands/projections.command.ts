import { Logger, type LoggerService } from '@nestjs/common';
import type { Command } from 'commander';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventStore } from '@trust-ledger/event-store';
import {
  CaseViewProjection,
  Checkpoints,
  openReadModelDb,
  ProjectionRunner,
  ProjectionsBehindError,
  readModelDifferences,
  readModelsPath,
  type Projection,
  type ProjectionStatus,
  type ReadModelDb,
  type TableDifference,
} from '@trust-ledger/projections';
import { CertificationViewProjection } from '@trust-ledger/projections/certifications';
import { MatterViewProjection } from '@trust-ledger/projections/institutional';
import { PublishedReportsProjection } from '@trust-ledger/projections/reports';
import { StatisticsProjection } from '@trust-ledger/projections/statistics';
import {
  VIOLATION_REGISTER,
  ViolationQueries,
  ViolationRegisterProjection,
} from '@trust-ledger/projections/violations';
import { loadConfig } from '../../../api/src/config/app-config';
import { snapshotSqlite } from '../sqlite-snapshot';
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

/** `projections status`, `verify` and `rebuild [name]`, on DATA_DIR's read models like the API. */
export function registerProjectionsCommand(program: Command): void {
  const projections = program.command('projections').description("inspect or rebuild the API's read models");

  projections
    .command('status')
    .description(
      'each projection: position, lag behind the log, error; exits 1 if one has stopped on an error',
    )
    .action(() =>
      withRunner(async (runner, db) => {
        const statuses = await runner.status();
        for (const status of statuses) process.stdout.write(`${describe(status)}\n`);
        // Conclusions of counsel's the register does not show: each named, for someone to look at.
        if (statuses.some((s) => s.name === VIOLATION_REGISTER && s.details?.unappliedReviews)) {
          for (const r of new ViolationQueries(db).unappliedReviews()) {
            const act = r.act === null ? 'naming no act' : `of ${r.ruleId} on ${r.streamId}, act ${r.act}`;
            process.stdout.write(
              `  unapplied review ${r.eventId} (${r.reviewedAt}) of violation ${r.violationId}, ${act}\n`,
            );
          }
        }
        if (runner.erasedWalPending()) process.stdout.write(ERASED_WAL_PENDING);
        if (statuses.some((s) => s.error !== null)) process.exitCode = 1;
      }),
    );

  projections
    .command('verify')
    .description(
      "rebuild every projection from the log into a scratch database and compare it, table by table, with DATA_DIR's read models brought to the same position; exits 1 naming each table that differs (the API may keep running)",
    )
    .action(() => verifyReadModels());

  projections
    .command('rebuild')
    .description(
      'drop a projection (or all) and replay the whole log into it; the API may keep running (it follows the reset checkpoint), but its reads of the projection are incomplete until the replay ends, and what waits for the record (minPosition, reviews, reports) waits for the replay or answers 503',
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
        // The rebuild itself succeeded: the exit code stays its own.
        if (!runner.truncateErasedWal(ERASED_WAL_WAIT_MS)) process.stderr.write(ERASED_WAL_LEFT);
      }),
    );
}

/** How long a rebuild waits at its end for other processes to let it empty the WAL of erased pages. */
const ERASED_WAL_WAIT_MS = 5_000;
const ERASED_WAL_LEFT =
  "WARNING: the rebuild succeeded, but read-models.db's WAL may still hold personal data of an erased person in clear: another process (a backup, projections verify, a sqlite3 shell) kept reading the file. Run `projections rebuild` again once it is done, or leave it to the API, which empties it when it next starts or applies an event.\n";

const ERASED_WAL_PENDING =
  "read-models.db's WAL may still hold personal data of an erased person in clear: another process kept the API or a rebuild from emptying it. The API empties it once nothing else reads the file; `projections rebuild` does too.\n";

/** Printed rows are cut here: a case view is kilobytes of (sealed) JSON. */
const ROW_SHOWN_CHARS = 300;

/**
 * Rebuilds every projection into a scratch database and compares it with a snapshot of DATA_DIR's
 * read models, both brought to the same position of the log. The read models are what counsel and
 * the public read, and `verify` checks only the log they derive from: a deleted violation row
 * shows here.
 */
async function verifyReadModels(): Promise<void> {
  Logger.overrideLogger(stderrLogger);
  const config = loadConfig({}, process.env, { readOnly: true });
  const live = readModelsPath(config.dataDir);
  if (!existsSync(live)) throw new Error(`no read models at ${live} (check DATA_DIR)`);
  const store = await openExistingStore(config);
  const scratch = mkdtempSync(join(tmpdir(), 'trust-ledger-verify-'));
  const currentFile = join(scratch, 'current.db');
  const rebuiltFile = join(scratch, 'rebuilt.db');
  try {
    // A snapshot, so the API can keep running; the copy then follows the log as the API would.
    await snapshotSqlite(live, currentFile);
    const current = openReadModelDb(currentFile);
    const rebuilt = openReadModelDb(rebuiltFile);
    try {
      const runners = [current, rebuilt].map((db) => new ProjectionRunner(store, db, cliProjections()));
      const incomparable = incomparableIn(current, await runners[0].status());
      if (incomparable.length > 0) {
        for (const line of incomparable) process.stdout.write(`NOT COMPARED ${line}\n`);
        process.stdout.write(
          `FAILED: ${incomparable.length} projection(s) cannot be compared with a rebuild; start the API (it rebuilds a projection of another version) or run \`projections rebuild\`\n`,
        );
        process.exitCode = 1;
        return;
      }
      await runners[1].rebuild();
      const position = await atOnePosition(store, runners);
      rebuilt.close();
      report(position, readModelDifferences(current, rebuiltFile));
    } catch (error) {
      if (!(error instanceof ProjectionsBehindError)) throw error;
      process.stdout.write(`FAILED: ${error.message}\n`);
      process.exitCode = 1;
    } finally {
      current.close();
      if (rebuilt.open) rebuilt.close();
    }
  } finally {
    await store.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The projections whose rows in DATA_DIR could not equal a rebuild by this code: another version
 * (the API has not restarted since an upgrade), stopped on an error, or past the log's head. The
 * runner would drop and replay them, comparing a rebuild with a rebuild.
 */
function incomparableIn(db: ReadModelDb, statuses: ProjectionStatus[]): string[] {
  const checkpoints = new Checkpoints(db);
  return statuses.flatMap(({ name, version, error }) => {
    const stored = checkpoints.get(name);
    if (stored === undefined) return [`${name}: DATA_DIR's read models have never held it`];
    if (stored.version !== version) {
      return [`${name}: DATA_DIR's read models hold version ${stored.version}, this code's is ${version}`];
    }
    return error === null ? [] : [`${name}: ${error.message}`];
  });
}

/** Brings every projection of both runners to the log's head, again while the log moves on. */
async function atOnePosition(store: EventStore, runners: ProjectionRunner[]): Promise<string | null> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const head = await store.headPosition();
    if (head === null) return null;
    for (const runner of runners) runner.start();
    try {
      await Promise.all(runners.map((runner) => runner.waitFor(head, Infinity)));
    } finally {
      await Promise.all(runners.map((runner) => runner.stop()));
    }
    const positions = new Set(
      (await Promise.all(runners.map((runner) => runner.status()))).flat().map((s) => s.position),
    );
    if (positions.size === 1) return [...positions][0];
  }
  throw new Error('the log kept moving while the read models were compared: run it again when writes pause');
}

function report(position: string | null, differences: TableDifference[]): void {
  const shown = (row: string): string =>
    row.length > ROW_SHOWN_CHARS ? `${row.slice(0, ROW_SHOWN_CHARS)}…` : row;
  for (const { table, rows, onlyFirst, onlySecond } of differences) {
    const counted = (n: number | null): string => (n === null ? 'no such table' : `${n} rows`);
    process.stdout.write(
      `DIFFERS ${table}: ${counted(rows[0])} in DATA_DIR's read models, ${counted(rows[1])} in a rebuild of the log\n`,
    );
    for (const row of onlyFirst) process.stdout.write(`  only in DATA_DIR's: ${shown(row)}\n`);
    for (const row of onlySecond) process.stdout.write(`  only in the rebuild: ${shown(row)}\n`);
  }
  const at = `at log position ${position ?? 'start (empty log)'}`;
  if (differences.length === 0) {
    process.stdout.write(`OK: every read model equals a rebuild of the log ${at}\n`);
  } else {
    process.stdout.write(
      `FAILED: ${differences.length} table(s) differ from a rebuild of the log ${at}; the log is the record: \`projections rebuild\` replaces them\n`,
    );
    process.exitCode = 1;
  }
}

async function withRunner(work: (runner: ProjectionRunner, db: ReadModelDb) => Promise<void>): Promise<void> {
  Logger.overrideLogger(stderrLogger);
  // Neither makes DATA_DIR (nor a JWT secret in it): a mistyped one is an error.
  const config = loadConfig({}, process.env, { readOnly: true });
  const store = await openExistingStore(config);
  const db = openReadModelDb(readModelsPath(config.dataDir));
  try {
    await work(new ProjectionRunner(store, db, cliProjections()), db);
  } finally {
    await store.close();
    db.close();
  }
}

function describe({ name, version, position, lag, behind, error, details }: ProjectionStatus): string {
  const told = Object.entries(details ?? {}).map(([key, value]) => `, ${key} ${JSON.stringify(value)}`);
  const where = `${name} v${version} at ${position ?? 'start'}, ${lag ?? (behind ? 'some' : 0)} behind${told.join('')}`;
  return error === null
    ? `OK ${where}`
    : `FAILED ${where}: stopped at event ${error.eventId ?? '-'} (position ${error.position ?? '-'}): ${error.message}`;
}
