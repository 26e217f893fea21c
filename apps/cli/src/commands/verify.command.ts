import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { createEventStore, type EventStore } from '@trust-ledger/event-store';
import { verifyAll, verifyStream, type RecordedCheckpoint } from '@trust-ledger/integrity';
import { loadConfig, sqliteStoreFile, type AppConfig } from '../../../api/src/config/app-config';

/** `verify [--stream <id>]`: recomputes the hash chains; exits 1 naming every break. */
export function registerVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description(
      'recompute the hash chains of every stream (or one) and compare them with the checkpoints; exit 1 on any break',
    )
    .option('--stream <id>', 'verify only this stream (e.g. case-<caseId>)')
    .action(async (options: { stream?: string }) => {
      const store = openExistingStore(loadConfig());
      try {
        const log = options.stream === undefined ? await verifyAll(store) : undefined;
        const result = log ?? (await verifyStream(store, options.stream!));
        for (const b of result.breaks)
          process.stdout.write(`BREAK ${b.streamId} revision ${b.revision}: ${b.reason}\n`);
        if (result.valid) {
          process.stdout.write(`OK: ${result.checkedEvents} events checked, every hash chain intact\n`);
        } else {
          process.stdout.write(
            `FAILED: ${result.breaks.length} break(s) in ${result.checkedEvents} events checked\n`,
          );
          process.exitCode = 1;
        }
        if (log !== undefined) process.stdout.write(`${describeCheckpoint(log.lastCheckpoint)}\n`);
      } finally {
        await store.close();
      }
    });
}

/** The digest to keep outside the database: a later `verify` that prints the same one for that
 * checkpoint shows the log still holds every head recorded up to it. */
function describeCheckpoint(checkpoint: RecordedCheckpoint | null): string {
  if (checkpoint === null) return 'No checkpoint recorded yet';
  const { revision, checkpointedAt, position, digest } = checkpoint;
  return `Last checkpoint: revision ${revision} (${checkpointedAt}, log position ${position}), digest ${digest}`;
}

/** The configured store, never a new empty one: verifying a mistyped DATA_DIR must not pass. */
export function openExistingStore(config: AppConfig): EventStore {
  if (config.eventStore === 'eventstoredb') {
    return createEventStore({ kind: 'eventstoredb', connectionString: config.eventStoreConnectionString! });
  }
  const file = sqliteStoreFile(config);
  if (!existsSync(file)) throw new Error(`no event store at ${file} (check DATA_DIR)`);
  return createEventStore({ kind: 'sqlite', file });
}
