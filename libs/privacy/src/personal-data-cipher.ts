import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { JsonValue } from '@trust-ledger/event-store';
import type { KeyProvider } from './key-provider';
import type { SqliteKeyStore } from './key-store';

const FINGERPRINT_INFO = 'trust-ledger/request-fingerprint/v1';

/** What an erased leaf reads as (API.md). */
export const ERASED_TEXT = '[erased]';

/**
 * A sealed personal value, stored in place of the clear one. `shape` is the value with every leaf
 * replaced by "[erased]": what reads show once the key is destroyed. It keeps the field names (so
 * e.g. that an A-number was recorded stays visible), never a value.
 */
export type SealedValue = {
  $sealed: 1;
  keyId: string;
  /** base64 of the 96-bit IV, the 128-bit GCM tag and the ciphertext. */
  iv: string;
  tag: string;
  ct: string;
  shape: JsonValue;
};

/** `open`'s answer when the value's key was destroyed. */
export const ERASED: unique symbol = Symbol('erased');

export class ErasedKeyError extends Error {
  override readonly name = 'ErasedKeyError';
  constructor(readonly keyId: string) {
    super(`personal data under ${keyId} was erased; its key is never issued again`);
  }
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

export function isSealed(value: unknown): value is SealedValue {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return (
    v.$sealed === 1 &&
    typeof v.keyId === 'string' &&
    typeof v.iv === 'string' &&
    typeof v.tag === 'string' &&
    typeof v.ct === 'string' &&
    'shape' in v
  );
}

/** The value with every leaf (string, number, boolean) replaced by "[erased]"; nulls stay null. */
export function erasedShape(value: JsonValue): JsonValue {
  if (value === null) return null;
  if (Array.isArray(value)) return value.map(erasedShape);
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, erasedShape(inner)]));
  }
  return ERASED_TEXT;
}

function canonical(value: JsonValue): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('value has no JSON representation');
  return text;
}

/**
 * GCM's ciphertext is as long as its text, so a value's length would show through: a language tag
 * of three letters rather than two says much in a small place. Trailing spaces, which JSON.parse
 * skips (so values sealed before padding still open), fill the text to a multiple of PAD_BYTES.
 */
const PAD_BYTES = 64;
function padded(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const length = Math.max(1, Math.ceil(bytes.length / PAD_BYTES)) * PAD_BYTES;
  return Buffer.concat([bytes, Buffer.alloc(length - bytes.length, ' ')]);
}

/** Binds the ciphertext to its key id and shape: neither can be swapped without `open` failing. */
const aad = (keyId: string, shape: JsonValue): Buffer =>
  Buffer.from(canonical({ v: 1, keyId, shape }), 'utf8');

/**
 * AES-256-GCM under one data key per person (`keyId`), created on first use and stored only wrapped
 * by the KeyProvider. Keys are never cached, so an erasure takes effect for every later read at once.
 */
export class PersonalDataCipher {
  constructor(
    private readonly keys: SqliteKeyStore,
    private readonly provider: KeyProvider,
  ) {}

  /**
   * A cipher over `keys`, once the provider has unwrapped one of them: a wrong master key would
   * otherwise be found only at the first read (a 500), and every key created under it meanwhile
   * would be sealed under a key nobody kept.
   */
  static async opened(keys: SqliteKeyStore, provider: KeyProvider): Promise<PersonalDataCipher> {
    const some = keys.anyKey();
    if (some !== undefined) {
      try {
        await provider.unwrap(some.keyId, some.wrapped);
      } catch {
        throw new Error(
          'The master key cannot unwrap the data keys in keys.db: MASTER_KEY (or DATA_DIR/master.key) is not the one they were sealed under',
        );
      }
    }
    return new PersonalDataCipher(keys, provider);
  }

  async seal(keyId: string, value: JsonValue): Promise<SealedValue> {
    const key = await this.dataKey(keyId);
    const shape = erasedShape(value);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(aad(keyId, shape));
    const ct = Buffer.concat([cipher.update(padded(canonical(value))), cipher.final()]);
    return {
      $sealed: 1,
      keyId,
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      ct: ct.toString('base64'),
      shape,
    };
  }

  /** The clear value, or ERASED once its key is destroyed. Throws on a value that was altered and on
   * a key that is missing without having been destroyed (a lost or wrong key store is not an
   * erasure and must not pass for one). */
  async open(sealed: SealedValue): Promise<JsonValue | typeof ERASED> {
    const stored = this.keys.get(sealed.keyId);
    if (stored === 'destroyed') return ERASED;
    if (stored === undefined) {
      throw new Error(`no data key ${sealed.keyId} in the key store (lost keys.db or wrong DATA_DIR?)`);
    }
    const key = await this.provider.unwrap(sealed.keyId, stored);
    const iv = Buffer.from(sealed.iv, 'base64');
    const tag = Buffer.from(sealed.tag, 'base64');
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES)
      throw new Error(`sealed value under ${sealed.keyId} is malformed`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAAD(aad(sealed.keyId, sealed.shape));
      decipher.setAuthTag(tag);
      const clear = Buffer.concat([decipher.update(Buffer.from(sealed.ct, 'base64')), decipher.final()]);
      return JSON.parse(clear.toString('utf8')) as JsonValue;
    } catch {
      throw new Error(`sealed value under ${sealed.keyId} fails authentication: it was altered`);
    }
  }

  /** The clear value, or the value's erased shape once its key is destroyed. */
  async reveal(sealed: SealedValue): Promise<JsonValue> {
    const value = await this.open(sealed);
    return value === ERASED ? sealed.shape : value;
  }

  /**
   * An HMAC of `value` under a key derived from the person's data key, so that it cannot be
   * recomputed once the person is erased. The key is created on first use, like `seal`'s, only when
   * `create`; otherwise a missing key gives undefined.
   */
  async fingerprint(
    keyId: string,
    value: string,
    { create }: { create: boolean },
  ): Promise<string | undefined> {
    if (!create && this.keys.get(keyId) === undefined) return undefined;
    const key = hkdfSync('sha256', await this.dataKey(keyId), Buffer.alloc(0), FINGERPRINT_INFO, 32);
    return createHmac('sha256', Buffer.from(key)).update(value, 'utf8').digest('hex');
  }

  erased(keyId: string): boolean {
    return this.keys.get(keyId) === 'destroyed';
  }

  /** Destroys the key: every value sealed under it reads as erased from now on. Idempotent. */
  erase(keyId: string): void {
    this.keys.destroy(keyId);
  }

  private async dataKey(keyId: string): Promise<Buffer> {
    const existing = this.keys.get(keyId);
    if (existing === 'destroyed') throw new ErasedKeyError(keyId);
    if (existing !== undefined) return this.provider.unwrap(keyId, existing);
    const fresh = randomBytes(32);
    const wrapped = await this.provider.wrap(keyId, fresh);
    const stored = this.keys.putIfAbsent(keyId, wrapped);
    if (stored === 'destroyed') throw new ErasedKeyError(keyId);
    // Another writer may have created the key first: everyone uses the stored one.
    return stored.equals(wrapped) ? fresh : this.provider.unwrap(keyId, stored);
  }
}
