import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { ErasedKeyError, type PersonalDataCipher } from './personal-data-cipher';

/** Whose data a request carries (a case's subject, a certification's victim), by their key's id;
 * `create` for the request that first records them, so that no other request mints a key. */
export interface PersonKey {
  keyId: string;
  create: boolean;
}

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

  /** Whether the person's key was destroyed: fingerprints keyed by it can no longer be recomputed. */
  erased(person: PersonKey): boolean {
    return this.cipher.erased(person.keyId);
  }

  async digest(value: string, person?: PersonKey): Promise<string> {
    const keyed = createHmac('sha256', this.key).update(value, 'utf8').digest('hex');
    if (person === undefined) return keyed;
    try {
      // No key yet: no such person's record, so the request can only be refused.
      return (await this.cipher.fingerprint(person.keyId, keyed, person)) ?? keyed;
    } catch (error) {
      // The person was erased. What the request carries of them (a notice's language, say) must not
      // be testable under the master key either, so its fingerprint is one nobody can recompute:
      // a retry cannot be recognised (the executor says so), and no new key is minted for them.
      if (error instanceof ErasedKeyError) return randomBytes(32).toString('hex');
      throw error;
    }
  }
}
