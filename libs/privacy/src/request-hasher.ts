import { createHmac, hkdfSync } from 'node:crypto';

/**
 * Keyed fingerprints of command requests, for idempotency. A plain hash of a body that names a
 * person would let anyone holding the log (or api.db) confirm a guessed name and date of birth even
 * after the person's data was erased; a keyed hash cannot be tested without the master key.
 */
export class RequestHasher {
  private readonly key: Buffer;

  constructor(masterKey: Buffer) {
    this.key = Buffer.from(
      hkdfSync('sha256', masterKey, Buffer.alloc(0), 'trust-ledger/request-hash/v1', 32),
    );
  }

  digest(value: string): string {
    return createHmac('sha256', this.key).update(value, 'utf8').digest('hex');
  }
}
