import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { PUBLIC_KEY_FILE, parsePublicKey, signingKeyId, verifyEvidenceFile } from '@trust-ledger/integrity';
import { readableFile } from '../readable-file';

/** `verify-evidence <file> [--public-key <pem>]`: checks an evidence pack offline; exits 1 on any change. */
export function registerVerifyEvidenceCommand(program: Command): void {
  program
    .command('verify-evidence')
    .description("check an evidence pack's signature and hash chains offline; exit 1 if any byte was changed")
    .argument('<file>', 'the evidence pack, exactly as served by GET /cases/{caseId}/evidence')
    .option('--public-key <pem file>', `the signing public key (default: DATA_DIR/${PUBLIC_KEY_FILE})`)
    .action((file: string, options: { publicKey?: string }) => {
      // DATA_DIR resolved as the API does, without the rest of its configuration: this command must
      // run on counsel's machine, where nothing else of the installation exists.
      const keyFile =
        options.publicKey ?? join(resolve(process.env.DATA_DIR?.trim() || './data'), PUBLIC_KEY_FILE);
      if (options.publicKey === undefined && !existsSync(keyFile)) {
        throw new Error(
          `no public key at ${keyFile}: pass --public-key with the signer's ${PUBLIC_KEY_FILE} (or set DATA_DIR)`,
        );
      }
      const publicKey = parsePublicKey(readFileSync(readableFile(keyFile, '--public-key'), 'utf8'), keyFile);
      const result = verifyEvidenceFile(readFileSync(readableFile(file, 'the pack')), publicKey);
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
