import { closeSync, openSync } from 'node:fs';

/**
 * The files of DATA_DIR that only the service may read (the log, read models, keys, secrets) are
 * owner-only from the start, whatever the process umask. The secrets generated into it are written
 * by the privacy lib's readOrCreatePrivateFile.
 */

/** Creates `file` empty and owner-only unless it exists; SQLite gives a database's WAL its mode. */
export function ensurePrivateFile(file: string): void {
  closeSync(openSync(file, 'a', 0o600));
}
