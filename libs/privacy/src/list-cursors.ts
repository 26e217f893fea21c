import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const ROW_BYTES = 8;

/**
 * Opaque cursors for the lists an officer sees only their own agency's part of. A page stops at a
 * row number, and those number every agency's rows together: in clear, the gap between two of an
 * officer's own cursors would count the other agencies' cases or violations in between. Sealed
 * (AES-256-GCM under a key derived from the master key, so that every instance opens what another
 * sealed), a cursor tells nothing, not even its number's size, and cannot be made up.
 */
export class ListCursors {
  private readonly key: Buffer;

  constructor(masterKey: Buffer) {
    this.key = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'trust-ledger/list-cursor/v1', 32));
  }

  /** `list` names the list, so that one list's cursor is refused by another. */
  seal(list: string, row: number): string {
    const clear = Buffer.alloc(ROW_BYTES);
    clear.writeBigUInt64BE(BigInt(row));
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(list, 'utf8'));
    const ct = Buffer.concat([cipher.update(clear), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64url');
  }

  /** The row number, or null for anything this service did not seal for `list`. */
  open(list: string, cursor: string): number | null {
    const bytes = Buffer.from(cursor, 'base64url');
    if (bytes.length !== IV_BYTES + TAG_BYTES + ROW_BYTES || bytes.toString('base64url') !== cursor)
      return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(list, 'utf8'));
      decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      const clear = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
      const row = Number(clear.readBigUInt64BE());
      return Number.isSafeInteger(row) ? row : null;
    } catch {
      return null;
    }
  }
}
