import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';

/**
 * The secrets generated into DATA_DIR (the master key, the evidence signing key, the JWT secret):
 * the contents of `file`, which `create` makes once, owner-only, when it does not exist yet. An
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
