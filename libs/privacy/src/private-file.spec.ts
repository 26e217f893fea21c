import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOrCreatePrivateFile } from './private-file';

describe('readOrCreatePrivateFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'trust-ledger-private-file-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the file owner-only under any umask, and leaves no temporary file', () => {
    const file = join(dir, 'secret');
    const umask = process.umask(0);
    try {
      expect(readOrCreatePrivateFile(file, () => 'first')).toBe('first');
    } finally {
      process.umask(umask);
    }
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['secret']);
  });

  it('answers the value of a process that created the file first, so concurrent first starts agree', () => {
    const file = join(dir, 'secret');
    // The other process links its file into place while this one is writing its own.
    const value = readOrCreatePrivateFile(file, () => {
      writeFileSync(file, 'theirs', { mode: 0o600 });
      return 'ours';
    });
    expect(value).toBe('theirs');
    expect(readOrCreatePrivateFile(file, () => 'never')).toBe('theirs');
    expect(readdirSync(dir)).toEqual(['secret']);
  });
});
