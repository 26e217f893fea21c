import { readOrCreatePrivateFile } from '@trust-ledger/privacy';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

export const JWT_SECRET_FILE = 'jwt-secret';

/**
 * The embedded set-up's HS256 secret: generated once into DATA_DIR/jwt-secret (owner-only) and
 * reused, so tokens minted by the CLI stay valid across restarts.
 */
export function loadOrCreateJwtSecret(dataDir: string): string {
  const file = join(dataDir, JWT_SECRET_FILE);
  const secret = readOrCreatePrivateFile(file, () => randomBytes(48).toString('base64url')).trim();
  if (secret.length < 32) throw new Error(`${file} holds a secret shorter than 32 characters`);
  return secret;
}
