import type { Command } from 'commander';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { createEventStore, readAllPastUnreadable } from '@trust-ledger/event-store';
import { PUBLIC_KEY_FILE, SIGNING_KEY_FILE, verifyAll } from '@trust-ledger/integrity';
import {
  decodeMasterKey,
  keyStoreFile,
  LocalKeyProvider,
  MASTER_KEY_FILE,
  PersonalDataCipher,
  personKeyOfStream,
  SqliteKeyStore,
} from '@trust-ledger/privacy';
import { loadConfig, sqliteStoreFile, type AppConfig } from '../../../api/src/config/app-config';
import { IDEMPOTENCY_FILE } from '../../../api/src/write/idempotency.store';
import { snapshotSqlite } from '../sqlite-snapshot';
import { defaultPublicKeys } from './verify.command';

/**
 * `backup <dir>`: a copy of DATA_DIR that a restore can start from, taken while the API runs (in
 * the order `copyInto` gives). The read models are left out: the service rebuilds them from the log.
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
      const target = realPath(resolve(dir));
      if (existsSync(target) && !statSync(target).isDirectory()) {
        throw new Error(`${target} is not a directory: a backup goes into a new directory`);
      }
      if (existsSync(target) && readdirSync(target).length > 0) {
        throw new Error(`${target} is not empty: a backup goes into a new directory`);
      }
      // The copy is built beside it and renamed onto it, which a mount point (a backup disk mounted
      // there) cannot be: the copy would land on the parent's disk, and the rename fail after it.
      if (existsSync(target) && statSync(target).dev !== statSync(dirname(target)).dev) {
        throw new Error(
          `${target} is a mount point: name a new directory inside it (${join(target, 'backup')}, say)`,
        );
      }
      // Lost with DATA_DIR (a disk, a volume, an rm -r), it would be no backup of it.
      if (within(realPath(config.dataDir), target)) {
        throw new Error(`${target} is inside DATA_DIR (${config.dataDir}): a backup goes outside it`);
      }
      const embedded = config.eventStore === 'sqlite';
      if (embedded && !existsSync(sqliteStoreFile(config))) {
        throw new Error(
          `${sqliteStoreFile(config)} does not exist: no event log to back up (is DATA_DIR right?)`,
        );
      }
      if (!embedded) {
        process.stdout.write(
          `the event log is in EventStoreDB: back it up with EventStoreDB itself (deploy/README.md), before this; ${IDEMPOTENCY_FILE} is left out, since it would be newer than that backup\n`,
        );
      }
      // Built beside the target and renamed to it once whole: a backup cut short (killed, a full
      // disk) is never found under the target's name, nor restored from as if complete.
      const partial = `${target}.partial-${process.pid}`;
      mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
      if (existsSync(partial)) {
        throw new Error(`${partial} is left from a backup cut short: remove it, then back up again`);
      }
      mkdirSync(partial, { mode: 0o700 });
      let verdict: Verdict | undefined;
      let missing: string[];
      try {
        await copyInto(partial, config);
        verdict = embedded ? await verifyCopy(partial, config) : undefined;
        // Without either, the personal data the log holds cannot be read after a restore.
        missing = [
          ...(existsSync(keyStoreFile(partial))
            ? []
            : ['MISSING keys.db: DATA_DIR holds no key store, so no data key is in this backup']),
          ...(await masterKeyProblems(partial, config)),
        ];
        if (existsSync(target)) rmdirSync(target);
        renameSync(partial, target);
      } catch (error) {
        // Whatever failed, the secrets copied so far are not left lying about.
        rmSync(partial, { recursive: true, force: true });
        throw error instanceof Error ? error : new Error(reasonOf(error));
      }
      chmodSync(target, 0o700);

      for (const line of [...(verdict?.lines ?? []), ...missing]) process.stdout.write(`${line}\n`);
      if (verdict !== undefined && !verdict.valid) {
        process.stdout.write(
          `FAILED: the backup in ${target} holds a log that does not verify (${verdict.breaks} break(s)); restore an older backup that does\n`,
        );
        process.exitCode = 1;
      } else if (missing.length > 0) {
        process.stdout.write(
          `FAILED: the backup in ${target} cannot restore the personal data its log holds\n`,
        );
        process.exitCode = 1;
      } else if (verdict === undefined) {
        process.stdout.write(
          `OK: backup in ${target}, without the event log (EventStoreDB's own backup holds it)\n`,
        );
      } else {
        process.stdout.write(
          `OK: backup in ${target}; its log verifies (${verdict.checkedEvents} events, every hash chain intact)\n`,
        );
      }
    });
}

/**
 * The idempotency store, the log, the key store, then the secrets DATA_DIR holds. The idempotency
 * store before the log: one newer than its log remembers commands the log lacks, and a restored
 * service would answer a client's retry of one with its first 201 and record nothing. On
 * EventStoreDB, whose backup is taken before this, it is left out: a retry of a command the log
 * holds is still recognised by the events' own commandId. The key store after the log: one older
 * than its log has lost the keys of everyone recorded since, whose data is then as good as erased.
 */
async function copyInto(dir: string, config: AppConfig): Promise<void> {
  const copied = (file: string) => process.stdout.write(`copied ${file}\n`);
  const idempotency = join(config.dataDir, IDEMPOTENCY_FILE);
  if (config.eventStore === 'sqlite') {
    if (existsSync(idempotency)) copied(await snapshot(idempotency, dir));
    copied(await snapshot(sqliteStoreFile(config), dir));
  }
  const keys = keyStoreFile(config.dataDir);
  if (existsSync(keys)) copied(await snapshot(keys, dir));
  // Only what DATA_DIR holds: a secret given in the environment is the operator's to keep.
  // Not jwt-secret: a restored service makes a new one (tokens live hours), and a stolen backup
  // holding it could mint any role's token for the live service.
  for (const file of [MASTER_KEY_FILE, SIGNING_KEY_FILE, PUBLIC_KEY_FILE]) {
    if (!existsSync(join(config.dataDir, file))) continue;
    copyFileSync(join(config.dataDir, file), join(dir, file));
    chmodSync(join(dir, file), 0o600);
    copied(file);
  }
}

/**
 * Why the master key a restore would use (MASTER_KEY, else the copied master.key) cannot unwrap the
 * copied key store's keys; none when it can. The restored service would refuse to start otherwise,
 * which is too late to take another backup.
 */
async function masterKeyProblems(dir: string, config: AppConfig): Promise<string[]> {
  const file = join(dir, MASTER_KEY_FILE);
  const source = config.masterKey !== undefined ? 'MASTER_KEY' : 'DATA_DIR/master.key';
  const text = config.masterKey ?? (existsSync(file) ? readFileSync(file, 'utf8') : undefined);
  if (text === undefined) {
    return [
      'MISSING master key: neither MASTER_KEY nor DATA_DIR/master.key, so no data key can be unwrapped',
    ];
  }
  const keysFile = keyStoreFile(dir);
  if (!existsSync(keysFile)) return [];
  const keys = new SqliteKeyStore(keysFile);
  try {
    await PersonalDataCipher.opened(keys, new LocalKeyProvider(decodeMasterKey(text, source)));
    return [];
  } catch (error) {
    return [`MISSING master key: ${source} cannot unwrap keys.db's keys (${(error as Error).message})`];
  } finally {
    keys.close();
  }
}

interface Verdict {
  valid: boolean;
  checkedEvents: number;
  breaks: number;
  /** The breaks, and the erasures the copied key store carries out that the copied log lacks. */
  lines: string[];
}

/**
 * A backup is worth its verification: a log already altered is still copied, and said so. An
 * erasure recorded between the log's copy and the key store's is carried out in the copy (its key
 * destroyed) but missing from its log, which must then record it again.
 */
async function verifyCopy(dir: string, config: AppConfig): Promise<Verdict> {
  const store = createEventStore({ kind: 'sqlite', file: join(dir, 'trust-ledger.db'), readonly: true });
  try {
    const result = await verifyAll(store, {
      publicKeys: defaultPublicKeys(config.dataDir, config.evidenceTrustedPublicKeys),
      requireSignature: false,
      anchor: config.integrityAnchor,
    });
    const lines = result.breaks.map((b) => `BREAK ${b.streamId} revision ${b.revision}: ${b.reason}`);
    const keysFile = keyStoreFile(dir);
    if (existsSync(keysFile)) {
      const erasedInLog = new Set<string>();
      for await (const erasure of readAllPastUnreadable(store, {
        filter: { eventTypes: ['PersonalDataErased'] },
      })) {
        const keyId = personKeyOfStream(erasure.streamId);
        if (keyId !== undefined) erasedInLog.add(keyId);
      }
      for (const keyId of SqliteKeyStore.destroyedKeyIds(keysFile).filter((id) => !erasedInLog.has(id))) {
        lines.push(
          `WARNING: ${keyId} was erased after the log was copied: its data is unreadable in this backup, but its log does not record the erasure; after a restore, record it again`,
        );
      }
    }
    return { valid: result.valid, checkedEvents: result.checkedEvents, breaks: result.breaks.length, lines };
  } finally {
    await store.close();
  }
}

/** `file` copied into `dir` while the service runs, owner-only; answers the copy's name, and an
 * error names the file. */
async function snapshot(file: string, dir: string): Promise<string> {
  const name = basename(file);
  try {
    await snapshotSqlite(file, join(dir, name));
    chmodSync(join(dir, name), 0o600);
    return name;
  } catch (error) {
    throw new Error(`${file}: ${reasonOf(error)}`);
  }
}

/**
 * An error's message, whatever its class: better-sqlite3's errors keep the Error class of the realm
 * that first loaded it (another test file's, say), which `instanceof Error` does not recognise.
 */
function reasonOf(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(error);
}

/** `path` with every symbolic link in its existing part resolved, so that a link cannot hide where it is. */
function realPath(path: string): string {
  if (existsSync(path)) return realpathSync(path);
  const parent = dirname(path);
  return parent === path ? path : join(realPath(parent), basename(path));
}

function within(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  // Not `startsWith('..')`: DATA_DIR/..backup is inside it.
  return rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}
