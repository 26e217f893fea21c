import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadOrCreateJwtSecret } from './jwt-secret';

describe('loadOrCreateJwtSecret', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trust-ledger-jwt-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the secret once, then only reads it, writing nothing in DATA_DIR', async () => {
    const secret = loadOrCreateJwtSecret(dir);
    expect(readFileSync(join(dir, 'jwt-secret'), 'utf8')).toBe(secret);
    expect(statSync(join(dir, 'jwt-secret')).mode & 0o777).toBe(0o600);
    const before = statSync(dir).mtimeMs;
    await sleep(20);
    // A file created and removed again would move the directory's mtime: a read-only copy refuses it.
    expect(loadOrCreateJwtSecret(dir)).toBe(secret);
    expect(statSync(dir).mtimeMs).toBe(before);
  });
});
