import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateJwtSecret } from './jwt-secret';

describe('loadOrCreateJwtSecret', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trust-ledger-jwt-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the secret once, then only reads it, writing nothing in DATA_DIR', () => {
    const secret = loadOrCreateJwtSecret(dir);
    expect(readFileSync(join(dir, 'jwt-secret'), 'utf8')).toBe(secret);
    expect(statSync(join(dir, 'jwt-secret')).mode & 0o777).toBe(0o600);
    // A file created and removed again would move the directory's mtime off this one, at any
    // granularity of the file system's clock: a read-only copy refuses it.
    const past = new Date('2000-01-01T00:00:00Z');
    utimesSync(dir, past, past);
    expect(loadOrCreateJwtSecret(dir)).toBe(secret);
    expect(statSync(dir).mtimeMs).toBe(past.getTime());
  });
});
