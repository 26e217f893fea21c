import { createCipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Subject } from '@trust-ledger/domain';
import {
  ERASED,
  ErasedKeyError,
  LocalKeyProvider,
  MASTER_KEY_FILE,
  PersonalDataCipher,
  SqliteKeyStore,
  keyStoreFile,
  loadMasterKey,
  type SealedValue,
} from '@trust-ledger/privacy';

const subject: Subject = {
  fullName: 'María José Castillo Herrera',
  dateOfBirth: '1987-11-02',
  aNumber: 'A-204-918-377',
  preferredLanguage: 'es-MX',
  attorney: { name: 'Dana Whitfield', phone: '+1 215 555 0142', email: 'dana@legal-aid.example' },
  designee: { name: 'Luis Castillo' },
};

let dir: string;
let keys: SqliteKeyStore;
let cipher: PersonalDataCipher;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'privacy-'));
  keys = new SqliteKeyStore(keyStoreFile(dir));
  cipher = new PersonalDataCipher(keys, new LocalKeyProvider(loadMasterKey(dir)));
});

afterEach(() => {
  keys.close();
  rmSync(dir, { recursive: true, force: true });
});

const flipFirstByte = (base64: string): string => {
  const bytes = Buffer.from(base64, 'base64');
  bytes[0] ^= 0x01;
  return bytes.toString('base64');
};

describe('PersonalDataCipher', () => {
  it('seals a value into an AES-256-GCM envelope and opens it again', async () => {
    const sealed = await cipher.seal('subject:case-1', { ...subject });
    expect(sealed).toEqual({
      $sealed: 1,
      keyId: 'subject:case-1',
      iv: expect.any(String),
      tag: expect.any(String),
      ct: expect.any(String),
      shape: expect.any(Object),
    });
    expect(Buffer.from(sealed.iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(sealed.tag, 'base64')).toHaveLength(16);
    expect(JSON.stringify(sealed)).not.toContain('Castillo');
    expect(await cipher.open(sealed)).toEqual(subject);
    expect(await cipher.reveal(sealed)).toEqual(subject);
  });

  it('uses a fresh IV for every seal and one key per person', async () => {
    const first = await cipher.seal('subject:case-1', 'same');
    const second = await cipher.seal('subject:case-1', 'same');
    expect(first.iv).not.toBe(second.iv);
    expect(first.ct).not.toBe(second.ct);
    await cipher.seal('subject:case-2', 'other');
    const one = keys.get('subject:case-1');
    const two = keys.get('subject:case-2');
    expect(Buffer.isBuffer(one) && Buffer.isBuffer(two) && !one.equals(two)).toBe(true);
  });

  it('pads what it seals, so that a ciphertext does not tell how long the value is', async () => {
    const lengths = await Promise.all(
      ['es', 'yua', 'zh-Hans-CN', 'quz-PE'].map(
        async (tag) => Buffer.from((await cipher.seal('subject:case-1', tag)).ct, 'base64').length,
      ),
    );
    expect(new Set(lengths)).toEqual(new Set([64]));
    const long = await cipher.seal('subject:case-1', { ...subject });
    expect(Buffer.from(long.ct, 'base64').length % 64).toBe(0);
    expect(await cipher.open(long)).toEqual(subject);
  });

  it('opens a value sealed before values were padded', async () => {
    // Sealed as before padding: the canonical JSON alone, under the same key, IV rules and AAD.
    const padded = await cipher.seal('subject:case-1', 'es');
    const wrapped = keys.get('subject:case-1');
    if (!Buffer.isBuffer(wrapped)) throw new Error('no key was created');
    const key = await new LocalKeyProvider(loadMasterKey(dir)).unwrap('subject:case-1', wrapped);
    const iv = randomBytes(12);
    const gcm = createCipheriv('aes-256-gcm', key, iv);
    gcm.setAAD(Buffer.from(JSON.stringify({ keyId: 'subject:case-1', shape: '[erased]', v: 1 }), 'utf8'));
    const ct = Buffer.concat([gcm.update('"es"', 'utf8'), gcm.final()]);
    const unpadded = {
      ...padded,
      iv: iv.toString('base64'),
      tag: gcm.getAuthTag().toString('base64'),
      ct: ct.toString('base64'),
    };
    expect(Buffer.from(unpadded.ct, 'base64')).toHaveLength(4);
    expect(await cipher.open(unpadded)).toBe('es');
  });

  it.each<[string, (s: SealedValue) => SealedValue]>([
    ['ciphertext', (s) => ({ ...s, ct: flipFirstByte(s.ct) })],
    ['tag', (s) => ({ ...s, tag: flipFirstByte(s.tag) })],
    ['IV', (s) => ({ ...s, iv: flipFirstByte(s.iv) })],
    ['shape (associated data)', (s) => ({ ...s, shape: { fullName: '[erased]' } })],
  ])('refuses a value whose %s was altered', async (_what, alter) => {
    const sealed = await cipher.seal('subject:case-1', { ...subject });
    await expect(cipher.open(alter(sealed))).rejects.toThrow('fails authentication: it was altered');
  });

  it("refuses a value moved under another person's key id", async () => {
    const sealed = await cipher.seal('subject:case-1', { ...subject });
    await cipher.seal('subject:case-2', 'someone else');
    await expect(cipher.open({ ...sealed, keyId: 'subject:case-2' })).rejects.toThrow('it was altered');
  });

  it('reads an erased person\'s data as "[erased]" in every field, nested ones too, keeping the shape', async () => {
    const sealed = await cipher.seal('subject:case-1', { ...subject });
    const other = await cipher.seal('subject:case-2', { fullName: 'Untouched Person' });
    cipher.erase('subject:case-1');
    cipher.erase('subject:case-1'); // idempotent
    expect(await cipher.open(sealed)).toBe(ERASED);
    expect(await cipher.reveal(sealed)).toEqual({
      fullName: '[erased]',
      dateOfBirth: '[erased]',
      aNumber: '[erased]',
      preferredLanguage: '[erased]',
      attorney: { name: '[erased]', phone: '[erased]', email: '[erased]' },
      designee: { name: '[erased]' },
    });
    expect(await cipher.open(other)).toEqual({ fullName: 'Untouched Person' });
    await expect(cipher.seal('subject:case-1', { fullName: 'New' })).rejects.toBeInstanceOf(ErasedKeyError);
  });

  it('does not pass a lost key for an erasure', async () => {
    const sealed = await cipher.seal('subject:case-1', { ...subject });
    const elsewhere = mkdtempSync(join(tmpdir(), 'privacy-other-'));
    const otherKeys = new SqliteKeyStore(keyStoreFile(elsewhere));
    try {
      const other = new PersonalDataCipher(otherKeys, new LocalKeyProvider(loadMasterKey(elsewhere)));
      await expect(other.open(sealed)).rejects.toThrow('no data key subject:case-1 in the key store');
    } finally {
      otherKeys.close();
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('cannot unwrap the data keys with another master key', async () => {
    const sealed = await cipher.seal('subject:case-1', { ...subject });
    const wrongMaster = new PersonalDataCipher(keys, new LocalKeyProvider(randomBytes(32)));
    await expect(wrongMaster.open(sealed)).rejects.toThrow('cannot be unwrapped: wrong master key');
  });
});

describe('the master key and the key store files', () => {
  it('generates the master key once into DATA_DIR, owner-only, and the key store owner-only', () => {
    const file = join(dir, MASTER_KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(keyStoreFile(dir)).mode & 0o777).toBe(0o600);
    const first = loadMasterKey(dir);
    expect(first).toHaveLength(32);
    expect(loadMasterKey(dir).equals(first)).toBe(true);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64').equals(first)).toBe(true);
  });

  it('only reads an existing master key, writing nothing in DATA_DIR (a read-only copy serves)', () => {
    const first = loadMasterKey(dir);
    // A file created and removed again would move the directory's mtime off this one, at any
    // granularity of the file system's clock.
    const past = new Date('2000-01-01T00:00:00Z');
    utimesSync(dir, past, past);
    expect(loadMasterKey(dir).equals(first)).toBe(true);
    expect(statSync(dir).mtimeMs).toBe(past.getTime());
  });

  it('refuses to generate a new master key when keys.db holds keys wrapped by a lost one', async () => {
    await cipher.seal('subject:case-1', 'x');
    rmSync(join(dir, MASTER_KEY_FILE));
    expect(() => loadMasterKey(dir)).toThrow(`${join(dir, MASTER_KEY_FILE)} is missing but`);
  });

  it('takes MASTER_KEY from configuration when given, and rejects a malformed one', () => {
    const configured = randomBytes(32);
    expect(loadMasterKey(dir, configured.toString('base64')).equals(configured)).toBe(true);
    expect(() => loadMasterKey(dir, randomBytes(16).toString('base64'))).toThrow(
      'MASTER_KEY must be the base64 encoding of exactly 32 bytes',
    );
    expect(() => loadMasterKey(dir, 'not base64!')).toThrow('MASTER_KEY must be');
  });
});
