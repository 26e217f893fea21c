import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteKeyStore, keyStoreFile } from './key-store';
import { readOrCreatePrivateFile } from './private-file';

/**
 * Wraps and unwraps data keys with a master key the application never stores beside them, in the
 * manner of a KMS: a cloud KMS or an HSM can stand in for the local implementation.
 */
export interface KeyProvider {
  /** The data key encrypted under the master key, bound to `keyId`. */
  wrap(keyId: string, dataKey: Buffer): Promise<Buffer>;
  /** Throws when the wrapped key was altered, belongs to another key id, or another master key. */
  unwrap(keyId: string, wrapped: Buffer): Promise<Buffer>;
}

export const KEY_PROVIDER = Symbol('KEY_PROVIDER');

export const MASTER_KEY_FILE = 'master.key';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

const wrapAad = (keyId: string): Buffer => Buffer.from(`trust-ledger/data-key/v1:${keyId}`, 'utf8');

/** AES-256-GCM key wrapping under a local master key. Wrapped form: IV (12) ‖ tag (16) ‖ ciphertext. */
export class LocalKeyProvider implements KeyProvider {
  private readonly masterKey: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== KEY_BYTES) throw new Error(`the master key must be ${KEY_BYTES} bytes`);
    this.masterKey = Buffer.from(masterKey);
  }

  wrap(keyId: string, dataKey: Buffer): Promise<Buffer> {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.masterKey, iv);
    cipher.setAAD(wrapAad(keyId));
    const ct = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    return Promise.resolve(Buffer.concat([iv, cipher.getAuthTag(), ct]));
  }

  unwrap(keyId: string, wrapped: Buffer): Promise<Buffer> {
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.masterKey, wrapped.subarray(0, IV_BYTES));
      decipher.setAAD(wrapAad(keyId));
      decipher.setAuthTag(wrapped.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Promise.resolve(
        Buffer.concat([decipher.update(wrapped.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]),
      );
    } catch {
      return Promise.reject(
        new Error(`data key ${keyId} cannot be unwrapped: wrong master key, or the key store was altered`),
      );
    }
  }
}

/**
 * The master key: `MASTER_KEY` (base64 of 32 bytes) when configured, otherwise DATA_DIR/master.key,
 * generated on first start (owner-only). Whoever holds this key and keys.db can read all personal
 * data, so production should configure it from a secret store rather than keep it in DATA_DIR.
 */
export function loadMasterKey(dataDir: string, configured?: string): Buffer {
  if (configured !== undefined) return decodeMasterKey(configured, 'MASTER_KEY');
  const file = join(dataDir, MASTER_KEY_FILE);
  if (!existsSync(file) && SqliteKeyStore.holdsKeys(keyStoreFile(dataDir))) {
    // A new master key could unwrap none of them, and data sealed from now on would need another.
    throw new Error(
      `${file} is missing but ${keyStoreFile(dataDir)} holds data keys: restore it or set MASTER_KEY`,
    );
  }
  const text = readOrCreatePrivateFile(file, () => `${randomBytes(KEY_BYTES).toString('base64')}\n`);
  return decodeMasterKey(text, file);
}

/** The master key from its base64 text; the error names `source` (a setting or file), never the key. */
export function decodeMasterKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  const key = Buffer.from(trimmed, 'base64');
  if (key.length !== KEY_BYTES || key.toString('base64') !== trimmed) {
    throw new Error(`${source} must be the base64 encoding of exactly ${KEY_BYTES} bytes`);
  }
  return key;
}
