import Database from 'better-sqlite3';
import type { Command } from 'commander';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { createEventStore } from '@trust-ledger/event-store';
import { parsePublicKey, PUBLIC_KEY_FILE, SIGNING_KEY_FILE, verifyAll } from '@trust-ledger/integrity';
import { keyStoreFile, MASTER_KEY_FILE } from '@trust-ledger/privacy';
import { loadConfig, sqliteStoreFile } from '../../../api/src/config/app-config';
import { JWT_SECRET_FILE } from '../../../api/src/config/jwt-secret';
import { IDEMPOTENCY_FILE } from '../../../api/src/write/idempotency.store';

/** A backup step this large copies every page at once. */
const ALL_PAGES = 0x7fffffff;

/**
 * `backup <dir>`: a copy of DATA_DIR that a restore can start from, taken while the API runs. The
 * log first and the key store after it, so that the keys are at least as new as the log: a key
 * store older than its log has lost the keys of everyone recorded since, whose data is then as
 * good as erased. The idempotency store the other way round, before the log: one newer than its
 * log remembers commands the log lacks, and a restored service would answer a client's retry of
 * one with its first 201 and record nothing. On EventStoreDB, whose backup is taken before this,
 * it is left out: a retry of a command the log holds is still recognised by the events' own
 * commandId. The read models are left out: the service rebuilds them from the log.
 */
export function registerBackupCommand(program: Command): void {
  program
    .command('backup')
    .description(
      `copy DATA_DIR's event log (embedded store), key store, idempotency store and generated secrets into a new directory, the API may keep running; then verify the copied log. Read models are left out (rebuilt from the log)`,
    )
    .argument('<dir>', 'a directory outside DATA_DIR that does not exist yet, or is empty')
    .action(async (dir: string) => {
      const config = loadConfig({}, process.env, { readOnly: true });
      const target = resolve(dir);
      if (existsSync(target) && readdirSync(target).length > 0) {
        throw new Error(`${target} is not empty: a backup goes into a new directory`);
      }
      // Lost with DATA_DIR (a disk, a volume, an rm -r), it would be no backup of it.
      if (within(realPath(config.dataDir), realPath(target))) {
        throw new Error(`${target} is inside DATA_DIR (${config.dataDir}): a backup goes outside it`);
      }
      if (config.eventStore === 'sqlite' && !existsSync(sqliteStoreFile(config))) {
        throw new Error(
          `${sqliteStoreFile(config)} does not exist: no event log to back up (is DATA_DIR right?)`,
        );
      }
      mkdirSync(target, { recursive: true, mode: 0o700 });
      chmodSync(target, 0o700);

      const copied = (file: string) => process.stdout.write(`copied ${file}\n`);
      const embedded = config.eventStore === 'sqlite';
      const idempotency = join(config.dataDir, IDEMPOTENCY_FILE);
      if (embedded) {
        if (existsSync(idempotency)) {
          await snapshot(idempotency, target);
          copied(IDEMPOTENCY_FILE);
        }
        await snapshot(sqliteStoreFile(config), target);
        copied('trust-ledger.db');
      } else {
        process.stdout.write(
          `the event log is in EventStoreDB: back it up with EventStoreDB itself (deploy/README.md), before this; ${IDEMPOTENCY_FILE} is left out, since it would be newer than that backup\n`,
        );
      }
      const keys = keyStoreFile(config.dataDir);
      if (existsSync(keys)) {
        await snapshot(keys, target);
        copied(basename(keys));
      }
      // Only what DATA_DIR holds: a secret given in the environment is the operator's to keep.
      for (const file of [MASTER_KEY_FILE, SIGNING_KEY_FILE, PUBLIC_KEY_FILE, JWT_SECRET_FILE]) {
        if (!existsSync(join(config.dataDir, file))) continue;
        copyFileSync(join(config.dataDir, file), join(target, file));
        chmodSync(join(target, file), 0o600);
        copied(file);
      }
      if (!embedded) return;

      // A backup is worth its verification: a log already altered is still copied, and said so.
      const store = createEventStore({
        kind: 'sqlite',
        file: join(target, 'trust-ledger.db'),
        readonly: true,
      });
      try {
        const ownKey = join(config.dataDir, PUBLIC_KEY_FILE);
        const publicKeys = [
          ...(existsSync(ownKey) ? [parsePublicKey(readFileSync(ownKey, 'utf8'), ownKey)] : []),
          ...config.evidenceTrustedPublicKeys,
        ];
        const result = await verifyAll(store, {
          publicKeys,
          requireSignature: false,
          anchor: config.integrityAnchor,
        });
        for (const b of result.breaks) {
          process.stdout.write(`BREAK ${b.streamId} revision ${b.revision}: ${b.reason}\n`);
        }
        if (result.valid) {
          process.stdout.write(
            `OK: backup in ${target}; its log verifies (${result.checkedEvents} events, every hash chain intact)\n`,
          );
        } else {
          process.stdout.write(
            `FAILED: the backup in ${target} holds a log that does not verify (${result.breaks.length} break(s)); restore an older backup that does\n`,
          );
          process.exitCode = 1;
        }
      } finally {
        await store.close();
      }
    });
}

/**
 * SQLite's online backup of `file` into `dir`, in one step: a backup taken in steps starts again
 * whenever the source is written meanwhile, which a running API does all the time.
 */
async function snapshot(file: string, dir: string): Promise<void> {
  const source = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const copy = join(dir, basename(file));
    await source.backup(copy, { progress: () => ALL_PAGES });
    chmodSync(copy, 0o600);
  } finally {
    source.close();
  }
}

/** `path` with every symbolic link in its existing part resolved, so that a link cannot hide where it is. */
function realPath(path: string): string {
  if (existsSync(path)) return realpathSync(path);
  const parent = dirname(path);
  return parent === path ? path : join(realPath(parent), basename(path));
}

function within(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}
