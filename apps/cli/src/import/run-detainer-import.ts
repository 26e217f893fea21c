import { NestFactory } from '@nestjs/core';
import type { Clock } from '@trust-ledger/domain';
import { EVENT_STORE, type EventStore } from '@trust-ledger/event-store';
import { statSync } from 'node:fs';
import { AGENCY_ID_PATTERN } from '../../../api/src/common/validators';
import { readableFile } from '../readable-file';
import type { AppConfig } from '../../../api/src/config/app-config';
import { CommandExecutor } from '../../../api/src/write/command-executor';
import { importDetainers } from './detainer-import';
import { loadMapping } from './detainer-mapping';
import { ImportModule } from './import.module';

export interface RunDetainerImportOptions {
  file: string;
  mappingFile: string;
  agencyId?: string;
  allowSkips: boolean;
}

/** Where the command writes: `out` its result (the summary), `err` the problems and progress. */
export interface ImportOutput {
  out(line: string): void;
  err(line: string): void;
}

/**
 * `import detainers`: checks the inputs before anything is opened, imports, prints the summary and
 * answers the exit code — 1 when a row was not imported, unless the operator allowed skips.
 */
export async function runDetainerImport(
  config: AppConfig,
  clock: Clock,
  options: RunDetainerImportOptions,
  output: ImportOutput,
): Promise<number> {
  if (options.agencyId !== undefined && !AGENCY_ID_PATTERN.test(options.agencyId)) {
    throw new Error(`--agency must be an agency id: 1–64 letters, digits, ".", "_", ":" or "-"`);
  }
  // A pipe's name (/dev/fd/63) changes from run to run, and the file's name is in every id it records.
  if (!statSync(readableFile(options.file, 'the detainer log')).isFile()) {
    throw new Error(
      `the detainer log must be a regular file, not ${options.file}: its name is part of every id the import records`,
    );
  }
  const mapping = loadMapping(options.mappingFile);

  const app = await NestFactory.createApplicationContext(ImportModule.forRoot(config, clock), {
    logger: ['error', 'warn'],
  });
  let summary;
  let wroteNothing: boolean;
  try {
    const store = app.get<EventStore>(EVENT_STORE);
    const head = await store.headPosition();
    summary = await importDetainers(
      app.get(CommandExecutor),
      { file: options.file, mapping, agencyId: options.agencyId, now: clock.now() },
      output.err,
    );
    // Rows imported before are answered with their first result, like any retried command.
    wroteNothing = (await store.headPosition()) === head;
  } finally {
    // Closing commits the appends still queued for the store's group commit.
    await app.close();
  }
  const pending =
    summary.unknownLiftReasons > 0
      ? `; ${summary.unknownLiftReasons} with a lift reason the mapping does not name, recorded as pending`
      : '';
  const already = wroteNothing && summary.imported > 0 ? ' (all recorded before: nothing written)' : '';
  const skipped = summary.skipped > 0 ? `skipped ${summary.skipped} (see above)` : 'skipped none';
  output.out(`imported ${summary.imported} rows${already}, ${skipped}${pending}`);
  if (summary.skipped > 0 && !options.allowSkips) {
    output.err(
      'not every row was imported: fix the rows named above (or the mapping) and run the import again — rows already imported are not recorded twice — or pass --allow-skips',
    );
    return 1;
  }
  return 0;
}
