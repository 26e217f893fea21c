import { RequestHasher } from '@trust-ledger/privacy';
import { createHash, randomBytes } from 'node:crypto';

describe('RequestHasher', () => {
  const body = 'POST\n/api/v1/cases\n{"subject":{"dateOfBirth":"1990-01-01","fullName":"Ana Example"}}';

  it('gives the same fingerprint for the same request under the same master key', () => {
    const masterKey = randomBytes(32);
    expect(new RequestHasher(masterKey).digest(body)).toBe(new RequestHasher(masterKey).digest(body));
    expect(new RequestHasher(masterKey).digest(body)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('cannot be reproduced from a guessed body without the master key', () => {
    const fingerprint = new RequestHasher(randomBytes(32)).digest(body);
    expect(fingerprint).not.toBe(createHash('sha256').update(body).digest('hex'));
    expect(fingerprint).not.toBe(new RequestHasher(randomBytes(32)).digest(body));
  });
});
