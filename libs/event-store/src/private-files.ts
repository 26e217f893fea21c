import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, linkSync, openSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';

/**
 * The files of DATA_DIR that only the service may read (the log, read models, keys, secrets) are
 * owner-only from the start, whatever the process umask.
 */

/** Creates `file` empty and owner-only unless it exists; SQLite gives a database's WAL its mode. */
export function ensurePrivateFile(file: string): void {
  closeSync(openSync(file, 'a', 0o600));
}

/**
 * The contents of `file`, which `create` makes once, owner-only, when it does not exist yet. An
 * existing file is only read, so that a read-only copy of DATA_DIR (an auditor's) serves. Written
 * to a private temporary file hard-linked into place, so that concurrent first starts (API and
 * CLI) agree on one value and nobody reads a half-written file.
 */
export function readOrCreatePrivateFile(file: string, create: () => string): string {
  if (!existsSync(file)) {
    const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(temporary, create(), { flag: 'wx', mode: 0o600 });
    try {
      linkSync(temporary, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      unlinkSync(temporary);
    }
  }
  return readFileSync(file, 'utf8');
}
