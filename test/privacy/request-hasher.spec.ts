import {
  LocalKeyProvider,
  PersonalDataCipher,
  RequestHasher,
  SqliteKeyStore,
  keyStoreFile,
  subjectKeyId,
} from '@trust-ledger/privacy';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('RequestHasher', () => {
  const body = 'POST\n/api/v1/cases\n{"subject":{"dateOfBirth":"1990-01-01","fullName":"Ana Example"}}';
  const personKeyId = subjectKeyId('2f1c8a4e-8d6b-4c1e-9a51-0c1d2e3f4a5b');
  const person = { keyId: personKeyId, create: true };

  let dir: string;
  let keys: SqliteKeyStore;
  let masterKey: Buffer;
  let cipher: PersonalDataCipher;
  const hasher = (key = masterKey): RequestHasher => new RequestHasher(key, cipher);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'request-hasher-'));
    keys = new SqliteKeyStore(keyStoreFile(dir));
    masterKey = randomBytes(32);
    cipher = new PersonalDataCipher(keys, new LocalKeyProvider(masterKey));
  });

  afterEach(() => {
    keys.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives the same fingerprint for the same request under the same master key', async () => {
    expect(await hasher().digest(body)).toBe(await hasher().digest(body));
    expect(await hasher().digest(body)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('cannot be reproduced from a guessed body without the master key', async () => {
    const fingerprint = await hasher().digest(body);
    expect(fingerprint).not.toBe(createHash('sha256').update(body).digest('hex'));
    expect(fingerprint).not.toBe(await hasher(randomBytes(32)).digest(body));
  });

  it('keys a request carrying a person’s data by that person’s key too, so that it goes with the erasure', async () => {
    const fingerprint = await hasher().digest(body, person);
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
    // Retries recognise it while the person's key lives.
    expect(await hasher().digest(body, person)).toBe(fingerprint);
    // The master key alone does not reproduce it, nor does another person's key.
    expect(fingerprint).not.toBe(await hasher().digest(body));
    expect(fingerprint).not.toBe(
      await hasher().digest(body, { keyId: subjectKeyId('another'), create: true }),
    );

    cipher.erase(personKeyId);
    // Whoever holds the master key and the data can no longer test a guess against it, and no new
    // key is minted for the erased person.
    expect(await hasher().digest(body, person)).not.toBe(fingerprint);
    expect(keys.get(personKeyId)).toBe('destroyed');
  });

  it('gives a request on an erased person a fingerprint nobody can recompute, not even with the master key', async () => {
    // A notice recorded after the erasure: its language must not be testable against it.
    cipher.erase(personKeyId);
    const after = await hasher().digest(body, { keyId: personKeyId, create: false });
    expect(after).toMatch(/^[0-9a-f]{64}$/);
    expect(after).not.toBe(await hasher().digest(body));
    expect(after).not.toBe(await hasher().digest(body, { keyId: personKeyId, create: false }));
    expect(keys.get(personKeyId)).toBe('destroyed');
  });

  it('mints no key for a request that does not create the person’s record', async () => {
    // A notice on a case that does not exist: it will be refused, and must leave no key behind.
    const unminted = { keyId: subjectKeyId('no-such-case'), create: false };
    expect(await hasher().digest(body, unminted)).toBe(await hasher().digest(body));
    expect(keys.get(unminted.keyId)).toBeUndefined();
    // Once the record exists, its requests are keyed by the person's key like its creation.
    const created = await hasher().digest(body, person);
    expect(await hasher().digest(body, { keyId: personKeyId, create: false })).toBe(created);
  });
});
