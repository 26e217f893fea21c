import { existsSync, readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { join } from 'node:path';
import type { Command } from 'commander';
import { openEventStore, type EventStore } from '@trust-ledger/event-store';
import {
  parseCheckpointAnchor,
  parsePublicKey,
  PUBLIC_KEY_FILE,
  RecordedHeads,
  verifyAll,
  verifyStream,
  type RecordedCheckpoint,
  type VerificationResult,
} from '@trust-ledger/integrity';
import { loadConfig, sqliteStoreFile, type AppConfig } from '../../../api/src/config/app-config';

/** `verify [--stream <id>]`: recomputes the hash chains; exits 1 naming every break. */
export function registerVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description(
      'recompute the hash chains of every stream (or one) and compare them with the checkpoints; exit 1 on any break',
    )
    .option('--stream <id>', 'verify only this stream (e.g. case-<caseId>)')
    .option(
      '--public-key <pem file>',
      `a public key the checkpoints may be signed with (repeat it for keys used before); the last checkpoint must then be signed (with --stream, only its signature is checked). Default: DATA_DIR/${PUBLIC_KEY_FILE} if present and EVIDENCE_TRUSTED_PUBLIC_KEYS, without that requirement`,
      (file: string, files: string[]) => [...files, file],
      [] as string[],
    )
    .option(
      '--anchor <revision:digest>',
      'a checkpoint as kept outside the database (a revision and digest a verify printed): the checkpoint stream must still hold it. Default: INTEGRITY_ANCHOR',
    )
    .action(async (options: { stream?: string; publicKey: string[]; anchor?: string }) => {
      const config = loadConfig({}, process.env, { readOnly: true });
      const store = await openExistingStore(config);
      try {
        const given = options.publicKey.length > 0;
        const publicKeys = given
          ? options.publicKey.map((file) => parsePublicKey(readFileSync(file, 'utf8'), file))
          : defaultPublicKeys(config.dataDir, config.evidenceTrustedPublicKeys);
        const anchor =
          options.anchor === undefined
            ? config.integrityAnchor
            : parseCheckpointAnchor(options.anchor, '--anchor');
        // One stream, as the API checks a case; the last checkpoint's signature with the keys given.
        if (options.stream !== undefined) {
          const heads = new RecordedHeads(store, given ? publicKeys : [], anchor);
          const result = await verifyStream(store, options.stream, heads);
          // Nothing to check and no checkpoint that knew it: a mistyped id must not pass for intact.
          if (result.valid && result.checkedEvents === 0) {
            process.stdout.write(`FAILED: no stream ${options.stream} in the log (is the id right?)\n`);
            process.exitCode = 1;
          } else report(result);
        } else {
          const log = await verifyAll(store, { publicKeys, requireSignature: given, anchor });
          report(log);
          process.stdout.write(`${describeCheckpoint(log.lastCheckpoint, given)}\n`);
        }
      } finally {
        await store.close();
      }
    });
}

/** The keys checkpoints and packs may be signed with when none is named: DATA_DIR's own, and those
 * it trusts (EVIDENCE_TRUSTED_PUBLIC_KEYS). */
export function defaultPublicKeys(dataDir: string, trusted: readonly KeyObject[]): KeyObject[] {
  const ownKey = join(dataDir, PUBLIC_KEY_FILE);
  return [...(existsSync(ownKey) ? [parsePublicKey(readFileSync(ownKey, 'utf8'), ownKey)] : []), ...trusted];
}

/** Names every break, then the verdict; a break makes the command exit 1. */
function report(result: VerificationResult): void {
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
}

/** The digest to keep outside the database: a later `verify` that prints the same one for that
 * checkpoint shows the log still holds every head recorded up to it. */
function describeCheckpoint(checkpoint: RecordedCheckpoint | null, keysGiven: boolean): string {
  if (checkpoint === null) return 'No checkpoint recorded yet';
  const { revision, checkpointedAt, position, digest, signedBy, signatureChecked } = checkpoint;
  const signed =
    signedBy === null
      ? 'not signed'
      : signatureChecked
        ? `signed by key ${signedBy}`
        : keysGiven
          ? `signed by key ${signedBy}, which is not among the public keys given`
          : `signed by key ${signedBy}, not checked (neither DATA_DIR's key nor a trusted one: pass --public-key)`;
  return `Last checkpoint: revision ${revision} (${checkpointedAt}, log position ${position}), digest ${digest}, ${signed}`;
}

/** The configured store, never a new empty one (verifying a mistyped DATA_DIR must not pass),
 * opened for reading only, once it has answered (a silent EventStoreDB is given up on, as the
 * service does). */
export function openExistingStore(config: AppConfig): Promise<EventStore> {
  if (config.eventStore === 'eventstoredb') {
    return openEventStore({ kind: 'eventstoredb', connectionString: config.eventStoreConnectionString! });
  }
  const file = sqliteStoreFile(config);
  if (!existsSync(file)) throw new Error(`no event store at ${file} (check DATA_DIR)`);
  return openEventStore({ kind: 'sqlite', file, readonly: true });
}
