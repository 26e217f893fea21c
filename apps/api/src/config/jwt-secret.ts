import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The embedded set-up's HS256 secret: generated once into DATA_DIR/jwt-secret (owner-only) and
 * reused, so tokens minted by the CLI stay valid across restarts. Written to a private temporary
 * file and then hard-linked into place, so concurrent first starts (API and CLI) agree on one
 * secret and nobody ever reads a half-written file.
 */
export function loadOrCreateJwtSecret(dataDir: string): string {
  const file = join(dataDir, 'jwt-secret');
  // An existing secret is only read, so that a read-only copy of DATA_DIR (an auditor's) serves.
  if (!existsSync(file)) {
    const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(temporary, randomBytes(48).toString('base64url'), { flag: 'wx', mode: 0o600 });
    try {
      linkSync(temporary, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      unlinkSync(temporary);
    }
  }
  const secret = readFileSync(file, 'utf8').trim();
  if (secret.length < 32) throw new Error(`${file} holds a secret shorter than 32 characters`);
  return secret;
}
