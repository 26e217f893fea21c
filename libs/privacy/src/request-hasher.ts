import { createHmac, hkdfSync } from 'node:crypto';
import { ErasedKeyError, type PersonalDataCipher } from './personal-data-cipher';

/**
 * Keyed fingerprints of command requests, for idempotency. A plain hash of a body that names a
 * person would let anyone holding the log (or api.db) confirm a guessed name and date of birth; a
 * keyed hash cannot be tested without its key. A request that carries a person's data is keyed by
 * that person's data key as well, so that the erasure takes the key with it: after it, not even
 * the master key can test a guess.
 */
export class RequestHasher {
  private readonly key: Buffer;

  constructor(
    masterKey: Buffer,
    private readonly cipher: PersonalDataCipher,
  ) {
    this.key = Buffer.from(
      hkdfSync('sha256', masterKey, Buffer.alloc(0), 'trust-ledger/request-hash/v1', 32),
    );
  }

  /** `personKeyId`: whose data the request carries (a case's subject, a certification's victim). */
  async digest(value: string, personKeyId?: string): Promise<string> {
    const keyed = createHmac('sha256', this.key).update(value, 'utf8').digest('hex');
    if (personKeyId === undefined) return keyed;
    try {
      return await this.cipher.fingerprint(personKeyId, keyed);
    } catch (error) {
      // The person was erased, so their record exists and the request can only be refused: a
      // fingerprint it never matches serves, and no new key is minted for them.
      if (error instanceof ErasedKeyError) return keyed;
      throw error;
    }
  }
}
