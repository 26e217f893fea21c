import { readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { PUBLIC_KEY_FILE, parsePublicKey, signingKeyId, verifyEvidenceFile } from '@trust-ledger/integrity';
import { trustedPublicKeysIn } from '../../../api/src/config/app-config';
import { readableFile } from '../readable-file';
import { defaultPublicKeys } from './verify.command';

/** `verify-evidence <file> [--public-key <pem>]`: checks an evidence pack offline; exits 1 on any change. */
export function registerVerifyEvidenceCommand(program: Command): void {
  program
    .command('verify-evidence')
    .description("check an evidence pack's signature and hash chains offline; exit 1 if any byte was changed")
    .argument('<file>', 'the evidence pack, exactly as served by GET /cases/{caseId}/evidence')
    .option(
      '--public-key <pem file>',
      `the signing public key (default: of DATA_DIR/${PUBLIC_KEY_FILE} and EVIDENCE_TRUSTED_PUBLIC_KEYS, the one the pack names)`,
    )
    .action((file: string, options: { publicKey?: string }) => {
      const pack = readFileSync(readableFile(file, 'the pack'));
      const publicKey =
        options.publicKey === undefined
          ? installedKeyFor(pack)
          : parsePublicKey(
              readFileSync(readableFile(options.publicKey, '--public-key'), 'utf8'),
              options.publicKey,
            );
      const result = verifyEvidenceFile(pack, publicKey);
      if (result.valid) {
        process.stdout.write(
          `OK: ${file} is signed by key ${signingKeyId(publicKey)} and its ${result.checkedEvents} events form intact hash chains\n`,
        );
        return;
      }
      process.stdout.write(
        `FAILED: ${file} cannot be trusted:\n${result.problems.map((p) => `  - ${p}\n`).join('')}`,
      );
      process.exitCode = 1;
    });
}

/**
 * The installation's key that signed `pack`: its own (DATA_DIR) or one it signed with before the
 * signing key was changed (EVIDENCE_TRUSTED_PUBLIC_KEYS), as the API trusts them; the pack names
 * its key by id. DATA_DIR and that variable are read as the API reads them, without the rest of its
 * configuration: this command must run on counsel's machine, where nothing else of it exists.
 */
function installedKeyFor(pack: Buffer): KeyObject {
  const dataDir = resolve(process.env.DATA_DIR?.trim() || './data');
  const keys = defaultPublicKeys(dataDir, trustedPublicKeysIn(process.env));
  if (keys.length === 0) {
    throw new Error(
      `no public key at ${join(dataDir, PUBLIC_KEY_FILE)}: pass --public-key with the signer's ${PUBLIC_KEY_FILE} (or set DATA_DIR)`,
    );
  }
  // A pack that names no key, or one not installed here, fails against the installation's own.
  return keys.find((key) => signingKeyId(key) === keyIdOf(pack)) ?? keys[0];
}

function keyIdOf(pack: Buffer): string | undefined {
  try {
    const { signature } = JSON.parse(pack.toString('utf8')) as { signature?: { keyId?: unknown } };
    return typeof signature?.keyId === 'string' ? signature.keyId : undefined;
  } catch {
    return undefined; // Not JSON: verifyEvidenceFile says so.
  }
}
