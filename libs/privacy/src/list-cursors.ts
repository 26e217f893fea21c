import { hkdfSync, randomBytes } from 'node:crypto';
import { openToken, sealToken, TOKEN_IV_BYTES } from './sealed-token';

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
    return sealToken(this.key, randomBytes(TOKEN_IV_BYTES), clear, list);
  }

  /** The row number, or null for anything this service did not seal for `list`. */
  open(list: string, cursor: string): number | null {
    const opened = openToken(this.key, cursor, ROW_BYTES, list);
    if (opened === null) return null;
    const row = Number(opened.clear.readBigUInt64BE());
    return Number.isSafeInteger(row) ? row : null;
  }
}
