import { createCipheriv, createDecipheriv, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Room for the longest position a store gives (EventStoreDB's two 64-bit numbers as text). */
const PADDED_BYTES = 48;
const SEALED_BYTES = IV_BYTES + TAG_BYTES + PADDED_BYTES;

/**
 * Log positions as API.md gives them: opaque strings. In clear, a position counts every event of
 * the log, so the gap between two of an officer's own writes told how much every other agency
 * recorded in between, and the public statistics stream's ids told anyone how busy the log was.
 * Sealed (AES-256-GCM under a key derived from the master key, so that every instance opens what
 * another sealed, padded to one length), a position tells nothing and cannot be made up. The IV is
 * derived from the position, so one position always reads the same: a retried command's answer and
 * a resumed stream's ids do not change.
 */
export class OpaquePositions {
  private readonly key: Buffer;
  private readonly ivKey: Buffer;

  constructor(masterKey: Buffer) {
    const derive = (info: string): Buffer =>
      Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), info, 32));
    this.key = derive('trust-ledger/log-position/v1');
    this.ivKey = derive('trust-ledger/log-position-iv/v1');
  }

  seal(position: string): string {
    const clear = this.padded(position);
    const iv = this.ivOf(clear);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ct = Buffer.concat([cipher.update(clear), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64url');
  }

  /** The position, or null for anything this service did not seal. */
  open(sealed: string): string | null {
    const bytes = Buffer.from(sealed, 'base64url');
    if (bytes.length !== SEALED_BYTES || bytes.toString('base64url') !== sealed) return null;
    const iv = bytes.subarray(0, IV_BYTES);
    let clear: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
      decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      clear = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
    } catch {
      return null;
    }
    // Only the one sealing of each position opens: nothing else can stand for it.
    if (!timingSafeEqual(iv, this.ivOf(clear))) return null;
    const end = clear.indexOf(0);
    return clear.subarray(0, end < 0 ? clear.length : end).toString('utf8');
  }

  private padded(position: string): Buffer {
    const text = Buffer.from(position, 'utf8');
    if (text.length > PADDED_BYTES || text.includes(0)) throw new Error(`not a log position: ${position}`);
    return Buffer.concat([text, Buffer.alloc(PADDED_BYTES - text.length)]);
  }

  private ivOf(clear: Buffer): Buffer {
    return createHmac('sha256', this.ivKey).update(clear).digest().subarray(0, IV_BYTES);
  }
}
