import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { openToken, sealToken, TOKEN_IV_BYTES } from './sealed-token';

/** Room for the longest position a store gives (EventStoreDB's two 64-bit numbers as text). */
const PADDED_BYTES = 48;
/** A state's digest after a position (sealWithState): 9 bytes, as base64url. */
const STATE_DIGEST_BYTES = 9;
const WITH_STATE = /^([A-Za-z0-9_-]+)\.[A-Za-z0-9_-]{12}$/;

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
  private readonly stateKey: Buffer;

  constructor(masterKey: Buffer) {
    const derive = (info: string): Buffer =>
      Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), info, 32));
    this.key = derive('trust-ledger/log-position/v1');
    this.ivKey = derive('trust-ledger/log-position-iv/v1');
    this.stateKey = derive('trust-ledger/log-position-state/v1');
  }

  seal(position: string): string {
    const clear = this.padded(position);
    return sealToken(this.key, this.ivOf(clear), clear);
  }

  /**
   * The position sealed, then a dot and a keyed digest of `state`, what was read at it: one position
   * can stand for more than one state when time alone changes what is read there (the public
   * statistics stream's messages: a notice deadline passing, a new quarter), and the digest tells
   * those apart. The same position and state always read the same.
   */
  sealWithState(position: string, state: string): string {
    const digest = createHmac('sha256', this.stateKey).update(state, 'utf8').digest();
    return `${this.seal(position)}.${digest.subarray(0, STATE_DIGEST_BYTES).toString('base64url')}`;
  }

  /** The position of what `seal` or `sealWithState` made (its digest unchecked: the state is not
   * known here), or null for anything else. */
  openWithState(sealed: string): string | null {
    return this.open(WITH_STATE.exec(sealed)?.[1] ?? sealed);
  }

  /** The position, or null for anything this service did not seal. */
  open(sealed: string): string | null {
    const opened = openToken(this.key, sealed, PADDED_BYTES);
    // Only the one sealing of each position opens: nothing else can stand for it.
    if (opened === null || !timingSafeEqual(opened.iv, this.ivOf(opened.clear))) return null;
    const end = opened.clear.indexOf(0);
    return opened.clear.subarray(0, end < 0 ? opened.clear.length : end).toString('utf8');
  }

  private padded(position: string): Buffer {
    const text = Buffer.from(position, 'utf8');
    if (text.length > PADDED_BYTES || text.includes(0)) throw new Error(`not a log position: ${position}`);
    return Buffer.concat([text, Buffer.alloc(PADDED_BYTES - text.length)]);
  }

  private ivOf(clear: Buffer): Buffer {
    return createHmac('sha256', this.ivKey).update(clear).digest().subarray(0, TOKEN_IV_BYTES);
  }
}
